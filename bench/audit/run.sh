#!/usr/bin/env bash
# `bodycam audit` of a directory store of many small objects, against `openssl dgst -sha256` over the same
# files (the reference: hashing alone, no chain, no store port). Figures go to docs/performance.md with this
# command:
#   bench/audit/run.sh [BUILD_DIR] [WORK_DIR] [OBJECTS] [BYTES] [CAMERAS]
# (default 100000 objects of 4096 bytes from 20 cameras). Builds the store with bench_audit_store, then runs,
# each under /usr/bin/time -v: the audit's text report with 1 job and with 2, its JSON report (every report must
# call every device authentic and every object `verified`), and openssl over every file under objects/ (it
# must print one digest per object). The store is written just before and the machine has RAM for it, so every
# pass reads the page cache, not the disk: the figures are the CPU cost of checking, not the disk's. Each step
# prints `uptime`. Exits non-zero if the store could not be built or any check above fails.
set -euo pipefail
build=${1:-build}
work=${2:-$(mktemp -d /var/tmp/bodycam-audit-bench.XXXXXX)}
objects=${3:-100000}
bytes=${4:-4096}
cameras=${5:-20}
cmake --build "$build" --target bench_audit_store bodycam >/dev/null
mkdir -p "$work"
work=$(realpath "$work")
build=$(realpath "$build")
store="$work/store"
rm -rf "$store"
date -u +%Y-%m-%dT%H:%MZ
uptime
"$build/bin/bench_audit_store" "$objects" "$bytes" "$cameras" "$work"
sync
measure() {  # NAME COMMAND...: the command under time -v; its elapsed time, CPU and peak RSS on one line
  local name=$1; shift
  local log="$work/time-$name.txt"
  set +e
  /usr/bin/time -v -o "$log" "$@"
  local rc=$?
  set -e
  awk -v name="$name" -v rc="$rc" -F': ' '
    /Elapsed \(wall clock\)/ { wall = $2 } /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%-16s exit %s  elapsed %s  user %s s  sys %s s  peak RSS %d MiB\n", name, rc, wall, user, sys, rss / 1024 }' "$log"
  uptime
}
for jobs in 1 2; do
  measure "audit-jobs-$jobs" sh -c "'$build/bin/bodycam' audit '$store' --quiet --jobs $jobs > '$work/audit-$jobs.txt'"
  verified=$(grep -c '^  segment .* verified' "$work/audit-$jobs.txt" || true)
  authentic=$(grep -c '^== device .*: authentic$' "$work/audit-$jobs.txt" || true)
  echo "  $authentic devices authentic, $verified objects verified"
  [ "$verified" -eq "$objects" ] && [ "$authentic" -eq "$cameras" ] || { echo "the audit did not verify every object" >&2; exit 1; }
done
measure audit-json sh -c "'$build/bin/bodycam' audit '$store' --json --quiet > '$work/audit.json'"
python3 - "$work/audit.json" "$objects" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
verified = sum(1 for d in report["devices"] for s in d["sessions"] for g in s["segments"] if g["state"] == "verified")
print(f"  verdict {report['verdict']}, {len(report['devices'])} devices, {verified} objects verified")
if report["verdict"] != "authentic" or verified != int(sys.argv[2]):
    sys.exit("the audit did not verify every object")
PY
measure openssl sh -c "cd '$store/objects' && find . -type f -print0 | xargs -0 openssl dgst -sha256 > '$work/openssl.txt'"
digests=$(wc -l < "$work/openssl.txt")
echo "  openssl printed $digests digests"
[ "$digests" -eq "$objects" ] || { echo "openssl did not hash every object" >&2; exit 1; }
rm -rf "$work"
