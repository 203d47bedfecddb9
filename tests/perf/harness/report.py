"""The report: results.csv (every run), summary.csv (per point: medians over the repeats), e2e.csv,
charts (PNG) and report.md with the machine described and the data-path targets checked against
the medians (reported, never asserted)."""
import csv
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

import runs  # noqa: E402

E2E_COLUMNS = ["system", "interval_ms", "record_bytes", "partitions", "rate", "duration_s",
               "produced", "visible", "valid", "e2e_p50_ms", "e2e_p99_ms", "note"]


def write(out_dir, rows, summary, e2e_rows, machine, settings):
    """`rows`: one per run; `summary`: one per (sweep, system, point), from runs.summarise()."""
    os.makedirs(out_dir, exist_ok=True)
    _csv(os.path.join(out_dir, "results.csv"), runs.COLUMNS, rows)
    _csv(os.path.join(out_dir, "summary.csv"), runs.SUMMARY_COLUMNS, summary)
    if e2e_rows:
        _csv(os.path.join(out_dir, "e2e.csv"), E2E_COLUMNS, e2e_rows)
    charts = _charts(out_dir, summary, e2e_rows)
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(_markdown(rows, summary, e2e_rows, machine, settings, charts))


def _csv(path, columns, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _fmt(row.get(k)) for k in columns})


def _fmt(value, digits=3):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def _valid(rows, **match):
    return [r for r in rows if r.get("valid") and all(r.get(k) == v for k, v in match.items())]


# ---- charts ----------------------------------------------------------------------------------

def _charts(out_dir, rows, e2e_rows):
    made = []
    for name, draw in [("throughput-vs-interval.png", _throughput_vs_interval),
                       ("commit-latency-vs-partitions.png", _commit_vs_partitions),
                       ("e2e-latency-vs-interval.png", lambda ax: _e2e_vs_interval(ax, e2e_rows)),
                       ("cpu-per-record.png", _cpu_per_record)]:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        drawn = draw(ax, rows) if name != "e2e-latency-vs-interval.png" else draw(ax)
        if drawn:
            fig.tight_layout()
            fig.savefig(os.path.join(out_dir, name), dpi=110)
            made.append(name)
        plt.close(fig)
    return made


def _throughput_vs_interval(ax, rows):
    points = [r for r in _valid(rows) if r["sweep"] in ("interval", "base")
              and r["system"] not in ("broker-produce", "broker-consume")]
    if not points:
        return False
    size, partitions = points[0]["record_bytes"], points[0]["partitions"]
    for system in sorted({r["system"] for r in points}):
        series = sorted((r["interval_ms"], r["records_per_s"]) for r in points
                        if r["system"] == system and r["record_bytes"] == size and r["partitions"] == partitions)
        ax.plot(*zip(*series), marker="o", label=system)
    for tool, style in [("broker-produce", ":"), ("broker-consume", "-.")]:
        ceiling = [r for r in _valid(rows, system=tool, record_bytes=size, partitions=partitions)]
        if ceiling:
            ax.axhline(ceiling[0]["records_per_s"], color="gray", linestyle=style, label=f"{tool} (ceiling)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set(xlabel="commit interval (ms)", ylabel="records/s (log)",
           title=f"Throughput vs commit interval ({size} B, {partitions} partitions)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return True


def _commit_vs_partitions(ax, rows):
    points = [r for r in _valid(rows) if r["sweep"] in ("partitions", "base") and r["commit_p50_ms"] is not None]
    averages_only = [r for r in _valid(rows) if r["sweep"] in ("partitions", "base")
                     and r["commit_p50_ms"] is None and r["commit_avg_ms"] is not None]
    if not points and not averages_only:
        return False
    for system in sorted({r["system"] for r in averages_only}):  # Kafka Streams: avg only
        series = sorted((r["partitions"], r["commit_avg_ms"]) for r in averages_only if r["system"] == system)
        ax.plot(*zip(*series), marker="s", linestyle=":", label=f"{system} avg")
    for system in sorted({r["system"] for r in points}):
        series = sorted((r["partitions"], r["commit_p50_ms"], r["commit_p99_ms"]) for r in points if r["system"] == system)
        xs = [s[0] for s in series]
        line = ax.plot(xs, [s[1] for s in series], marker="o", label=f"{system} p50")[0]
        ax.plot(xs, [s[2] for s in series], marker="^", linestyle="--", color=line.get_color(), label=f"{system} p99")
    ax.set_yscale("log")
    ax.set(xlabel="partitions", ylabel="commit latency (ms, log)", title="Commit latency vs partitions")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return True


def _e2e_vs_interval(ax, e2e_rows):
    points = [r for r in e2e_rows if r.get("valid") and r.get("e2e_p50_ms") is not None]
    if not points:
        return False
    for system in sorted({r["system"] for r in points}):
        series = sorted((r["interval_ms"], r["e2e_p50_ms"], r["e2e_p99_ms"]) for r in points if r["system"] == system)
        xs = [s[0] for s in series]
        line = ax.plot(xs, [s[1] for s in series], marker="o", label=f"{system} p50")[0]
        ax.plot(xs, [s[2] for s in series], marker="^", linestyle="--", color=line.get_color(), label=f"{system} p99")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set(xlabel="commit interval (ms)", ylabel="end-to-end latency (ms)",
           title="End-to-end latency (produced -> visible read_committed)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return True


def _cpu_per_record(ax, rows):
    base = [r for r in _valid(rows) if r["sweep"] == "base" and r["cpu_s_per_million"]]
    if not base:
        return False
    base.sort(key=lambda r: r["cpu_s_per_million"])
    ax.barh([r["system"] for r in base], [r["cpu_s_per_million"] for r in base])
    r0 = base[0]
    ax.set_xscale("log")  # the copier and the JVMs' start-up would flatten everything else
    ax.set(xlabel="CPU seconds per million records (utime + stime, log)",
           title=f"CPU per record ({r0['interval_ms']} ms, {r0['record_bytes']} B, {r0['partitions']} partitions)")
    ax.grid(alpha=0.3, axis="x")
    return True


# ---- markdown --------------------------------------------------------------------------------

def _markdown(rows, summary, e2e_rows, machine, settings, charts):
    lines = ["# txform benchmark report", ""]
    lines += [f"Generated by `tests/perf/bench.sh {settings['command']}` on {settings['date']}."]
    lines += ["", f"Points: {settings['points']}."]
    if settings.get("smoke"):
        lines += ["", "**Smoke run**: tiny inputs to check that every system runs and stays exactly-once; "
                  "its numbers say nothing about speed."]
    lines += ["", "## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {k} | {v if v is not None else 'n/a'} |" for k, v in machine.items()]
    lines += ["", "## Method", "", settings["method"], ""]
    lines += ["## Targets (medians; reported, not asserted)", ""] + _targets(summary) + [""]
    lines += ["## Results", "",
              f"Median over {settings.get('repeat', 1)} interleaved repeat(s), throughput with its min-max. "
              "Wall time runs from the process start to the moment its consumer group had committed the "
              "whole input; `valid` means a read_committed consumer read exactly the input's count from "
              "the output in every repeat. n/a: the system does not expose it.", ""]
    head = ["system", "sweep", "interval ms", "bytes", "parts", "records", "valid", "records/s (min-max)",
            "MB/s", "CPU s / M rec", "peak RSS MB", "commit p50 ms", "commit p99 ms", "commit avg ms",
            "txns", "machine idle %", "note"]
    keys = ["system", "sweep", "interval_ms", "record_bytes", "partitions", "records", "valid", None,
            "mb_per_s", "cpu_s_per_million", "peak_rss_mb", "commit_p50_ms", "commit_p99_ms", "commit_avg_ms",
            "transactions", "machine_idle_pct", "note"]
    lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in summary:
        cells = [_rate_with_range(r) if k is None else _cell(r.get(k)) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "### Every run", "", "In run order.", ""]
    head = ["system", "repeat", "sweep", "interval ms", "bytes", "parts", "valid", "records/s", "CPU s / M rec",
            "commit p50 ms", "commit p99 ms", "machine idle %", "note"]
    keys = ["system", "repeat", "sweep", "interval_ms", "record_bytes", "partitions", "valid", "records_per_s",
            "cpu_s_per_million", "commit_p50_ms", "commit_p99_ms", "machine_idle_pct", "note"]
    lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join(_cell(r.get(k)) for k in keys) + " |")
    if e2e_rows:
        lines += ["", "## End-to-end latency", "",
                  "Records produced at a fixed rate (about half of the system's measured saturation at that "
                  "interval, or `--e2e-rate`), each carrying its production time; latency is when a "
                  "read_committed consumer of the output saw it. The first second of load is left out. "
                  "At-least-once output is not transactional, so it is visible before the commit. The "
                  "copier has no row: it copies the backlog present at its start and exits.", ""]
        head = ["system", "interval ms", "rate/s", "produced", "visible", "valid", "p50 ms", "p99 ms", "note"]
        keys = ["system", "interval_ms", "rate", "produced", "visible", "valid", "e2e_p50_ms", "e2e_p99_ms", "note"]
        lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for r in e2e_rows:
            lines.append("| " + " | ".join(_cell(r.get(k)) for k in keys) + " |")
    if charts:
        lines += ["", "## Charts", ""] + [f"![{c[:-4]}]({c})" for c in charts]
    lines += ["", "Raw data: `results.csv` (every run), `summary.csv`" + (", `e2e.csv`" if e2e_rows else "") + "."]
    return "\n".join(lines) + "\n"


def _rate_with_range(row):
    rate, low, high = row.get("records_per_s"), row.get("records_per_s_min"), row.get("records_per_s_max")
    if rate is None:
        return "n/a"
    if row.get("repeats", 1) > 1 and low is not None:
        return f"{rate:,.0f} ({low:,.0f}-{high:,.0f})"
    return f"{rate:,.0f}"


def _cell(value):
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    return str(value).replace("|", "/")


def _targets(rows):
    """The data-path targets, each a ratio of medians from this one run."""
    out = ["| target | measured | met |", "| --- | --- | --- |"]

    def one(system, size, partitions=6, interval=100):
        found = _valid(rows, system=system, interval_ms=interval, record_bytes=size, partitions=partitions)
        return found[0] if found else None

    def ratio(label, a, b, bound, key="records_per_s", at_most=False):
        if a and b and a.get(key) and b.get(key):
            value = a[key] / b[key]
            met = value <= bound if at_most else value >= bound
            out.append(f"| {label} | {value:.2f} x | {'yes' if met else 'no'} |")
        else:
            out.append(f"| {label} | not measured | |")

    def best(systems, size):
        found = [r for r in (one(s, size) for s in systems) if r and r.get("records_per_s")]
        return max(found, key=lambda r: r["records_per_s"]) if found else None

    for size in (100, 1024):
        eos = one("txform-eos-w1", size)
        ratio(f"{_size_label(size)}: txform EOS 1 worker >= 1.5 x Kafka Streams EOS v2 1 thread", eos,
              one("streams-eos-v2", size), 1.5)
        if size == 100:
            ratio("100 B: txform best of 1/2 workers >= 1.5 x Streams best of 1/2 threads",
                  best(["txform-eos-w1", "txform-eos-w2"], size),
                  best(["streams-eos-v2", "streams-eos-v2-t2"], size), 1.5)
            ratio("100 B: txform EOS >= 0.9 x txform ALO", eos, one("txform-alo", size), 0.9)
        ratio(f"{_size_label(size)}: txform EOS >= 1.0 x bare-copy", eos, one("bare-copy", size), 1.0)
        ratio(f"{_size_label(size)}: txform EOS >= 1.0 x bare-copy-tuned (same fetch backoff)", eos,
              one("bare-copy-tuned", size), 1.0)
        if size == 100:
            ratio("100 B: txform EOS CPU s per M records <= 1/3 of Streams'", eos, one("streams-eos-v2", size),
                  1 / 3, key="cpu_s_per_million", at_most=True)
            idle = eos.get("machine_idle_pct") if eos else None
            label = "100 B: machine at most 25 % idle during txform EOS (else the profile names the bound)"
            out.append(f"| {label} | {idle:.0f} % idle | {'yes' if idle <= 25 else 'no'} |" if idle is not None
                       else f"| {label} | not measured | |")
    latencies = [r for r in _valid(rows) if r["system"].startswith("txform-eos") and r["partitions"] <= 6
                 and r["commit_p99_ms"] is not None]
    for name, key, bound in [("p50", "commit_p50_ms", 5), ("p99", "commit_p99_ms", 20)]:
        label = f"txform EOS commit latency {name} <= {bound} ms, <= 6 partitions"
        if latencies:
            worst = max(r[key] for r in latencies)
            out.append(f"| {label} | worst {worst:.1f} ms | {'yes' if worst <= bound else 'no'} |")
        else:
            out.append(f"| {label} | not measured | |")
    pairs = [(r, one("txform-eos-w1", r["record_bytes"], r["partitions"], r["interval_ms"]))
             for r in _valid(rows, system="txform-eos-w2")]
    for w2, w1 in pairs:
        ratio(f"2 workers >= 1.6 x 1 worker ({w2['interval_ms']} ms, {w2['record_bytes']} B, "
              f"{w2['partitions']} partitions)", w2, w1, 1.6)
    return out


def _size_label(size):
    return "1 KB" if size == 1024 else f"{size} B"
