#!/usr/bin/python3
"""Console benchmarks over a real recorded shift: time to first frame of playback, and pages per second per core.

1. Time to first frame, measured two ways, each REPEATS times:
   - in headless Chromium through Selenium: from the navigation to the playback page to the <video>'s first
     `loadeddata` event (performance.now(), so the browser's own clock; what a clerk waits for), with the
     first segment's fetch (request start to response end) from the Resource Timing entries;
   - over HTTP without a browser (http.client on 127.0.0.1): the first segment's download, time to the first
     byte and to the last, which is what the playback script waits for before it can append anything.
2. Pages per second: CONNECTIONS keep-alive connections (one Python thread each) ask for the session list, then
   a session page, for SECONDS each; requests/s, latency (median, 95th percentile) and the CPU time the
   bodycam-console process spent (utime+stime from /proc/PID/stat), so requests per CPU second is pages per
   second per core of the console itself, whatever else the machine runs. The client shares the machine.

Each session page, playback page and segment download writes a signed access entry, as in production.
  console_http_bench.py --source SRC --bin BUILD/bin [--recorded-shift DIR] [--connections 4] [--seconds 10]
                        [--repeats 5] [--resolution 1280x720 --fps 30 --segment-seconds 60]
Prints one line per figure; exits 1 if any step fails or a load loop got no page.
"""
import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(SOURCE / "tests" / "console" / "e2e"))
import console_stage as stage_lib  # noqa: E402

FIRST_FRAME_PROBE = """
window.__first_frame_ms = null;
document.addEventListener('loadeddata', () => {
  if (window.__first_frame_ms === null) window.__first_frame_ms = performance.now();
}, {capture: true});
"""


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load_loop(label, port, cookie, path, connections, seconds, pid):
    counts = [0] * connections
    latencies = [[] for _ in range(connections)]
    errors = []
    stop_at = time.monotonic() + seconds

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < stop_at:
                t0 = time.monotonic()
                conn.request("GET", path, headers={"Cookie": cookie})
                reply = conn.getresponse()
                body = reply.read()
                if reply.status != 200 or not body:
                    errors.append(f"{path}: status {reply.status}")
                    return
                latencies[i].append(time.monotonic() - t0)
                counts[i] += 1
        except (OSError, http.client.HTTPException) as e:
            errors.append(f"{path}: {e}")
        finally:
            conn.close()

    cpu0, wall0 = cpu_seconds(pid), time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu, wall = cpu_seconds(pid) - cpu0, time.monotonic() - wall0
    total = sum(counts)
    flat = [x for xs in latencies for x in xs]
    if errors or total == 0:
        raise stage_lib.StageError(f"load loop on {path}: {total} pages, errors: {errors[:3]}")
    print(f"{label}: {connections} connections, "
          f"{total} pages in {wall:.1f} s = {total / wall:.1f}/s; latency median {statistics.median(flat) * 1000:.1f} ms, "
          f"p95 {percentile(flat, 95) * 1000:.1f} ms; console CPU {cpu:.2f} s = {cpu / wall:.2f} cores; "
          f"{total / cpu if cpu > 0 else float('inf'):.1f} pages per CPU second", flush=True)


def first_segment_over_http(port, cookie, path, repeats):
    first_byte, last_byte, size = [], [], 0
    for _ in range(repeats):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        t0 = time.monotonic()
        conn.request("GET", path, headers={"Cookie": cookie})
        reply = conn.getresponse()
        reply.read(1)
        t1 = time.monotonic()
        size = 1 + len(reply.read())
        t2 = time.monotonic()
        conn.close()
        if reply.status != 200:
            raise stage_lib.StageError(f"GET {path}: status {reply.status}")
        first_byte.append(t1 - t0)
        last_byte.append(t2 - t0)
    print(f"first segment over HTTP ({size} bytes), {repeats} runs: first byte median "
          f"{statistics.median(first_byte) * 1000:.0f} ms, whole segment median {statistics.median(last_byte) * 1000:.0f} ms "
          f"(worst {max(last_byte) * 1000:.0f} ms)", flush=True)


def first_frame_in_chromium(stage, work, play_path, repeats):
    driver = stage_lib.new_browser(work / "downloads", work / "profile")
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_FRAME_PROBE})
        driver.get(stage.base_url() + "/login")
        driver.find_element("name", "person").send_keys("clerk-demo")
        driver.find_element("name", "password").send_keys(stage.passwords["clerk-demo"])
        driver.find_element("css selector", "form.login button").click()
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(driver, 30).until(lambda d: d.find_elements("css selector", "header .who"))
        frames, fetches = [], []
        for _ in range(repeats):
            driver.get(stage.base_url() + play_path)
            WebDriverWait(driver, 120, poll_frequency=0.05).until(
                lambda d: d.execute_script("return window.__first_frame_ms") is not None)
            frames.append(driver.execute_script("return window.__first_frame_ms"))
            fetches.append(driver.execute_script(
                "const e = performance.getEntriesByType('resource').find(r => r.name.includes('/files/'));"
                "return e ? e.responseEnd - e.requestStart : null;"))
        print(f"time to first frame in Chromium, {repeats} runs: median {statistics.median(frames):.0f} ms, worst "
              f"{max(frames):.0f} ms (navigation start to the <video>'s first loadeddata); the first segment's fetch "
              f"median {statistics.median(fetches):.0f} ms", flush=True)
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=str(SOURCE))
    parser.add_argument("--bin", required=True)
    parser.add_argument("--recorded-shift")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--resolution", default="1280x720")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--segment-seconds", type=int, default=60)
    args = parser.parse_args()
    work = stage_lib.make_work_dir("bodycam-console-bench-")
    stage = None
    ok = False
    try:
        stage_lib.require_browser_tools()
        stage = stage_lib.console_stage(args.source, Path(args.bin).resolve(), work)
        if args.recorded_shift:
            stage.copy_shift(args.recorded_shift)
        else:
            stage.record_shift(cameras=1, minutes=1, segment_seconds=args.segment_seconds,
                               resolution=args.resolution, fps=args.fps)
        stage.make_accounts()
        stage.start_console()
        (work / "downloads").mkdir()
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()} at start", flush=True)
        cookie = stage_lib.http_login(stage.base_url(), "clerk-demo", stage.passwords["clerk-demo"])
        conn = http.client.HTTPConnection("127.0.0.1", stage.port, timeout=60)
        conn.request("GET", "/sessions", headers={"Cookie": cookie})
        listing = conn.getresponse().read().decode()
        conn.close()
        marker = 'href="/sessions/'
        at = listing.index(marker) + len('href="')
        session_path = listing[at:listing.index('"', at)]
        conn = http.client.HTTPConnection("127.0.0.1", stage.port, timeout=60)
        conn.request("GET", session_path, headers={"Cookie": cookie})
        page = conn.getresponse().read().decode()
        conn.close()
        at = page.index(session_path + "/files/")
        first_file = page[at:page.index('"', at)]
        print(f"session {session_path}, first segment {first_file}", flush=True)

        first_frame_in_chromium(stage, work, session_path + "/play", args.repeats)
        first_segment_over_http(stage.port, cookie, first_file, args.repeats)
        load_loop("session list", stage.port, cookie, "/sessions", args.connections, args.seconds, stage.process.pid)
        load_loop("session page", stage.port, cookie, session_path, args.connections, args.seconds, stage.process.pid)
        print(f"load average {os.getloadavg()} at the end", flush=True)
        stage.stop_console()
        ok = True
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        print(f"FAILED: {e}", file=sys.stderr)
    finally:
        if stage is not None:
            stage.close()
        if ok:
            stage_lib.remove_work_dir(work)
        else:
            print(f"work folder kept: {work}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
