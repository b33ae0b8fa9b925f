#!/usr/bin/env bash
# Publishes one run's report (make results): RUN_DIR/report/REPORT.md
# becomes ./RESULTS.md, with its links rewritten to results/..., and the
# report's figures, flame graphs and diffs are copied to ./results/.
# The page is stamped with the publication date and the run's machine
# (from run.json env).
#
# Further run directories (other scenarios: capacity, pipeline) are
# published beside it, whole, under results/<scenario>/ with their own
# rendered report, and RESULTS.md links to them at its end.
#
# usage: scripts/publish-results.sh [RUN_DIR [OTHER_RUN_DIR...]]    (default: newest runs/*)
# PUBLISH_DEST overrides where RESULTS.md and results/ go (tests use it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${PUBLISH_DEST:-$root}"

die() { echo "publish-results: $*" >&2; exit 1; }

run="${1:-}"
shift || true
others=("$@")
if [ -z "$run" ]; then
  # Run directories are named YYYYMMDD-HHMMSS-<scenario>: the last in
  # lexical order is the newest.
  run=$(ls -1d "$root"/runs/*/ 2>/dev/null | sort | tail -n 1 || true)
  [ -n "$run" ] || die "no run under runs/ (make bench makes one)"
fi
run="${run%/}"
[ -f "$run/run.json" ] || die "$run is not a run directory (no run.json)"
report="$run/report/REPORT.md"
[ -f "$report" ] || die "$run has no report ($report is missing); render it with: bin/lab report $run"

# field KEY: the first string value of "KEY" in run.json (the file is
# written indented, one key per line; jq is not assumed).
field() {
  grep -o "\"$1\": *\"[^\"]*\"" "$run/run.json" | head -n 1 | sed 's/^[^:]*: *"//; s/"$//'
}
num_cpu=$(grep -o '"num_cpu": *[0-9]*' "$run/run.json" | head -n 1 | grep -o '[0-9]*$' || true)

mkdir -p "$dest"
# results/archive/ keeps earlier raw runs that the docs still cite; the
# rest of results/ is replaced.
if [ -d "$dest/results" ]; then
  find "$dest/results" -mindepth 1 -maxdepth 1 ! -name archive -exec rm -rf {} +
fi
mkdir -p "$dest/results"
# Everything the report wrote except REPORT.md itself and compare outputs.
(cd "$run/report" && find . -mindepth 1 -maxdepth 1 ! -name REPORT.md ! -name 'compare-*' \
  -exec cp -R {} "$dest/results/" \;)
# The raw run beside it (run.json, bench.txt, every trial, stats, profiles),
# so that every published number can be checked and re-rendered.
mkdir -p "$dest/results/run"
(cd "$run" && find . -mindepth 1 -maxdepth 1 ! -name report -exec cp -R {} "$dest/results/run/" \;)

{
  echo "> Published $(date -u '+%Y-%m-%d %H:%M UTC') from run \`$(basename "$run")\` (started $(field started))"
  echo "> on **$(field hostname)**: $(field cpu_model), ${num_cpu:-?} CPUs, kernel $(field kernel), $(field go_version), commit $(field git_commit)."
  echo "> The raw run is in [results/run/](results/run/) (\`bin/lab report results/run\` re-renders it),"
  echo "> all but the execution traces (trace.out), left out for their size: \`make bench\` makes them."
  echo
  # Relative links (no scheme, no anchor) now live under results/.
  sed -E 's#\]\(([^)#:][^):]*)\)#](results/\1)#g' "$report"
} >"$dest/RESULTS.md"

# Other scenarios: each whole run, report included, under results/<scenario>/.
if [ ${#others[@]} -gt 0 ]; then
  {
    echo
    echo "## Other scenarios"
    echo
    echo "Published with this page, each with its own report and raw files:"
    echo
  } >>"$dest/RESULTS.md"
fi
for o in "${others[@]}"; do
  o="${o%/}"
  [ -f "$o/run.json" ] || die "$o is not a run directory (no run.json)"
  [ -f "$o/report/REPORT.md" ] || die "$o has no report; render it with: bin/lab report $o"
  # Run directories are named YYYYMMDD-HHMMSS-<scenario>.
  scen=$(basename "$o" | cut -d- -f3-)
  [ -n "$scen" ] && [ "$scen" != run ] || die "$o: cannot tell its scenario from its name"
  mkdir -p "$dest/results/$scen"
  (cd "$o" && find . -mindepth 1 -maxdepth 1 ! -name 'compare-*' -exec cp -R {} "$dest/results/$scen/" \;)
  echo "- **$scen**: run \`$(basename "$o")\`, [report](results/$scen/report/REPORT.md), raw files in [results/$scen/](results/$scen/)." >>"$dest/RESULTS.md"
done
# Then the headline sections of those reports, inline: what each scenario
# is for, with its charts, links rewritten to the copy under results/.
for o in "${others[@]}"; do
  o="${o%/}"
  scen=$(basename "$o" | cut -d- -f3-)
  # Each scenario's headline sections (what it exists to show).
  case $scen in
  capacity) want="^## (The ladder|Variants|Reference servers|Where the CPU goes)" ;;
  pipeline | churn) want="^## (The ladder|Reference servers)" ;;
  balance) want="^## Balance across reactors" ;;
  sweep) want="^## Capacity at SLO" ;;
  pathologies) want="^## Why the tail" ;;
  aa) want="^## Noise floor" ;;
  soak) want="^## Soak" ;;
  external) want="^## (The ladder|Reference servers|Your servers|Where the CPU goes)" ;;
  nginx-both) want="^## (Reference servers|Your servers)" ;;
  *) want="^## Warnings" ;;
  esac
  body=$(awk -v want="$want" '
    /^## / { keep = ($0 ~ want) }
    /^### The curves/ { keep = 0 }
    keep' "$o/report/REPORT.md")
  [ -n "$body" ] || continue
  {
    echo
    echo "# From the $scen run (\`$(basename "$o")\`)"
    echo
    printf '%s\n' "$body" | sed -E "s#\]\(([^)\#:][^):]*)\)#](results/$scen/report/\1)#g; s/^## /## $scen: /"
    for chart in hockey capacity balance soak; do
      if [ -f "$o/report/$chart.png" ]; then
        echo
        echo "![$scen: $chart](results/$scen/report/$chart.png)"
      fi
    done
  } >>"$dest/RESULTS.md"
done

# Execution traces (trace.out, 1-6 MB a server) stay in the run
# directories: nothing in a report links them, and they would be most of
# the published bytes.
find "$dest/results" -path "$dest/results/archive" -prune -o -name trace.out -type f -exec rm -f {} +

echo "published $run ${others[*]} -> $dest/RESULTS.md and $dest/results/"
