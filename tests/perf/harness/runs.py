"""One measured run per (system, sweep point): start, wait for the last committed output, sample
the process, stop it, validate with a read_committed count, and return one CSV row."""
import dataclasses
import statistics

import procstat
import systems


@dataclasses.dataclass(frozen=True)
class Point:
    interval_ms: int
    size: int
    partitions: int
    sweep: str  # interval | size | partitions | base: which curve the point belongs to


@dataclasses.dataclass
class Run:
    name: str
    input: str
    output: str
    group: str


COLUMNS = ["sweep", "system", "repeat", "interval_ms", "record_bytes", "partitions", "records", "valid",
           "output_records", "wall_s", "records_per_s", "mb_per_s", "cpu_s", "cpu_s_per_million",
           "records_per_cpu_s", "peak_rss_mb", "commit_p50_ms", "commit_p99_ms", "commit_avg_ms",
           "commit_max_ms", "transactions", "machine_idle_pct", "note"]


def measure(system, point, records, input_topic, ctx, copier_transaction_size, repeat=1):
    """Runs one system on one point; returns a row (dict over COLUMNS). Never raises for a failed
    system: the row says invalid and why."""
    run_id = f"{ctx.run_tag}-{system}-{point.interval_ms}ms-{point.size}b-{point.partitions}p-r{repeat}"
    run = Run(name=run_id, input=input_topic, output=f"out-{run_id}", group=f"g-{run_id}")
    row = {c: None for c in COLUMNS}
    row.update(sweep=point.sweep, system=system, repeat=repeat, interval_ms=point.interval_ms,
               record_bytes=point.size, partitions=point.partitions, records=records, valid=False)
    try:
        if system in systems.BROKER_TOOLS:
            _broker_tool(system, point, records, run, ctx, row)
        else:
            _processor(system, point, records, run, ctx, row, copier_transaction_size)
    except Exception as error:  # noqa: BLE001 — recorded in the row, the sweep goes on
        row["note"] = f"failed: {error}"[:300]
    finally:
        ctx.kafka.delete_topic(run.output)
    _derive(row)
    return row


def _processor(system, point, records, run, ctx, row, copier_transaction_size):
    kafka, paths = ctx.kafka, ctx.paths
    kafka.create_topic(run.output, point.partitions)
    targets = kafka.end_offsets(run.input, point.partitions)
    machine_before = procstat.machine_cpu_ticks()
    if system.startswith("txform"):
        mode = "at_least_once" if system == "txform-alo" else "exactly_once"
        process = systems.start_txform(paths, kafka, point, run, ctx.workdir, mode,
                                       2 if system == "txform-eos-w2" else 1)
    elif system.startswith("streams-eos-v2"):
        threads = 2 if system.endswith("-t2") else 1
        process = systems.start_streams(paths, kafka, point, run, ctx.workdir, threads)
    elif system.startswith("bare-copy"):
        process = systems.start_bare_copy(paths, kafka, point, run, ctx.workdir, tuned=system.endswith("-tuned"))
    elif system == "copier":
        process = systems.start_copier(paths, kafka, point, run, ctx.workdir, copier_transaction_size)
        row["note"] = f"transaction size {copier_transaction_size} records"
    else:
        process = systems.start_python_loop(paths, kafka, point, run, ctx.workdir)
    try:
        done = kafka.wait_group_committed(run.group, run.input, targets, process.alive,
                                          ctx.timeout_for(records))
        row["wall_s"] = done - process.started
        row["machine_idle_pct"] = procstat.idle_percent(machine_before, procstat.machine_cpu_ticks())
        row["cpu_s"], rss = process.sample()
        row["peak_rss_mb"] = rss / 1e6 if rss else None
        if system.startswith("txform"):
            row.update(systems.txform_commit_stats(process))
    finally:
        code = process.stop()
    if system.startswith("streams-eos-v2"):
        row.update(systems.streams_commit_stats(process.output()))
    elif system == "python-loop":
        row.update(systems.python_commit_stats(process.output()))
    # A JVM stopped by SIGTERM exits 143 after its shutdown hooks ran: that is a clean stop.
    jvm = system.startswith("streams-eos-v2") or system == "copier"
    if code not in (0, None) and not (jvm and code == 143):
        row["note"] = _join(row["note"], f"exit code {code}")
    _validate(row, kafka.count_committed(run.output, point.partitions), records)


def _broker_tool(system, point, records, run, ctx, row):
    kafka, paths = ctx.kafka, ctx.paths
    machine_before = procstat.machine_cpu_ticks()
    if system == "broker-produce":
        kafka.create_topic(run.output, point.partitions)
        process, output = systems.run_producer_performance(paths, kafka, run.output, records, point.size)
        result = systems.parse_producer_performance(output)
        counted = kafka.count_committed(run.output, point.partitions)
    else:
        process, output = systems.run_consumer_performance(paths, kafka, run.input, records, run.group)
        result = systems.parse_consumer_performance(output)
        counted = result["records"]
    # Over the tool's whole run, JVM start included: its own rate excludes that part.
    row["machine_idle_pct"] = procstat.idle_percent(machine_before, procstat.machine_cpu_ticks())
    row["cpu_s"], rss = process.sample()
    row["peak_rss_mb"] = rss / 1e6 if rss else None
    # The tool's own rate: it excludes JVM start and (consumer) the group join.
    row["wall_s"] = records / result["records_per_s"] if result["records_per_s"] else None
    row["note"] = "rate as the tool reports it; no transactions"
    _validate(row, counted, records)


def _validate(row, counted, expected):
    row["output_records"] = counted
    row["valid"] = counted == expected
    if not row["valid"]:
        row["note"] = _join(row["note"], f"INVALID: {counted} records read_committed, expected {expected}")


def _derive(row):
    if row["wall_s"]:
        row["records_per_s"] = row["records"] / row["wall_s"]
        row["mb_per_s"] = row["records"] * row["record_bytes"] / row["wall_s"] / 1e6
    if row["cpu_s"]:
        row["cpu_s_per_million"] = row["cpu_s"] / row["records"] * 1e6
        row["records_per_cpu_s"] = row["records"] / row["cpu_s"]


def _join(a, b):
    return f"{a}; {b}" if a else b


def average_transaction_size(row):
    """Input records per committed transaction of a txform row, for the copier's matched size."""
    if row and row.get("valid") and row.get("transactions"):
        return max(1, round(row["records"] / row["transactions"]))
    return None




SUMMARY_COLUMNS = ["sweep", "system", "interval_ms", "record_bytes", "partitions", "records", "repeats",
                   "valid_repeats", "valid", "records_per_s", "records_per_s_min", "records_per_s_max",
                   "mb_per_s", "cpu_s_per_million", "records_per_cpu_s", "peak_rss_mb", "commit_p50_ms",
                   "commit_p99_ms", "commit_avg_ms", "commit_max_ms", "transactions", "machine_idle_pct",
                   "note"]
_MEDIANS = ["records_per_s", "mb_per_s", "cpu_s_per_million", "records_per_cpu_s", "peak_rss_mb",
            "commit_p50_ms", "commit_p99_ms", "commit_avg_ms", "commit_max_ms", "transactions",
            "machine_idle_pct"]


def summarise(rows):
    """One row per (sweep, system, point) over its repeats: the median of every figure over the
    valid repeats, with the throughput's min and max. A point is valid only when every repeat was:
    an invalid repeat is a correctness failure, not an outlier to drop."""
    groups = {}
    for row in rows:
        key = (row["sweep"], row["system"], row["interval_ms"], row["record_bytes"], row["partitions"])
        groups.setdefault(key, []).append(row)
    out = []
    for (sweep, system, interval, size, partitions), group in groups.items():
        valid = [r for r in group if r.get("valid")]
        summary = dict(sweep=sweep, system=system, interval_ms=interval, record_bytes=size,
                       partitions=partitions, records=group[0]["records"], repeats=len(group),
                       valid_repeats=len(valid), valid=len(valid) == len(group))
        for column in _MEDIANS:
            values = [r[column] for r in valid if r.get(column) is not None]
            summary[column] = statistics.median(values) if values else None
        rates = [r["records_per_s"] for r in valid if r.get("records_per_s")]
        summary["records_per_s_min"] = min(rates) if rates else None
        summary["records_per_s_max"] = max(rates) if rates else None
        notes = sorted({r["note"] for r in group if r.get("note")})
        summary["note"] = "; ".join(notes) if notes else None
        out.append(summary)
    return out
