// loadgen: writes records 0..N-1 (key = sequence number, value = sequence number + checksum) to
// an input topic with an idempotent producer, record seq into partition seq % P, optionally
// paced and with a deterministic fraction of poison records the testkit plugin rejects.
//
//   loadgen create-topic --bootstrap B --topic T --partitions P [--replication-factor R]
//                        [--config min.insync.replicas=2]
//   loadgen produce --bootstrap B --topic T --records N [--rate R] [--poison-fraction F]
//                   [--seed S] [--report FILE]
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kafka_client.hpp"
#include "sequence.hpp"

namespace {

using namespace txform::tools;
using Clock = std::chrono::steady_clock;

struct ProduceOptions {
  std::string topic;
  int64_t records = 0;
  int64_t first = 0;
  double rate = 0;  // records per second; 0 = as fast as possible
  double poison_fraction = 0;
  uint64_t seed = 1;
  std::string poison_prefix = "poison ";
  size_t pad_bytes = 24;
  std::string report;
};

std::atomic<int64_t> delivered{0};
std::atomic<int64_t> failed{0};
std::atomic<bool> interrupted{false};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  if (message->err) {
    if (failed++ < 5)
      std::cerr << "loadgen: delivery failed: " << rd_kafka_err2str(message->err) << "\n";
  } else {
    ++delivered;
  }
}

int produce(const ClusterOptions& cluster, const ProduceOptions& options) {
  txform::kafka::ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  // Idempotence: retries after a broker fault never duplicate or reorder a record. No message
  // timeout: a record waits out any outage rather than leaving a gap in the sequence.
  auto producer = make_client(RD_KAFKA_PRODUCER, cluster,
                              {{"enable.idempotence", "true"},
                               {"acks", "all"},
                               {"message.timeout.ms", "0"},
                               {"linger.ms", "10"},
                               {"queue.buffering.max.messages", "1000000"}},
                              std::move(conf));
  const int partitions = partition_count(producer.get(), options.topic);
  const auto started = Clock::now();
  auto last_report = started;
  int64_t poison = 0;
  for (int64_t seq = options.first; seq < options.first + options.records && !interrupted; ++seq) {
    if (options.rate > 0) {
      const auto due =
          started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                        static_cast<double>(seq - options.first) / options.rate));
      while (Clock::now() < due && !interrupted)
        rd_kafka_poll(producer.get(), 5);
    }
    const bool bad = is_poison(seq, options.seed, options.poison_fraction);
    poison += bad ? 1 : 0;
    const std::string key = sequence_key(seq);
    const std::string value =
        sequence_value(seq, options.pad_bytes, bad ? options.poison_prefix : "");
    for (;;) {
      const auto err =
          rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(options.topic.c_str()),
                            RD_KAFKA_V_PARTITION(static_cast<int32_t>(seq % partitions)),
                            RD_KAFKA_V_KEY(key.data(), key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::cerr << "loadgen: produce: " << rd_kafka_err2str(err) << "\n";
        return 2;
      }
      rd_kafka_poll(producer.get(), 50);
    }
    rd_kafka_poll(producer.get(), 0);
    if (Clock::now() - last_report > std::chrono::seconds(10)) {
      last_report = Clock::now();
      std::cerr << "loadgen: " << seq + 1 - options.first << " queued, " << delivered
                << " delivered\n";
    }
  }
  while (rd_kafka_outq_len(producer.get()) > 0 && !interrupted)
    rd_kafka_poll(producer.get(), 100);
  char reason[512];
  const bool fatal = rd_kafka_fatal_error(producer.get(), reason, sizeof reason) != 0;
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  nlohmann::json report = {{"topic", options.topic},
                           {"partitions", partitions},
                           {"first", options.first},
                           {"records", options.records},
                           {"delivered", delivered.load()},
                           {"failed", failed.load()},
                           {"poison", poison},
                           {"seconds", seconds},
                           {"seed", options.seed},
                           {"poison_fraction", options.poison_fraction}};
  if (fatal) report["fatal_error"] = reason;
  std::cout << report.dump() << std::endl;
  if (!options.report.empty()) std::ofstream(options.report) << report.dump(2) << "\n";
  if (fatal || failed > 0 || delivered != options.records) {
    std::cerr << "loadgen: " << delivered << " of " << options.records << " records delivered"
              << (fatal ? std::string(", fatal: ") + reason : std::string()) << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loadgen: sequence-numbered records for exactly-once verification"};
  app.require_subcommand(1);
  ClusterOptions cluster;
  std::vector<std::string> properties;
  auto add_cluster = [&](CLI::App* sub) {
    sub->add_option("--bootstrap", cluster.bootstrap, "Kafka bootstrap servers")->required();
    sub->add_option("-X", properties, "librdkafka property key=value (SASL, TLS, ...)");
  };

  auto* create = app.add_subcommand("create-topic", "create a topic unless it exists");
  add_cluster(create);
  std::string topic;
  int partitions = 6;
  int replication_factor = 3;
  std::vector<std::string> topic_configs;
  create->add_option("--topic", topic)->required();
  create->add_option("--partitions", partitions)->check(CLI::PositiveNumber);
  create->add_option("--replication-factor", replication_factor)->check(CLI::PositiveNumber);
  create->add_option("--config", topic_configs, "topic config key=value");

  auto* produce_cmd = app.add_subcommand("produce", "write the sequence");
  add_cluster(produce_cmd);
  ProduceOptions options;
  produce_cmd->add_option("--topic", options.topic)->required();
  produce_cmd->add_option("--records", options.records)->required()->check(CLI::PositiveNumber);
  produce_cmd->add_option("--first", options.first, "first sequence number");
  produce_cmd->add_option("--rate", options.rate, "records per second (0: unpaced)");
  produce_cmd->add_option("--poison-fraction", options.poison_fraction)
      ->check(CLI::Range(0.0, 1.0));
  produce_cmd->add_option("--poison-prefix", options.poison_prefix);
  produce_cmd->add_option("--seed", options.seed);
  produce_cmd->add_option("--pad-bytes", options.pad_bytes);
  produce_cmd->add_option("--report", options.report, "write the JSON summary here too");
  CLI11_PARSE(app, argc, argv);

  try {
    for (const auto& property : properties)
      add_property(cluster.properties, property);
    if (*create) {
      std::map<std::string, std::string> configs;
      for (const auto& item : topic_configs) {
        Properties parsed;
        add_property(parsed, item);
        configs[parsed[0].first] = parsed[0].second;
      }
      ensure_topic(cluster, topic, partitions, replication_factor, configs);
      std::cout << "loadgen: topic " << topic << " ready (" << partitions << " partitions)\n";
      return 0;
    }
    std::signal(SIGINT, [](int) { interrupted = true; });
    std::signal(SIGTERM, [](int) { interrupted = true; });
    return produce(cluster, options);
  } catch (const std::exception& error) {
    std::cerr << "loadgen: " << error.what() << "\n";
    return 2;
  }
}
