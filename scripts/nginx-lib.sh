# nginx-lib.sh: sourced by the measurement scripts, after their flags.
# It checks taskset, sets root and tmp (removed at exit, with the nginx it
# may start) and builds $tmp/lab. start_nginx starts a one-worker nginx
# serving /plaintext on 127.0.0.1:$port, pinned to $srv_cpu, with its files
# in $tmp; it sets nginx_pid.
command -v taskset >/dev/null || { echo "taskset not installed" >&2; exit 1; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
nginx_pid=
cleanup() {
	if [[ -n $nginx_pid ]]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
(cd "$root" && go build -o "$tmp/lab" ./cmd/lab)
start_nginx() {
	local nginx
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
	[[ -x $nginx ]] || { echo "nginx not installed: pass a URL" >&2; exit 1; }
	cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$port;
    location /plaintext { return 200 "Hello, World!"; }
  }
}
CONF
	taskset -c "$srv_cpu" "$nginx" -c "$tmp/nginx.conf" -p "$tmp" &
	nginx_pid=$!
	for _ in $(seq 50); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return; fi
		sleep 0.1
	done
	echo "nginx did not start: $(cat "$tmp/error.log")" >&2
	exit 1
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
