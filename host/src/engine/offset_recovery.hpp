// Where the consumer reads from when it must read again: the group's committed offsets, fetched
// and checked (retried until every partition answers), seeks back to them after an abort, and
// partitions whose fetch offset fell outside their log. The loop stays in charge of the
// transaction: what needs one aborted returns why, and the loop aborts (then rewinds) or rewinds.
#pragma once

#include <librdkafka/rdkafka.h>
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "engine/options.hpp"
#include "engine/topic_partition.hpp"
#include "kafka/handles.hpp"

namespace txform::engine {

class OffsetRecovery {
 public:
  // All four outlive this object; `consumer` is created after it, before its first use.
  OffsetRecovery(const EngineOptions& options, const std::atomic<int>& stop, spdlog::logger& log,
                 const kafka::KafkaPtr& consumer);

  // Moves on every seek and every revoke: records taken from the consumer before the move are
  // stale (the loop drops them).
  uint64_t consumer_epoch() const { return consumer_epoch_; }
  void partitions_revoked() { ++consumer_epoch_; }

  // An abort's rewind was skipped because the assignment was lost (see rewind_consumer()).
  bool rewind_pending() const { return rewind_pending_; }
  // The assignment the pending rewind concerned was replaced or removed as a whole.
  void assignment_replaced() { rewind_pending_ = false; }

  // Fills `partitions` with the group's committed offsets, retrying until every partition has
  // answered. With `give_up_on_stop`, a stop request ends the retries (StopRequested).
  void fetch_committed_offsets(rd_kafka_topic_partition_list_t* partitions,
                               bool give_up_on_stop = false);
  // Sets where newly assigned `partitions` start: their committed offsets, or where the start
  // policy says for those never committed. StopRequested: stopping before they could be read.
  void start_assigned(rd_kafka_topic_partition_list_t* partitions);
  // Seeks every assigned partition back to its committed offset (or an override decided after
  // an offset out of range).
  void rewind_consumer();
  bool incremental_protocol() const;

  // A record arrived from `message`'s partition: its log is readable again. Per record.
  void partition_readable(const rd_kafka_message_t& message) {
    if (!behind_since_.empty()) {
      behind_since_.erase(TopicPartition{rd_kafka_topic_name(message.rkt), message.partition});
    }
  }
  // A fetch of `message`'s partition was out of range: decides where it restarts (or waits, or
  // stops). Returns why, for the abort that must come next when a transaction is open; the
  // consumer must then be rewound (by the abort, or directly).
  std::string handle_offset_out_of_range(const rd_kafka_message_t& message);

 private:
  void restart_fetching(rd_kafka_topic_partition_list_t* stopped,
                        rd_kafka_topic_partition_list_t* assignment);

  const EngineOptions& options_;
  const std::atomic<int>& stop_;
  spdlog::logger& log_;
  const kafka::KafkaPtr& consumer_;

  uint64_t consumer_epoch_ = 0;
  bool rewind_pending_ = false;
  // Start offsets that replace the committed ones at the next rewind (offsets out of range), and
  // since when a partition's log has been found ending before its committed offset.
  std::unordered_map<TopicPartition, int64_t> start_overrides_;
  std::unordered_map<TopicPartition, std::chrono::steady_clock::time_point> behind_since_;
  std::chrono::milliseconds out_of_range_backoff_{500};
};

}  // namespace txform::engine
