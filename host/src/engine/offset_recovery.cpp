#include "engine/offset_recovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/exit_codes.hpp"
#include "engine/loop_stop.hpp"
#include "engine/start_offsets.hpp"
#include "kafka/error.hpp"

namespace txform::engine {
namespace {

// One committed-offsets read, retried until every partition answered: short enough that a stop
// request is seen between attempts.
constexpr int kOffsetsCallTimeoutMs = 10000;

}  // namespace

OffsetRecovery::OffsetRecovery(const EngineOptions& options, const std::atomic<int>& stop,
                               spdlog::logger& log, const kafka::KafkaPtr& consumer)
    : options_(options), stop_(stop), log_(log), consumer_(consumer) {}

// A partition can fail on its own (coordinator loading or moving, offsets of a transaction not
// yet settled) while the call succeeds: its offset then reads INVALID, and assigning that would
// let auto.offset.reset re-read the partition from the start. Partitions being assigned need
// not be taken at all when the worker is leaving: hence `give_up_on_stop`.
void OffsetRecovery::fetch_committed_offsets(rd_kafka_topic_partition_list_t* partitions,
                                             bool give_up_on_stop) {
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    rd_kafka_resp_err_t err =
        rd_kafka_committed(consumer_.get(), partitions, kOffsetsCallTimeoutMs);
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < partitions->cnt; ++i) {
      err = partitions->elems[i].err;
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (stop_.load() == kStopNow) throw Stop{kExitForced, "second signal while fetching offsets"};
    if (give_up_on_stop && stop_.load() != kRunning) throw StopRequested{};
    log_.warn("fetching committed offsets: {}; retrying", rd_kafka_err2str(err));
    sleep_unless_stopped(stop_, backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
    for (int i = 0; i < partitions->cnt; ++i) {
      partitions->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
      partitions->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
    }
  }
}

void OffsetRecovery::start_assigned(rd_kafka_topic_partition_list_t* partitions) {
  fetch_committed_offsets(partitions, true);
  apply_start_policy(partitions, options_.start_policy);
  for (int i = 0; i < partitions->cnt; ++i) {
    start_overrides_.erase(
        TopicPartition{partitions->elems[i].topic, partitions->elems[i].partition});
  }
}

void OffsetRecovery::rewind_consumer() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (auto err = rd_kafka_assignment(consumer_.get(), &raw)) {
    throw Stop{kExitKafkaFatal, std::string("reading the assignment: ") + rd_kafka_err2str(err)};
  }
  kafka::PartitionListPtr assignment(raw);
  if (assignment->cnt == 0) return;
  // A lost assignment (session timed out) is about to be revoked, and another member may own
  // its partitions already: the next assignment starts from committed offsets anyway. Not
  // touching it also keeps clear of librdkafka's duplicate FETCH_STOP assertion
  // (rd_kafka_assignment_partition_stopped, librdkafka #5573, open in every release), which an
  // assign() racing the lost revoke's unassign triggered.
  // Records already fetched past the aborted ones are dropped until that revoke (or until the
  // assignment is no longer lost, then rewound): none may start a transaction that skips them.
  if (rd_kafka_assignment_lost(consumer_.get())) {
    log_.info("not rewinding: the assignment was lost and will be revoked");
    rewind_pending_ = true;
    return;
  }
  rewind_pending_ = false;
  fetch_committed_offsets(assignment.get());
  for (int i = 0; i < assignment->cnt && !start_overrides_.empty(); ++i) {
    auto& partition = assignment->elems[i];
    auto override = start_overrides_.find(TopicPartition{partition.topic, partition.partition});
    if (override != start_overrides_.end()) partition.offset = override->second;
  }
  start_overrides_.clear();
  apply_start_policy(assignment.get(), options_.start_policy);
  // A seek raises each partition's version barrier before it returns, so nothing fetched before
  // it is delivered after it; it works under every rebalance protocol (assign() is refused under
  // an incremental one), and waiting for it means the fetchers have restarted.
  ++consumer_epoch_;
  if (rd_kafka_error_t* raw_error =
          rd_kafka_seek_partitions(consumer_.get(), assignment.get(), kCallTimeoutMs)) {
    const auto error = kafka::Error::from("rewinding (seek)", raw_error);
    throw Stop{kExitKafkaFatal, error.what()};
  }
  kafka::PartitionListPtr stopped(rd_kafka_topic_partition_list_new(0));
  for (int i = 0; i < assignment->cnt; ++i) {
    const auto& partition = assignment->elems[i];
    switch (partition.err) {
      case RD_KAFKA_RESP_ERR_NO_ERROR:
      case RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS:  // being revoked: nothing more comes from it
        break;
      case RD_KAFKA_RESP_ERR__STATE:
        // Its fetcher stopped at an offset-out-of-range error (auto.offset.reset=error): a seek
        // cannot restart it, being assigned again does.
        rd_kafka_topic_partition_list_add(stopped.get(), partition.topic, partition.partition)
            ->offset = partition.offset;
        break;
      default:
        // Nothing was committed past it; a restart reads from the committed offset.
        throw Stop{kExitKafkaFatal,
                   fmt::format("rewinding {} [{}] to {}: {}", partition.topic, partition.partition,
                               partition.offset, rd_kafka_err2str(partition.err))};
    }
  }
  if (stopped->cnt > 0) restart_fetching(stopped.get(), assignment.get());
}

// Restarts stopped partitions at their offsets by assigning them again: incrementally (only
// them) under an incremental protocol, as a whole new assignment under an eager one.
void OffsetRecovery::restart_fetching(rd_kafka_topic_partition_list_t* stopped,
                                      rd_kafka_topic_partition_list_t* assignment) {
  rd_kafka_error_t* error = nullptr;
  if (incremental_protocol()) {
    error = rd_kafka_incremental_unassign(consumer_.get(), stopped);
    if (error == nullptr) error = rd_kafka_incremental_assign(consumer_.get(), stopped);
  } else if (auto err = rd_kafka_assign(consumer_.get(), assignment)) {
    error = rd_kafka_error_new(err, "%s", rd_kafka_err2str(err));
  }
  if (error != nullptr) {
    throw Stop{kExitKafkaFatal, kafka::Error::from("restarting stopped partitions", error).what()};
  }
}

bool OffsetRecovery::incremental_protocol() const {
  return std::strcmp(rd_kafka_rebalance_protocol(consumer_.get()), "COOPERATIVE") == 0;
}

// librdkafka's auto.offset.reset is `error`: a fetch whose offset is outside the partition's
// log arrives here instead of silently restarting the partition from its beginning, which would
// process committed records a second time (seen after an unclean leader election).
std::string OffsetRecovery::handle_offset_out_of_range(const rd_kafka_message_t& message) {
  const std::string topic = rd_kafka_topic_name(message.rkt);
  const int32_t partition = message.partition;
  kafka::PartitionListPtr committed(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(committed.get(), topic.c_str(), partition);
  fetch_committed_offsets(committed.get());
  const int64_t committed_offset = committed->elems[0].offset;
  int64_t low = 0;
  int64_t high = 0;
  auto decision =
      rd_kafka_query_watermark_offsets(consumer_.get(), topic.c_str(), partition, &low, &high,
                                       kCallTimeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR
          ? decide_after_out_of_range(committed_offset, low, high, options_.start_policy)
          // Where the log is cannot be told: as good as not readable yet; retry from committed.
          : OutOfRangeDecision{OutOfRangeDecision::Kind::kBehindLogEnd, committed_offset,
                               "the partition's log offsets could not be read"};

  const TopicPartition key{topic, partition};
  if (decision.kind == OutOfRangeDecision::Kind::kBehindLogEnd) {
    const auto now = std::chrono::steady_clock::now();
    const auto since = behind_since_.try_emplace(key, now).first->second;
    if (now - since > options_.behind_log_end_timeout) {
      throw Stop{kExitKafkaFatal,
                 fmt::format("{} [{}]: {} for {} s. Refusing to skip or re-read records: check "
                             "the partition, then reset the group's offset for it "
                             "(kafka-consumer-groups --reset-offsets) and restart",
                             topic, partition, decision.explanation,
                             options_.behind_log_end_timeout.count() / 1000)};
    }
    log_.error("{} [{}] (fetch at {}): {}; retrying in {} ms", topic, partition, message.offset,
               decision.explanation, out_of_range_backoff_.count());
    sleep_unless_stopped(stop_, out_of_range_backoff_);
    out_of_range_backoff_ = std::min(out_of_range_backoff_ * 2, kMaxBackoff);
  } else {
    log_.error("{} [{}] (fetch at {}): offset out of range: {}", topic, partition, message.offset,
               decision.explanation);
    behind_since_.erase(key);
    out_of_range_backoff_ = std::chrono::milliseconds(500);
  }
  if (decision.start != committed_offset) start_overrides_[key] = decision.start;
  return decision.explanation;
}

}  // namespace txform::engine
