"""The Markdown of bench/run-all's figures, and its one way into docs/performance.md.

`sections(results)` gives one block of Markdown per benchmark that ran (plus `run`: the machine, the date and
the load), each saying the command that produced it and the load around it; a failed benchmark's block says so
and why. `update_file` replaces only the text between `<!-- bench/run-all: NAME -->` and
`<!-- end bench/run-all: NAME -->` in docs/performance.md, so the hand-written explanation around each block
stays; a block whose markers the file lacks is appended at its end under its own heading, never dropped.
"""
import os
import re

PLOTS = {"chain": "chain_verify.png", "ingest": "ingest_cameras.png", "recorder": "recorder_resolution.png",
         "start_latency": "start_latency.png"}


def spread(s, scale=1.0, digits=3):
    return f"{s['median'] * scale:.{digits}f} ({s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f})"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def provenance(results, entry):
    commands = "; ".join(f"`{c}`" for c in entry["commands"]) or "(none ran)"
    run = f"`bench/run-all{' --quick' if results['mode'] == 'quick' else ''}`"
    return (f"{run}, {entry.get('started', results['started'])}, commit {results['commit']}, "
            f"{results['machine']['nproc']} cores ({results['machine']['model']}). "
            f"Command{'s' if len(entry['commands']) > 1 else ''}: {commands}. {entry['seconds']:.0f} s; "
            f"`uptime` load average before {entry['load_before']}, after {entry['load_after']}.")


def chain_table(figures):
    rows = []
    for length, phases in figures.items():
        sign = next((p for p in phases if p["phase"].startswith("encode")), None)
        for p in phases:
            if p["phase"].startswith("verify"):
                rows.append([f"{int(length):,}".replace(",", " "), f"{sign['per_second']:.0f}" if sign else "—",
                             f"{p['per_second']:.0f}", f"{p['per_cpu_second']:.0f}", f"{p['seconds']:.2f} s",
                             f"{p['peak_rss_mib']} MiB", f"{p['load']:.1f}"])
    return table(["records", "encode + sign, records/s", "verify (1 job), records/s", "verify, records per CPU-s",
                  "verify time", "peak RSS", "load"], rows)


def tlog_table(figures):
    return table(["operation", "count", "time", "per second"],
                 [[r["operation"], r["count"], f"{r['seconds']:.3f} s", f"{r['per_second']:.0f}"] for r in figures])


def crypto_table(figures):
    return table(["operation", "figure"], [[r["operation"], f"{r['value']:.2f} {r['unit']}"] for r in figures])


def catalogue_table(figures):
    rows = []
    for r in figures:
        if "median_ms" in r:
            rows.append([r["search"], r["matches"], f"{r['median_ms']:.2f} ms", f"{r['worst_ms']:.2f} ms"])
        elif "seconds" in r:
            rows.append([r["search"], "—", f"{r['seconds']:.2f} s", "—"])
        else:
            rows.append([r["search"], "—", f"{r['mib']:.1f} MiB", "—"])
    return table(["search", "matches", "median", "worst"], rows)


def ingest_table(figures):
    rows = [[r["cameras"], f"{r['total_mb']} MB", f"{r['cp_mb_s']:.0f} MB/s", f"{r['dock_mb_s']:.0f} MB/s",
             f"{r['dock_percent_of_cp']:.0f} %", f"{r['link_mb_s']:.0f} MB/s" if r["link_mb_s"] else "—", r["load"]]
            for r in figures]
    return table(["cameras", "bytes", "cp+sync", "dock over the link", "dock / cp", "link alone",
                  "load at the end"], rows)


def history_table(figures):
    rows = [[r["store"], r["records"], f"{r['first_docking_s']:.2f} s", f"{r['second_docking_s']:.3f} s",
             r["records_read"], f"{r['whole_read_s']:.2f} s + {r['whole_verify_s']:.2f} s", r["load"]]
            for r in figures]
    return table(["store", "records", "first docking (stores them all)", "second docking (1 MiB)",
                  "stored records it read back", "the whole chain read + verified (before)", "load at the end"], rows)


def s3_table(figures):
    def cpu(r, tool, ceph):
        return "" if r.get(tool) is None else f"{r[tool]:.2f} + {r[ceph]:.2f}"
    rows = [[r["cameras"], f"{r['total_mb']} MB", "1" if r["rclone_transfers_1"] else "4 (default)",
             f"{r['rclone_mb_s']:.0f} MB/s", f"{r['dock_mb_s']:.0f} MB/s", f"{r['dock_percent_of_rclone']:.0f} %",
             cpu(r, "rclone_cpu_s", "rclone_ceph_cpu_s"), cpu(r, "dock_cpu_s", "dock_ceph_cpu_s"),
             r["load"]] for r in figures]
    return ("Goal: the dock at least 90 % of rclone. CPU s: user + system seconds of the tool (rclone; the dock's "
            "process, with the in-process cameras' handlers) + of the Ceph daemons during the same copy.\n\n" +
            table(["cameras", "bytes", "rclone transfers", "rclone copy --checksum", "dock → RGW", "dock / rclone",
                   "CPU s rclone + Ceph", "CPU s dock + Ceph", "load at the end"], rows))


def recorder_table(figures):
    rows = []
    for size, s in figures["sizes"].items():
        rows.append([size, spread(s["ffmpeg_cpu"]), spread(s["recorder_cpu"]), spread(s["cpu_ratio"], digits=2),
                     spread(s["ffmpeg_rss"], digits=1), spread(s["recorder_rss"], digits=1),
                     spread(s["rss_ratio"], digits=2)])
    return (f"{figures['runs']} runs of {figures['seconds']} s per size, median (min–max); the recorder's CPU is per "
            "media second in its segments (a ring longer than the run keeps all it encoded), ffmpeg's per `-t` "
            "second:\n\n" +
            table(["size (30 fps)", "ffmpeg CPU s per media s", "recorder CPU s per media s", "recorder / ffmpeg CPU",
                   "ffmpeg peak RSS MiB", "recorder peak RSS MiB", "recorder / ffmpeg RSS"], rows))


def start_latency_table(figures):
    names = [("reply_s", "control reply"), ("prompt_s", "start statement prompted"),
             ("first_fragment_s", "first frame durable"), ("ring_flushed_s", "whole ring durable"),
             ("live_fragment_s", "frame at the start durable")]
    rows = []
    for mode, s in figures["summary"].items():
        pre = [r["pre_event_ms"] for r in figures["runs"] if r["mode"] == mode]
        rows.append([f"{mode} ({min(pre)}–{max(pre)} ms held)"] + [spread(s[k], 1000, 0) for k, _ in names])
    return (f"{figures['size']} at 30 fps, OSD on, ring of {figures['pre_event_seconds']} s; milliseconds after the "
            f"`start` line was sent, median (min–max) of {len(figures['runs']) // max(len(figures['summary']), 1)} "
            "starts per mode:\n\n" + table(["pre-event ring"] + [n for _, n in names], rows))


def lines_block(figures):
    return "```\n" + "\n".join(figures["lines"]) + "\n```"


RENDER = {"chain": chain_table, "tlog": tlog_table, "crypto": crypto_table, "catalogue": catalogue_table,
          "ingest": ingest_table, "history": history_table, "s3": s3_table, "recorder": recorder_table, "start_latency": start_latency_table,
          "pre_event_memory": lines_block, "shift": lines_block, "audit": lines_block, "console": lines_block}


def run_section(results):
    m = results["machine"]
    rows = [[name, "**failed**" if e["failures"] else "done", f"{e['seconds']:.0f} s",
             f"{e['load_before']} → {e['load_after']}"] for name, e in results["benchmarks"].items()]
    kind = ("a **quick** (smoke) run: sizes far too small to rely on" if results["mode"] == "quick"
            else "the full run")
    return (f"`bench/run-all{' --quick' if results['mode'] == 'quick' else ''}`, {kind}, {results['started']} to "
            f"{results['finished']}, commit {results['commit']}; {m['nproc']} cores ({m['model']}), "
            f"{m['memory_gib']} GiB, Linux {m['kernel']}; RESULTS in the commands is the run's results folder. "
            f"`uptime` load average before {results['load_before']}, "
            f"after {results['load_after']} (other work on the machine is not stopped: read every figure with the "
            f"load beside it).\n\n" + table(["benchmark", "result", "time", "load before → after"], rows))


def sections(results):
    out = {"run": run_section(results)}
    for name, entry in results["benchmarks"].items():
        parts = [provenance(results, entry)]
        if entry["failures"]:
            parts.append("**Failed**: " + "; ".join(entry["failures"]))
        if "figures" in entry:
            parts.append(RENDER[name](entry["figures"]))
            if name in PLOTS:
                parts.append(f"![{name}](performance/{PLOTS[name]})")
        out[name] = "\n\n".join(parts)
    return out


def begin_marker(name):
    return f"<!-- bench/run-all: {name} -->"


def end_marker(name):
    return f"<!-- end bench/run-all: {name} -->"


def update_file(path, blocks):
    with open(path) as f:
        text = f.read()
    missing = []
    for name, block in blocks.items():
        pattern = re.compile(re.escape(begin_marker(name)) + r".*?" + re.escape(end_marker(name)), re.S)
        replacement = f"{begin_marker(name)}\n{block}\n{end_marker(name)}"
        if pattern.search(text):
            text = pattern.sub(lambda _: replacement, text, count=1)
        else:
            missing.append(f"### {name}\n\n{replacement}")
    if missing:
        text = text.rstrip("\n") + "\n\n## Generated by bench/run-all, not yet placed in the text above\n\n" + \
            "\n\n".join(missing) + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
