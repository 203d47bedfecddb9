#!/usr/bin/env python3
"""The txform benchmark harness: txform side by side with Kafka Streams EOS v2, Kafka's
TransactionalMessageCopier, the article's Python loop and the broker's own produce/consume
ceilings, on inputs pre-filled once per (partitions, record size). Writes report.md, results.csv,
e2e.csv and PNG charts. Run through tests/perf/bench.sh, which prepares everything."""
import argparse
import dataclasses
import datetime
import os
import shutil
import sys
import tempfile
import time

import e2e
import machine
import report
import runs
import systems
from kafka_ops import Kafka

BASE = dict(interval_ms=100, size=1024, partitions=6)
SWEEPS = {  # each sweep moves one parameter away from the base point
    "interval": [dict(BASE, interval_ms=10), dict(BASE, interval_ms=1000)],
    "size": [dict(BASE, size=100)],
    "partitions": [dict(BASE, partitions=1), dict(BASE, partitions=24)],
}
# Records/s at 1 KB, as measured on the 2-core development machine with nothing else running
# (100 B runs count 3 x as many records/s), and seconds of start/stop around each run: only for
# the printed time estimate.
GUESSED_RATE = {"txform-eos-w1": 100000, "txform-eos-w2": 120000, "txform-alo": 120000,
                "streams-eos-v2": 45000, "streams-eos-v2-t2": 60000, "bare-copy": 150000, "bare-copy-tuned": 300000,
                "copier": 8000, "python-loop": 80000,
                "broker-produce": 170000, "broker-consume": 300000}
GUESSED_OVERHEAD_S = {"streams-eos-v2": 8, "streams-eos-v2-t2": 8, "copier": 6, "python-loop": 4, "broker-produce": 4,
                      "broker-consume": 8}
COUNT_RATE = 150000  # records/s the harness's read_committed count reads


class Context:
    def __init__(self, args, paths, kafka, workdir):
        self.args, self.paths, self.kafka, self.workdir = args, paths, kafka, workdir
        self.run_tag = f"perf{int(time.time()) % 1000000}"

    def timeout_for(self, records):
        """Generous: a run taking this long is broken, not slow."""
        return 120 + records / 500


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--build-dir", required=True, help="a build of txform and the passthrough plugin")
    p.add_argument("--out", required=True, help="directory for report.md, CSVs and charts")
    p.add_argument("--cache-dir", required=True)
    p.add_argument("--kafka-version", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--command", default="", help="the command line, for the report")
    p.add_argument("--smoke", action="store_true",
                   help="tiny inputs, the base point only, a short end-to-end run: proves every "
                        "system runs and every run is valid (exit 1 otherwise); says nothing about speed")
    p.add_argument("--sweeps", default="interval,size,partitions,e2e",
                   help="comma-separated subset of interval,size,partitions,e2e (the base point always runs)")
    p.add_argument("--systems", default=",".join(systems.ALL), help="comma-separated subset of " + ",".join(systems.ALL))
    p.add_argument("--records-1k", type=int, default=1000000, help="input records at 1 KB (default 1000000)")
    p.add_argument("--records-100", type=int, default=3000000, help="input records at 100 B (default 3000000)")
    p.add_argument("--python-share", type=float, default=1.0,
                   help="the Python loop gets this share of the records; default 1")
    p.add_argument("--copier-share", type=float, default=0.1,
                   help="the copier gets this share of the records: its producer's 512-byte batches (a "
                        "system-test tool's choice) make it an order slower; default 0.1")
    p.add_argument("--e2e-seconds", type=float, default=15, help="steady load per end-to-end run (default 15)")
    p.add_argument("--e2e-rate", type=float, default=5000,
                   help="records/s of an end-to-end run when the system's saturation was not measured")
    p.add_argument("--base-interval-ms", type=int, default=BASE["interval_ms"])
    p.add_argument("--base-size", type=int, default=BASE["size"], help="record bytes at the base point")
    p.add_argument("--base-partitions", type=int, default=BASE["partitions"])
    p.add_argument("--txform-producer", action="append", default=[], metavar="PROPERTY=VALUE",
                   help="a librdkafka producer property for txform's runs (repeatable), over the "
                   "harness's own " + ", ".join(f"{k}={v}" for k, v in systems.TXFORM_PRODUCER.items()))
    p.add_argument("--repeat", type=int, default=3,
                   help="runs of every system at every point, interleaved (the order rotates each "
                        "repeat); the report gives the median with min-max (default 3)")
    p.add_argument("--estimate-only", action="store_true", help="print the plan and its time estimate, run nothing")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error(f"--repeat must be at least 1, got {args.repeat}")
    if args.smoke:
        args.repeat = 1
        args.records_1k = args.records_100 = 2000
        args.python_share = args.copier_share = 1.0
        args.e2e_seconds = 2
        args.sweeps = "e2e"
    return args


def plan(args):
    """[(Point, [systems])] in run order; txform exactly-once first at each point (the copier's
    transaction size is matched to its average)."""
    chosen = [s for s in args.systems.split(",") if s]
    unknown = set(chosen) - set(systems.ALL)
    if unknown:
        sys.exit(f"unknown systems: {', '.join(sorted(unknown))}")
    ordered = [s for s in systems.ALL if s in chosen]
    points = [runs.Point(sweep="base", **_params(_base(args), args.smoke))]
    for sweep in args.sweeps.split(","):
        for params in SWEEPS.get(sweep, []):
            points.append(runs.Point(sweep=sweep, **_params(params, False)))
    result = []
    for point in points:
        # The broker's ceilings do not depend on the commit interval.
        names = [s for s in ordered if not (point.sweep == "interval" and s in systems.BROKER_TOOLS)]
        result.append((point, names))
    return result


def _base(args):
    return dict(interval_ms=args.base_interval_ms, size=args.base_size, partitions=args.base_partitions)


def _params(params, smoke):
    # The smoke run uses small records on 3 partitions: cheap, and still more than one partition.
    return dict(params, size=100, partitions=3) if smoke else params


def records_for(args, system, point):
    base = args.records_1k if point.size >= 1024 else args.records_100
    share = {"python-loop": args.python_share, "copier": args.copier_share}.get(system, 1.0)
    return max(1, int(base * share))


def estimate_s(args, the_plan):
    total, prefilled = 0.0, set()
    for point, names in the_plan:
        for system in names:
            n = records_for(args, system, point)
            rate = GUESSED_RATE[system] * (3 if point.size < 1024 else 1)
            total += n / rate + GUESSED_OVERHEAD_S.get(system, 3) + n / COUNT_RATE
            total += (args.repeat - 1) * (n / rate + GUESSED_OVERHEAD_S.get(system, 3) + n / COUNT_RATE)
            key = (point.partitions, point.size, n)
            if key not in prefilled:
                prefilled.add(key)
                total += n / (GUESSED_RATE["broker-produce"] * (3 if point.size < 1024 else 1)) + 4
    if "e2e" in args.sweeps.split(","):
        e2e_intervals = [100] if args.smoke else [10, 100, 1000]
        chosen = [s for s in e2e.E2E_SYSTEMS if s in args.systems.split(",")]
        total += len(chosen) * len(e2e_intervals) * (args.e2e_seconds + 10)
    return total


def main(argv):
    args = parse_args(argv)
    the_plan = plan(args)
    runs_count = sum(len(n) for _, n in the_plan) * args.repeat
    print(f"plan: {len(the_plan)} points x {args.repeat} repeats, {runs_count} runs; estimated {estimate_s(args, the_plan) / 60:.1f} min")
    for point, names in the_plan:
        print(f"  {point.sweep:10} {point.interval_ms:>5} ms {point.size:>5} B {point.partitions:>3} partitions: "
              + ", ".join(f"{s} ({records_for(args, s, point)})" for s in names))
    if args.estimate_only:
        return 0

    for setting in args.txform_producer:
        key, sep, value = setting.partition("=")
        if not sep or not key:
            print(f"bench: --txform-producer {setting!r}: expected PROPERTY=VALUE", file=sys.stderr)
            return 2
        systems.TXFORM_PRODUCER[key] = value
    paths = systems.Paths(args.root, args.build_dir, args.cache_dir, args.kafka_version)
    kafka = Kafka(args.bootstrap)
    workdir = tempfile.mkdtemp(prefix="txform-perf-")
    ctx = Context(args, paths, kafka, workdir)
    machine_info = machine.describe(paths, args.kafka_version)
    started = time.monotonic()
    inputs, rows = {}, []
    if not args.smoke and the_plan:
        _warm_up(ctx, inputs, the_plan[0][0])
    for point, names in the_plan:
        txform_row = None
        for repeat in range(1, args.repeat + 1):
            # Interleaved: each repeat starts one system later, so no system always runs first
            # (after the input was written) or last (on the fullest broker log).
            shift = (repeat - 1) % len(names) if names else 0
            for system in names[shift:] + names[:shift]:
                n = records_for(args, system, point)
                topic = _input(ctx, inputs, point, n)
                size = runs.average_transaction_size(txform_row) or max(1, point.interval_ms * 10)
                row = runs.measure(system, point, n, topic, ctx, size, repeat)
                rows.append(row)
                if system == "txform-eos-w1":
                    txform_row = row
                print(_progress(row, started), flush=True)
    summary = runs.summarise(rows)
    e2e_rows = _e2e(ctx, summary) if "e2e" in args.sweeps.split(",") else []
    for topic in inputs.values():
        kafka.delete_topic(topic)

    points = "; ".join(f"{p.sweep} ({p.interval_ms} ms, {p.size} B, {p.partitions} partitions)" for p, _ in the_plan)
    if e2e_rows:
        points += "; end-to-end runs"
    settings = {"command": args.command, "smoke": args.smoke, "points": points, "repeat": args.repeat,
                "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "method": _method(args)}
    report.write(args.out, rows, summary, e2e_rows, machine_info, settings)
    invalid = [r for r in rows + e2e_rows if not r.get("valid")]
    if invalid:
        print(f"logs of the systems: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"report: {os.path.join(args.out, 'report.md')} ({(time.monotonic() - started) / 60:.1f} min)")
    for r in invalid:
        print(f"INVALID: {r['system']} {r['interval_ms']} ms: {r.get('note')}")
    valid_count = len(rows) + len(e2e_rows) - len(invalid)
    print(f"{valid_count} passed, {len(invalid)} failed")
    return 1 if invalid else 0


def _warm_up(ctx, inputs, point):
    """One unmeasured exactly-once run first: the broker's JIT and its transaction coordinator
    start cold, and whichever system ran first paid for them (in the first full run txform-eos-w1
    went first and measured slower at 100 ms than at 10 ms)."""
    n = records_for(ctx.args, "txform-eos-w1", point)
    topic = _input(ctx, inputs, point, n)
    ctx.run_tag += "w"
    row = runs.measure("txform-eos-w1", point, n, topic, ctx, max(1, point.interval_ms * 10))
    ctx.run_tag = ctx.run_tag[:-1]
    print(f"warm-up run (not reported): valid={row.get('valid')}", flush=True)


def _input(ctx, inputs, point, records):
    """The pre-filled input for (partitions, size, records): written once, shared by the runs."""
    key = (point.partitions, point.size, records)
    if key not in inputs:
        topic = f"in-{ctx.run_tag}-{point.partitions}p-{point.size}b-{records}"
        ctx.kafka.create_topic(topic, point.partitions)
        # 16 KB batches (the producer default) spread even a small input over every partition.
        systems.run_producer_performance(ctx.paths, ctx.kafka, topic, records, point.size, batch_size=16384)
        if sum(ctx.kafka.end_offsets(topic, point.partitions)) != records:
            raise RuntimeError(f"pre-filling {topic} wrote the wrong number of records")
        inputs[key] = topic
    return inputs[key]


def _e2e(ctx, rows):
    base = runs.Point(sweep="e2e", **_params(_base(ctx.args), ctx.args.smoke))
    intervals = [base.interval_ms] if ctx.args.smoke else [10, 100, 1000]
    chosen = [s for s in e2e.E2E_SYSTEMS if s in ctx.args.systems.split(",")]
    out = []
    for interval in intervals:
        point = dataclasses.replace(base, interval_ms=interval)
        for system in chosen:
            saturated = [r for r in rows if r["valid"] and r["system"] == system and r["interval_ms"] == interval
                         and r["record_bytes"] == point.size and r["partitions"] == point.partitions]
            rate = saturated[0]["records_per_s"] / 2 if saturated and not ctx.args.smoke else ctx.args.e2e_rate
            if ctx.args.smoke:
                rate = min(rate, 500)
            row = e2e.measure(system, point, round(rate), ctx.args.e2e_seconds, ctx)
            out.append(row)
            print(f"  e2e {system:15} {interval:>5} ms at {row['rate']}/s: valid={row['valid']} "
                  f"p50={_short(row['e2e_p50_ms'])} ms p99={_short(row['e2e_p99_ms'])} ms {row['note'] or ''}",
                  flush=True)
    return out


def _progress(row, started):
    return (f"  [{(time.monotonic() - started) / 60:5.1f} min] {row['system']:17} r{row['repeat']} {row['interval_ms']:>5} ms "
            f"{row['record_bytes']:>5} B {row['partitions']:>3} p: valid={row['valid']} "
            f"{_short(row['records_per_s'])} rec/s, CPU {_short(row['cpu_s_per_million'])} s/M, "
            f"commit p50/p99 {_short(row['commit_p50_ms'])}/{_short(row['commit_p99_ms'])} ms, "
            f"machine idle {_short(row['machine_idle_pct'])} % {row['note'] or ''}")


def _short(value):
    return "n/a" if value is None else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _method(args):
    return "\n".join([
        f"- Input pre-filled once per (partitions, record size) with Kafka's ProducerPerformance "
        f"(acks=all): {args.records_1k} records of 1 KB or {args.records_100} of 100 B; the Python loop reads "
        f"{args.python_share:g} and the copier {args.copier_share:g} of that (inputs of their own).",
        "- Each system copies the input unchanged into a fresh output topic with the same number of "
        "partitions, under its own consumer group, one system at a time, on one broker on loopback.",
        "- txform: release build, `passthrough` plugin, commit bounded by the interval only "
        "(`commit.max_records`/`max_bytes` out of the way), producer `linger.ms=5`; commit latency "
        "p50/p99 from its `txform_transaction_commit_duration_seconds` histogram (interpolated within "
        "buckets, as Prometheus' histogram_quantile does), scraped when the input was committed.",
        f"- Every system runs {args.repeat} time(s) at every point, interleaved (each repeat starts one "
        "system later); the summary gives the median over the repeats with the throughput's min-max, "
        "and a point counts as valid only when every repeat was. Machine idle: the whole machine's idle "
        "share (/proc/stat, iowait included) from the system's start to its last commit.",
        "- Kafka Streams: `exactly_once_v2`, `commit.interval.ms` matched, `num.stream.threads=1` "
        "(`streams-eos-v2`) or 2 (`streams-eos-v2-t2`), byte-array serdes; it reports commit latency as "
        "avg/max only (one stream thread's with two).",
        "- bare-copy (`tests/perf/peers/bare_copy/`): the naive loop on txform's librdkafka, one thread: "
        "batch consume (512), produce each record to the same partition (idempotent, txform's linger and "
        "batch size), flush and commit offsets every interval; at-least-once, no transactions, no plugin. "
        "`bare-copy-tuned` is the same loop with `fetch.queue.backoff.ms=20`, txform's consumer default "
        "(librdkafka's 1 s backoff idles a consumer that drains its queue faster than that: docs/perf/profile.md).",
        "- TransactionalMessageCopier: `--group-mode --use-group-metadata`, one transaction per poll of "
        "at most `--transaction-size` records, set to txform's average transaction size at the same point; "
        "no commit latency exposed. Its producer is built with 512-byte batches (it is Kafka's system-test "
        "tool), so 1 KB records travel one per batch: that, not its transactions, bounds its rate.",
        "- Python loop (`tests/perf/peers/python_loop.py`): the article's loop with confluent-kafka, "
        "`commit_every_s` = interval; it times its own commits.",
        "- CPU: utime + stime of the processing process (all threads) from /proc when the input was "
        "committed; for the broker tools, of the tool's JVM at exit. Peak RSS: VmHWM / ru_maxrss.",
        "- Broker ceilings: ProducerPerformance (acks=all, linger.ms=5) into a fresh topic and "
        "ConsumerPerformance over the input, at their own reported rates.",
        "- Wall time includes each process's start (JVM start and group join for Kafka Streams and "
        "the copier): size N so that it stays a small share.",
        "- A run is valid when a read_committed consumer reads exactly the input's record count from "
        "the output (lost or doubled records make it invalid).",
        "- Other work on the machine shows in the load average above: numbers from a busy machine "
        "compare systems within one report, not across reports.",
    ])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
