#!/usr/bin/env bash
# knee-check.sh: checks a sweep's capacity at SLO independently. For each
# server of a sweep run (or the ones named), it starts a fresh lab serve
# pinned to SERVER_CPU and runs plain fixed-rate `lab load` trials pinned to
# GEN_CPU at 0.8x and 1.25x the reported knee, N rounds each, interleaved,
# and prints the SLO percentile of each with a verdict. At 0.8x the SLO
# should hold; at 1.25x it should not. Every 0.8x round runs before any
# 1.25x one: an overloaded trial leaves a server with a backlog of
# connections and TIME_WAIT sockets that would spoil the next light one.
# A first 0.8x trial warms the fresh process up and is not counted.
#
# usage: scripts/knee-check.sh [-d SECONDS] [-n ROUNDS] [-g GEN_CPU] [-s SERVER_CPU] RUN_DIR [SERVER...]
# Only lab stages and the Go references (lab serve) are checked here.
set -euo pipefail

dur=2 rounds=3 gen_cpu=1 srv_cpu=0 port=${PORT:-18289}
while getopts "d:n:g:s:h" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	n) rounds=$OPTARG ;;
	g) gen_cpu=$OPTARG ;;
	s) srv_cpu=$OPTARG ;;
	*) sed -n '2,11p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
run=${1:?usage: knee-check.sh RUN_DIR [SERVER...]}
shift
# shellcheck source=nginx-lib.sh
. "$(dirname "$0")/nginx-lib.sh" # sets tmp, builds $tmp/lab

# The objective and each server's capacity, from run.json (indented, one
# key per line; jq is not assumed).
pct=$(grep -o '"slo_percentile": *"[^"]*"' "$run/run.json" | sed 's/.*"\([^"]*\)"$/\1/')
thr=$(grep -o '"slo_threshold_ns": *[0-9.e+]*' "$run/run.json" | grep -o '[0-9.e+]*$')
[[ -n $pct && -n $thr ]] || { echo "$run is not a sweep run" >&2; exit 1; }
servers=("$@")
if [[ ${#servers[@]} -eq 0 ]]; then
	mapfile -t servers < <(ls "$run" | while read -r d; do [[ -f $run/$d/stats-after.json ]] && echo "$d"; done)
fi
capacity() { # the center of the server's capacity_at_slo
	awk -v s="\"$1\"" '$0 ~ "\"name\": " s {f=1} f && /"capacity_at_slo"/ {c=1} c && /"center"/ {gsub(/[^0-9.]/, "", $2); print $2; exit}' "$run/run.json"
}
value() { sed -n "s/^ *\"$2\": *\\([0-9.e+]*\\),*$/\\1/p" "$1" | head -n 1; }

echo "run $run: SLO $pct <= $(awk -v t="$thr" 'BEGIN {print t / 1e6}') ms; ${dur}s trials, $rounds rounds"
for s in "${servers[@]}"; do
	knee=$(capacity "$s")
	[[ -n $knee ]] || { echo "$s: no capacity in run.json"; continue; }
	"$tmp/lab" serve --stage "$s" --addr "127.0.0.1:$port" --cpu "$srv_cpu" 2>/dev/null &
	pid=$!
	sleep 0.5
	for f in 0.8 1.25; do
		for k in $(seq 0 "$rounds"); do
			[[ $f == 0.8 || $k -gt 0 ]] || continue
			rate=$(awk -v k="$knee" -v f="$f" 'BEGIN {printf "%.0f", k * f}')
			timeout $((dur + 30)) taskset -c "$gen_cpu" "$tmp/lab" load "http://127.0.0.1:$port/plaintext" --conns 64 \
				--rate "$rate" --duration "${dur}s" --warmup 300ms --cpu "$gen_cpu" --json "$tmp/k.json" >/dev/null 2>&1 || true
			got=$(awk '/"latency_ns"/ {f=1} f' "$tmp/k.json" | sed -n "s/^ *\"$pct\": *\\([0-9.e+]*\\),*$/\\1/p" | head -n 1)
			verdict=$(awk -v g="${got:-0}" -v t="$thr" 'BEGIN {print (g <= t) ? "meets" : "misses"}')
			[[ $k -gt 0 ]] || continue # the warm-up trial
			printf '%-12s round %d  %4sx knee = %7d req/s  %s %8.3f ms  %s the SLO\n' "$s" "$k" "$f" "$rate" "$pct" \
				"$(awk -v g="${got:-0}" 'BEGIN {print g / 1e6}')" "$verdict"
		done
	done
	kill "$pid"; wait "$pid" 2>/dev/null || true
done
