// One worker's exactly-once consume-transform-produce loop (see transactional_loop.cpp).
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "engine/consumed_batch.hpp"
#include "engine/dead_letter.hpp"
#include "engine/loop_observer.hpp"
#include "engine/options.hpp"
#include "engine/output_writer.hpp"
#include "engine/record_processor.hpp"
#include "engine/transactions.hpp"
#include "kafka/handles.hpp"

namespace txform::engine {

// Shared by every worker of a process: 0 run, 1 stop cleanly (commit), 2 stop now (abort).
enum StopLevel : int { kRunning = 0, kStopCleanly = 1, kStopNow = 2 };

class TransactionalLoop {
 public:
  // `observer` (metrics, health) outlives the loop; nullptr: nobody is watching.
  // `transactions` (tests) outlives it too; nullptr: librdkafka's own calls.
  TransactionalLoop(EngineOptions options, RecordProcessor& processor, const std::atomic<int>& stop,
                    std::shared_ptr<spdlog::logger> log, LoopObserver* observer = nullptr,
                    Transactions* transactions = nullptr);
  ~TransactionalLoop();
  TransactionalLoop(const TransactionalLoop&) = delete;
  TransactionalLoop& operator=(const TransactionalLoop&) = delete;

  // Runs until stopped or a fatal error; returns the process exit code (exit_codes.hpp).
  int run();

 private:
  struct PartitionKey {
    rd_kafka_topic_t* topic;
    int32_t partition;
    bool operator==(const PartitionKey&) const = default;
  };
  struct PartitionKeyHash {
    size_t operator()(const PartitionKey& key) const {
      return std::hash<const void*>()(key.topic) ^ static_cast<size_t>(key.partition);
    }
  };
  using RecordId = std::tuple<std::string, int32_t, int64_t>;  // topic, partition, offset

  kafka::KafkaPtr create_client(rd_kafka_type_t type, kafka::ConfPtr conf,
                                const config::PropertyList& properties);
  void create_producer();
  void create_consumer();
  void init_transactions();
  void poll_loop();
  void take_batch(ConsumedBatch& batch, int timeout_ms);
  void check_joined_without_partitions();
  void handle_message(const rd_kafka_message_t& message);
  void process_record(const rd_kafka_message_t& message);
  // False when the transaction was aborted instead (the record will be replayed).
  bool apply_error_policy(const rd_kafka_message_t& message, const ProcessOutcome& outcome,
                          RejectStatus status, unsigned attempt);
  void begin_transaction();
  bool size_bound_reached() const;  // the record or byte bound (no clock read)
  bool commit_due() const;
  void commit_transaction(const char* why);
  void commit_at_least_once(std::chrono::steady_clock::time_point commit_started);
  void transaction_committed(std::chrono::steady_clock::time_point commit_started);
  void forget_committed_retries();
  void abort_transaction_and_rewind(AbortReason reason, const std::string& why, bool rewind = true);
  void fetch_committed_offsets(rd_kafka_topic_partition_list_t* partitions,
                               bool give_up_on_stop = false);
  void rewind_consumer();
  void restart_fetching(rd_kafka_topic_partition_list_t* stopped,
                        rd_kafka_topic_partition_list_t* assignment);
  bool incremental_protocol() const;
  void handle_offset_out_of_range(const rd_kafka_message_t& message);
  void shutdown();
  void abort_after_failure();
  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  int assignment_size() const;
  kafka::PartitionListPtr offsets_to_commit() const;
  template <typename Call>
  void retry_while_retriable(const char* what, Call call);
  void sleep_unless_stopped(std::chrono::milliseconds duration) const;
  // The processor runs a new chain (at start, after a reload): size the timings, tell observers.
  void chain_started();

  static void rebalance_trampoline(rd_kafka_t*, rd_kafka_resp_err_t,
                                   rd_kafka_topic_partition_list_t*, void* opaque);
  static void delivery_report(rd_kafka_t*, const rd_kafka_message_t*, void* opaque);
  static void client_error(rd_kafka_t*, int err, const char* reason, void* opaque);
  static void client_log(const rd_kafka_t*, int level, const char* facility, const char* line);
  static int statistics(rd_kafka_t*, char* json, size_t json_len, void* opaque);

  EngineOptions options_;
  RecordProcessor& processor_;
  const std::atomic<int>& stop_;
  std::shared_ptr<spdlog::logger> log_;
  LoopObserver& observer_;
  Transactions& transactions_;
  unsigned plugin_timing_sample_ = 0;                   // times 1 record in kPluginTimingSample
  std::vector<std::chrono::nanoseconds> plugin_times_;  // one per plugin of the running chain

  kafka::KafkaPtr producer_;
  kafka::KafkaPtr consumer_;
  kafka::QueuePtr consumer_queue_;  // the consumer's own queue, batch-consumed
  // Moves on every seek and every revoke: records taken before the move are stale.
  uint64_t consumer_epoch_ = 0;
  std::unique_ptr<OutputWriter> writer_;
  rd_kafka_topic_t* dead_letter_topic_ = nullptr;

  // The open transaction: next offset to commit per input partition, and its size.
  bool in_transaction_ = false;
  std::chrono::steady_clock::time_point transaction_deadline_;
  std::chrono::steady_clock::time_point transaction_begun_;
  std::unordered_map<PartitionKey, int64_t, PartitionKeyHash> offsets_;
  size_t transaction_records_ = 0;
  size_t transaction_bytes_ = 0;

  // Records replayed after an abort: plugin RETRY attempts, and verdicts decided before the
  // abort (a record whose outputs were partly written when it failed).
  std::map<RecordId, unsigned> retry_attempts_;
  std::map<RecordId, std::pair<ProcessOutcome, RejectStatus>> verdicts_;  // with its status

  // Set on SIGTERM: retries of the final commit give up (and abort) after shutdown_timeout.
  std::optional<std::chrono::steady_clock::time_point> shutdown_deadline_;
  // Start offsets that replace the committed ones at the next rewind (offsets out of range), and
  // since when a partition's log has been found ending before its committed offset.
  std::map<std::pair<std::string, int32_t>, int64_t> start_overrides_;
  std::map<std::pair<std::string, int32_t>, std::chrono::steady_clock::time_point> behind_since_;
  std::chrono::milliseconds out_of_range_backoff_{500};
  // An abort's rewind was skipped because the assignment was lost (rewind_consumer()).
  bool rewind_pending_ = false;
  bool delivery_failed_ = false;    // at-least-once: a failed delivery forbids committing offsets
  bool consumer_protocol_ = false;  // group.protocol=consumer (KIP-848)
  bool joined_group_ = false;       // a first assignment, or (KIP-848) a member epoch, was seen
  std::optional<std::pair<int, std::string>> pending_stop_;  // raised inside a callback
};

}  // namespace txform::engine
