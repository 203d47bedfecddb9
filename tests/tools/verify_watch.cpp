// verify watch: a read_committed consumer that runs while the faults happen. It must never see an
// aborted record (check verifies every logged record is in the final output), a duplicate, or a
// partition going backwards. Its progress lines tell the nemesis when output moves again.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "sequence.hpp"
#include "verify.hpp"

namespace txform::tools {
namespace {

std::atomic<bool> stopping{false};

int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int run_watch(const ClusterOptions& cluster, const WatchOptions& options) {
  std::signal(SIGTERM, [](int) { stopping = true; });
  std::signal(SIGINT, [](int) { stopping = true; });
  FILE* log = std::fopen(options.log.c_str(), "w");
  if (log == nullptr) throw std::runtime_error("cannot write " + options.log);

  // No group: a fixed assignment from the beginning never rebalances, so a restarted broker
  // cannot make us skip or re-read anything without it showing in the log.
  auto consumer = make_client(RD_KAFKA_CONSUMER, cluster,
                              {{"group.id", "txform-verify-watch"},
                               {"isolation.level", "read_committed"},
                               {"enable.auto.commit", "false"},
                               // Were a position ever out of range, re-reading shows in the
                               // log as a partition going backwards; skipping would hide it.
                               {"auto.offset.reset", "earliest"}});
  rd_kafka_poll_set_consumer(consumer.get());
  std::vector<std::string> topics{options.output};
  if (!options.dlq.empty()) topics.push_back(options.dlq);
  kafka::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(16));
  for (const auto& topic : topics) {
    const int partitions = partition_count(consumer.get(), topic);
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  if (auto err = rd_kafka_assign(consumer.get(), assignment.get())) {
    throw std::runtime_error(std::string("assign: ") + rd_kafka_err2str(err));
  }

  std::vector<int64_t> per_input(static_cast<size_t>(options.input_partitions), 0);
  std::map<std::pair<std::string, int32_t>, int64_t> last_offset;
  std::unordered_set<int64_t> seen;
  int64_t total = 0;
  int64_t duplicates = 0;
  int64_t backwards = 0;
  int64_t bad_keys = 0;
  auto next_progress = std::chrono::steady_clock::now();
  while (!stopping) {
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 50));
    if (message && message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const std::string topic = rd_kafka_topic_name(message->rkt);
      const int64_t seq = parse_sequence_key(
          {static_cast<const char*>(message->key), message->key ? message->key_len : 0});
      // One line per record, in poll order: "<o|d> <partition> <offset> <seq>".
      std::fprintf(log, "%c %d %lld %lld\n", topic == options.output ? 'o' : 'd',
                   message->partition, static_cast<long long>(message->offset),
                   static_cast<long long>(seq));
      auto [last, fresh] = last_offset.try_emplace({topic, message->partition}, message->offset);
      if (!fresh) {
        if (message->offset <= last->second) {
          if (backwards++ < 5) {
            std::cerr << "verify watch: " << topic << "[" << message->partition << "] went from "
                      << last->second << " back to " << message->offset << "\n";
          }
        }
        last->second = message->offset;
      }
      if (seq < 0) {
        ++bad_keys;
      } else {
        if (!seen.insert(seq).second && duplicates++ < 5) {
          std::cerr << "verify watch: duplicate seq " << seq << " at " << topic << "["
                    << message->partition << "]@" << message->offset << "\n";
        }
        ++per_input[static_cast<size_t>(seq % options.input_partitions)];
      }
      ++total;
    }
    if (std::chrono::steady_clock::now() >= next_progress) {
      next_progress += std::chrono::milliseconds(options.progress_ms);
      std::cout << "progress " << epoch_ms() << " " << total;
      for (auto count : per_input)
        std::cout << " " << count;
      std::cout << std::endl;
    }
  }
  std::fclose(log);
  rd_kafka_consumer_close(consumer.get());
  nlohmann::json summary = {{"records", total},
                            {"duplicates", duplicates},
                            {"non_monotonic", backwards},
                            {"bad_keys", bad_keys}};
  std::cout << "watch-summary " << summary.dump() << std::endl;
  return duplicates == 0 && backwards == 0 && bad_keys == 0 ? 0 : 1;
}

}  // namespace txform::tools
