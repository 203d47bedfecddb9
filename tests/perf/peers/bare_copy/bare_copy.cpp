// The benchmark's `bare-copy` reference: the obvious copy loop a user would write on librdkafka,
// on the same library as txform. One thread batch-consumes the input (read_committed), produces
// each record unchanged to the same partition of the output with an idempotent producer, and
// every commit interval flushes the producer and then commits the consumer's offsets:
// at-least-once, no transactions, no plugin. What txform adds over it is what its design costs
// or wins. SIGTERM: flush, commit, exit 0. A failed delivery or commit exits 1.
//
//   txform-bare-copy --bootstrap B --group G --input IN --output OUT [--commit-every-ms 100]
//                    [--batch 512] [-X key=value ...]   (-X goes to both clients)
#include <librdkafka/rdkafka.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "kafka/handles.hpp"
#include "kafka_client.hpp"

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<long> failed_deliveries{0};

void on_signal(int) {
  stop_requested = true;
}

void delivery_report(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  if (message->err) {
    if (failed_deliveries.fetch_add(1) == 0) {
      std::fprintf(stderr, "bare-copy: delivery failed: %s\n", rd_kafka_err2str(message->err));
    }
  }
}

// Flush, then commit what was consumed: a crash in between duplicates, never loses.
bool flush_and_commit(rd_kafka_t* producer, rd_kafka_t* consumer) {
  if (rd_kafka_resp_err_t err = rd_kafka_flush(producer, 60000)) {
    std::fprintf(stderr, "bare-copy: flush: %s\n", rd_kafka_err2str(err));
    return false;
  }
  if (failed_deliveries.load() > 0) return false;
  const rd_kafka_resp_err_t err = rd_kafka_commit(consumer, nullptr, 0);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    std::fprintf(stderr, "bare-copy: commit: %s\n", rd_kafka_err2str(err));
    return false;
  }
  return true;
}

// Produces one consumed record; waits for room while the producer's queue is full.
bool copy(rd_kafka_t* producer, rd_kafka_topic_t* output, const rd_kafka_message_t& in) {
  while (rd_kafka_produce(output, in.partition, RD_KAFKA_MSG_F_COPY, in.payload, in.len, in.key,
                          in.key_len, nullptr) != 0) {
    if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      std::fprintf(stderr, "bare-copy: produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
      return false;
    }
    rd_kafka_poll(producer, 10);
  }
  return true;
}

int run(const txform::tools::ClusterOptions& cluster, const std::string& group,
        const std::string& input, const std::string& output_topic, int commit_every_ms, int batch) {
  using txform::kafka::KafkaPtr;
  txform::kafka::ConfPtr producer_conf(rd_kafka_conf_new());
  rd_kafka_conf_set_dr_msg_cb(producer_conf.get(), delivery_report);
  // txform's producer settings in the benchmark, so the two differ only in their loops.
  KafkaPtr producer = txform::tools::make_client(
      RD_KAFKA_PRODUCER, cluster,
      {{"enable.idempotence", "true"}, {"linger.ms", "5"}, {"batch.size", "1000000"}},
      std::move(producer_conf));
  KafkaPtr consumer = txform::tools::make_client(RD_KAFKA_CONSUMER, cluster,
                                                 {{"group.id", group},
                                                  {"enable.auto.commit", "false"},
                                                  {"isolation.level", "read_committed"},
                                                  {"auto.offset.reset", "earliest"}},
                                                 nullptr);
  rd_kafka_poll_set_consumer(consumer.get());
  std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> output(
      rd_kafka_topic_new(producer.get(), output_topic.c_str(), nullptr), rd_kafka_topic_destroy);
  txform::kafka::PartitionListPtr topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), input.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer.get(), topics.get())) {
    std::fprintf(stderr, "bare-copy: subscribe to %s: %s\n", input.c_str(), rd_kafka_err2str(err));
    return 1;
  }
  txform::kafka::QueuePtr queue(rd_kafka_queue_get_consumer(consumer.get()));

  std::vector<rd_kafka_message_t*> messages(static_cast<size_t>(batch));
  const auto interval = std::chrono::milliseconds(commit_every_ms);
  auto next_commit = std::chrono::steady_clock::now() + interval;
  int status = 0;
  while (!stop_requested.load() && status == 0) {
    const ssize_t got =
        rd_kafka_consume_batch_queue(queue.get(), 100, messages.data(), messages.size());
    for (ssize_t i = 0; i < got; ++i) {
      rd_kafka_message_t* message = messages[static_cast<size_t>(i)];
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (!copy(producer.get(), output.get(), *message)) status = 1;
      } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::fprintf(stderr, "bare-copy: consume: %s\n", rd_kafka_message_errstr(message));
      }
      rd_kafka_message_destroy(message);
    }
    rd_kafka_poll(producer.get(), 0);  // delivery reports
    if (std::chrono::steady_clock::now() >= next_commit) {
      if (!flush_and_commit(producer.get(), consumer.get())) status = 1;
      next_commit = std::chrono::steady_clock::now() + interval;
    }
  }
  if (status == 0 && !flush_and_commit(producer.get(), consumer.get())) status = 1;
  rd_kafka_consumer_close(consumer.get());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bare-copy: the naive at-least-once copy loop on librdkafka (benchmark reference)"};
  txform::tools::ClusterOptions cluster;
  std::string group, input, output;
  int commit_every_ms = 100, batch = 512;
  std::vector<std::string> extra;
  app.add_option("--bootstrap", cluster.bootstrap, "bootstrap servers")->required();
  app.add_option("--group", group, "consumer group")->required();
  app.add_option("--input", input, "input topic")->required();
  app.add_option("--output", output, "output topic")->required();
  app.add_option("--commit-every-ms", commit_every_ms, "flush and commit interval")
      ->check(CLI::Range(1, 3600000));
  app.add_option("--batch", batch, "records per consume_batch_queue call")
      ->check(CLI::Range(1, 100000));
  app.add_option("-X", extra, "librdkafka property key=value for both clients");
  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& property : extra)
      txform::tools::add_property(cluster.properties, property);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    return run(cluster, group, input, output, commit_every_ms, batch);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bare-copy: %s\n", error.what());
    return 2;
  }
}
