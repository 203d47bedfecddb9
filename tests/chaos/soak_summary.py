#!/usr/bin/env python3
"""Renders a nemesis report (JSON) as the Markdown soak summary committed under docs/.

    tests/chaos/soak_summary.py REPORT.json [--work-dir DIR] [--command "..."] > docs/chaos-soak.md

With --work-dir (the run's logs), it also counts the transactions the instances aborted
themselves ("aborting transaction" log lines; transactions of killed or fenced instances are
aborted by the broker and counted in the aborted records only)."""
import argparse
import glob
import json
import os
import platform


def aborts_logged(work_dir):
    count = 0
    for path in glob.glob(os.path.join(work_dir, "txform-*.log")):
        with open(path, errors="replace") as f:
            count += sum(1 for line in f if "aborting transaction of" in line)
    return count


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report")
    p.add_argument("--work-dir")
    p.add_argument("--command", help="the command line that ran the soak")
    p.add_argument("--title", default="Chaos soak: exactly-once under faults")
    a = p.parse_args()
    r = json.load(open(a.report))
    v = r["verify"]
    out = []
    w = out.append
    w(f"# {a.title}\n")
    w(f"Verdict: **{'PASS' if r['ok'] else 'FAIL'}** — {r['records']:,} input records "
      f"({r['poison_records']} poison), {r['instances']} txform instances, seed {r['seed']}, "
      f"{r['wall_s'] / 60:.1f} minutes wall.\n")
    if a.command:
        w("```sh\n" + a.command + "\n```\n")
    w("| outcome | value |\n|---|---|")
    w(f"| records in output | {v.get('output_records', 'n/a'):,} |")
    w(f"| dead letters | {v.get('dlq_records', 'n/a'):,} |")
    w(f"| **duplicates** | **{r['duplicates']}** |")
    w(f"| input records the load generator's idempotent producer wrote twice (each processed "
      f"once per copy) | {r.get('input_duplicates', 0)} |")
    w(f"| **lost** | **{r['lost']}** |")
    w(f"| records of aborted transactions (read_uncommitted − read_committed) | {r['aborted_records']:,} |")
    if a.work_dir:
        w(f"| transactions the instances aborted themselves (logged) | {aborts_logged(a.work_dir)} |")
    w(f"| records the concurrent read_committed watcher saw | {v.get('watched_records', 'n/a'):,} |")
    violations = {k: c["count"] for k, c in v["checks"].items() if c["count"]}
    w(f"| verifier violations | {violations or 'none'} |")
    unplanned = [e for e in r.get("instance_exits", []) if not e.get("expected")]
    w(f"| instance exits | {len(r.get('instance_exits', []))} ({len(unplanned)} unplanned) |\n")
    w("## Faults\n")
    w("Recovery: from the end of a fault until every input partition with records left has new "
      "committed output.\n")
    w("| fault | count | measured | recovery p50 (s) | recovery max (s) | not recovered |")
    w("|---|---|---|---|---|---|")
    for kind, f in sorted(r["faults_by_kind"].items()):
        w(f"| {kind} | {f['count']} | {f['measured']} | {f['recovery_p50_s']} | "
          f"{f['recovery_max_s']} | {f['not_recovered']} |")
    total = sum(f["count"] for f in r["faults_by_kind"].values())
    w(f"| **all** | {total} | | {r['recovery_p50_s']} | {r['recovery_max_s']} | |\n")
    t = r.get("timeouts", {})
    w("## Settings\n")
    w(", ".join(f"{k} = {val}" for k, val in t.items()) + ".\n")
    w(f"Consumer group protocol: {r.get('group_protocol', 'classic')}; "
      f"{r.get('txform_version') or 'txform version not recorded'}.\n")
    w(f"Topics: input, output and DLQ of 6 partitions, replication factor 3, "
      f"min.insync.replicas 2, on a 3-node local Apache Kafka (KRaft) cluster. Machine: "
      f"{os.cpu_count()} cores, {platform.system()} {platform.release()}; brokers, instances, "
      f"load generator and verifier share it.\n")
    w("## Every fault\n")
    w("| at (s) | fault | target | length (s) | recovery (s) | note |\n|---|---|---|---|---|---|")
    for f in r["faults"]:
        w(f"| {f['at_s']} | {f['kind']} | {f['target']} | {f['duration_s']} | "
          f"{f.get('recovery_s', '')} | {f.get('note', '').strip()} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
