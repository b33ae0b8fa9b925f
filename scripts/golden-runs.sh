#!/usr/bin/env bash
# golden-runs.sh: regenerates reports/testdata/runs/, the small real run
# directories the report tests read (as benchstat keeps its testdata). Each
# is a real `lab bench --quick` run of a few servers, trimmed of what the
# report does not read (execution traces). The runs are named for their
# scenario: ladder-a (2 rounds), ladder-b (6 short rounds, so that medians
# get intervals), sweep, balance, pathologies, aa and soak.
#
# usage: scripts/golden-runs.sh        (as root, for the lossy pathology;
#                                       nginx and perf where installed)
# The report tests assert what a report shows of these runs: after
# regenerating, run `go test ./reports` and update what changed on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build >/dev/null
out=reports/testdata/runs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bench() { # NAME ARGS...: one run, moved to $out/NAME
	local name=$1
	shift
	local run
	run=$(bin/lab bench --out "$tmp/$name" "$@" | tail -n 1)
	find "$run" -name trace.out -delete
	rm -rf "${out:?}/$name"
	mkdir -p "$out"
	mv "$run" "$out/$name"
	echo "$name: $(du -sh "$out/$name" | cut -f1)"
}

bench ladder-a --scenario ladder --quick --servers naive,keepalive,rawsyscall,nginx
bench ladder-b --scenario ladder --quick --rounds 6 --duration 300ms --servers naive,keepalive,rawsyscall,nginx
bench sweep --scenario sweep --quick --servers naive,rawsyscall
bench balance --scenario balance --quick --servers mc-round-robin,mc-seed-random
bench pathologies --scenario pathologies --quick --servers rawsyscall,nagle-split,lossy
bench aa --aa rawsyscall --quick
bench soak --scenario soak --quick --duration 5s
