#!/usr/bin/env bash
# Ingest throughput against cp + sync of the same files to the same disk. Figures go to docs/performance.md
# with this command:
#   bench/ingest/run.sh [BUILD_DIR] [WORK_DIR] [BEFORE_BINARY]
# 1. in-process (the dock's own work), 1 and 8 cameras, three runs each;
# 2. over the real link (Noise XX over TCP on 127.0.0.1, the offload protocol), 1, 2, 4, 8 and 16 cameras of
#    4 segments of 16 MiB each, with the link alone beside it; and, given BEFORE_BINARY (bench_ingest built
#    from an older dock and store), the same cases with it for a before/after table; each link line also runs
#    with --window 1 (stop-and-wait file requests) beside the default window.
# Each line ends with the load average (/proc/loadavg) at its end: record it with the figure.
set -euo pipefail
build=${1:-build}
work=${2:-$(mktemp -d /var/tmp/bodycam-ingest-bench.XXXXXX)}
before=${3:-}
cmake --build "$build" --target bench_ingest >/dev/null
date -u +%Y-%m-%dT%H:%MZ
for run in 1 2 3; do
  "$build/bin/bench_ingest" 1 8 16 "$work/one"
  "$build/bin/bench_ingest" 8 4 8 "$work/eight"
done
for cameras in 1 2 4 8 16; do
  if [ -n "$before" ]; then echo -n "before: "; "$before" "$cameras" 4 16 "$work/link" --link; fi
  echo -n "window 1: "; "$build/bin/bench_ingest" "$cameras" 4 16 "$work/link" --link --window 1
  echo -n "after:  "; "$build/bin/bench_ingest" "$cameras" 4 16 "$work/link" --link
done
rm -rf "$work"
