#!/usr/bin/env bash
# Memory of the pre-event ring: bodycam-recorder idle at 1280x720, 30 fps, 2500 kbit/s (synthetic source, OSD off),
# once with the ring off and once with a 120 s ring that keeps audio; VmRSS every 10 s and the peak (VmHWM) from
# /proc, then a start, and the pre-event footage the session_start record says the ring held (pre_event_ms).
# Takes about three minutes. Usage: bench/recorder/pre_event_memory.sh [ring_seconds=120]
#   (needs build/bin/bodycam-recorder and bodycam, or BODYCAM_BIN; python3 and sqlite3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ring=${1:-120}
bin=${BODYCAM_BIN:-$root/build/bin}
work=$(mktemp -d /tmp/bodycam-prebuf-XXXXXX)
trap 'rm -rf "$work"' EXIT

run() {  # name ring_seconds include_audio seconds_to_wait
  local name=$1 pre=$2 audio=$3 wait=$4
  local cam=$work/$name
  mkdir -p "$cam"
  "$bin/bodycam" keygen --id bench-cam --out "$cam" > /dev/null
  cat > "$cam/recorder.toml" <<TOML
[device]
id = "bench-cam"
key_file = "$cam/bench-cam.key"
ledger = "$cam/ledger.db"
recording_dir = "$cam/segments"
[source]
kind = "synthetic"
[encoder]
width = 1280
height = 720
fps = 30
video_bitrate_kbps = 2500
[osd]
enabled = false
[pre_event]
seconds = $pre
include_audio = $audio
[control]
socket_path = "$cam/recorder.sock"
TOML
  "$bin/bodycam-recorder" --config "$cam/recorder.toml" > "$cam/out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do [ -S "$cam/recorder.sock" ] && break; sleep 0.1; done
  for t in $(seq 0 10 "$wait"); do
    echo "$name t=${t}s $(grep VmRSS /proc/$pid/status)"
    sleep 10
  done
  echo "$name peak $(grep VmHWM /proc/$pid/status)"
  python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'{\"cmd\":\"start\"}\n'); print(s.recv(4096).decode().strip())" "$cam/recorder.sock"
  sleep 3
  echo "$name after start $(grep VmRSS /proc/$pid/status)"
  kill -TERM "$pid"; wait "$pid" || true
  # session_start's pre_event_ms: the last 8 bytes of its canonical bytes, before the 64-byte signature
  # (docs/formats/chain.md §4).
  sqlite3 "$cam/ledger.db" "select hex(substr(bytes, length(bytes)-71, 8)) from records where kind = 3;" |
    while read -r h; do echo "$name session_start pre_event_ms=$((16#$h))"; done
}
echo "pre-event memory, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
run off 0 false 30
run "ring$ring" "$ring" true $((ring + 20))
