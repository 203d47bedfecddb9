// verify: checks that a run of txform under faults lost nothing and duplicated nothing.
//
//   verify check --bootstrap B --input IN --output OUT [--dlq DLQ] --group G --records N
//                [--require-aborted] [--watch-log FILE]... [--find-hanging CMD] [--report FILE]
//   verify watch --bootstrap B --output OUT [--dlq DLQ] --input-partitions P --log FILE
#include <CLI/CLI.hpp>
#include <iostream>

#include "verify.hpp"

int main(int argc, char** argv) {
  using namespace txform::tools;
  CLI::App app{"verify: exactly-once checks for a txform run"};
  app.require_subcommand(1);
  ClusterOptions cluster;
  std::vector<std::string> properties;
  auto add_cluster = [&](CLI::App* sub) {
    sub->add_option("--bootstrap", cluster.bootstrap, "Kafka bootstrap servers")->required();
    sub->add_option("-X", properties, "librdkafka property key=value (SASL, TLS, ...)");
  };

  CheckOptions check;
  auto* check_cmd = app.add_subcommand("check", "judge a finished run");
  add_cluster(check_cmd);
  check_cmd->add_option("--input", check.input)->required();
  check_cmd->add_option("--output", check.output)->required();
  check_cmd->add_option("--dlq", check.dlq);
  check_cmd->add_option("--group", check.group)->required();
  check_cmd->add_option("--records", check.records, "loadgen's record count")->required();
  check_cmd->add_option("--value-prefix", check.value_prefix, "the transform: prefix + input");
  check_cmd->add_option("--poison-prefix", check.poison_prefix);
  check_cmd->add_flag("--require-aborted", check.require_aborted,
                      "fail when no aborted transaction was seen (a vacuous fault run)");
  check_cmd->add_option("--watch-log", check.watch_logs, "log of a `verify watch` run");
  check_cmd->add_option("--find-hanging", check.find_hanging,
                        "command running org.apache.kafka.tools.TransactionsCommand with "
                        "--bootstrap-server; `find-hanging --topic T` is appended");
  check_cmd->add_option("--settle-timeout", check.settle_timeout_s,
                        "seconds to wait for the group to commit every input");
  check_cmd->add_option("--report", check.report, "JSON report file");

  WatchOptions watch;
  auto* watch_cmd = app.add_subcommand("watch", "concurrent read_committed consumer");
  add_cluster(watch_cmd);
  watch_cmd->add_option("--output", watch.output)->required();
  watch_cmd->add_option("--dlq", watch.dlq);
  watch_cmd->add_option("--input-partitions", watch.input_partitions)->check(CLI::PositiveNumber);
  watch_cmd->add_option("--log", watch.log)->required();
  watch_cmd->add_option("--progress-ms", watch.progress_ms);
  CLI11_PARSE(app, argc, argv);

  try {
    for (const auto& property : properties)
      add_property(cluster.properties, property);
    return *check_cmd ? run_check(cluster, check) : run_watch(cluster, watch);
  } catch (const std::exception& error) {
    std::cerr << "verify: " << error.what() << "\n";
    return 2;
  }
}
