"""End-to-end latency: records produced at a steady rate (about half of the system's saturation)
carry their production time in the value; a read_committed consumer of the output measures when
each became visible. Latency = visible - produced, so it includes the wait for the commit."""
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition

import procstat
import runs
import systems

E2E_SYSTEMS = ["txform-eos-w1", "txform-alo", "streams-eos-v2", "python-loop"]
_STAMP_DIGITS = 20  # time.time_ns() in ASCII: survives the copier's and any peer's string serdes


def _value(size):
    return (str(time.time_ns()).zfill(_STAMP_DIGITS) + "x" * max(0, size - _STAMP_DIGITS)).encode()


class _Visible:
    """A read_committed consumer of the output that records (produced ns, visible ns) per record."""

    def __init__(self, bootstrap, topic, partitions):
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "txform-perf-e2e",
                                  "enable.auto.commit": False, "isolation.level": "read_committed",
                                  "fetch.wait.max.ms": 5, "log_level": 4})
        self.consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        self.samples = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            for message in self.consumer.consume(1000, timeout=0.1):
                if message.error() is None:
                    now = time.time_ns()
                    self.samples.append((int(message.value()[:_STAMP_DIGITS]), now))

    def close(self):
        self.stop.set()
        self.thread.join()
        self.consumer.close()


def measure(system, point, rate, duration_s, ctx):
    """One e2e run; returns a row with p50/p99 visible-latency and a validity count."""
    kafka = ctx.kafka
    run_id = f"{ctx.run_tag}-e2e-{system}-{point.interval_ms}ms"
    run = runs.Run(name=run_id, input=f"in-{run_id}", output=f"out-{run_id}", group=f"g-{run_id}")
    row = {"system": system, "interval_ms": point.interval_ms, "record_bytes": point.size,
           "partitions": point.partitions, "rate": rate, "duration_s": duration_s, "produced": 0,
           "visible": 0, "valid": False, "e2e_p50_ms": None, "e2e_p99_ms": None, "note": None}
    process = visible = None
    try:
        kafka.create_topic(run.input, point.partitions)
        kafka.create_topic(run.output, point.partitions)
        visible = _Visible(kafka.bootstrap, run.output, point.partitions)
        process = _start(system, point, run, ctx)
        producer = Producer({"bootstrap.servers": kafka.bootstrap, "linger.ms": 1, "acks": "all",
                             "log_level": 4})
        # Ready means a record went all the way through; the timed load starts after that.
        produced = _until_first_visible(producer, run.input, point.size, visible, process,
                                        ctx.timeout_for(1000))
        load_started = time.time_ns()
        produced += _steady(producer, run.input, point.size, rate, duration_s)
        row["produced"] = produced
        deadline = time.monotonic() + ctx.timeout_for(produced)
        while len(visible.samples) < produced and time.monotonic() < deadline and process.alive():
            time.sleep(0.05)
        # One more commit interval: anything beyond the expected count would be a duplicate.
        time.sleep(point.interval_ms / 1000 + 0.5)
        row["visible"] = len(visible.samples)
        row["valid"] = row["visible"] == produced
        # Latencies of the steady load only, without its first second (the pipeline warming up).
        warm = load_started + 1_000_000_000
        latencies = [(seen - made) / 1e6 for made, seen in visible.samples if made >= warm]
        row["e2e_p50_ms"] = procstat.quantile(latencies, 0.50)
        row["e2e_p99_ms"] = procstat.quantile(latencies, 0.99)
        if not row["valid"]:
            row["note"] = f"INVALID: {row['visible']} visible, {produced} produced"
    except Exception as error:  # noqa: BLE001 — recorded in the row
        row["note"] = f"failed: {error}"[:300]
    finally:
        if process:
            process.stop()
        if visible:
            visible.close()
        kafka.delete_topic(run.input)
        kafka.delete_topic(run.output)
    return row


def _start(system, point, run, ctx):
    if system.startswith("txform"):
        mode = "at_least_once" if system == "txform-alo" else "exactly_once"
        return systems.start_txform(ctx.paths, ctx.kafka, point, run, ctx.workdir, mode, 1)
    if system == "streams-eos-v2":
        return systems.start_streams(ctx.paths, ctx.kafka, point, run, ctx.workdir)
    if system == "python-loop":
        return systems.start_python_loop(ctx.paths, ctx.kafka, point, run, ctx.workdir)
    raise ValueError(f"no end-to-end run for {system}")


def _until_first_visible(producer, topic, size, visible, process, timeout_s):
    """Produces a record every 100 ms until one is visible; returns how many it produced."""
    deadline = time.monotonic() + timeout_s
    produced = 0
    while not visible.samples:
        if not process.alive() or time.monotonic() > deadline:
            raise RuntimeError("no output became visible (system did not start)")
        producer.produce(topic, _value(size))
        producer.flush()
        produced += 1
        time.sleep(0.1)
    return produced


def _steady(producer, topic, size, rate, duration_s):
    """Produces at `rate` records/s for duration_s, in 5 ms steps; returns the count."""
    started = time.monotonic()
    sent = 0
    while True:
        elapsed = time.monotonic() - started
        if elapsed >= duration_s:
            break
        due = int(elapsed * rate) - sent
        for _ in range(due):
            while True:
                try:
                    producer.produce(topic, _value(size))
                    break
                except BufferError:
                    producer.poll(0.01)
        sent += due
        producer.poll(0)
        time.sleep(0.005)
    producer.flush()
    return sent
