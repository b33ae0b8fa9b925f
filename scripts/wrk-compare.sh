#!/usr/bin/env bash
# wrk-compare.sh: closed-loop maximum throughput of `lab load` against wrk's,
# same server, same connection count, both pinned to the same CPU, runs
# interleaved (wrk, lab, wrk, lab, ...) so machine drift hits both alike.
# Prints each round, the medians and the ratio lab/wrk.
#
# usage: scripts/wrk-compare.sh [-t] [-S SPIN] [-c CONNS] [-d SECONDS]
#                               [-n ROUNDS] [-g GEN_CPU] [-s SERVER_CPU] [URL]
# Without URL it starts nginx (must be installed) on 127.0.0.1:$PORT
# (default 18089) with a minimal temporary config serving /plaintext,
# pinned to SERVER_CPU; -t makes it HTTPS (TLS 1.3, a self-signed
# certificate made by openssl, trusted by lab load with --cacert; wrk
# verifies nothing). -S passes --spin SPIN to lab load instead of its
# default (see lab load --help: on loopback a sleeping client's wake-ups
# are charged to the server; -S 0 shows what they cost it). With URL it
# measures that server (loopback only: this is a lab tool, point it at
# your own machine).
set -euo pipefail

conns=32 dur=5 rounds=3 gen_cpu=1 srv_cpu=0 port=${PORT:-18089} tls= spin=default
while getopts "tS:c:d:n:g:s:h" opt; do
	case $opt in
	t) tls=tls ;;
	S) spin=$OPTARG ;;
	c) conns=$OPTARG ;;
	d) dur=$OPTARG ;;
	n) rounds=$OPTARG ;;
	g) gen_cpu=$OPTARG ;;
	s) srv_cpu=$OPTARG ;;
	*) sed -n '2,18p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
url=${1:-}

command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }
# shellcheck source=nginx-lib.sh
. "$(dirname "$0")/nginx-lib.sh"

lab_tls=()
if [[ -z $url ]]; then
	start_nginx $tls
	url="http${tls:+s}://127.0.0.1:$port/plaintext"
	[[ -z $tls ]] || lab_tls=(--cacert "$tmp/cert.pem")
fi

lab_spin=()
[[ $spin == default ]] || lab_spin=(--spin "$spin")
limit=$((dur + 30))
run_wrk() {
	timeout "$limit" taskset -c "$gen_cpu" wrk -t1 -c"$conns" -d"${dur}s" "$url" |
		awk '/^Requests\/sec:/ {print $2}'
}
run_lab() {
	timeout "$limit" taskset -c "$gen_cpu" "$tmp/lab" load "$url" --conns "$conns" --duration "${dur}s" \
		--warmup 1s --cpu "$gen_cpu" "${lab_spin[@]}" "${lab_tls[@]}" --json "$tmp/lab.json" >/dev/null
	sed -n 's/^ *"throughput_rps": *\([0-9.]*\),*$/\1/p' "$tmp/lab.json"
}

echo "server $url; generator CPU $gen_cpu; $conns connections; closed loop; ${dur}s per run; $rounds rounds; lab --spin $spin"
interleave wrk lab
