#!/usr/bin/env bash
# The simulated shift's CPU cost at its default size: `bodycam simulate` with N cameras recording 1280x720 at
# 30 fps (or what the options say), while a sampler reads every bodycam-recorder's CPU time (utime+stime from
# /proc/PID/stat) and age once a second. Reported: each recorder's CPU share over its life (CPU seconds per
# wall second, 1.0 = one core), the cameras' sum as a share of the machine's cores, and the whole run's CPU
# (every process: recorders, dock, enrollment, audit) from GNU time. The machine's load average before the
# run is printed, since other work on the machine skews the result.
# Usage: bench/shift/run.sh [cameras=3] [minutes=2] [extra bodycam simulate options...]
#        (needs build/bin/bodycam, bodycam-recorder and bodycam-dockd; BODYCAM_BIN overrides the folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cameras=${1:-3}
minutes=${2:-2}
shift $(($# < 2 ? $# : 2))
bin=${BODYCAM_BIN:-$root/build/bin}
work=$(mktemp -d /tmp/bodycam-bench-shift-XXXXXX)
trap 'kill ${sampler:-} ${timer:-} 2> /dev/null || true; rm -rf "$work"' EXIT
ticks=$(getconf CLK_TCK)
cores=$(nproc)

echo "bench/shift: $cameras cameras, $minutes min, options: ${*:-(defaults)}; $(date -u +%Y-%m-%dT%H:%MZ);" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $cores cores"

/usr/bin/time -f "%U %S %e" -o "$work/time" "$bin/bodycam" simulate --out "$work/shift" --cameras "$cameras" \
  --minutes "$minutes" "$@" > "$work/simulate.log" 2>&1 &
timer=$!

# Sampler: "pid cpu_ticks start_ticks now" for every bodycam-recorder this run started (children of its
# `bodycam simulate`; other recorders on the machine are not counted).
(
  sim=""
  while kill -0 "$timer" 2> /dev/null; do
    [ -n "$sim" ] || sim=$(pgrep -P "$timer" -x bodycam || true)
    now=$(cut -d' ' -f1 /proc/uptime)
    for pid in $( [ -n "$sim" ] && pgrep -P "$sim" -x bodycam-recorde || true); do
      stat=$(cat "/proc/$pid/stat" 2> /dev/null) || continue
      rest=${stat##*) }  # fields from state (3) on: utime is 14, stime 15, starttime 22
      set -- $rest
      echo "$pid $((${12} + ${13})) ${20} $now" >> "$work/samples"
    done
    sleep 1
  done
) &
sampler=$!
wait "$timer" || status=$?
wait "$sampler" || true
echo "bodycam simulate exit ${status:-0} (0 authentic, 1 authentic with documented gaps)"
[ "${status:-0}" -le 1 ] || { tail -n 20 "$work/simulate.log"; exit 1; }
grep -c "back_pressure" "$work"/shift/reports/audit.txt | sed 's/^/back_pressure interruptions in the audit (the encoders fell behind real time): /' || true

# Per recorder process: CPU seconds / seconds alive, from its last sample; the cameras together: all recorders'
# CPU seconds over the span from the first start to the last sample (how many cores the cameras kept busy).
awk -v hz="$ticks" -v cores="$cores" '
  { last[$1] = $0 }
  END {
    n = 0; cpu = 0; first = -1; end = 0
    for (pid in last) {
      split(last[pid], f, " ")
      start = f[3] / hz; age = f[4] - start
      if (age < 5) continue
      printf "  recorder pid %-7s %6.1f s alive  %6.3f CPU s per s\n", pid, age, (f[2] / hz) / age
      n++; cpu += f[2] / hz
      if (first < 0 || start < first) first = start
      if (f[4] > end) end = f[4]
    }
    if (n == 0) { print "recorders: none sampled"; exit 1 }
    span = end - first
    printf "recorders: %d processes (a camera that lost power runs twice), %.0f CPU s in %.0f s = %.2f cores = %.0f %% of %d cores\n", n, cpu, span, cpu / span, 100 * cpu / span / cores, cores
  }' "$work/samples"
read -r user sys elapsed < <(tail -n 1 "$work/time")
awk -v u="$user" -v s="$sys" -v e="$elapsed" -v c="$cores" \
  'BEGIN { printf "whole run: %.0f s wall, %.0f CPU s = %.0f %% of %d cores on average\n", e, u + s, 100 * (u + s) / (e * c), c }'
