"""Where a system's time goes: one run of txform (EOS, ALO or drop-all) or of bare-copy on a
pre-filled input, with perf attached while it is saturated. Writes, per case, an on-CPU profile
(cpu-clock samples) and an off-CPU one (sched_switch: where each thread blocks), each summed per
thread and per symbol. docs/perf/profile.md reads them.
Run it through tests/perf/profile.sh, which builds, sets up and starts a broker."""
import argparse
import os
import subprocess
import sys
import time

import kafka_ops
import runs
import systems

CASES = ["txform-eos", "txform-alo", "txform-drop-all", "bare-copy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--kafka-version", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of " + ",".join(CASES))
    parser.add_argument("--records", type=int, default=10000000,
                        help="enough for every window below at the fastest case's rate")
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--interval-ms", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=4, help="perf records this long, per profile")
    parser.add_argument("--frequency", type=int, default=499, help="on-CPU samples per second")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    paths = systems.Paths(args.root, args.build_dir, args.cache_dir, args.kafka_version)
    kafka = kafka_ops.Kafka(args.bootstrap)
    point = runs.Point(interval_ms=args.interval_ms, size=args.size, partitions=args.partitions, sweep="profile")
    tag = time.strftime("%H%M%S")
    source = f"profile-in-{tag}"
    kafka.create_topic(source, args.partitions)
    systems.run_producer_performance(paths, kafka, source, args.records, args.size, batch_size=16384)
    targets = kafka.end_offsets(source, args.partitions)
    for case in args.cases.split(","):
        if case not in CASES:
            sys.exit(f"profile: unknown case {case!r} (known: {', '.join(CASES)})")
        run = runs.Run(name=f"{tag}-{case}", input=source, output=f"profile-out-{tag}-{case}",
                       group=f"profile-{tag}-{case}")
        kafka.create_topic(run.output, args.partitions)
        process = _start(case, paths, kafka, point, run, args.out)
        try:
            if case.startswith("txform"):
                systems.txform_wait_ready(process)
            # Half a second in: the group has its partitions and the copy is saturated.
            time.sleep(0.5)
            prefix = os.path.join(args.out, case)
            # Thread shares first, without perf's own cost in them.
            before = _thread_cpu(process.popen.pid)
            time.sleep(2)
            _write_thread_cpu(prefix + ".thread-cpu.txt", before, _thread_cpu(process.popen.pid), 2)
            _perf(["-F", str(args.frequency), "-e", "cpu-clock"], process, prefix + ".on-cpu", args.seconds)
            _perf(["-e", "sched:sched_switch"], process, prefix + ".off-cpu", args.seconds)
            done = kafka.wait_group_committed(run.group, source, targets, process.alive, 600)
            cpu_s, _ = process.sample()
            print(f"{case}: {args.records / (done - process.started):.0f} records/s over the whole run "
                  f"(perf attached), CPU {cpu_s:.1f} s", flush=True)
        finally:
            process.stop()
            kafka.delete_topic(run.output)
    kafka.delete_topic(source)


def _start(case, paths, kafka, point, run, workdir):
    if case == "bare-copy":
        return systems.start_bare_copy(paths, kafka, point, run, workdir)
    mode = "at_least_once" if case == "txform-alo" else "exactly_once"
    if case == "txform-drop-all":
        discard_dir = os.path.join(os.path.dirname(os.path.dirname(paths.bare_copy)), "discard", "plugins")
        return systems.start_txform(_with_plugin_dir(paths, discard_dir), kafka, point, run, workdir, mode, 1,
                                    plugin="discard")
    return systems.start_txform(paths, kafka, point, run, workdir, mode, 1)


def _with_plugin_dir(paths, plugin_dir):
    copy = systems.Paths.__new__(systems.Paths)
    copy.__dict__.update(paths.__dict__, plugin_dir=plugin_dir)
    return copy


def _perf(event_args, process, prefix, seconds):
    """perf record with DWARF call graphs on every thread of the process, then two summaries:
    by thread, and by thread and symbol (callers folded in: where the time is spent)."""
    data = prefix + ".data"
    subprocess.run(["perf", "record", "-q", "-o", data, "--call-graph", "dwarf,16384", *event_args,
                    "-p", str(process.popen.pid), "--", "sleep", str(seconds)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = ["perf", "report", "-i", data, "--stdio", "--no-children"]
    with open(prefix + ".threads.txt", "w") as f:
        subprocess.run(report + ["--sort", "comm", "-g", "none"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    with open(prefix + ".symbols.txt", "w") as f:
        subprocess.run(report + ["--sort", "comm,sym", "--percent-limit", "1", "-g", "caller,0.5,callee,function,percent",
                                 "--max-stack", "24"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    os.unlink(data)  # hundreds of MB with DWARF stacks; the summaries are what is kept


def _thread_cpu(pid):
    """{thread name (with its id): CPU seconds so far} from /proc (utime + stime)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[f"{name} ({tid})"] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def _write_thread_cpu(path, before, after, seconds):
    """Each thread's share of one core over the window."""
    with open(path, "w") as f:
        f.write(f"# share of one core per thread over {seconds:.0f} s, before perf is attached\n")
        for name in sorted(after, key=lambda n: before.get(n, 0) - after[n]):
            f.write(f"{100 * (after[name] - before.get(name, 0)) / seconds:6.1f} %  {name}\n")


if __name__ == "__main__":
    main()
