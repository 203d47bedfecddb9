#!/usr/bin/env python3
"""The nemesis: runs txform instances in one consumer group under faults, then proves the run lost
nothing and duplicated nothing (txform-verify), Kafka-transactions-system-test style.

While txform-loadgen writes sequence-numbered records (a fraction of them poison) and a
concurrent read_committed consumer (txform-verify watch) follows the output, it injects, in a
seeded random order until --duration has passed and every fault kind ran at least once:

  instance_sigkill     SIGKILL an instance, restart it
  instance_sigterm     SIGTERM an instance (clean stop, exit 0 expected), restart it
  instance_sigstop     SIGSTOP an instance past the session and transaction timeouts, SIGCONT:
                       the zombie is fenced (exit 3, restarted) or rejoins; it must write nothing
  broker_sigkill       SIGKILL a broker, restart it after --broker-down-s       (local cluster)
  broker_rolling       SIGTERM and restart each broker in turn                  (local cluster)
  coordinator_sigstop  SIGSTOP the transaction coordinator of an instance for
                       --coordinator-stop-s while it commits (KAFKA-17754)      (local cluster)
  scale                3 -> 1 -> 3 -> 1 -> 3 instances (rebalance storms)
  cold_start           all brokers down when the instances start, for --all-down-s
                                                                                (local cluster)

Recovery time = from the end of a fault until every input partition with records left has new
committed output, as seen by the watcher. Broker faults need a cluster started by
deploy/kafka/kafka-local.sh (--kafka-data-dir); against any other cluster (--bootstrap) only the
instance faults run. The seed fixes the fault order, targets and poison records: rerun with
--seed to reproduce a schedule. Exit code: 0 verified, 1 a violation, 2 the harness failed.
"""
import argparse
import json
import os
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time

KINDS = ["instance_sigkill", "instance_sigterm", "instance_sigstop", "broker_sigkill",
         "broker_rolling", "coordinator_sigstop", "scale", "cold_start"]
BROKER_KINDS = {"broker_sigkill", "broker_rolling", "coordinator_sigstop", "cold_start"}
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", ".."))


class HarnessError(Exception):
    pass


def log(message):
    print(f"[nemesis {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_duration(text):
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"duration '{text}': use e.g. 90s, 30m, 1h")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


# ---- the watcher: committed output progress ------------------------------------------------

class Watcher:
    """Runs `txform-verify watch` and keeps its latest progress line."""

    def __init__(self, args, topics, workdir):
        self.log_path = os.path.join(workdir, "watch.log")
        command = [args.verify, "watch", "--bootstrap", args.bootstrap, "--output", topics["output"],
                   "--dlq", topics["dlq"], "--input-partitions", str(args.partitions),
                   "--log", self.log_path, "--progress-ms", "100"] + client_properties(args)
        self.stderr = open(os.path.join(workdir, "watch.stderr"), "w")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.stderr,
                                        text=True, start_new_session=True)
        self.lock = threading.Lock()
        self.counts = [0] * args.partitions
        self.total = 0
        self.summary = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.process.stdout:
            parts = line.split()
            if parts and parts[0] == "progress":
                with self.lock:
                    self.total = int(parts[2])
                    self.counts = [int(x) for x in parts[3:]]
            elif parts and parts[0] == "watch-summary":
                self.summary = json.loads(line.split(" ", 1)[1])

    def snapshot(self):
        with self.lock:
            return self.total, list(self.counts)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.thread.join(timeout=10)
        self.stderr.close()
        return code


# ---- brokers of a kafka-local.sh cluster ---------------------------------------------------

class LocalCluster:
    """The brokers of a cluster started by deploy/kafka/kafka-local.sh in --kafka-data-dir."""

    def __init__(self, data_dir, script):
        self.data_dir, self.script = data_dir, script
        env = dict(line.strip().split("=", 1) for line in open(os.path.join(data_dir, "cluster.env"))
                   if "=" in line)
        self.nodes, self.port = int(env["nodes"]), int(env["port"])
        self.controller_port = int(env["controller_port"])

    def bootstrap(self):
        return ",".join(f"127.0.0.1:{self.port + i}" for i in range(self.nodes))

    def pid(self, node):
        try:
            with open(os.path.join(self.data_dir, f"node-{node}", "kafka.pid")) as f:
                pid = int(f.read().strip())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def signal(self, node, signum):
        pid = self.pid(node)
        if pid is None:
            raise HarnessError(f"broker {node} is not running")
        os.kill(pid, signum)
        return pid

    def wait_exit(self, node, pid, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except OSError:
                return True
            time.sleep(0.2)
        return False

    def stop(self, node, timeout=30):
        """SIGTERM (controlled shutdown); SIGKILL when it does not finish within `timeout`."""
        pid = self.signal(node, signal.SIGTERM)
        if not self.wait_exit(node, pid, timeout):
            os.kill(pid, signal.SIGKILL)
            self.wait_exit(node, pid, 10)

    def start(self):
        """Starts every node that is down and waits until all of them serve metadata."""
        result = subprocess.run([self.script, "start", "--nodes", str(self.nodes), "--port",
                                 str(self.port), "--controller-port", str(self.controller_port),
                                 "--data-dir", self.data_dir], capture_output=True, text=True)
        if result.returncode != 0:
            raise HarnessError(f"restarting brokers failed:\n{result.stdout}{result.stderr}")


# ---- txform instances ----------------------------------------------------------------------

class Instance:
    """One txform process slot: a stable transactional_id, restarted as a supervisor would."""

    def __init__(self, slot, config_path, workdir, txform):
        self.slot, self.config_path, self.workdir, self.txform = slot, config_path, workdir, txform
        self.process = None
        self.incarnation = 0
        self.wanted = False  # the supervisor keeps it running while wanted
        self.logfile = None

    def start(self):
        self.incarnation += 1
        self.logfile = open(os.path.join(self.workdir, f"txform-{self.slot}-{self.incarnation}.log"), "w")
        self.process = subprocess.Popen([self.txform, "run", "--config", self.config_path],
                                        stdout=self.logfile, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.wanted = True

    def running(self):
        return self.process is not None and self.process.poll() is None

    def signal(self, signum):
        self.process.send_signal(signum)

    def wait(self, timeout):
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.logfile.close()
        return code


def client_properties(args):
    return [item for prop in args.property for item in ("-X", prop)]


def heartbeat_interval_ms(args):
    return max(500, args.session_timeout_ms // 6)


def group_configs(args, group):
    """KIP-848 groups take their session timeout and heartbeat interval from the broker: set
    this group's to the harness's, as the classic protocol's client properties would."""
    if args.group_protocol != "consumer":
        return
    if not args.kafka_configs:
        print("nemesis: no --kafka-configs: the consumer group keeps the broker's session timeout",
              file=sys.stderr)
        return
    command = shlex.split(args.kafka_configs) + [
        "--entity-type", "groups", "--entity-name", group, "--alter", "--add-config",
        f"consumer.session.timeout.ms={args.session_timeout_ms},"
        f"consumer.heartbeat.interval.ms={heartbeat_interval_ms(args)}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise HarnessError(f"setting the group's session timeout failed: {result.stderr.strip()}")


def instance_config(args, topics, slot):
    plugin_config = '{value_prefix: "out:", poison_prefix: "poison "}'
    # JSON strings are valid YAML double-quoted scalars: any -X value survives quoting.
    common = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in (p.split("=", 1) for p in args.property))
    # Under KIP-848 the session and heartbeat are the group's, set on the broker (group_configs).
    consumer = "" if args.group_protocol == "consumer" else (
        f'session.timeout.ms: "{args.session_timeout_ms}", '
        f'heartbeat.interval.ms: "{heartbeat_interval_ms(args)}"')
    return f"""bootstrap_servers: "{args.bootstrap}"
group_id: {topics["group"]}
input_topics: [{topics["input"]}]
output_topic: {topics["output"]}
transactional_id: {topics["group"]}-{slot}
plugin_dir: {args.plugin_dir}
plugins:
  - name: testkit
    config: {plugin_config}
processing_guarantee: {args.mode}
transaction_timeout_ms: {args.transaction_timeout_ms}
# Longer transactions than the default 100 ms: more records at stake when a fault hits one.
commit: {{interval_ms: {args.commit_interval_ms}}}
# Dynamic membership: a stopped instance's partitions move after the session timeout.
static_membership: false
group_protocol: {args.group_protocol}
error_policy: {{on_record_error: dead_letter, dead_letter_topic: {topics["dlq"]}}}
kafka:
  common: {{{common}}}
  consumer: {{{consumer}}}
metrics: {{enabled: false}}
shutdown_timeout_ms: 20000
"""


# ---- the run -------------------------------------------------------------------------------

class Nemesis:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.cluster = LocalCluster(args.kafka_data_dir, args.kafka_local) if args.kafka_data_dir else None
        run_id = f"chaos-{args.seed}-{int(time.time())}"
        self.topics = {"input": f"{run_id}-in", "output": f"{run_id}-out", "dlq": f"{run_id}-dlq",
                       "group": run_id}
        self.workdir = args.work_dir or os.path.join("/tmp", run_id)
        os.makedirs(self.workdir, exist_ok=True)
        self.instances = []
        self.faults = []
        self.exits = []  # (slot, incarnation, exit code, expected)
        self.watcher = None
        self.loadgen = None
        per = args.records // args.partitions
        self.expected = [per + (1 if p < args.records % args.partitions else 0)
                         for p in range(args.partitions)]

    # -- supervision --

    def supervise(self):
        for inst in self.instances:
            if inst.wanted and inst.process is not None and inst.process.poll() is not None:
                code = inst.wait(0)
                self.exits.append({"slot": inst.slot, "incarnation": inst.incarnation, "exit_code": code,
                                   "expected": False, "at_s": round(time.monotonic() - self.t0, 1)})
                log(f"instance {inst.slot} exited with {code} on its own; restarting")
                if code == 1:
                    raise HarnessError(f"instance {inst.slot} refused its configuration: "
                                       f"see {inst.logfile.name}")
                time.sleep(0.5)
                inst.start()

    def sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.supervise()
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def stop_instance(self, inst, signum, expected_codes):
        inst.wanted = False
        inst.signal(signum)
        code = inst.wait(60)
        if code is None:
            inst.signal(signal.SIGKILL)
            code = inst.wait(10)
        self.exits.append({"slot": inst.slot, "incarnation": inst.incarnation, "exit_code": code,
                           "expected": code in expected_codes})
        return code

    def running_instances(self):
        return [i for i in self.instances if i.wanted and i.running()]

    # -- measurement --

    def wait_recovery(self, timeout=120):
        """Seconds until every input partition with records left shows new committed output;
        "idle" when no partition had records left (nothing to measure)."""
        start = time.monotonic()
        _, before = self.watcher.snapshot()
        if all(before[p] >= self.expected[p] for p in range(len(before))):
            return "idle"
        while time.monotonic() - start < timeout:
            _, now = self.watcher.snapshot()
            if all(now[p] > before[p] or before[p] >= self.expected[p] for p in range(len(now))):
                return round(time.monotonic() - start, 3)
            self.supervise()
            time.sleep(0.05)
        return None

    def record(self, kind, started, target, note=""):
        ended = time.monotonic()
        fault_start_s = round(started - self.t0, 1)
        recovery = self.wait_recovery()
        if recovery == "idle":
            recovery, note = None, (note + " (all input already processed: recovery not measured)").strip()
            measured = "not measured"
        else:
            measured = "NOT WITHIN 120 s" if recovery is None else f"recovered in {recovery} s"
        fault = {"kind": kind, "target": target, "at_s": round(started - self.t0, 1),
                 "duration_s": round(ended - started, 1), "recovery_s": recovery,
                 "outage_s": None if recovery is None else round(ended - started + recovery, 3),
                 "measured": measured == "not measured" or recovery is not None, "note": note,
                 "unplanned_exits": [e for e in self.exits if not e["expected"] and "at_s" in e
                                     and e["at_s"] >= fault_start_s]}
        self.faults.append(fault)
        if fault["unplanned_exits"]:
            note += " unplanned exits: " + ", ".join(f"instance {e['slot']} exit {e['exit_code']}"
                                                    for e in fault["unplanned_exits"])
            fault["note"] = note.strip()
        log(f"{kind} on {target}: {fault['duration_s']} s, {measured} {note}")

    # -- faults --

    def pick_instance(self):
        running = self.running_instances()
        if not running:
            raise HarnessError("no running instance to fault")
        return self.rng.choice(running)

    def instance_sigkill(self):
        inst, t = self.pick_instance(), time.monotonic()
        self.stop_instance(inst, signal.SIGKILL, {-9})
        inst.start()
        self.record("instance_sigkill", t, f"instance {inst.slot}")

    def instance_sigterm(self):
        inst, t = self.pick_instance(), time.monotonic()
        code = self.stop_instance(inst, signal.SIGTERM, {0})
        inst.start()
        self.record("instance_sigterm", t, f"instance {inst.slot}", f"(exit {code})")

    def instance_sigstop(self):
        inst, t = self.pick_instance(), time.monotonic()
        inst.wanted = False  # a stopped process is not restarted behind our back
        inst.signal(signal.SIGSTOP)
        self.sleep(self.args.instance_stop_s)
        log_path = inst.logfile.name
        seen = os.path.getsize(log_path)
        inst.signal(signal.SIGCONT)
        # The zombie's partitions were reassigned and its transaction timed out: it must be
        # fenced (exit 3, or its transaction aborted when the group refuses its offsets) and then
        # may rejoin as a new member; verify proves it wrote nothing that counted.
        code = inst.wait(5)
        if code is None:
            with open(log_path, errors="replace") as f:
                f.seek(seen)
                after = f.read()
            fenced = "aborting transaction" in after or "fenced" in after.lower()
            note = "(zombie's transaction aborted, rejoined)" if fenced else "(zombie resumed and rejoined)"
            inst.wanted = True
        else:
            self.exits.append({"slot": inst.slot, "incarnation": inst.incarnation, "exit_code": code,
                               "expected": code == 3})
            note = f"(zombie exited {code}{', fenced' if code == 3 else ''})"
            inst.start()
        self.record("instance_sigstop", t, f"instance {inst.slot}", note)

    def broker_sigkill(self):
        node, t = self.rng.randint(1, self.cluster.nodes), time.monotonic()
        self.cluster.signal(node, signal.SIGKILL)
        self.sleep(self.args.broker_down_s)
        self.cluster.start()
        self.record("broker_sigkill", t, f"broker {node}")

    def broker_rolling(self):
        t = time.monotonic()
        for node in range(1, self.cluster.nodes + 1):
            self.cluster.stop(node)
            self.supervise()
            self.cluster.start()
        self.record("broker_rolling", t, "all brokers")

    def coordinator_of(self, transactional_id):
        command = shlex.split(self.args.kafka_tools) + ["describe", "--transactional-id", transactional_id]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
        if result.returncode != 0 or len(lines) < 2 or lines[0][0] != "CoordinatorId":
            return None
        return int(lines[1][0])

    def coordinator_sigstop(self):
        inst, t = self.pick_instance(), time.monotonic()
        node = self.coordinator_of(f"{self.topics['group']}-{inst.slot}")
        if node is None:
            node = self.rng.randint(1, self.cluster.nodes)
            log("transaction coordinator unknown; stopping a random broker instead")
        t = time.monotonic()
        self.cluster.signal(node, signal.SIGSTOP)
        try:
            self.sleep(self.args.coordinator_stop_s)
        finally:
            self.cluster.signal(node, signal.SIGCONT)
        self.record("coordinator_sigstop", t, f"broker {node} (coordinator of instance {inst.slot})")

    def scale(self):
        t = time.monotonic()
        extra = self.instances[1:]
        for step in range(2):
            for inst in extra:
                if inst.running():
                    self.stop_instance(inst, signal.SIGTERM, {0})
            self.sleep(self.args.scale_hold_s)
            for inst in extra:
                inst.start()
            if step == 0:
                self.sleep(self.args.scale_hold_s)
        self.record("scale", t, f"{len(self.instances)}->1->{len(self.instances)}->1->{len(self.instances)}")

    def cold_start(self):
        t = time.monotonic()
        for inst in self.instances:
            if inst.running():
                self.stop_instance(inst, signal.SIGTERM, {0})
        # SIGKILL: a controlled shutdown of the last broker waits for a quorum that is gone.
        pids = [(n, self.cluster.signal(n, signal.SIGKILL)) for n in range(1, self.cluster.nodes + 1)]
        for node, pid in pids:
            self.cluster.wait_exit(node, pid, 10)
        for inst in self.instances:
            inst.start()
        self.sleep(self.args.all_down_s)
        alive = sum(1 for i in self.instances if i.running())
        self.cluster.start()
        self.record("cold_start", t, "all brokers",
                    f"({alive}/{len(self.instances)} instances waiting when brokers came back)")

    # -- the whole run --

    def setup(self):
        a = self.args
        for name, partitions in (("input", a.partitions), ("output", a.partitions), ("dlq", 3)):
            subprocess.run([a.loadgen, "create-topic", "--bootstrap", a.bootstrap, "--topic",
                            self.topics[name], "--partitions", str(partitions), "--replication-factor",
                            str(a.replication_factor), "--config", f"min.insync.replicas={a.min_insync}"]
                           + client_properties(a), check=True, stdout=subprocess.DEVNULL)
        group_configs(a, self.topics["group"])
        for slot in range(a.instances):
            path = os.path.join(self.workdir, f"txform-{slot}.yaml")
            with open(path, "w") as f:
                f.write(instance_config(a, self.topics, slot))
            self.instances.append(Instance(slot, path, self.workdir, a.txform))

    def estimated_seconds(self, kind):
        """Rough length of one fault with the configured pauses, recovery and gap included."""
        a = self.args
        return a.gap_s + 2 + {
            "instance_sigkill": 2, "instance_sigterm": 2, "instance_sigstop": a.instance_stop_s + 3,
            "broker_sigkill": a.broker_down_s + 7, "broker_rolling": 3 * 17,
            "coordinator_sigstop": a.coordinator_stop_s + 4, "scale": 3 * a.scale_hold_s + 1,
            "cold_start": a.all_down_s + 20}[kind]

    def fault_phase_seconds(self):
        """--duration, or one fault of every kind if that takes longer: loadgen spreads the
        input over it, so every fault meets input in flight and open transactions."""
        return max(self.args.duration, sum(self.estimated_seconds(k) for k in self.args.faults))

    def schedule(self):
        """cold_start first (the instances start with every broker down), then seeded rounds of
        every kind, until each kind ran at least once, the duration has passed and loadgen has
        written (nearly) everything: a fault after that would meet no input."""
        kinds, done = list(self.args.faults), set()
        if "cold_start" in kinds:
            done.add("cold_start")
            yield "cold_start"
        round_ = [k for k in kinds if k != "cold_start"]
        while kinds:
            self.rng.shuffle(round_)
            for kind in round_:
                elapsed = time.monotonic() - self.t0
                if (done >= set(kinds) and elapsed >= self.args.duration
                        and (self.loadgen.poll() is not None or elapsed >= 0.85 * self.fault_phase_seconds())):
                    return
                done.add(kind)
                yield kind
            round_ = list(kinds)

    def run(self):
        a = self.args
        self.t0 = time.monotonic()
        log(f"seed {a.seed}, mode {a.mode}, {a.records} records, duration {a.duration:.0f} s, "
            f"faults {','.join(a.faults)}, work dir {self.workdir}")
        self.setup()
        self.watcher = Watcher(a, self.topics, self.workdir)
        # Input keeps arriving for the whole fault phase, so every fault meets open transactions.
        phase = self.fault_phase_seconds()
        rate = a.rate or a.records / max(1.0, phase)
        log(f"loadgen: {rate:.0f} records/s over about {phase:.0f} s of faults")
        self.loadgen = subprocess.Popen(
            [a.loadgen, "produce", "--bootstrap", a.bootstrap, "--topic", self.topics["input"],
             "--records", str(a.records), "--rate", f"{rate:.1f}", "--poison-fraction",
             str(a.poison_fraction), "--seed", str(a.seed), "--report",
             os.path.join(self.workdir, "loadgen.json")] + client_properties(a),
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.workdir, "loadgen.log"), "w"),
            start_new_session=True)
        try:
            if "cold_start" not in a.faults:
                for inst in self.instances:
                    inst.start()
            for kind in self.schedule():
                getattr(self, kind)()
                self.sleep(a.gap_s)
            return self.finish()
        finally:
            self.cleanup()

    def finish(self):
        a = self.args
        log("faults done; waiting for loadgen")
        loadgen_code = self.loadgen.wait()
        if loadgen_code != 0:
            raise HarnessError(f"loadgen failed ({loadgen_code}): see {self.workdir}/loadgen.log")
        deadline = time.monotonic() + a.settle_timeout
        while time.monotonic() < deadline and self.watcher.snapshot()[0] < a.records:
            self.sleep(0.5)
        watch_code = self.watcher.stop()
        for inst in self.instances:
            if inst.running():
                self.stop_instance(inst, signal.SIGTERM, {0})
        log("verifying")
        verify_report = os.path.join(self.workdir, "verify.json")
        command = [a.verify, "check", "--bootstrap", a.bootstrap, "--input", self.topics["input"],
                   "--output", self.topics["output"], "--dlq", self.topics["dlq"], "--group",
                   self.topics["group"], "--records", str(a.records), "--watch-log",
                   self.watcher.log_path, "--report", verify_report,
                   "--settle-timeout", str(int(a.settle_timeout))] + client_properties(a)
        if self.faults:
            command.append("--require-aborted")
        if a.kafka_tools:
            command += ["--find-hanging", a.kafka_tools]
        verify_code = subprocess.run(command).returncode
        if verify_code not in (0, 1):
            raise HarnessError(f"verify could not run (exit {verify_code})")
        with open(verify_report) as f:
            verify = json.load(f)
        with open(os.path.join(self.workdir, "loadgen.json")) as f:
            loadgen = json.load(f)
        report = self.report(verify, loadgen, watch_code)
        with open(a.report, "w") as f:
            json.dump(report, f, indent=2)
        self.print_summary(report)
        return 0 if verify_code == 0 else 1

    def report(self, verify, loadgen, watch_code):
        by_kind = {}
        for fault in self.faults:
            entry = by_kind.setdefault(fault["kind"], {"count": 0, "recovery_s": [], "not_recovered": 0})
            entry["count"] += 1
            entry["not_recovered"] += 0 if fault["measured"] else 1
            if fault["recovery_s"] is not None:
                entry["recovery_s"].append(fault["recovery_s"])
        for entry in by_kind.values():
            values = entry.pop("recovery_s")
            entry["measured"] = len(values)
            entry["recovery_p50_s"] = round(statistics.median(values), 3) if values else None
            entry["recovery_max_s"] = max(values) if values else None
        values = [f["recovery_s"] for f in self.faults if f["recovery_s"] is not None]
        return {
            "ok": verify["ok"], "seed": self.args.seed, "mode": self.args.mode,
            "group_protocol": self.args.group_protocol,
            "txform_version": subprocess.run([self.args.txform, "--version"], capture_output=True,
                                             text=True).stdout.strip(),
            "records": self.args.records, "poison_records": loadgen.get("poison"),
            "wall_s": round(time.monotonic() - self.t0, 1), "instances": self.args.instances,
            "topics": self.topics, "faults_by_kind": by_kind, "faults": self.faults,
            "recovery_p50_s": round(statistics.median(values), 3) if values else None,
            "recovery_max_s": max(values) if values else None,
            "instance_exits": self.exits, "watch_exit_code": watch_code,
            "duplicates": verify["duplicates"], "lost": verify["lost"],
            "input_duplicates": verify.get("input_duplicates", 0),
            "aborted_records": verify["aborted_records"], "verify": verify,
            "timeouts": {"session_timeout_ms": self.args.session_timeout_ms,
                         "commit_interval_ms": self.args.commit_interval_ms,
                         "transaction_timeout_ms": self.args.transaction_timeout_ms,
                         "instance_stop_s": self.args.instance_stop_s,
                         "broker_down_s": self.args.broker_down_s,
                         "coordinator_stop_s": self.args.coordinator_stop_s,
                         "all_down_s": self.args.all_down_s},
        }

    def print_summary(self, r):
        print(f"\n==== chaos run: seed {r['seed']}, mode {r['mode']}, group_protocol "
              f"{r['group_protocol']}, {r['records']} records "
              f"({r['poison_records']} poison), {r['wall_s']} s")
        print(f"{'fault':<22}{'count':>6}{'measured':>9}{'recovery p50 s':>16}{'recovery max s':>16}"
              f"{'not recovered':>15}")
        for kind, e in sorted(r["faults_by_kind"].items()):
            print(f"{kind:<22}{e['count']:>6}{e['measured']:>9}{str(e['recovery_p50_s']):>16}"
                  f"{str(e['recovery_max_s']):>16}{e['not_recovered']:>15}")
        v = r["verify"]
        print(f"{'all faults':<22}{len(r['faults']):>6}{str(r['recovery_p50_s']):>16}{str(r['recovery_max_s']):>16}")
        unexpected = [e for e in r["instance_exits"] if not e["expected"]]
        print(f"output {v['output_records']}, dead letters {v['dlq_records']}, duplicates {r['duplicates']}, "
              f"input records the load generator wrote twice {r['input_duplicates']}, "
              f"lost {r['lost']}, aborted records {r['aborted_records']}, watcher saw {v['watched_records']}, "
              f"violations {v['violations']}, unplanned instance exits {len(unexpected)}")
        for e in unexpected:
            print(f"unplanned exit: instance {e['slot']} incarnation {e['incarnation']} exit code "
                  f"{e['exit_code']} (log {self.workdir}/txform-{e['slot']}-{e['incarnation']}.log)")
        print(f"verdict: {'PASS' if r['ok'] else 'FAIL'} (report {self.args.report})", flush=True)

    def cleanup(self):
        for inst in self.instances:
            if inst.running():
                inst.wanted = False
                inst.signal(signal.SIGCONT)
                inst.signal(signal.SIGKILL)
                inst.wait(10)
        if self.loadgen and self.loadgen.poll() is None:
            self.loadgen.kill()
            self.loadgen.wait()
        if self.watcher and self.watcher.process.poll() is None:
            self.watcher.process.kill()
            self.watcher.process.wait()
        if self.cluster:
            for node in range(1, self.cluster.nodes + 1):
                pid = self.cluster.pid(node)
                if pid:
                    os.kill(pid, signal.SIGCONT)  # never leave a broker stopped


def installed_plugin_dir():
    """testkit's directory in an installed tree: PREFIX/lib*/[arch/]txform/test-plugins, PREFIX
    being three levels above PREFIX/share/txform/chaos/nemesis.py."""
    import glob
    prefix = os.path.abspath(os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", ".."))
    found = glob.glob(os.path.join(prefix, "lib*", "txform", "test-plugins")) + \
        glob.glob(os.path.join(prefix, "lib", "*", "txform", "test-plugins"))
    return found[0] if found else "/usr/lib/txform/test-plugins"


def find_binary(name, build_dir):
    for candidate in ([os.path.join(build_dir, *p) for p in
                       (("tests", "tools", name), ("host", name))] if build_dir else []):
        if os.access(candidate, os.X_OK):
            return candidate
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if os.access(os.path.join(directory, name), os.X_OK):
            return os.path.join(directory, name)
    return name


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=None, help="random seed (default: time); printed and reported")
    p.add_argument("--duration", type=parse_duration, default=parse_duration("150s"),
                   help="inject faults for this long (e.g. 150s, 30m); every kind runs at least once")
    p.add_argument("--records", type=int, default=100000)
    p.add_argument("--rate", type=float, default=0, help="records/s (default: spread over the duration)")
    p.add_argument("--mode", choices=["exactly_once", "at_least_once"], default="exactly_once")
    p.add_argument("--faults", default=",".join(KINDS), help="comma-separated fault kinds")
    p.add_argument("--instances", type=int, default=3)
    p.add_argument("--partitions", type=int, default=6)
    p.add_argument("--replication-factor", type=int, default=3)
    p.add_argument("--min-insync", type=int, default=2)
    p.add_argument("--poison-fraction", type=float, default=0.001)
    p.add_argument("--bootstrap", help="your cluster (default: the --kafka-data-dir cluster)")
    p.add_argument("-X", dest="property", action="append", default=[],
                   help="librdkafka property key=value for every client (SASL, TLS)")
    p.add_argument("--kafka-data-dir", help="a deploy/kafka/kafka-local.sh cluster: enables broker faults")
    p.add_argument("--kafka-local", default=os.path.join(REPO, "deploy", "kafka", "kafka-local.sh"))
    p.add_argument("--kafka-tools", help="command running org.apache.kafka.tools.TransactionsCommand "
                   "with --bootstrap-server (default with --kafka-data-dir: kafka-local.sh tool ...)")
    p.add_argument("--build-dir", help="find txform, txform-loadgen, txform-verify and testkit here")
    p.add_argument("--txform")
    p.add_argument("--loadgen")
    p.add_argument("--verify")
    p.add_argument("--plugin-dir", help="directory holding testkit.so")
    p.add_argument("--group-protocol", choices=["classic", "consumer"], default="classic",
                   help="txform's group_protocol (consumer: KIP-848, session timeout set on the group)")
    p.add_argument("--kafka-configs", help="command running org.apache.kafka.tools.ConfigCommand with "
                   "--bootstrap-server, to set a KIP-848 group's session timeout (default with "
                   "--kafka-data-dir: kafka-local.sh tool ...)")
    p.add_argument("--session-timeout-ms", type=int, default=6000)
    p.add_argument("--commit-interval-ms", type=int, default=500)
    p.add_argument("--transaction-timeout-ms", type=int, default=20000,
                   help="longer than --coordinator-stop-s, so a stopped coordinator fails over before it times out")
    p.add_argument("--instance-stop-s", type=float, default=25, help="SIGSTOP length (> both timeouts)")
    p.add_argument("--broker-down-s", type=float, default=20)
    p.add_argument("--coordinator-stop-s", type=float, default=15)
    p.add_argument("--all-down-s", type=float, default=30)
    p.add_argument("--scale-hold-s", type=float, default=8)
    p.add_argument("--gap-s", type=float, default=2, help="pause between faults")
    p.add_argument("--settle-timeout", type=float, default=180)
    p.add_argument("--work-dir", help="logs and configs (default /tmp/chaos-<seed>-<time>)")
    p.add_argument("--report", help="JSON report (default <work-dir>/report.json)")
    a = p.parse_args()

    a.seed = a.seed if a.seed is not None else int(time.time()) % 1000000
    a.faults = [k.strip() for k in a.faults.split(",") if k.strip()]
    unknown = set(a.faults) - set(KINDS)
    if unknown:
        p.error(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    if a.kafka_data_dir:
        cluster = LocalCluster(a.kafka_data_dir, a.kafka_local)
        a.bootstrap = a.bootstrap or cluster.bootstrap()
        a.kafka_tools = a.kafka_tools or (f"{shlex.quote(a.kafka_local)} tool "
                                          f"org.apache.kafka.tools.TransactionsCommand "
                                          f"--bootstrap-server {cluster.bootstrap()}")
        a.kafka_configs = a.kafka_configs or (f"{shlex.quote(a.kafka_local)} tool "
                                              f"org.apache.kafka.tools.ConfigCommand "
                                              f"--bootstrap-server {cluster.bootstrap()}")
    else:
        if not a.bootstrap:
            p.error("give --bootstrap (your cluster) or --kafka-data-dir (a kafka-local.sh cluster)")
        skipped = [k for k in a.faults if k in BROKER_KINDS]
        if skipped:
            print(f"nemesis: no --kafka-data-dir: skipping broker faults {', '.join(skipped)}", file=sys.stderr)
        a.faults = [k for k in a.faults if k not in BROKER_KINDS]
    if "coordinator_sigstop" in a.faults and not a.kafka_tools:
        p.error("coordinator_sigstop needs --kafka-tools")
    if a.instance_stop_s * 1000 <= max(a.session_timeout_ms, a.transaction_timeout_ms):
        p.error("--instance-stop-s must exceed the session and transaction timeouts")
    a.txform = a.txform or find_binary("txform", a.build_dir)
    a.loadgen = a.loadgen or find_binary("txform-loadgen", a.build_dir)
    a.verify = a.verify or find_binary("txform-verify", a.build_dir)
    a.plugin_dir = a.plugin_dir or (os.path.join(a.build_dir, "tests", "plugins") if a.build_dir
                                    else installed_plugin_dir())
    # txform wants an absolute plugin_dir (its config may be read from anywhere).
    a.plugin_dir = os.path.abspath(a.plugin_dir)
    nemesis = Nemesis(a)
    a.report = a.report or os.path.join(nemesis.workdir, "report.json")
    try:
        return nemesis.run()
    except (HarnessError, subprocess.CalledProcessError, OSError) as error:
        print(f"nemesis: harness failure: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
