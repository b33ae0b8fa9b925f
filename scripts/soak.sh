#!/usr/bin/env bash
# soak.sh: the best stage held at 80% of its probed capacity for a long
# time (10 minutes by default), its resident set, fds, goroutines and
# /stats sampled 60 times (every 10 s at 10 minutes), and a verdict on
# whether they stayed flat after the first tenth of the window (see
# harness/scenarios/README.md, soak). It is `lab bench --scenario soak`
# with the duration given, then its report: REPORT.md's Soak section and
# soak.png chart the samples.
#
# usage: scripts/soak.sh [-d DURATION] [-o OUT] [-- MORE LAB BENCH FLAGS]
#   -d  the measured window, a Go duration (default 10m; at most 2h)
#   -o  the folder that receives the run directory (default runs)
# Exits non-zero when the soak failed (a resource grew, or a request failed).
set -euo pipefail

dur=10m out=runs
while getopts "d:o:h" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
cd "$(dirname "$0")/.."
make --no-print-directory build >/dev/null
run=$(bin/lab bench --scenario soak --duration "$dur" --out "$out" "$@" | tail -n 1)
bin/lab report "$run" >/dev/null
echo "report: $run/report/REPORT.md"
# run.json is indented, one key per line; jq is not assumed. "passed" is a
# soak verdict's alone: none is no verdict, any false a failure.
if ! grep -q '"passed": *true' "$run/run.json" || grep -q '"passed": *false' "$run/run.json"; then
	echo "soak: FAILED (see the Soak section of the report)" >&2
	exit 1
fi
echo "soak: every resource flat, no error"
