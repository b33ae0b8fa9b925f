#!/usr/bin/env bash
# wrk-servers.sh: closed-loop throughput of several servers measured by wrk
# (not by lab load), in interleaved rounds, server pinned to SERVER_CPU and
# wrk to GEN_CPU, so that an ordering seen with the lab's own generator can
# be checked with an independent one. Prints each round, then each server's
# median and its ratio to the first server.
#
# usage: scripts/wrk-servers.sh [-c CONNS] [-d SECONDS] [-n ROUNDS] [-p DEPTH]
#                               [-g GEN_CPU] [-s SERVER_CPU] SERVER...
# SERVER: a stage or reference of `lab serve` (rawsyscall, batched,
# fasthttp, ...) or nginx (one worker, from scripts/nginx-lib.sh).
# -p DEPTH pipelines DEPTH requests per connection (a wrk Lua script).
# Needs wrk; every server listens on loopback.
set -euo pipefail

conns=64 dur=5 rounds=5 depth=1 gen_cpu=1 srv_cpu=0 port=${PORT:-18089}
while getopts "c:d:n:p:g:s:h" opt; do
	case $opt in
	c) conns=$OPTARG ;;
	d) dur=$OPTARG ;;
	n) rounds=$OPTARG ;;
	p) depth=$OPTARG ;;
	g) gen_cpu=$OPTARG ;;
	s) srv_cpu=$OPTARG ;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] || { sed -n '2,13p' "$0"; exit 2; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }
# shellcheck source=nginx-lib.sh
. "$(dirname "$0")/nginx-lib.sh" # sets tmp, builds $tmp/lab, start_nginx, median
lab="$tmp/lab"
pids=()
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	cleanup
}
trap stop_all EXIT

# Start every server once, each on its own port.
urls=()
i=0
for s in "$@"; do
	p=$((port + 1 + i))
	if [[ $s == nginx ]]; then
		port=$p start_nginx
	else
		"$lab" serve --stage "$s" --addr "127.0.0.1:$p" --cpu "$srv_cpu" 2>"$tmp/$s.err" &
		pids+=($!)
	fi
	urls+=("http://127.0.0.1:$p/plaintext")
	i=$((i + 1))
done
sleep 1

script=()
if ((depth > 1)); then
	# One call to request() returns DEPTH requests: wrk counts each
	# response. The batch is built in init(), once wrk has set the Host
	# header (at load time wrk.format would leave it out: every request a 400).
	{
		echo 'init = function(args)'
		echo "  batch = string.rep(wrk.format(\"GET\", \"/plaintext\"), $depth)"
		echo 'end'
		echo 'request = function() return batch end'
	} >"$tmp/pipeline.lua"
	script=(-s "$tmp/pipeline.lua")
fi

limit=$((dur + 30))
declare -A got
for ((k = 1; k <= rounds; k++)); do
	for ((j = 0; j < $#; j++)); do
		idx=$(((j + k - 1) % $#)) # rotate the order each round
		name=${*:idx+1:1}
		rps=$(timeout "$limit" taskset -c "$gen_cpu" wrk -t1 -c"$conns" -d"${dur}s" "${script[@]}" "${urls[idx]}" |
			awk '/^Requests\/sec/ {printf "%d", $2}')
		echo "round $k $name $rps"
		got[$name]+="$rps "
	done
done

first=""
for s in "$@"; do
	m=$(printf '%s\n' ${got[$s]} | median)
	[[ -n $first ]] || first=$m
	awk -v s="$s" -v m="$m" -v f="$first" 'BEGIN {printf "median %-12s %9d req/s  %.2fx the first\n", s, m, m / f}'
done
