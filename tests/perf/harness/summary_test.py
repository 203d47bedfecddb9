#!/usr/bin/env python3
"""Unit tests of the harness's per-point summary over interleaved repeats (standard library only)."""
import unittest

import runs


def run(system, repeat, rate, valid=True, p99=None, note=None):
    row = {c: None for c in runs.COLUMNS}
    row.update(sweep="base", system=system, repeat=repeat, interval_ms=100, record_bytes=100, partitions=6,
               records=1000, valid=valid, records_per_s=rate, commit_p99_ms=p99, note=note)
    return row


class SummariseTest(unittest.TestCase):
    def test_median_with_min_and_max_per_system_and_point(self):
        rows = [run("a", 1, 100.0, p99=9.0), run("b", 1, 50.0), run("a", 2, 300.0, p99=1.0),
                run("b", 2, 70.0), run("a", 3, 200.0, p99=5.0), run("b", 3, 60.0)]
        by = {r["system"]: r for r in runs.summarise(rows)}
        self.assertEqual(by["a"]["records_per_s"], 200.0)
        self.assertEqual((by["a"]["records_per_s_min"], by["a"]["records_per_s_max"]), (100.0, 300.0))
        self.assertEqual(by["a"]["commit_p99_ms"], 5.0)
        self.assertEqual(by["b"]["records_per_s"], 60.0)
        self.assertEqual((by["a"]["repeats"], by["a"]["valid_repeats"]), (3, 3))
        self.assertTrue(by["a"]["valid"])

    def test_one_invalid_repeat_makes_the_point_invalid_and_keeps_its_note(self):
        rows = [run("a", 1, 100.0), run("a", 2, None, valid=False, note="INVALID: 999 records"),
                run("a", 3, 120.0)]
        (summary,) = runs.summarise(rows)
        self.assertFalse(summary["valid"])
        self.assertEqual(summary["valid_repeats"], 2)
        self.assertEqual(summary["records_per_s"], 110.0)  # the median of the valid repeats
        self.assertIn("INVALID", summary["note"])

    def test_points_are_kept_apart(self):
        other = run("a", 1, 10.0)
        other["record_bytes"] = 1024
        summaries = runs.summarise([run("a", 1, 100.0), other])
        self.assertEqual(sorted(s["record_bytes"] for s in summaries), [100, 1024])


if __name__ == "__main__":
    unittest.main()
