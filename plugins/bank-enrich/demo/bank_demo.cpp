// txform-bank-demo: the demo's companion. Produces sample bank transactions (some invalid) and
// shows what txform committed: enriched transactions and dead letters, decoded.
//
//   txform-bank-demo produce --bootstrap B --topic T --count N [--first F] [--invalid-every K]
//   txform-bank-demo wait    --bootstrap B --group G --topic T [--timeout-s S]
//   txform-bank-demo show    --bootstrap B --topic T --kind enriched|dead-letter [--limit L]
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "txform/bank.pb.h"
#include "txform/dead_letter.pb.h"

namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

KafkaPtr make_client(rd_kafka_type_t type,
                     const std::vector<std::pair<std::string, std::string>>& properties) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(key + ": " + errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) throw std::runtime_error(errstr);
  return KafkaPtr(rk);
}

// A plausible transfer; every `invalid_every`-th one breaks one validation rule.
txform::bank::v1::BankTransaction sample(int64_t i, int64_t invalid_every, std::mt19937_64& rng) {
  static const std::array<const char*, 4> currencies{"EUR", "USD", "GBP", "JPY"};
  txform::bank::v1::BankTransaction tx;
  tx.set_transaction_id(fmt::format("tx-{:08}", i));
  const auto account = [&] { return fmt::format("DE{:020}", rng() % 1000); };
  tx.set_from_account(account());
  do {
    tx.set_to_account(account());
  } while (tx.to_account() == tx.from_account());
  tx.set_amount_minor(static_cast<int64_t>(100 + rng() % 2'000'000));
  tx.set_currency(currencies[rng() % currencies.size()]);
  tx.set_timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
  tx.set_description("demo transfer");
  if (invalid_every > 0 && i % invalid_every == invalid_every - 1) {
    switch ((i / invalid_every) % 3) {
      case 0:
        tx.set_amount_minor(-tx.amount_minor());
        break;
      case 1:
        tx.set_currency("EURO");
        break;
      default:
        tx.set_to_account(tx.from_account());
        break;
    }
  }
  return tx;
}

int produce(const std::string& bootstrap, const std::string& topic, int64_t first, int64_t count,
            int64_t invalid_every) {
  auto producer = make_client(RD_KAFKA_PRODUCER,
                              {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}});
  std::mt19937_64 rng(static_cast<uint64_t>(42 + first));
  for (int64_t i = first; i < first + count; ++i) {
    const auto tx = sample(i, invalid_every, rng);
    const std::string value = tx.SerializeAsString();
    for (;;) {
      const auto err =
          rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                            RD_KAFKA_V_KEY(tx.transaction_id().data(), tx.transaction_id().size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw std::runtime_error(rd_kafka_err2str(err));
      rd_kafka_poll(producer.get(), 50);
    }
  }
  if (rd_kafka_flush(producer.get(), 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("not every transaction was delivered in 60 s");
  }
  std::cout << fmt::format("produced {} bank transactions to {} ({} invalid)\n", count, topic,
                           invalid_every > 0 ? count / invalid_every : 0);
  return 0;
}

// Waits until the group has committed every partition of `topic` up to its end.
int wait_committed(const std::string& bootstrap, const std::string& group, const std::string& topic,
                   int timeout_s) {
  auto consumer =
      make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap}, {"group.id", group}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_topic_t* handle = rd_kafka_topic_new(consumer.get(), topic.c_str(), nullptr);
    const auto err = rd_kafka_metadata(consumer.get(), 0, handle, &metadata, 5000);
    rd_kafka_topic_destroy(handle);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1) {
      const int partitions = metadata->topics[0].partition_cnt;
      rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
      for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
      bool done = rd_kafka_committed(consumer.get(), list, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR;
      for (int p = 0; done && p < partitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), p, &low, &high, 5000);
        done = high == 0 || list->elems[p].offset == high;
      }
      rd_kafka_topic_partition_list_destroy(list);
      if (done) {
        rd_kafka_metadata_destroy(metadata);
        std::cout << "every record of " << topic << " is processed and committed\n";
        return 0;
      }
    }
    if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::cerr << "group " << group << " did not commit all of " << topic << " in " << timeout_s
            << " s\n";
  return 1;
}

std::string describe_enriched(const std::string& value) {
  txform::bank::v1::EnrichedTransaction tx;
  if (!tx.ParseFromString(value)) return "(not an EnrichedTransaction)";
  return fmt::format("{:<12} {:<24} {:>14} {} {}{}", tx.transaction_id(), tx.account(), tx.amount(),
                     tx.currency(),
                     tx.direction() == txform::bank::v1::DIRECTION_DEBIT ? "debit " : "credit",
                     tx.high_value() ? "  HIGH VALUE" : "");
}

std::string describe_dead_letter(const std::string& value) {
  txform::v1::DeadLetter letter;
  if (!letter.ParseFromString(value)) return "(not a DeadLetter)";
  return fmt::format("{} from {}[{}]@{}: {} by {}: {}", letter.key(), letter.source_topic(),
                     letter.source_partition(), letter.source_offset(), letter.status(),
                     letter.plugin(), letter.message());
}

// Reads `topic` read_committed from the start to its end and prints up to `limit` records.
int show(const std::string& bootstrap, const std::string& topic, const std::string& kind,
         int limit) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                                  {"group.id", "txform-bank-demo-show"},
                                                  {"isolation.level", "read_committed"},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.partition.eof", "true"},
                                                  {"auto.offset.reset", "earliest"}});
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  int64_t count = 0;
  int idle_polls = 0;
  std::cout << fmt::format("---- {} (read_committed)\n", topic);
  // EOF on every assigned partition is hard to know across a rebalance: stop after 3 quiet s.
  while (idle_polls < 30) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 100);
    if (message == nullptr || message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message == nullptr || message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) ++idle_polls;
      if (message != nullptr) rd_kafka_message_destroy(message);
      continue;
    }
    idle_polls = 0;
    const std::string value(static_cast<const char*>(message->payload), message->len);
    if (count++ < limit) {
      std::cout << "  "
                << (kind == "dead-letter" ? describe_dead_letter(value) : describe_enriched(value))
                << "\n";
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer.get());
  std::cout << fmt::format("  ... {} records in {}\n", count, topic);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"txform-bank-demo: sample data and readable output for the bank-enrich demo"};
  app.require_subcommand(1);
  std::string bootstrap = "127.0.0.1:9092";
  std::string topic;
  std::string group;
  std::string kind = "enriched";
  int64_t count = 1000;
  int64_t first = 0;
  int64_t invalid_every = 50;
  int limit = 10;
  int timeout_s = 120;

  auto* produce_cmd = app.add_subcommand("produce", "Produce sample bank transactions");
  auto* wait_cmd = app.add_subcommand("wait", "Wait until a group committed a whole topic");
  auto* show_cmd = app.add_subcommand("show", "Print committed records of a topic, decoded");
  for (auto* cmd : {produce_cmd, wait_cmd, show_cmd}) {
    cmd->add_option("--bootstrap", bootstrap, "Kafka bootstrap servers");
    cmd->add_option("--topic", topic, "Topic")->required();
  }
  produce_cmd->add_option("--count", count, "How many transactions");
  produce_cmd->add_option("--first", first, "Number of the first transaction (its id)");
  produce_cmd->add_option("--invalid-every", invalid_every, "Every Nth transaction is invalid");
  wait_cmd->add_option("--group", group, "Consumer group")->required();
  wait_cmd->add_option("--timeout-s", timeout_s, "Give up after this many seconds");
  show_cmd->add_option("--kind", kind, "enriched or dead-letter")
      ->check(CLI::IsMember({"enriched", "dead-letter"}));
  show_cmd->add_option("--limit", limit, "Records to print");
  CLI11_PARSE(app, argc, argv);
  try {
    if (produce_cmd->parsed()) return produce(bootstrap, topic, first, count, invalid_every);
    if (wait_cmd->parsed()) return wait_committed(bootstrap, group, topic, timeout_s);
    return show(bootstrap, topic, kind, limit);
  } catch (const std::exception& error) {
    std::cerr << "txform-bank-demo: " << error.what() << "\n";
    return 1;
  }
}
