// What a worker's loop tells the outside world (metrics, health) at the lines where it happens.
// Every hook has a no-op default; the loop uses a no-op observer when metrics are off.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace txform::engine {

// Why a transaction was aborted: a small fixed set, so it can be a metric label.
enum class AbortReason {
  kPluginRetry,         // a plugin returned RETRY on a record or its flush
  kRecordFailedOutput,  // a record failed after writing output: its output is taken back
  kProduceFailed,       // the producer's transaction became abortable while writing
  kCommitFailed,        // send_offsets_to_transaction / commit_transaction: abortable error
  kAssignmentLost,      // partitions lost in a rebalance: our work on them must not commit
  kDeliveryFailed,      // at-least-once: an output was not delivered, offsets not committed
  kOffsetOutOfRange,    // a fetch offset outside the partition's log: restart from a checked one
  kStopping,            // stopping on a failure or a second signal
};

class LoopObserver {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~LoopObserver() = default;

  // The loop came round to poll: the liveness heartbeat (called once per poll, keep it cheap).
  virtual void on_poll() {}
  // The producer can write transactions (init_transactions done).
  virtual void on_producer_ready() {}
  // The consumer received an assignment (`partitions` may be 0: it has joined its group).
  virtual void on_assigned(int /*partitions*/) {}
  virtual void on_revoked() {}
  // The worker's loop returned (thread about to end).
  virtual void on_stopped() {}

  virtual void on_transaction_begin(Clock::time_point /*at*/) {}
  // A transaction committed: `commit_started` is before send_offsets_to_transaction.
  virtual void on_transaction_committed(Clock::time_point /*begun*/,
                                        Clock::time_point /*commit_started*/,
                                        Clock::time_point /*done*/, size_t /*records*/,
                                        size_t /*bytes*/) {}
  virtual void on_transaction_aborted(AbortReason /*reason*/) {}

  // Per record: called with the consumer's topic handle (stable for the consumer's life).
  virtual void on_record_consumed(rd_kafka_topic_t* /*topic*/) {}
  // The delivery report of an output that reached the broker, borrowed for the call (its topic
  // handle is the producer's).
  virtual void on_record_produced(const rd_kafka_message_t& /*report*/) {}
  virtual void on_record_dead_lettered() {}
  virtual void on_record_skipped() {}
  // A plugin answered something else than OK; `status` is RECORD_ERROR, RETRY or FATAL.
  virtual void on_plugin_error(std::string_view /*plugin*/, std::string_view /*status*/) {}
  // The chain the loop runs, name@version of each plugin in order: once before the first
  // record, and again after a reload switched generations. Borrowed for the call.
  virtual void on_plugin_chain(std::span<const std::string> /*plugins*/) {}
  // Each plugin's own time on one input record, in the order on_plugin_chain() gave (called
  // for a sample of records).
  virtual void on_plugin_timed(std::span<const std::chrono::nanoseconds> /*took*/) {}

  // librdkafka's statistics JSON (statistics.interval.ms), borrowed for the call.
  virtual void on_statistics(bool /*consumer*/, std::string_view /*json*/) {}
};

}  // namespace txform::engine
