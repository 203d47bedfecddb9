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
            # Recorded back to back while the copy is saturated; summarised afterwards (perf report
            # on DWARF stacks takes longer than the run has left).
            names = _thread_names(process.popen.pid)
            switches = _record_switches(prefix + ".off-cpu-time.data", min(args.seconds, 2))
            on_cpu = _perf_record(["-F", str(args.frequency), "-e", "cpu-clock"], process, prefix + ".on-cpu",
                                  args.seconds)
            off_cpu = _perf_record(["-e", "sched:sched_switch"], process, prefix + ".off-cpu", args.seconds)
            _off_cpu_time(switches, names, prefix + ".off-cpu-time.txt", min(args.seconds, 2))
            _perf_report(on_cpu, prefix + ".on-cpu")
            _perf_report(off_cpu, prefix + ".off-cpu")
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


def _perf_record(event_args, process, prefix, seconds):
    """perf record with DWARF call graphs on every thread of the process; returns the data file."""
    data = prefix + ".data"
    subprocess.run(["perf", "record", "-q", "-o", data, "--call-graph", "dwarf,16384", *event_args,
                    "-p", str(process.popen.pid), "--", "sleep", str(seconds)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return data


def _perf_report(data, prefix):
    """Two summaries: by thread, and by thread and symbol (callers folded in)."""
    report = ["perf", "report", "-i", data, "--stdio", "--no-children"]
    with open(prefix + ".threads.txt", "w") as f:
        subprocess.run(report + ["--sort", "comm", "-g", "none"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    with open(prefix + ".symbols.txt", "w") as f:
        subprocess.run(report + ["--sort", "comm,sym", "--percent-limit", "1", "-g", "caller,0.5,callee,function,percent",
                                 "--max-stack", "24"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    os.unlink(data)  # hundreds of MB with DWARF stacks; the summaries are what is kept


def _thread_names(pid):
    names = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names[int(tid)] = f.read().strip()
        except FileNotFoundError:
            pass
    return names


def _record_switches(data, seconds):
    """Every sched_switch on the machine: a thread's switch-in happens in another task's
    context, so recording the process alone (-p) cannot see it."""
    subprocess.run(["perf", "record", "-q", "-a", "-o", data, "-e", "sched:sched_switch",
                    "--call-graph", "dwarf,8192", "--", "sleep", str(seconds)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return data


def _off_cpu_time(data, names, path, seconds):
    """Off-CPU time, not switch counts: for each of the process's threads (`names`: tid -> name),
    the time from each switch-out to its next switch-in, summed by the innermost user frames of
    the stack it left on. A switch-out in state R was a preemption: the thread wanted the CPU."""
    tids = set(names)
    script = subprocess.run(["perf", "script", "-i", data, "-F", "tid,time,trace,ip,sym"],
                            capture_output=True, text=True, check=True).stdout
    os.unlink(data)
    left, totals, by_stack = {}, {}, {}
    event = None
    for line in script.splitlines() + [""]:
        if not line.strip():
            if event:
                time_s, prev_pid, next_pid, preempted, frames = event
                if prev_pid in tids:
                    # libc's wait wrappers say nothing: the first frame of librdkafka's or ours does.
                    while len(frames) > 1 and frames[0].startswith("_"):
                        frames = frames[1:]
                    left[prev_pid] = (time_s, ["(preempted)"] if preempted else frames)
                if next_pid in left:
                    out_s, out_frames = left.pop(next_pid)
                    key = (next_pid, " < ".join(out_frames[:5]))
                    by_stack[key] = by_stack.get(key, 0) + time_s - out_s
                    totals[next_pid] = totals.get(next_pid, 0) + time_s - out_s
            event = None
            continue
        if event is None and "prev_pid=" in line:
            head = line.split()
            time_s = float(head[1].rstrip(":"))
            prev_pid = int(line.split("prev_pid=")[1].split()[0])
            next_pid = int(line.split("next_pid=")[1].split()[0])
            preempted = line.split("prev_state=")[1].split()[0].startswith("R")
            event = (time_s, prev_pid, next_pid, preempted, [])
        elif event is not None:
            # "<address> <symbol>": kernel frames (the switch itself) and unknown ones left out.
            parts = line.split(None, 1)
            if len(parts) == 2 and not parts[0].startswith("ffffffff") and parts[1] != "[unknown]":
                event[4].append(parts[1].replace(" (inlined)", ""))
    with open(path, "w") as f:
        f.write(f"# off-CPU time per thread over {seconds:.0f} s (switch-out to switch-in), and where:"
                " the innermost user frames at the switch-out\n")
        for tid in sorted(totals, key=lambda t: -totals[t]):
            f.write(f"\n{100 * totals[tid] / seconds:5.1f} % off CPU  {names.get(tid)} ({tid})\n")
            stacks = sorted(((v, k[1]) for k, v in by_stack.items() if k[0] == tid), reverse=True)
            for value, stack in stacks[:8]:
                f.write(f"   {100 * value / seconds:5.1f} %  {stack}\n")


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
