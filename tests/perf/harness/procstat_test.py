#!/usr/bin/env python3
"""Unit tests of the harness's arithmetic: Prometheus parsing and quantiles (standard library only)."""
import os
import unittest

import procstat

SCRAPE = """# HELP txform_transaction_commit_duration_seconds commit
# TYPE txform_transaction_commit_duration_seconds histogram
txform_transaction_commit_duration_seconds_bucket{worker="0",le="0.001"} 2
txform_transaction_commit_duration_seconds_bucket{worker="0",le="0.01"} 8
txform_transaction_commit_duration_seconds_bucket{worker="0",le="+Inf"} 10
txform_transaction_commit_duration_seconds_bucket{worker="1",le="0.001"} 0
txform_transaction_commit_duration_seconds_bucket{worker="1",le="0.01"} 2
txform_transaction_commit_duration_seconds_bucket{worker="1",le="+Inf"} 10
txform_transactions_total{worker="0",outcome="committed"} 10
txform_transactions_total{worker="1",outcome="committed"} 10
txform_transactions_total{worker="1",outcome="aborted"} 3
"""


class PrometheusTest(unittest.TestCase):
    def setUp(self):
        self.samples = procstat.parse_prometheus(SCRAPE)

    def test_counter_sums_workers_and_filters_labels(self):
        self.assertEqual(procstat.metric_sum(self.samples, "txform_transactions_total", outcome="committed"), 20)
        self.assertEqual(procstat.metric_sum(self.samples, "txform_transactions_total", outcome="aborted"), 3)

    def test_histogram_quantile_merges_workers_and_interpolates(self):
        # Merged: 2 in (0, 1 ms], 8 in (1, 10 ms], 10 above. The median (rank 10) is the last
        # observation of the second bucket: its upper bound.
        self.assertAlmostEqual(procstat.histogram_quantile(self.samples, "txform_transaction_commit_duration_seconds", 0.5), 0.01)
        # Rank 6 of 20: halfway through the second bucket.
        self.assertAlmostEqual(procstat.histogram_quantile(self.samples, "txform_transaction_commit_duration_seconds", 0.3), 0.0055)
        # In the +Inf bucket all that is known is the last finite bound.
        self.assertAlmostEqual(procstat.histogram_quantile(self.samples, "txform_transaction_commit_duration_seconds", 0.99), 0.01)

    def test_histogram_quantile_of_a_missing_histogram_is_none(self):
        self.assertIsNone(procstat.histogram_quantile(self.samples, "absent_seconds", 0.5))


class SampleQuantileTest(unittest.TestCase):
    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(procstat.quantile(values, 0.5), 51)
        self.assertEqual(procstat.quantile(values, 0.99), 100)
        self.assertIsNone(procstat.quantile([], 0.5))


class ProcTest(unittest.TestCase):
    def test_own_process_has_cpu_and_rss(self):
        sum(i * i for i in range(200000))  # burn a little CPU so the count moves past zero
        self.assertGreater(procstat.cpu_seconds(os.getpid()), 0)
        self.assertGreater(procstat.peak_rss_bytes(os.getpid()), 1 << 20)

    def test_machine_idle_share_between_two_samples(self):
        self.assertAlmostEqual(procstat.idle_percent((100, 1000), (130, 1100)), 30.0)
        self.assertIsNone(procstat.idle_percent((100, 1000), (100, 1000)))
        idle, total = procstat.machine_cpu_ticks()
        self.assertGreater(total, 0)
        self.assertLessEqual(idle, total)


if __name__ == "__main__":
    unittest.main()
