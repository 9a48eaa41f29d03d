#!/usr/bin/env bash
# Ingest throughput (verify + store) against cp and rsync of the same files to the same disk, for 1 and 8
# cameras at once. Figures go to docs/performance.md with this command:
#   bench/ingest/run.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
build=${1:-build}
work=${2:-$(mktemp -d /var/tmp/bodycam-ingest-bench.XXXXXX)}
cmake --build "$build" --target bench_ingest >/dev/null
for run in 1 2 3; do
  "$build/bin/bench_ingest" 1 8 16 "$work/one"
  "$build/bin/bench_ingest" 8 4 8 "$work/eight"
done
rm -rf "$work"
