// verify: the exactly-once checker. `check` reads the finished run and judges it; `watch` is a
// read_committed consumer that runs during the faults and logs what it saw, for `check` to judge.
#pragma once

#include <string>
#include <vector>

#include "kafka_client.hpp"

namespace txform::tools {

struct CheckOptions {
  std::string input;
  std::string output;
  std::string dlq;  // empty: no dead-letter topic
  std::string group;
  int64_t records = 0;  // loadgen's N; every seq in 0..N-1 must be in the input
  std::string value_prefix = "out:";
  std::string poison_prefix = "poison ";
  bool require_aborted = false;  // a fault run without aborted transactions proves nothing
  std::vector<std::string> watch_logs;
  std::string find_hanging;  // command prefix running Kafka's TransactionsCommand
  int settle_timeout_s = 180;
  std::string report;
};

// Judges a finished run; prints a summary table, writes the JSON report; 0 when no violation.
int run_check(const ClusterOptions& cluster, const CheckOptions& options);

struct WatchOptions {
  std::string output;
  std::string dlq;
  int input_partitions = 6;
  std::string log;
  int progress_ms = 250;
};

// Consumes output and DLQ (read_committed) until SIGTERM/SIGINT, logging every record and
// printing "progress <epoch_ms> <total> <count per input partition...>" lines on stdout.
int run_watch(const ClusterOptions& cluster, const WatchOptions& options);

}  // namespace txform::tools
