// One worker's exactly-once consume-transform-produce loop: the state machine is
// transactional_loop.cpp, its clients and callbacks loop_clients.cpp; what becomes of rejected
// records is RecordOutcomes, where the consumer reads again from OffsetRecovery.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/consumed_batch.hpp"
#include "engine/input_offsets.hpp"
#include "engine/loop_observer.hpp"
#include "engine/loop_stop.hpp"
#include "engine/offset_recovery.hpp"
#include "engine/options.hpp"
#include "engine/output_writer.hpp"
#include "engine/record_outcomes.hpp"
#include "engine/record_processor.hpp"
#include "engine/transactions.hpp"
#include "kafka/handles.hpp"

namespace txform::engine {

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
  kafka::KafkaPtr create_client(rd_kafka_type_t type, kafka::ConfPtr conf,
                                const config::PropertyList& properties);
  void create_producer();
  void create_consumer();
  void init_transactions();
  void subscribe();
  void poll_loop();
  void switch_generation();
  void take_batch(ConsumedBatch& batch, int timeout_ms);
  void check_joined_without_partitions();
  void handle_message(const rd_kafka_message_t& message);
  void process_record(const rd_kafka_message_t& message);
  ProcessOutcome run_chain(const rd_kafka_message_t& message);  // timing a sample of records
  void begin_transaction();
  bool size_bound_reached() const;  // the record or byte bound (no clock read)
  bool commit_due() const;
  void commit_transaction(const char* why);
  void commit_at_least_once(std::chrono::steady_clock::time_point commit_started);
  void transaction_committed(std::chrono::steady_clock::time_point commit_started);
  void abort_transaction_and_rewind(AbortReason reason, const std::string& why, bool rewind = true);
  void abort_or_rewind(AbortReason reason, const std::string& why);
  void shutdown();
  void abort_after_failure();
  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  int assignment_size() const;
  // Calls `call` until it succeeds; throws its error when it is not retriable.
  void retry_while_retriable(const char* what, const std::function<rd_kafka_error_t*()>& call);
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
  std::unique_ptr<OutputWriter> writer_;
  RecordOutcomes outcomes_;  // RETRY counts, verdicts kept across aborts, the error policy
  OffsetRecovery recovery_;  // committed offsets, rewinds (and the consumer epoch), out of range

  // The open transaction: next offset to commit per input partition, and its size.
  bool in_transaction_ = false;
  std::chrono::steady_clock::time_point transaction_deadline_;
  std::chrono::steady_clock::time_point transaction_begun_;
  InputOffsets offsets_;
  size_t transaction_records_ = 0;
  size_t transaction_bytes_ = 0;

  // Set on SIGTERM: retries of the final commit give up (and abort) after shutdown_timeout.
  std::optional<std::chrono::steady_clock::time_point> shutdown_deadline_;
  bool delivery_failed_ = false;    // at-least-once: a failed delivery forbids committing offsets
  bool consumer_protocol_ = false;  // group.protocol=consumer (KIP-848)
  bool joined_group_ = false;       // a first assignment, or (KIP-848) a member epoch, was seen
  std::optional<std::pair<int, std::string>> pending_stop_;  // raised inside a callback
};

}  // namespace txform::engine
