"""What the harness measures about a process: CPU seconds and peak RSS (from /proc while it runs,
from wait4's rusage once it has exited), and quantiles of Prometheus histograms and samples."""
import os
import re

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a running process, all its threads, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name (field 2) may hold spaces; the fields after its closing parenthesis don't.
        fields = f.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLOCK_TICKS


def peak_rss_bytes(pid):
    """VmHWM: the peak resident set size of a running process."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def machine_cpu_ticks():
    """(idle, total) clock ticks of the whole machine since boot, from /proc/stat (iowait counts
    as idle: the CPU was free to run something)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is inside user already)
    return fields[3] + fields[4], sum(fields[:8])


def idle_percent(before, after):
    """The machine's idle share between two machine_cpu_ticks() samples, in percent."""
    total = after[1] - before[1]
    return 100.0 * (after[0] - before[0]) / total if total > 0 else None


def rusage_summary(rusage):
    """(cpu seconds, peak RSS bytes) from a reaped child's rusage."""
    return rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss * 1024


def quantile(values, q):
    """The q-quantile of a list of samples (nearest rank), or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """[(name, {label: value}, float)] from the Prometheus text format."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if m:
            labels = dict(_LABEL.findall(m.group(2) or ""))
            samples.append((m.group(1), labels, float(m.group(3))))
    return samples


def metric_sum(samples, name, **labels):
    """The sum of every series of a metric whose labels include the given ones (workers add up)."""
    return sum(v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in labels.items()))


def histogram_quantile(samples, name, q):
    """Prometheus' histogram_quantile over every series of a histogram (workers merged): linear
    interpolation inside the bucket holding the q-th observation."""
    buckets = {}
    for n, labels, value in samples:
        if n == name + "_bucket":
            le = float(labels["le"])
            buckets[le] = buckets.get(le, 0.0) + value
    if not buckets:
        return None
    bounds = sorted(buckets)
    total = buckets[bounds[-1]]
    if total == 0:
        return None
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower_bound  # above the last finite bucket: its bound is all we know
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (count - lower_count)
        lower_bound, lower_count = bound, count
    return bounds[-1]
