"""The systems under test: how to start each one on an input topic, and what each tells about its
commits when it stops. Every processing system copies the input to a fresh output topic under
its own consumer group, with the commit interval of the sweep point."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.request

import procstat

PROCESSORS = ["txform-eos-w1", "txform-eos-w2", "txform-alo", "streams-eos-v2", "streams-eos-v2-t2",
              "bare-copy", "bare-copy-tuned", "copier", "python-loop"]
BROKER_TOOLS = ["broker-produce", "broker-consume"]
ALL = PROCESSORS + BROKER_TOOLS


class Paths:
    """Where the binaries, jars and peers are (tests/perf/setup.sh and the release build)."""

    def __init__(self, root, build_dir, cache_dir, kafka_version):
        self.root = root
        self.txform = os.path.join(build_dir, "host", "txform")
        self.bare_copy = os.path.join(build_dir, "tests", "perf", "peers", "bare_copy", "txform-bare-copy")
        self.plugin_dir = os.path.join(build_dir, "plugins")
        self.kafka_libs = os.path.join(cache_dir, f"kafka-{kafka_version}", "libs")
        streams = os.path.join(cache_dir, f"perf-streams-{kafka_version}")
        self.streams_classpath = f"{streams}/classes:{streams}/libs/*"
        self.python = os.path.join(cache_dir, "perf-venv", "bin", "python")
        self.python_loop = os.path.join(root, "tests", "perf", "peers", "python_loop.py")


class Process:
    """A started system: its pid, log, and the CPU/RSS sample taken when its work was done."""

    def __init__(self, argv, log_path, env=None):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.started = time.monotonic()
        self.popen = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, env=env)
        self.rusage = None

    def alive(self):
        if self.rusage is not None:
            return False
        pid, status, rusage = os.wait4(self.popen.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.popen.returncode = os.waitstatus_to_exitcode(status)
        self.rusage = rusage
        return False

    def sample(self):
        """(CPU seconds, peak RSS bytes) now, or at exit when it has exited."""
        if self.alive():
            try:
                return procstat.cpu_seconds(self.popen.pid), procstat.peak_rss_bytes(self.popen.pid)
            except FileNotFoundError:
                self.alive()
        return procstat.rusage_summary(self.rusage)

    def stop(self, timeout_s=60):
        """SIGTERM, then waits; returns the exit code. SIGKILL if it does not stop in time."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while self.alive():
                if time.monotonic() > deadline:
                    self.popen.kill()
                    deadline = float("inf")
                time.sleep(0.05)
        self.log.close()
        return self.popen.returncode

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def _java(classpath, main_class, args, heap="1g"):
    return ["java", f"-Xmx{heap}", "-XX:+UseG1GC", "-cp", classpath, main_class] + args


# ---- txform ----------------------------------------------------------------------------------

# txform's producer settings in every run: the peers' producers batch as much (Kafka Streams'
# linger is 100 ms under EOS). bench.py's --txform-producer overrides them, for sweeping them.
TXFORM_PRODUCER = {"linger.ms": "5", "batch.size": "1000000"}


def start_txform(paths, kafka, point, run, workdir, mode, workers, plugin="passthrough"):
    """txform with one plugin (passthrough: a copy); the metrics endpoint on a free port for the
    scrape."""
    config = os.path.join(workdir, f"{run.name}.yaml")
    producer = ", ".join(f'{key}: "{value}"' for key, value in TXFORM_PRODUCER.items())
    with open(config, "w") as f:
        f.write(f"""bootstrap_servers: "{kafka.bootstrap}"
group_id: {run.group}
transactional_id: {run.group}
input_topics: [{run.input}]
output_topic: {run.output}
plugin_dir: {paths.plugin_dir}
plugins: [{{name: {plugin}}}]
processing_guarantee: {mode}
workers: {workers}
# The commit interval is the sweep's; the record and byte bounds are out of its way, as the
# peers have none (Kafka Streams and the Python loop commit on time only).
commit: {{interval_ms: {point.interval_ms}, max_records: 1000000000, max_bytes: 4294967295}}
transaction_timeout_ms: {max(60000, 10 * point.interval_ms)}
metrics: {{listen: "127.0.0.1:0"}}
kafka: {{producer: {{{producer}}}}}
""")
    return Process([paths.txform, "run", "--config", config], os.path.join(workdir, f"{run.name}.log"))


def _metrics_port(process, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        m = re.search(r"metrics endpoint listening on port (\d+)", process.output())
        if m:
            return int(m.group(1))
        time.sleep(0.05)
    raise RuntimeError("txform never logged its metrics port")


def txform_commit_stats(process):
    """Scrapes /metrics: commit latency p50/p99/avg (histogram) and committed transactions."""
    port = _metrics_port(process)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        samples = procstat.parse_prometheus(response.read().decode())
    name = "txform_transaction_commit_duration_seconds"
    count = procstat.metric_sum(samples, name + "_count")
    return {
        "commit_p50_ms": _ms(procstat.histogram_quantile(samples, name, 0.50)),
        "commit_p99_ms": _ms(procstat.histogram_quantile(samples, name, 0.99)),
        "commit_avg_ms": _ms(procstat.metric_sum(samples, name + "_sum") / count) if count else None,
        "transactions": int(procstat.metric_sum(samples, "txform_transactions_total", outcome="committed")),
    }


def txform_wait_ready(process, timeout_s=60):
    """Until /readyz answers 200: producers initialised and consumers in the group."""
    port = _metrics_port(process)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.alive():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("txform did not become ready")


# ---- peers -----------------------------------------------------------------------------------

def start_streams(paths, kafka, point, run, workdir, threads=1):
    args = [kafka.bootstrap, run.group, run.input, run.output, str(point.interval_ms),
            os.path.join(workdir, f"{run.name}.streams-state"), str(threads)]
    return Process(_java(paths.streams_classpath, "dev.txform.perf.StreamsCopy", args),
                   os.path.join(workdir, f"{run.name}.log"))


def streams_commit_stats(output):
    """Kafka Streams exposes commit latency as avg and max only (no percentiles)."""
    m = re.search(r"^STREAMS_METRICS (\{.*\})$", output, re.M)
    if not m:
        return {}
    metrics = json.loads(m.group(1))
    total = metrics.get("commit-total")
    return {"commit_avg_ms": metrics.get("commit-latency-avg"),
            "commit_max_ms": metrics.get("commit-latency-max"),
            "transactions": int(total) if total is not None else None}


def start_bare_copy(paths, kafka, point, run, workdir, tuned=False):
    """The naive loop on txform's librdkafka: batch consume, produce, flush and commit offsets
    every interval; at-least-once, one thread (tests/perf/peers/bare_copy/). Tuned: with the
    consumer's fetch.queue.backoff.ms that txform sets by default (20 ms instead of librdkafka's
    1 s), so the report tells that setting apart from the rest of txform's data path."""
    args = [paths.bare_copy, "--bootstrap", kafka.bootstrap, "--group", run.group, "--input", run.input,
            "--output", run.output, "--commit-every-ms", str(point.interval_ms)]
    if tuned:
        args += ["-X", "fetch.queue.backoff.ms=20"]
    return Process(args, os.path.join(workdir, f"{run.name}.log"))


def start_copier(paths, kafka, point, run, workdir, transaction_size):
    """Kafka's TransactionalMessageCopier in group mode with the group-metadata commit API. It
    commits a transaction per poll of at most transaction_size records and exits at the end."""
    args = ["--broker-list", kafka.bootstrap, "--input-topic", run.input, "--input-partition", "0",
            "--output-topic", run.output, "--consumer-group", run.group,
            "--transactional-id", run.group, "--transaction-size", str(transaction_size),
            "--group-mode", "--use-group-metadata"]
    # It prints a status line per poll: too much to keep, nothing the harness reads.
    process = Process(_java(f"{paths.kafka_libs}/*", "org.apache.kafka.tools.TransactionalMessageCopier",
                            args), os.devnull)
    return process


def start_python_loop(paths, kafka, point, run, workdir):
    args = [paths.python, paths.python_loop, "--bootstrap", kafka.bootstrap, "--group", run.group,
            "--transactional-id", run.group, "--input", run.input, "--output", run.output,
            "--commit-every-s", str(point.interval_ms / 1000)]
    return Process(args, os.path.join(workdir, f"{run.name}.log"))


def python_commit_stats(output):
    m = re.search(r"^PYTHON_LOOP_STATS (\{.*\})$", output, re.M)
    if not m:
        return {}
    seconds = json.loads(m.group(1))["commit_seconds"]
    return {"commit_p50_ms": _ms(procstat.quantile(seconds, 0.50)),
            "commit_p99_ms": _ms(procstat.quantile(seconds, 0.99)),
            "commit_avg_ms": _ms(sum(seconds) / len(seconds)) if seconds else None,
            "commit_max_ms": _ms(max(seconds)) if seconds else None,
            "transactions": len(seconds)}


# ---- broker ceilings -------------------------------------------------------------------------

def run_producer_performance(paths, kafka, topic, records, size, batch_size=1000000):
    """ProducerPerformance writing `records` of `size` bytes as fast as it can (acks=all, as an
    exactly-once producer must). Returns (process, its output). Records without keys go to one
    partition per batch (sticky partitioner): the batch size decides how evenly they spread."""
    args = ["--topic", topic, "--num-records", str(records), "--record-size", str(size),
            "--throughput", "-1", "--producer-props", f"bootstrap.servers={kafka.bootstrap}",
            "acks=all", "linger.ms=5", f"batch.size={batch_size}"]
    return _run_tool(paths, "org.apache.kafka.tools.ProducerPerformance", args)


def parse_producer_performance(output):
    m = None
    for m in re.finditer(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\)", output):
        pass
    if not m:
        raise RuntimeError("no ProducerPerformance summary in its output")
    return {"records": int(m.group(1)), "records_per_s": float(m.group(2))}


def run_consumer_performance(paths, kafka, topic, records, group):
    args = ["--bootstrap-server", kafka.bootstrap, "--topic", topic, "--messages", str(records),
            "--group", group, "--timeout", "60000"]
    return _run_tool(paths, "org.apache.kafka.tools.ConsumerPerformance", args)


def parse_consumer_performance(output):
    lines = [line for line in output.splitlines() if line.strip()]
    header = next(i for i, line in enumerate(lines) if line.startswith("start.time"))
    names = [n.strip() for n in lines[header].split(",")]
    values = [v.strip() for v in lines[header + 1].split(",")]
    row = dict(zip(names, values))
    # fetch.*: the consuming alone, without the group join before it.
    return {"records": int(row["data.consumed.in.nMsg"]),
            "records_per_s": float(row["fetch.nMsg.sec"])}


def _run_tool(paths, main_class, args):
    process = Process(_java(f"{paths.kafka_libs}/*", main_class, args, heap="512m"),
                      f"/tmp/txform-perf-tool-{os.getpid()}.log")
    while process.alive():
        time.sleep(0.05)
    output = process.output()
    process.log.close()
    os.unlink(process.log_path)
    if process.popen.returncode != 0:
        raise RuntimeError(f"{main_class} exited {process.popen.returncode}: {output[-2000:]}")
    return process, output


def _ms(seconds):
    return None if seconds is None else seconds * 1000.0
