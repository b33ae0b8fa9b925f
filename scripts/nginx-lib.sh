# nginx-lib.sh: sourced by the measurement scripts, after their flags.
# interleave runs two generators' rounds side by side.
# It checks taskset, sets root and tmp (removed at exit, with the nginx it
# may start) and builds $tmp/lab. start_nginx starts a one-worker nginx
# serving /plaintext on 127.0.0.1:$port, pinned to $srv_cpu, with its files
# in $tmp; it sets nginx_pid. start_nginx tls listens with TLS instead,
# with a self-signed certificate for 127.0.0.1 made by openssl in
# $tmp/cert.pem (the CA a client trusts) and $tmp/key.pem; h2 is TLS with
# HTTP/2 (ALPN), h2c HTTP/2 in clear with prior knowledge.
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
	local nginx listen="listen 127.0.0.1:$port;"
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
	[[ -x $nginx ]] || { echo "nginx not installed: pass a URL" >&2; exit 1; }
	case ${1:-} in
	tls | h2)
		command -v openssl >/dev/null || { echo "openssl not installed: it makes the test certificate" >&2; exit 1; }
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
		local how=ssl
		[[ $1 == h2 ]] && how="ssl http2"
		listen="listen 127.0.0.1:$port $how; ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate $tmp/cert.pem; ssl_certificate_key $tmp/key.pem;"
		;;
	h2c) listen="listen 127.0.0.1:$port http2;" ;;
	esac
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
    $listen
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

# interleave A B: $rounds rounds of run_A then run_B (functions printing
# req/s), each round printed, then the medians and the ratio B/A.
interleave() {
	local a=$1 b=$2 r x y
	: >"$tmp/$a.txt"
	: >"$tmp/$b.txt"
	for r in $(seq "$rounds"); do
		x=$("run_$a")
		y=$("run_$b")
		echo "$x" >>"$tmp/$a.txt"
		echo "$y" >>"$tmp/$b.txt"
		printf 'round %d: %s %10.0f req/s   %s %10.0f req/s   ratio %.3f\n' "$r" "$a" "$x" "$b" "$y" "$(echo "$y $x" | awk '{print $1/$2}')"
	done
	x=$(median <"$tmp/$a.txt")
	y=$(median <"$tmp/$b.txt")
	printf 'median: %s %10.0f req/s   %s %10.0f req/s   ratio %s/%s %.3f\n' "$a" "$x" "$b" "$y" "$b" "$a" "$(echo "$y $x" | awk '{print $1/$2}')"
}
