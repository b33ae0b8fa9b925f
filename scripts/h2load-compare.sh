#!/usr/bin/env bash
# h2load-compare.sh: closed-loop HTTP/2 throughput of `lab load --http2`
# against h2load's (nghttp2-client), same server, same connections x
# streams, both pinned to the same CPU, runs interleaved (h2load, lab,
# h2load, lab, ...) so machine drift hits both alike. Prints each round,
# the medians and the ratio lab/h2load.
#
# usage: scripts/h2load-compare.sh [-C] [-H HOLD] [-c CONNS] [-m STREAMS] [-d SECONDS]
#                                  [-n ROUNDS] [-g GEN_CPU] [-s SERVER_CPU]
# It starts nginx (must be installed) on 127.0.0.1:$PORT (default 18089)
# serving /plaintext, pinned to SERVER_CPU: h2 over TLS (a self-signed
# certificate made by openssl, trusted by lab load with --cacert; h2load
# verifies nothing), or with -C h2c (cleartext, prior knowledge). -H
# passes --coalesce HOLD to lab load instead of its default (-H 0: each
# request written as its stream ends; see lab load --help).
set -euo pipefail

conns=32 streams=8 dur=5 rounds=3 gen_cpu=1 srv_cpu=0 port=${PORT:-18089} mode=h2 hold=default
while getopts "CH:c:m:d:n:g:s:h" opt; do
	case $opt in
	C) mode=h2c ;;
	H) hold=$OPTARG ;;
	c) conns=$OPTARG ;;
	m) streams=$OPTARG ;;
	d) dur=$OPTARG ;;
	n) rounds=$OPTARG ;;
	g) gen_cpu=$OPTARG ;;
	s) srv_cpu=$OPTARG ;;
	*) sed -n '2,16p' "$0"; exit 2 ;;
	esac
done

command -v h2load >/dev/null || { echo "h2load not installed (apt-get install nghttp2-client)" >&2; exit 1; }
# shellcheck source=nginx-lib.sh
. "$(dirname "$0")/nginx-lib.sh"

start_nginx "$mode"
scheme=https lab_tls=(--cacert "$tmp/cert.pem")
[[ $mode == h2 ]] || { scheme=http; lab_tls=(); }
lab_hold=()
[[ $hold == default ]] || lab_hold=(--coalesce "$hold")
url="$scheme://127.0.0.1:$port/plaintext"

limit=$((dur + 30))
run_h2load() {
	timeout "$limit" taskset -c "$gen_cpu" h2load -t1 -c"$conns" -m"$streams" -D"$dur" --warm-up-time=1 "$url" |
		awk '/^finished in/ {print $4}'
}
run_lab() {
	timeout "$limit" taskset -c "$gen_cpu" "$tmp/lab" load "$url" --http2 --conns "$conns" --streams "$streams" \
		--duration "${dur}s" --warmup 1s --cpu "$gen_cpu" "${lab_hold[@]}" "${lab_tls[@]}" --json "$tmp/lab.json" >/dev/null
	sed -n 's/^ *"throughput_rps": *\([0-9.]*\),*$/\1/p' "$tmp/lab.json"
}

echo "server $url ($mode); generator CPU $gen_cpu; $conns connections x $streams streams; closed loop; ${dur}s per run; $rounds rounds; lab --coalesce $hold"
interleave h2load lab
