#!/usr/bin/env bash
# Recorder vs. the ffmpeg command line doing the same encode and segmenting, on the same synthetic input.
# Both read lavfi testsrc2 + a sine tone in real time, encode libx264 (veryfast, 1 s GOP, same bit rate) and
# AAC, and write fragmented MP4 segments; bodycam-recorder also hashes every byte, fdatasyncs per fragment,
# writes ledger rows and signs records. Reported: CPU seconds (user+sys) per media second and peak RSS, from
# GNU time. ffmpeg's media time is exactly `seconds` (-t). The recorder's synthetic source runs in real time
# from the moment it starts (it encodes while it buffers, before `start`), so its media time is taken as its
# elapsed wall time; that holds only while the machine keeps up with real time (check elapsed ≈ media). Usage: bench/recorder/run.sh [seconds=30]   (needs build/bin/bodycam-recorder and bodycam)
# Environment: BODYCAM_BIN (folder of bodycam-recorder and bodycam), BENCH_SIZES (default "1280x720 1920x1080"),
# BODYCAM_RECORDER (the recorder command instead of $BODYCAM_BIN/bodycam-recorder, e.g. "qemu-aarch64 -L /
# build-aarch64/bin/bodycam-recorder" for the camera build), BENCH_SKIP_FFMPEG=1 (the recorder only),
# BENCH_PRE_EVENT_SECONDS (default 0; longer than the run makes the segments hold all the recorder encoded),
# BENCH_ENCRYPT=1 (also run the recorder with [footage] public_key_file set, segments encrypted as written, and
# print its CPU against the plain run's: issue goal at most 1.05x; the two runs alternate plain, encrypted,
# plain, encrypted so that a change in the machine's load falls on both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
work=$(mktemp -d /tmp/bodycam-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
bin=${BODYCAM_BIN:-$root/build/bin}  # where bodycam-recorder and bodycam are
read -r -a recorder <<< "${BODYCAM_RECORDER:-$bin/bodycam-recorder}"

measure() {  # name, then the command; prints "name cpu_s_per_media_s peak_rss_mib"
  local name=$1; shift
  /usr/bin/time -f "%U %S %M %e" -o "$work/$name.time" "$@" > "$work/$name.out" 2>&1 || true
  read -r user sys rss elapsed < <(tail -n 1 "$work/$name.time")
  # ffmpeg stops after exactly $seconds of media (-t), however long that took.
  awk -v n="$name" -v u="$user" -v s="$sys" -v r="$rss" -v m="$seconds" \
    'BEGIN { printf "%-28s %6.3f CPU s per media s   peak RSS %6.1f MiB\n", n, (u + s) / m, r / 1024 }'
}

run_size() {  # width height [encrypted=0] [tag]
  local w=$1 h=$2 fps=30 kbps=2500 encrypted=${3:-0} tag=${4:-}
  # ffmpeg: the same graph, encoder settings and fragmentation, cut into 60 s segments.
  [ "${BENCH_SKIP_FFMPEG:-0}" = 1 ] || [ -n "$tag" ] || measure "ffmpeg ${w}x${h}p${fps}" ffmpeg -hide_banner -loglevel error -re \
    -f lavfi -i "testsrc2=size=${w}x${h}:rate=${fps}" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t "$seconds" -c:v libx264 -preset veryfast -tune zerolatency -threads 1 -b:v "${kbps}k" -g "$fps" -keyint_min "$fps" -sc_threshold 0 \
    -c:a aac -b:a 64k -ac 1 -f segment -segment_time 60 -segment_format mp4 \
    -segment_format_options movflags=frag_keyframe+empty_moov+default_base_moof "$work/ff-%03d.mp4"

  local cam="$work/cam-$w$tag" name="bodycam-recorder ${w}x${h}p${fps}"
  mkdir -p "$cam"
  "$bin/bodycam" keygen --id bench-cam --out "$cam" > /dev/null
  local footage=""
  if [ "$encrypted" = 1 ]; then
    # The agency's footage key pair; the camera gets the public half only.
    printf 'bench passphrase\n' > "$cam/passphrase" && chmod 600 "$cam/passphrase"
    "$bin/bodycam" agency footage-key new --out "$cam/agency" --passphrase-file "$cam/passphrase" > /dev/null
    footage=$(printf '[footage]\npublic_key_file = "%s"' "$(ls "$cam"/agency/footage-*.pub)")
    name="$name encrypted"
  fi
  cat > "$cam/recorder.toml" <<TOML
[device]
id = "bench-cam"
key_file = "$cam/bench-cam.key"
ledger = "$cam/ledger.db"
recording_dir = "$cam/segments"
[source]
kind = "synthetic"
[encoder]
width = $w
height = $h
fps = $fps
video_bitrate_kbps = $kbps
[osd]
enabled = false
[pre_event]
seconds = ${BENCH_PRE_EVENT_SECONDS:-0}
max_megabytes = 512
[control]
socket_path = "$cam/recorder.sock"
$footage
TOML
  # Start, record `seconds`, stop: the daemon runs under GNU time; the session is driven over its socket.
  /usr/bin/time -f "%U %S %M %e" -o "$work/rec-$w$tag.time" "${recorder[@]}" --config "$cam/recorder.toml" \
    > "$work/rec-$w$tag.out" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do [ -S "$cam/recorder.sock" ] && break; sleep 0.1; done
  if [ ! -S "$cam/recorder.sock" ]; then
    echo "bench: bodycam-recorder did not come up:" >&2; cat "$work/rec-$w$tag.out" >&2; pkill -P "$pid"; return 1
  fi
  python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'{\"cmd\":\"start\"}\n'); s.recv(4096)" "$cam/recorder.sock"
  sleep "$seconds"
  python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'{\"cmd\":\"stop\",\"reason\":\"officer_end\"}\n'); s.recv(4096)" "$cam/recorder.sock"
  pkill -TERM -P "$pid"; wait "$pid" || true  # signal the recorder (time's child), not time itself
  read -r user sys rss elapsed < <(tail -n 1 "$work/rec-$w$tag.time")
  awk -v n="$name" -v u="$user" -v s="$sys" -v r="$rss" -v m="$elapsed" \
    'BEGIN { printf "%-28s %6.3f CPU s per media s   peak RSS %6.1f MiB\n", n, (u + s) / m, r / 1024 }' \
    | tee -a "$work/cpu-per-media-s"
  # What the session's segments hold (video frames / fps): about `seconds` (+ up to one GOP of pre-event) when
  # the recorder kept up.
  local media=""
  # Encrypted segments are not MP4 until an agency key opens them: only the plain runs are probed.
  [ "$encrypted" = 1 ] || media=$(for f in "$cam"/segments/*.mp4; do
      ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$f"
    done | awk -v fps="$fps" '{ s += $1 } END { printf "%.2f", s / fps }')
  if [ "$encrypted" = 1 ]; then
    # Every segment really is sealed footage (docs/formats/encrypted-footage.md's magic), not an MP4.
    local f sealed=0 plain=0
    for f in "$cam"/segments/*.mp4; do
      if [ "$(head -c 15 "$f")" = bodycam-footage ]; then sealed=$((sealed + 1)); else plain=$((plain + 1)); fi
    done
    echo "$name: $sealed segment(s) sealed, $plain in the clear"
    [ "$sealed" -gt 0 ] && [ "$plain" = 0 ] || { echo "bench: the encrypted run wrote footage in the clear" >&2; return 1; }
  fi
  [ "$encrypted" = 1 ] || echo "$name segments hold $media media s of a $seconds s session; elapsed $elapsed s"
  # With a ring longer than the whole run (BENCH_PRE_EVENT_SECONDS), the segments hold everything the recorder
  # encoded since its first frame: its CPU per media second then holds even when it fell behind real time
  # (a slow or emulated machine).
  if [ "${BENCH_PRE_EVENT_SECONDS:-0}" -gt 0 ] && [ "$encrypted" = 0 ]; then
    awk -v n="bodycam-recorder ${w}x${h}p${fps}" -v u="$user" -v s="$sys" -v m="$media" \
      'BEGIN { if (m > 0) printf "%-28s %6.3f CPU s per media s in its segments\n", n, (u + s) / m }'
  fi
  # Exit 1 is authentic with documented gaps (back-pressure on a loaded machine is recorded as interruptions).
  local verified=0
  "$bin/bodycam" verify "$cam/ledger.db" --key "$cam/bench-cam.pub" > "$work/verify-$w$tag.txt" || verified=$?
  echo "bodycam verify exit $verified: $(tail -n 1 "$work/verify-$w$tag.txt")"
  [ "$verified" -le 1 ]
}

echo "bench/recorder/run.sh $seconds on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
sizes=${BENCH_SIZES:-1280x720 1920x1080}
[ "${BENCH_1080_ONLY:-0}" = 1 ] && sizes=1920x1080
[ "${BENCH_720_ONLY:-0}" = 1 ] && sizes=1280x720
for size in $sizes; do
  if [ "${BENCH_ENCRYPT:-0}" = 1 ]; then
    : > "$work/cpu-per-media-s"
    for round in 1 2; do
      run_size "${size%x*}" "${size#*x}" 0 "-plain$round"
      run_size "${size%x*}" "${size#*x}" 1 "-encrypted$round"
    done
    # The ratio of the summed CPU per media second of the encrypted runs to the plain ones.
    awk -v n="bodycam-recorder ${size}p30" '
      / encrypted / { e += $(NF - 9); ne++; next } { p += $(NF - 9); np++ }
      END { printf "%-28s encrypted / plain CPU = %.3f (%d + %d runs; goal <= 1.05)\n", n, (e / ne) / (p / np), np, ne }' \
      "$work/cpu-per-media-s"
  else
    run_size "${size%x*}" "${size#*x}"
  fi
done
