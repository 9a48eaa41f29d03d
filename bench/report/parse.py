"""Turns the benchmarks' printed lines into figures (plain dicts of numbers) for bench/run-all's tables and plots.

Each parser takes the text one benchmark printed and returns what it found; a line it does not recognise is
skipped, and a benchmark whose figures are missing raises ValueError naming the benchmark, so a run that
printed nothing useful is reported as failed rather than as an empty table.
"""
import re
import statistics

NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
# bench_ingest's CPU seconds per phase (optional: lines from before it printed them have none); five groups:
# the copying tool, Ceph during it, the dock, Ceph during it, the store's opening.
CPU_USE = (r"(?:\s+cpu s: \S+ " + NUMBER + r" ceph " + NUMBER + r", dock " + NUMBER + r" ceph " + NUMBER +
           r"; store open " + NUMBER + r"s(?:; dock key put " + NUMBER + r"s)?)?")


def chain(text):
    """bench_chain: one dict per phase line (encode+sign, verify_chain jobs N)."""
    rows = []
    pattern = re.compile(r"^(.+?)\s+(\d+) records\s+" + NUMBER + r" s\s+" + NUMBER + r" records/s\s+cpu\s+" +
                         NUMBER + r" s\s+" + NUMBER + r" records/cpu-s\s+peak RSS\s+(\d+) MiB\s+load " + NUMBER)
    for line in text.splitlines():
        m = pattern.match(line.strip())
        if m:
            rows.append({"phase": m[1].strip(), "records": int(m[2]), "seconds": float(m[3]),
                         "per_second": float(m[4]), "cpu_seconds": float(m[5]), "per_cpu_second": float(m[6]),
                         "peak_rss_mib": int(m[7]), "load": float(m[8])})
    if not rows:
        raise ValueError("bench_chain: no figures in its output")
    return rows


def tlog(text):
    rows = []
    pattern = re.compile(r"^(.+?)\s+(\d+)\s+" + NUMBER + r" s\s+" + NUMBER + r" /s$")
    for line in text.splitlines():
        m = pattern.match(line.strip())
        if m:
            rows.append({"operation": m[1].strip(), "count": int(m[2]), "seconds": float(m[3]),
                         "per_second": float(m[4])})
    if not rows:
        raise ValueError("bench_tlog: no figures in its output")
    return rows


def crypto(text):
    rows = []
    for line in text.splitlines():
        m = re.match(r"^(.+?)\s+" + NUMBER + r" (MB/s|x)$", line.strip())
        if m:
            rows.append({"operation": m[1].strip(), "value": float(m[2]), "unit": m[3]})
    if not rows:
        raise ValueError("bench_footage_crypto: no figures in its output")
    return rows


def catalogue(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"^(.+?)\s+(\d+) matches\s+median\s+" + NUMBER + r" ms\s+worst\s+" + NUMBER + " ms$", line)
        if m:
            rows.append({"search": m[1].strip(), "matches": int(m[2]), "median_ms": float(m[3]),
                         "worst_ms": float(m[4])})
            continue
        m = re.match(r"^build \(one transaction\)\s+(\d+) sessions\s+" + NUMBER + " s$", line)
        if m:
            rows.append({"search": f"build the catalogue ({m[1]} sessions)", "seconds": float(m[2])})
            continue
        m = re.match(r"^file size\s+" + NUMBER + " MiB$", line)
        if m:
            rows.append({"search": "file size", "mib": float(m[1])})
    if not any("median_ms" in r for r in rows):
        raise ValueError("bench_console_catalogue: no search figures in its output")
    return rows


def ingest(text):
    """bench_ingest --link: one dict per line (cameras, MB, cp+sync, dock, link alone MB/s)."""
    rows = []
    for line in text.splitlines():
        m = re.search(r"cameras=(\d+) files=(\d+) size=(\d+)MiB total=(\d+)MB\s+cp\+sync " + NUMBER + r"s \(" +
                      NUMBER + r" MB/s\).*?dock " + NUMBER + r"s \(" + NUMBER + r" MB/s\) = " + NUMBER +
                      r"% of cp(?:\s+link alone " + NUMBER + r"s \(" + NUMBER + r" MB/s\))?" + CPU_USE + r"\s+load (.*)$",
                      line)
        if m:
            rows.append({"mode": line.split()[0], "cameras": int(m[1]), "files": int(m[2]), "mib_each": int(m[3]),
                         "total_mb": int(m[4]), "cp_seconds": float(m[5]), "cp_mb_s": float(m[6]),
                         "dock_seconds": float(m[7]), "dock_mb_s": float(m[8]), "dock_percent_of_cp": float(m[9]),
                         "link_mb_s": float(m[11]) if m[11] else None, "load": m[m.lastindex].strip()})
    if not rows:
        raise ValueError("bench_ingest: no figures in its output")
    return rows


def dock_history(text):
    """bench_dock_history: a dict of its line (records, the dockings' seconds, records read back, whole chain)."""
    m = re.search(r"store=(\S+) records=(\d+) \(made in " + NUMBER + r"s\)\s+first docking " + NUMBER +
                  r"s \((\d+) records stored\)\s+second docking \(1 MiB\) " + NUMBER + r"s, (\d+) stored records "
                  r"read back\s+whole stored chain read " + NUMBER + r"s \((\d+) records\) and verified " + NUMBER +
                  r"s \((\d+) signature threads\)\s+load (.*)$", text)
    if not m:
        raise ValueError("bench_dock_history: no figures in its output")
    return {"store": m[1], "records": int(m[2]), "first_docking_s": float(m[4]), "second_docking_s": float(m[6]),
            "records_read": int(m[7]), "whole_read_s": float(m[8]), "whole_records": int(m[9]),
            "whole_verify_s": float(m[10]), "load": m[12].strip()}


def s3_vs_rclone(text):
    """bench/ingest/s3_vs_rclone.sh: one dict per case line (cameras, MB, rclone and dock MB/s, dock / rclone)."""
    rows = []
    for line in text.splitlines():
        m = re.search(r"cameras=(\d+) files=(\d+) size=(\d+)MiB total=(\d+)MB\s+rclone copy --checksum " + NUMBER +
                      r"s \(" + NUMBER + r" MB/s\)\s+dock " + NUMBER + r"s \(" + NUMBER + r" MB/s\) = " + NUMBER +
                      r"% of rclone" + CPU_USE + r"\s+load (.*)$", line)
        if m:
            cpu = m[10] is not None
            rows.append({"rclone_transfers_1": line.startswith("RCLONE_TRANSFERS=1"), "cameras": int(m[1]),
                         "files": int(m[2]), "mib_each": int(m[3]), "total_mb": int(m[4]),
                         "rclone_mb_s": float(m[6]), "dock_mb_s": float(m[8]), "dock_percent_of_rclone": float(m[9]),
                         "rclone_cpu_s": float(m[10]) if cpu else None, "rclone_ceph_cpu_s": float(m[11]) if cpu else None,
                         "dock_cpu_s": float(m[12]) if cpu else None, "dock_ceph_cpu_s": float(m[13]) if cpu else None,
                         "store_open_s": float(m[14]) if cpu else None,
                         "dock_key_put_s": float(m[15]) if m[15] is not None else None, "load": m[16].strip()})
    if not rows:
        raise ValueError("s3_vs_rclone.sh: no figures in its output")
    return rows


def recorder_vs_ffmpeg(text):
    """bench/recorder/run.sh: {(program, size): {"cpu": CPU s per media s, "rss": MiB}} for one run."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"^(ffmpeg|bodycam-recorder) (\d+x\d+)p\d+\s+" + NUMBER + r" CPU s per media s\s+peak RSS\s+" +
                     NUMBER + " MiB$", line.strip())
        if m:
            found[(m[1], m[2])] = {"cpu": float(m[3]), "rss": float(m[4]), "cpu_by_elapsed": float(m[3])}
        # With BENCH_PRE_EVENT_SECONDS the recorder's CPU per media second it actually encoded replaces the one
        # by elapsed time (which is wrong whenever the recorder fell behind real time).
        m = re.match(r"^bodycam-recorder (\d+x\d+)p\d+\s+" + NUMBER + r" CPU s per media s in its segments$",
                     line.strip())
        if m and ("bodycam-recorder", m[1]) in found:
            found[("bodycam-recorder", m[1])]["cpu"] = float(m[2])
    if not found:
        raise ValueError("bench/recorder/run.sh: no figures in its output")
    return found


def spread(values):
    """median, min and max of a list of numbers (the form every repeated figure takes in the tables)."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def recorder_runs(runs, sizes):
    """Per size: spreads of each program's CPU and RSS over the runs and of the recorder/ffmpeg ratios."""
    out = {}
    for size in sizes:
        pairs = [(r.get(("ffmpeg", size)), r.get(("bodycam-recorder", size))) for r in runs]
        pairs = [(f, b) for f, b in pairs if f and b]
        if not pairs:
            raise ValueError(f"bench/recorder/run.sh: no complete run at {size}")
        out[size] = {
            "ffmpeg_cpu": spread([f["cpu"] for f, _ in pairs]), "recorder_cpu": spread([b["cpu"] for _, b in pairs]),
            "ffmpeg_rss": spread([f["rss"] for f, _ in pairs]), "recorder_rss": spread([b["rss"] for _, b in pairs]),
            "cpu_ratio": spread([b["cpu"] / f["cpu"] for f, b in pairs]),
            "rss_ratio": spread([b["rss"] / f["rss"] for f, b in pairs]),
        }
    return out
