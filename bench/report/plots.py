"""The PNG plots of bench/run-all (Debian's python3-matplotlib, no display needed): ingest throughput against the
number of cameras, the recorder's and ffmpeg's CPU against the resolution, the chain's verify rate against its
length, and the start latency per mode. Each plot is drawn only from a benchmark that ran and gave figures, and
its title carries the date and the load, so a plot never outlives the run it shows without saying so.
"""
import os


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _title(results, entry, what):
    return f"{what}\n{results['started']}, load {entry['load_before']} → {entry['load_after']} " \
           f"({results['machine']['nproc']} cores{', quick run' if results['mode'] == 'quick' else ''})"


def _errorbar(ax, xs, spreads, scale, label, marker):
    medians = [s["median"] * scale for s in spreads]
    low = [(s["median"] - s["min"]) * scale for s in spreads]
    high = [(s["max"] - s["median"]) * scale for s in spreads]
    ax.errorbar(xs, medians, yerr=[low, high], marker=marker, capsize=4, label=label)


def ingest(plt, results, entry, path):
    rows = sorted(entry["figures"], key=lambda r: r["cameras"])
    xs = [r["cameras"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(xs, [r["dock_mb_s"] for r in rows], marker="o", label="dock (verify + store), over the link")
    ax.plot(xs, [r["cp_mb_s"] for r in rows], marker="s", label="cp -r + sync")
    if all(r["link_mb_s"] for r in rows):
        ax.plot(xs, [r["link_mb_s"] for r in rows], marker="^", label="link alone")
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_xlabel("cameras docked at once")
    ax.set_ylabel("MB/s")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.set_title(_title(results, entry, "Dock ingest throughput"), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def recorder(plt, results, entry, path):
    sizes = entry["figures"]["sizes"]
    names = list(sizes)
    pixels = [int(n.split("x")[0]) * int(n.split("x")[1]) / 1e6 for n in names]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    _errorbar(ax, pixels, [sizes[n]["ffmpeg_cpu"] for n in names], 1, "ffmpeg command line", "s")
    _errorbar(ax, pixels, [sizes[n]["recorder_cpu"] for n in names], 1, "bodycam-recorder", "o")
    ax.set_xticks(pixels, [n for n in names])
    ax.set_xlabel("resolution at 30 fps (x: megapixels)")
    ax.set_ylabel("CPU s per media s (1.0 = one core)")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.set_title(_title(results, entry, "Encode CPU against resolution (median, min–max)"), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def chain(plt, results, entry, path):
    lengths, wall, cpu = [], [], []
    for length, phases in sorted(entry["figures"].items(), key=lambda kv: int(kv[0])):
        verify = next((p for p in phases if p["phase"].startswith("verify")), None)
        if verify:
            lengths.append(int(length))
            wall.append(verify["per_second"])
            cpu.append(verify["per_cpu_second"])
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(lengths, wall, marker="o", label="records per second (wall)")
    ax.plot(lengths, cpu, marker="s", label="records per CPU second")
    ax.set_xscale("log")
    ax.set_xlabel("chain length (records)")
    ax.set_ylabel("verified records per second, 1 job")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.set_title(_title(results, entry, "Chain verification rate against chain length"), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def start_latency(plt, results, entry, path):
    summary = entry["figures"]["summary"]
    keys = [("prompt_s", "statement prompted"), ("first_fragment_s", "first frame durable"),
            ("ring_flushed_s", "whole ring durable"), ("live_fragment_s", "frame at start durable")]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    width = 0.8 / max(len(summary), 1)
    for i, (mode, s) in enumerate(summary.items()):
        xs = [k + i * width for k in range(len(keys))]
        medians = [s[k]["median"] * 1000 for k, _ in keys]
        err = [[(s[k]["median"] - s[k]["min"]) * 1000 for k, _ in keys],
               [(s[k]["max"] - s[k]["median"]) * 1000 for k, _ in keys]]
        ax.bar(xs, medians, width, yerr=err, capsize=4, label=mode)
    ax.axhline(500, color="grey", linestyle="--", linewidth=1, label="goal 0.5 s (ring on)")
    ax.set_xticks([k + width * (len(summary) - 1) / 2 for k in range(len(keys))], [n for _, n in keys], fontsize=8)
    ax.set_ylabel("ms after the start command")
    ax.legend(fontsize=8)
    ax.set_title(_title(results, entry, "Recorder start latency (median, min–max)"), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_all(results, directory):
    """Draws every plot whose benchmark has figures into directory; returns the files written."""
    from report.markdown import PLOTS
    drawers = {"chain": chain, "ingest": ingest, "recorder": recorder, "start_latency": start_latency}
    wanted = {n: e for n, e in results["benchmarks"].items() if n in drawers and "figures" in e}
    if not wanted:
        return []
    plt = _pyplot()
    os.makedirs(directory, exist_ok=True)
    made = []
    for name, entry in wanted.items():
        path = os.path.join(directory, PLOTS[name])
        drawers[name](plt, results, entry, path)
        made.append(os.path.relpath(path, os.path.dirname(directory)))
    return made
