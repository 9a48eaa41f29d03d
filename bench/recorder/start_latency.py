#!/usr/bin/python3
"""How soon a start on the control socket is on disk and prompted: bodycam-recorder with its synthetic source,
once with the pre-event ring on and once off, several starts per daemon.

For each start it measures, from the moment the `start` line is sent (monotonic clock of this process):
  reply      the control socket's answer (the session is open: precheck, session_start record, pipeline started);
  prompt     the `prompt start statement` line in the recorder's feedback log (what the officer hears);
  first      the first fragment row of the session's first segment in the ledger: the row is written only
             after that fragment was fdatasync'd (firmware/recorder/ledger_sink), so the session's first
             frame — the oldest pre-event frame — is durable then;
  flushed    the ledger row of the last fragment made only of pre-event footage: the whole ring is durable
             (with the ring off, or when the start frame is in the first fragment, this equals `first`);
  live       the ledger row of the fragment that holds the frame captured at the start: the first segment's
             first video time (its first fragment's tfdt) plus the session_start record's pre_event_ms is the
             start on the media timeline, and the fragment whose video tfdt range covers it is the one.
The ledger is polled every 2 ms and the feedback log every 1 ms, so each figure is late by at most that.
Between starts the recorder stops (reason officer_end), the stop statement runs its course, and the ring is
given its configured seconds to refill. The ledger is verified at the end (`bodycam verify`, exit 0 or 1).
Fails (exit 1) when any observable does not appear within its time limit: a start that was not measured is
never reported as fast.

Usage: bench/recorder/start_latency.py [--bin DIR] [--runs 5] [--pre-event-seconds 30] [--size 1280x720]
                                       [--json FILE]
"""
import argparse
import json
import os
import socket
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import wave

POLL_LEDGER_S = 0.002
POLL_LOG_S = 0.001
TIMEOUT_S = 20.0
KEYS = ("reply_s", "prompt_s", "first_fragment_s", "ring_flushed_s", "live_fragment_s")


def control(path, line, timeout=30.0):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall((json.dumps(line) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                raise RuntimeError(f"control {line['cmd']}: connection closed before the answer")
            data += chunk
    answer = json.loads(data)
    if not answer.get("ok"):
        raise RuntimeError(f"control {line['cmd']}: refused: {answer.get('error')}")
    return answer


def write_statement_wav(path, seconds=1.0, rate=16000):
    """A short tone burst the recorder plays as its microphone for start and stop statements."""
    import math
    frames = bytearray()
    for i in range(int(seconds * rate)):
        frames += struct.pack("<h", int(8000 * math.sin(2 * math.pi * 300 * i / rate)))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def write_config(cam, size, pre_event_seconds):
    width, height = size.split("x")
    statement = os.path.join(cam, "statement.wav")
    write_statement_wav(statement)
    config = os.path.join(cam, "recorder.toml")
    with open(config, "w") as f:
        f.write(f"""[device]
id = "bench-cam"
key_file = "{cam}/bench-cam.key"
ledger = "{cam}/ledger.db"
recording_dir = "{cam}/segments"
[source]
kind = "synthetic"
[encoder]
width = {width}
height = {height}
fps = 30
video_bitrate_kbps = 2500
[osd]
enabled = true
[pre_event]
seconds = {pre_event_seconds}
[annotation]
kind = "file"
file_path = "{statement}"
max_seconds = 2
[feedback]
log_file = "{cam}/feedback.log"
[checks]
poll_seconds = 5
[control]
socket_path = "{cam}/recorder.sock"
""")
    return config


# --- fragmented MP4: the video track of the init part, the video tfdt of a fragment ------------------------

def boxes(data, start=0, end=None):
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind.decode("latin-1"), pos + header, pos + size
        pos += size


def child(data, start, end, kind):
    for k, s, e in boxes(data, start, end):
        if k == kind:
            return s, e
    return None


def video_track(init):
    """(track_id, timescale) of the video track in an init part (ftyp + moov)."""
    moov = child(init, 0, len(init), "moov")
    if not moov:
        raise RuntimeError("first segment: no moov in the init part")
    for kind, s, e in boxes(init, *moov):
        if kind != "trak":
            continue
        tkhd = child(init, s, e, "tkhd")
        mdia = child(init, s, e, "mdia")
        hdlr = child(init, *mdia, "hdlr")
        if init[hdlr[0] + 8:hdlr[0] + 12] != b"vide":
            continue
        version = init[tkhd[0]]
        track_id = struct.unpack_from(">I", init, tkhd[0] + (20 if version == 1 else 12))[0]
        mdhd = child(init, *mdia, "mdhd")
        version = init[mdhd[0]]
        timescale = struct.unpack_from(">I", init, mdhd[0] + (20 if version == 1 else 12))[0]
        return track_id, timescale
    raise RuntimeError("first segment: no video track in the init part")


def video_tfdt(fragment, track_id):
    moof = child(fragment, 0, len(fragment), "moof")
    if not moof:
        raise RuntimeError("fragment without moof")
    for kind, s, e in boxes(fragment, *moof):
        if kind != "traf":
            continue
        tfhd = child(fragment, s, e, "tfhd")
        if struct.unpack_from(">I", fragment, tfhd[0] + 4)[0] != track_id:
            continue
        tfdt = child(fragment, s, e, "tfdt")
        if fragment[tfdt[0]] == 1:
            return struct.unpack_from(">Q", fragment, tfdt[0] + 4)[0]
        return struct.unpack_from(">I", fragment, tfdt[0] + 4)[0]
    raise RuntimeError("fragment without a video traf")


def read_range(segments, name, offset, length):
    for candidate in (name, name + ".partial"):
        try:
            with open(os.path.join(segments, candidate), "rb") as f:
                f.seek(offset)
                return f.read(length)
        except FileNotFoundError:
            continue
    # The file may have been renamed between the two tries.
    with open(os.path.join(segments, name), "rb") as f:
        f.seek(offset)
        return f.read(length)


# --- one start -------------------------------------------------------------------------------------------

def wait_until(what, predicate, timeout=TIMEOUT_S, step=POLL_LEDGER_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value is not None:
            return value
        time.sleep(step)
    raise RuntimeError(f"{what}: not seen within {timeout:.0f} s")


def measure_start(cam, db):
    sock = os.path.join(cam, "recorder.sock")
    log = os.path.join(cam, "feedback.log")
    log_offset = os.path.getsize(log) if os.path.exists(log) else 0
    t0 = time.monotonic()
    answer = control(sock, {"cmd": "start"})
    t_reply = time.monotonic() - t0
    session = answer.get("session")
    if not session:
        raise RuntimeError(f"start: the answer names no session: {answer}")

    def prompted():
        if not os.path.exists(log):
            return None
        with open(log, "rb") as f:
            f.seek(log_offset)
            if b"prompt start statement" in f.read():
                return time.monotonic() - t0
        return None
    t_prompt = wait_until("prompt start statement in the feedback log", prompted, step=POLL_LOG_S)

    seen = {}  # fragment index of the first segment -> (seconds since start, byte offset, byte length)
    first_file = {}

    def poll_fragments():
        now = time.monotonic() - t0
        rows = db.execute(
            "SELECT f.name, g.fragment_index, g.byte_offset, g.byte_length FROM files f JOIN fragments g"
            " ON g.file_name = f.name WHERE f.session_id = ? AND f.kind = 'segment'"
            " ORDER BY f.created_at, f.name, g.fragment_index", (session,)).fetchall()
        if not rows:
            return None
        name = first_file.setdefault("name", rows[0][0])
        for file_name, index, offset, length in rows:
            if file_name == name and index not in seen:
                seen[index] = (now, offset, length)
        return True
    wait_until("the session's first fragment row in the ledger", poll_fragments)
    t_first = seen[0][0]

    pre_event_ms = db.execute(
        "SELECT bytes FROM records WHERE kind = 3 ORDER BY seq DESC LIMIT 1").fetchone()[0]
    pre_event_ms = struct.unpack(">q", pre_event_ms[-72:-64])[0]
    segments = os.path.join(cam, "segments")
    name = first_file["name"]
    init = read_range(segments, name, 0, seen[0][1])
    track_id, timescale = video_track(init)
    tfdt = {}

    def live_fragment():
        poll_fragments()
        for index in sorted(seen):
            if index not in tfdt:
                _, offset, length = seen[index]
                tfdt[index] = video_tfdt(read_range(segments, name, offset, length), track_id)
        start_media = tfdt[0] + pre_event_ms * timescale // 1000
        covering = [i for i in sorted(tfdt) if tfdt[i] <= start_media]
        later = [i for i in sorted(tfdt) if tfdt[i] > start_media]
        if covering and later:
            return covering[-1]
        return None
    live_index = wait_until("the fragment holding the frame at the start", live_fragment)
    t_live = seen[live_index][0]
    t_flushed = seen[live_index - 1][0] if live_index > 0 else t_first

    control(sock, {"cmd": "stop", "reason": "officer_end"})
    wait_until("idle after the stop", lambda: True if control(sock, {"cmd": "status"})["state"] == "idle" else None,
               step=0.1)
    return {"session": session, "reply_s": t_reply, "prompt_s": t_prompt, "first_fragment_s": t_first,
            "ring_flushed_s": t_flushed, "live_fragment_s": t_live, "live_fragment_index": live_index,
            "pre_event_ms": pre_event_ms}


def run_mode(binary_dir, work, name, pre_event_seconds, runs, size):
    cam = os.path.join(work, name)
    os.makedirs(cam)
    subprocess.run([os.path.join(binary_dir, "bodycam"), "keygen", "--id", "bench-cam", "--out", cam],
                   check=True, stdout=subprocess.DEVNULL)
    config = write_config(cam, size, pre_event_seconds)
    out = open(os.path.join(cam, "recorder.out"), "w")
    recorder = subprocess.Popen([os.path.join(binary_dir, "bodycam-recorder"), "--config", config],
                                stdout=out, stderr=subprocess.STDOUT)
    results = []
    try:
        sock = os.path.join(cam, "recorder.sock")
        wait_until("the recorder's control socket", lambda: True if os.path.exists(sock) else None, step=0.05)
        db = sqlite3.connect(os.path.join(cam, "ledger.db"), isolation_level=None, timeout=5.0)
        refill = max(pre_event_seconds, 1) + 1
        for run in range(runs):
            time.sleep(refill)
            r = measure_start(cam, db)
            r["mode"] = name
            r["run"] = run + 1
            print(f"{name:>14} run {run + 1}: reply {r['reply_s'] * 1000:7.1f} ms"
                  f"  prompt {r['prompt_s'] * 1000:7.1f} ms"
                  f"  first fragment durable {r['first_fragment_s'] * 1000:7.1f} ms"
                  f"  ring durable {r['ring_flushed_s'] * 1000:7.1f} ms"
                  f"  live frame's fragment (#{r['live_fragment_index']}) durable {r['live_fragment_s'] * 1000:7.1f} ms"
                  f"  pre_event_ms {r['pre_event_ms']}", flush=True)
            results.append(r)
        db.close()
    except Exception:
        out.flush()
        with open(os.path.join(cam, "recorder.out")) as f:
            sys.stderr.write(f.read()[-3000:])
        raise
    finally:
        recorder.terminate()
        recorder.wait(timeout=60)
        out.close()
    verify = subprocess.run([os.path.join(binary_dir, "bodycam"), "verify", os.path.join(cam, "ledger.db"),
                             "--key", os.path.join(cam, "bench-cam.pub")], capture_output=True, text=True)
    if verify.returncode > 1:
        raise RuntimeError(f"bodycam verify of the {name} ledger: exit {verify.returncode}\n{verify.stdout}")
    return results


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.environ.get("BODYCAM_BIN", os.path.join(root, "build", "bin")))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--pre-event-seconds", type=int, default=30)
    p.add_argument("--size", default="1280x720")
    p.add_argument("--json", help="write every run and the summaries here")
    args = p.parse_args()
    if args.runs < 1 or args.pre_event_seconds < 1:
        p.error("--runs and --pre-event-seconds must be at least 1")
    with open("/proc/loadavg") as f:
        load_before = " ".join(f.read().split()[:3])
    print(f"start latency: bodycam-recorder {args.size}p30, synthetic source, OSD on; {args.runs} starts with a "
          f"{args.pre_event_seconds} s pre-event ring, {args.runs} with the ring off; load before {load_before}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="bodycam-start-latency-") as work:
        runs = run_mode(args.bin, work, "pre-event on", args.pre_event_seconds, args.runs, args.size)
        runs += run_mode(args.bin, work, "pre-event off", 0, args.runs, args.size)
    with open("/proc/loadavg") as f:
        load_after = " ".join(f.read().split()[:3])
    result = {"size": args.size, "pre_event_seconds": args.pre_event_seconds, "load_before": load_before,
              "load_after": load_after, "runs": runs, "summary": {}}
    for mode in ("pre-event on", "pre-event off"):
        mine = [r for r in runs if r["mode"] == mode]
        result["summary"][mode] = {key: summary([r[key] for r in mine])
                                   for key in KEYS}
        s = result["summary"][mode]
        print(f"{mode}: median (min-max) over {len(mine)} starts: " + "  ".join(
            f"{key[:-2]} {s[key]['median'] * 1000:.0f} ({s[key]['min'] * 1000:.0f}-{s[key]['max'] * 1000:.0f}) ms"
            for key in KEYS))
    print(f"load after {load_after}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"start_latency: {e}", file=sys.stderr)
        sys.exit(1)
