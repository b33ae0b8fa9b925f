#!/usr/bin/env bash
# wake-cost.sh: what telling a client "your socket is readable" costs
# nginx (HTTPS, keep-alive, closed loop) under wrk, under lab load with
# --spin 0 (its loops sleep at once) and under lab load's defaults. nginx
# (one worker) is pinned to SERVER_CPU and each generator to GEN_CPU, 32
# connections, one after the other. perf records nginx's worker for 3 s in
# the middle of each 5 s run (cpu-clock at 4 kHz: 12,000 samples are one
# CPU's 3 s); the script prints each generator's req/s (lower than without
# perf), nginx's samples and the share of them whose call chain passes
# through sock_def_readable: the epoll callback and the wake-up of a
# client that sleeps. See docs/ARCHITECTURE.md, "How fast".
#
# usage: scripts/wake-cost.sh [-g GEN_CPU] [-s SERVER_CPU]   (as root: perf)
set -euo pipefail

gen_cpu=1 srv_cpu=0 port=${PORT:-18089}
while getopts "g:s:h" opt; do
	case $opt in
	g) gen_cpu=$OPTARG ;;
	s) srv_cpu=$OPTARG ;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done
for tool in perf wrk; do
	command -v "$tool" >/dev/null || { echo "$tool not installed" >&2; exit 1; }
done
# shellcheck source=nginx-lib.sh
. "$(dirname "$0")/nginx-lib.sh"

start_nginx tls
url="https://127.0.0.1:$port/plaintext"
worker=$(pgrep -P "$nginx_pid" | head -1)

rps_of_lab() { sed -n 's/^ *"throughput_rps": *\([0-9.]*\),*$/\1/p' "$tmp/lab.json"; }
run() {
	case $1 in
	wrk) timeout 40 taskset -c "$gen_cpu" wrk -t1 -c32 -d5s "$url" | awk '/^Requests\/sec:/ {print $2}' ;;
	lab-spin0 | lab-default)
		local spin=()
		[[ $1 == lab-default ]] || spin=(--spin 0)
		timeout 40 taskset -c "$gen_cpu" "$tmp/lab" load "$url" --conns 32 --duration 5s --warmup 0s --cpu "$gen_cpu" \
			--cacert "$tmp/cert.pem" "${spin[@]}" --json "$tmp/lab.json" >/dev/null
		rps_of_lab
		;;
	esac
}

for gen in wrk lab-spin0 lab-default; do
	(sleep 1 && perf record -F 4000 -e cpu-clock -g -o "$tmp/perf.data" -p "$worker" -- sleep 3 >/dev/null 2>&1) &
	rec=$!
	rps=$(run "$gen")
	wait "$rec"
	perf script -i "$tmp/perf.data" -F ip,sym 2>/dev/null | awk -v gen="$gen" -v rps="$rps" '
		/^$/ { if (n) { total++; if (w) wake++ }; n = 0; w = 0; next }
		{ n = 1; if ($2 == "sock_def_readable") w = 1 }
		END {
			if (n) { total++; if (w) wake++ }
			printf "%-12s %8.0f req/s   nginx: %6d samples (%3.0f%% of its CPU), %5.1f%% through sock_def_readable\n",
				gen, rps, total, 100 * total / 12000, 100 * wake / total
		}'
done
