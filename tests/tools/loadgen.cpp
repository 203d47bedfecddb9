// loadgen: writes records 0..N-1 (key = sequence number, value = sequence number + checksum) to
// an input topic with an idempotent producer, record seq into partition seq % P, optionally
// paced and with a deterministic fraction of poison records the testkit plugin rejects. A producer
// that fails fatally (a broker lost records it had written) is replaced: the topic is read back
// and only the records missing from it are written again, so the input holds each seq once.
//
//   loadgen create-topic --bootstrap B --topic T --partitions P [--replication-factor R]
//                        [--config min.insync.replicas=2]
//   loadgen produce --bootstrap B --topic T --records N [--rate R] [--poison-fraction F]
//                   [--seed S] [--report FILE]
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <deque>
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

std::atomic<int64_t> failed{0};
std::atomic<bool> interrupted{false};

// Which sequence numbers reached the log: set by delivery reports, and by reading the topic back
// after the producer failed fatally.
struct Written {
  int64_t first = 0;
  std::vector<std::atomic<bool>> seqs;
  Written(int64_t first_seq, int64_t count) : first(first_seq), seqs(static_cast<size_t>(count)) {}
  bool has(int64_t seq) const { return seqs[static_cast<size_t>(seq - first)].load(); }
  void mark(int64_t seq) { seqs[static_cast<size_t>(seq - first)].store(true); }
  int64_t count() const {
    int64_t n = 0;
    for (const auto& seq : seqs)
      n += seq.load() ? 1 : 0;
    return n;
  }
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto& written = *static_cast<Written*>(opaque);
  if (message->err) {
    if (failed++ < 5)
      std::cerr << "loadgen: delivery failed: " << rd_kafka_err2str(message->err) << "\n";
  } else {
    written.mark(reinterpret_cast<intptr_t>(message->_private));
  }
}

txform::kafka::KafkaPtr make_producer(const ClusterOptions& cluster, Written& written) {
  txform::kafka::ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  rd_kafka_conf_set_opaque(conf.get(), &written);
  // Idempotence: retries after a broker fault never duplicate or reorder a record. No message
  // timeout: a record waits out any outage rather than leaving a gap in the sequence.
  return make_client(RD_KAFKA_PRODUCER, cluster,
                     {{"enable.idempotence", "true"},
                      {"acks", "all"},
                      {"message.timeout.ms", "0"},
                      {"linger.ms", "10"},
                      {"queue.buffering.max.messages", "1000000"}},
                     std::move(conf));
}

// After a fatal idempotence error (a partition's new leader lost records the producer had
// written: OUT_OF_ORDER_SEQUENCE_NUMBER after an unclean election) the producer is unusable, and
// whether its last records were written is unknown. Read the topic back once its end offsets have
// stopped moving (requests of the dead producer still in flight), and return what is missing.
std::vector<int64_t> read_back_missing(const ClusterOptions& cluster, const std::string& topic,
                                       int partitions, int64_t next, Written& written) {
  auto ends = end_offsets(cluster, topic, partitions, "read_uncommitted");
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto again = end_offsets(cluster, topic, partitions, "read_uncommitted");
    if (again == ends) break;
    ends = std::move(again);
  }
  read_topic(cluster, topic, partitions, "read_uncommitted", [&](const Message& m) {
    const int64_t seq = parse_sequence_key(m.key);
    if (seq >= written.first && seq < next) written.mark(seq);
  });
  std::vector<int64_t> missing;
  for (int64_t seq = written.first; seq < next; ++seq)
    if (!written.has(seq)) missing.push_back(seq);
  return missing;
}

int produce(const ClusterOptions& cluster, const ProduceOptions& options) {
  Written written(options.first, options.records);
  const int64_t end = options.first + options.records;
  std::deque<int64_t> resend;  // written before a fatal error, not found in the log
  int64_t next = options.first;
  int64_t poison = 0;
  int fatal_errors = 0;
  std::string last_fatal;
  const auto started = Clock::now();
  auto last_report = started;
  int partitions = 0;
  for (;;) {
    auto producer = make_producer(cluster, written);
    partitions = partition_count(producer.get(), options.topic);
    char reason[512] = "";
    auto fatal = [&] { return rd_kafka_fatal_error(producer.get(), reason, sizeof reason) != 0; };
    while ((!resend.empty() || next < end) && !interrupted && !fatal()) {
      int64_t seq;
      if (!resend.empty()) {
        seq = resend.front();
        resend.pop_front();
      } else {
        seq = next++;
        if (options.rate > 0) {
          const auto due =
              started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                            static_cast<double>(seq - options.first) / options.rate));
          while (Clock::now() < due && !interrupted)
            rd_kafka_poll(producer.get(), 5);
        }
        poison += is_poison(seq, options.seed, options.poison_fraction) ? 1 : 0;
      }
      const bool bad = is_poison(seq, options.seed, options.poison_fraction);
      const std::string key = sequence_key(seq);
      const std::string value =
          sequence_value(seq, options.pad_bytes, bad ? options.poison_prefix : "");
      for (;;) {
        const auto err = rd_kafka_producev(
            producer.get(), RD_KAFKA_V_TOPIC(options.topic.c_str()),
            RD_KAFKA_V_PARTITION(static_cast<int32_t>(seq % partitions)),
            RD_KAFKA_V_KEY(key.data(), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<intptr_t>(seq))), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__FATAL) break;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          std::cerr << "loadgen: produce: " << rd_kafka_err2str(err) << "\n";
          return 2;
        }
        rd_kafka_poll(producer.get(), 50);
      }
      rd_kafka_poll(producer.get(), 0);
      if (Clock::now() - last_report > std::chrono::seconds(10)) {
        last_report = Clock::now();
        std::cerr << "loadgen: " << next - options.first << " queued, " << written.count()
                  << " delivered\n";
      }
    }
    while (rd_kafka_outq_len(producer.get()) > 0 && !interrupted && !fatal())
      rd_kafka_poll(producer.get(), 100);
    if (!fatal() || interrupted) break;
    last_fatal = reason;
    if (++fatal_errors > 20) break;
    std::cerr << "loadgen: producer failed (" << reason
              << "): reading the topic back to resend what is missing\n";
    rd_kafka_purge(producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    producer.reset();
    const auto missing = read_back_missing(cluster, options.topic, partitions, next, written);
    resend.assign(missing.begin(), missing.end());
    std::cerr << "loadgen: resending " << missing.size() << " records with a new producer\n";
  }
  const int64_t delivered = written.count();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  nlohmann::json report = {{"topic", options.topic},
                           {"partitions", partitions},
                           {"first", options.first},
                           {"records", options.records},
                           {"delivered", delivered},
                           {"failed", failed.load()},
                           {"producer_fatal_errors", fatal_errors},
                           {"poison", poison},
                           {"seconds", seconds},
                           {"seed", options.seed},
                           {"poison_fraction", options.poison_fraction}};
  if (!last_fatal.empty()) report["last_fatal_error"] = last_fatal;
  std::cout << report.dump() << std::endl;
  if (!options.report.empty()) std::ofstream(options.report) << report.dump(2) << "\n";
  if (delivered != options.records) {
    std::cerr << "loadgen: " << delivered << " of " << options.records << " records delivered"
              << (last_fatal.empty() ? std::string() : ", last fatal error: " + last_fatal) << "\n";
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
