#!/usr/bin/env bash
# pacer-check.sh: how precisely `lab load` keeps its open-loop schedule.
# Runs ROUNDS open-loop runs at RATE req/s over CONNS connections, the
# generator pinned to GEN_CPU and the server to SERVER_CPU, and prints each
# run's pacer lag p99 (the part of send lag the generator itself caused),
# send lag p99, and their medians. The target is pacer-lag p99 <= 50 µs at
# 20,000 req/s over 64 connections.
#
# usage: scripts/pacer-check.sh [-r RATE] [-c CONNS] [-d SECONDS] [-n ROUNDS]
#                               [-g GEN_CPU] [-s SERVER_CPU] [URL]
# Without URL it starts nginx (must be installed) on 127.0.0.1:$PORT
# (default 18088), pinned to SERVER_CPU. With URL it measures that server
# (loopback only).
set -euo pipefail

rate=20000 conns=64 dur=5 rounds=5 gen_cpu=1 srv_cpu=0 port=${PORT:-18088}
while getopts "r:c:d:n:g:s:h" opt; do
	case $opt in
	r) rate=$OPTARG ;;
	c) conns=$OPTARG ;;
	d) dur=$OPTARG ;;
	n) rounds=$OPTARG ;;
	g) gen_cpu=$OPTARG ;;
	s) srv_cpu=$OPTARG ;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
url=${1:-}

# shellcheck source=nginx-lib.sh
. "$(dirname "$0")/nginx-lib.sh"
if [[ -z $url ]]; then
	start_nginx
	url="http://127.0.0.1:$port/plaintext"
fi

echo "server $url; generator CPU $gen_cpu; $conns connections; open loop at $rate req/s; ${dur}s per run; $rounds rounds"
: >"$tmp/pacer.txt"
: >"$tmp/send.txt"
for r in $(seq "$rounds"); do
	timeout $((dur + 30)) "$tmp/lab" load "$url" --rate "$rate" --conns "$conns" --duration "${dur}s" \
		--warmup 1s --cpu "$gen_cpu" --json "$tmp/r.json" >/dev/null 2>&1 || true
	p=$(sed -n 's/^ *"pacer_lag_p99_ns": *"\([0-9]*\)",*$/\1/p' "$tmp/r.json")
	s=$(awk '/"send_lag_ns"/ {f=1} f && /"p99"/ {gsub(/[^0-9.]/, "", $2); print $2; exit}' "$tmp/r.json")
	echo "$p" >>"$tmp/pacer.txt"
	echo "$s" >>"$tmp/send.txt"
	printf 'round %d: pacer lag p99 %6.1f µs   send lag p99 %6.1f µs\n' "$r" "$(echo "$p" | awk '{print $1/1000}')" "$(echo "$s" | awk '{print $1/1000}')"
done
printf 'median: pacer lag p99 %6.1f µs   send lag p99 %6.1f µs\n' \
	"$(median <"$tmp/pacer.txt" | awk '{print $1/1000}')" "$(median <"$tmp/send.txt" | awk '{print $1/1000}')"
