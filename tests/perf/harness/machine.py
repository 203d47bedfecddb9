"""The machine section of the report: hardware, kernel and the versions of everything measured."""
import os
import platform
import re
import subprocess


def _first(path, pattern):
    try:
        with open(path) as f:
            m = re.search(pattern, f.read(), re.M)
            return m.group(1).strip() if m else None
    except OSError:
        return None


def _run(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (out.stdout + out.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def describe(paths, kafka_version):
    import confluent_kafka

    ram = _first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    java = _run(["java", "-version"]).splitlines()
    txform_version = _run([paths.txform, "--version"]).splitlines()
    return {
        "CPU": _first("/proc/cpuinfo", r"^model name\s*:\s*(.*)$"),
        "cores": str(os.cpu_count()),
        "RAM": f"{int(ram) / 1024 / 1024:.1f} GiB" if ram else None,
        "kernel": platform.release(),
        "OS": _first("/etc/os-release", r'^PRETTY_NAME="?([^"\n]*)'),
        "Kafka (broker, tools, Streams)": kafka_version,
        "JVM": java[0] if java else None,
        "txform": " ".join(txform_version[:1]),
        "librdkafka (txform)": _txform_librdkafka(txform_version),
        "librdkafka (Python loop, bundled with confluent-kafka)": confluent_kafka.libversion()[0],
        "confluent-kafka (Python)": confluent_kafka.__version__,
        "Python": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _txform_librdkafka(version_lines):
    for line in version_lines:
        m = re.search(r"librdkafka\s+([\w.]+)", line)
        if m:
            return m.group(1)
    return None
