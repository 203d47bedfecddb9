// The exactly-once state machine of one worker, in the order a reader meets it:
//
//   create clients -> init_transactions -> subscribe -> poll loop:
//     first record after a commit   -> begin_transaction
//     each record                   -> plugin chain -> outputs produced into the transaction
//     interval / records / bytes    -> send_offsets_to_transaction + commit_transaction
//     partitions revoked            -> commit first (abort if the assignment was lost)
//     txn_requires_abort            -> abort_transaction, rewind to committed offsets, on_abort
//     retriable (timeouts included) -> call the same API again; never abort an ambiguous commit
//     fatal (fenced, ...)           -> stop with kExitKafkaFatal so a supervisor restarts us
//   SIGTERM -> commit the open transaction, close the consumer, flush, exit 0.
//
// Modelled on librdkafka's examples/transactions.c.
#include "engine/transactional_loop.hpp"

#include <algorithm>

#include "engine/exit_codes.hpp"
#include "kafka/error.hpp"

namespace txform::engine {
namespace {

// init_transactions is retried on timeout, so a short call makes an unreachable broker visible
// in the log early.
constexpr int kInitTimeoutMs = 5000;

}  // namespace

int TransactionalLoop::run() {
  try {
    create_producer();
    create_consumer();
    init_transactions();
    observer_.on_producer_ready();
    chain_started();
    subscribe();
    poll_loop();
    shutdown();
    return kExitOk;
  } catch (const Stop& stop) {
    if (stop.exit_code == kExitOk) {
      log_->info("stopped before the first transaction: {}", stop.reason);
    } else {
      log_->error("stopping: {}", stop.reason);
    }
    // A fenced producer cannot abort; the consumer must still be closed here: destroying an
    // open one runs the revoke callback while consumer_ is already being reset.
    if (stop.exit_code == kExitKafkaFatal) in_transaction_ = false;
    abort_after_failure();
    return stop.exit_code;
  }
}

void TransactionalLoop::init_transactions() {
  if (!options_.exactly_once) return;
  // Fences any older instance with our transactional.id and aborts its open transaction.
  // A broker that is not reachable yet makes this time out (retriable): keep trying.
  try {
    retry_while_retriable("init_transactions", [&] {
      if (stop_.load() != kRunning) throw Stop{kExitOk, "stop requested while waiting for Kafka"};
      return transactions_.init(producer_.get(), kInitTimeoutMs);
    });
  } catch (const kafka::Error& error) {
    // Fenced, not authorised, ...: the producer is unusable; a supervisor restarts us.
    throw Stop{kExitKafkaFatal, error.what()};
  }
  log_->info("transactional producer ready (transactional.id {})", options_.transactional_id);
}

// ---- the poll loop ----------------------------------------------------------------------------

// Records come in batches from the consumer queue: one call, one clock read, one producer poll
// and one commit-deadline check per batch instead of per record. librdkafka serves callbacks
// (rebalances among them) inside the batch call, and a seek makes what was fetched before it
// stale: see take_batch() and the consumer epoch (OffsetRecovery) for how neither reaches a
// transaction.
void TransactionalLoop::poll_loop() {
  ConsumedBatch batch;
  while (stop_.load(std::memory_order_relaxed) == kRunning) {
    int timeout_ms = 100;
    if (in_transaction_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          transaction_deadline_ - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 100));
    }
    take_batch(batch, timeout_ms);
    observer_.on_poll();
    if (batch.empty() && !joined_group_) check_joined_without_partitions();
    if (pending_stop_) throw Stop{pending_stop_->first, pending_stop_->second};
    const uint64_t epoch = recovery_.consumer_epoch();
    for (size_t i = 0; i < batch.size(); ++i) {
      handle_message(*batch[i]);
      if (pending_stop_) throw Stop{pending_stop_->first, pending_stop_->second};
      if (in_transaction_ && size_bound_reached()) commit_transaction("commit bound reached");
      if (processor_.generation_pending()) switch_generation();  // one atomic load
      // A rewind (abort, offsets out of range, a failed commit) sought back: the rest was
      // fetched before it.
      if (recovery_.consumer_epoch() != epoch) break;
    }
    batch.release();
    rd_kafka_poll(producer_.get(), 0);  // delivery reports and producer errors
    if (pending_stop_) throw Stop{pending_stop_->first, pending_stop_->second};
    if (in_transaction_ && commit_due()) commit_transaction("commit bound reached");
    if (processor_.generation_pending()) switch_generation();
  }
  if (stop_.load() == kStopNow) throw Stop{kExitForced, "second signal: aborting"};
}

// A reloaded plugin chain takes over at a transaction boundary (commit first), before the next
// record: no transaction mixes two generations.
void TransactionalLoop::switch_generation() {
  commit_transaction("plugin reload");
  processor_.switch_generation();
  chain_started();
}

// Fills `batch` with what the consumer queue holds now (up to its capacity), or waits up to
// `timeout_ms` for the first record when it holds nothing. A revoke served inside the call
// (the consumer epoch moved) may have come after records of the revoked partitions were taken:
// the batch is dropped and the partitions still assigned read again from their committed
// offsets (the revoke committed or aborted the open transaction, so those are what was done).
void TransactionalLoop::take_batch(ConsumedBatch& batch, int timeout_ms) {
  const uint64_t epoch = recovery_.consumer_epoch();
  batch.fill(consumer_queue_.get(), 0);
  if (batch.empty() && timeout_ms > 0) {
    batch.fill(consumer_queue_.get(), timeout_ms, 1);
    if (!batch.empty()) batch.fill(consumer_queue_.get(), 0);
  }
  if (recovery_.consumer_epoch() == epoch) return;
  if (!batch.empty()) {
    log_->debug("dropping {} records fetched across a rebalance; rewinding", batch.size());
  }
  batch.release();
  abort_or_rewind(AbortReason::kAssignmentLost, "records fetched across a revoke");
}

void TransactionalLoop::handle_message(const rd_kafka_message_t& message) {
  if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (recovery_.rewind_pending()) {
      // Fetched past an abort whose rewind waits for the revoke: read again from committed.
      if (rd_kafka_assignment_lost(consumer_.get())) return;
      recovery_.rewind_consumer();
      return;
    }
    process_record(message);
    return;
  }
  if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
  if (message.err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
    // Records consumed past the committed offset in this transaction may be gone from the log:
    // take their output back and read again from the decided offsets.
    abort_or_rewind(AbortReason::kOffsetOutOfRange, recovery_.handle_offset_out_of_range(message));
    return;
  }
  if (message.err == RD_KAFKA_RESP_ERR__FATAL) {
    throw Stop{kExitKafkaFatal, std::string("consumer: ") + rd_kafka_message_errstr(&message)};
  }
  // Unknown topic, broker down, ...: the consumer retries by itself; say so and go on.
  log_->warn("consumer: {}", rd_kafka_message_errstr(&message));
}

void TransactionalLoop::process_record(const rd_kafka_message_t& message) {
  if (!in_transaction_) begin_transaction();
  recovery_.partition_readable(message);
  observer_.on_record_consumed(message.rkt);
  writer_->begin_input();

  RecordOutcomes::Standing standing = outcomes_.standing(message);
  ProcessOutcome outcome;
  RejectStatus status = RejectStatus::kRecordError;
  if (standing.verdict) {
    // Decided before the abort that took back this record's partial output, its status too.
    outcome = std::move(standing.verdict->outcome);
    status = standing.verdict->status;
  } else {
    outcome = run_chain(message);
    if (outcome.status != Status::ok) {
      observer_.on_plugin_error(outcome.plugin, to_string(outcome.status));
    }
    if (writer_->failed_for_input()) {
      // A fenced or otherwise dead producer refuses every record: that is no record's fault.
      char reason[512];
      if (rd_kafka_fatal_error(producer_.get(), reason, sizeof reason)) {
        throw Stop{kExitKafkaFatal, std::string("fatal Kafka error: ") + reason};
      }
      // Neither is an abortable transaction (a failed AddPartitionsToTxn, ...), whose producer
      // refuses every further output: abort, rewind and replay.
      if (writer_->failure_code() == RD_KAFKA_RESP_ERR__STATE) {
        abort_transaction_and_rewind(AbortReason::kProduceFailed, writer_->failure());
        return;
      }
    }
    if (outcome.status == Status::ok && writer_->failed_for_input()) {
      outcome = {Status::record_error, writer_->failure(), "(output)"};
      status = RejectStatus::kProduceFailed;
    }
  }
  // RETRY, a failure after partial output, or an abortable producer: abort and replay.
  if (auto replay = outcomes_.settle(message, std::move(outcome), status, standing.attempt)) {
    abort_transaction_and_rewind(replay->reason, replay->why);
    if (replay->reason == AbortReason::kPluginRetry) {
      sleep_unless_stopped(stop_, options_.retry_backoff);
    }
    return;
  }
  // Committed offset = last processed + 1.
  offsets_.processed(message.rkt, message.partition, message.offset);
  ++transaction_records_;
  transaction_bytes_ += message.len + message.key_len;
}

// ---- transactions -----------------------------------------------------------------------------

void TransactionalLoop::begin_transaction() {
  if (options_.exactly_once) {
    if (rd_kafka_error_t* raw = transactions_.begin(producer_.get())) {
      // Fatal or not (a previous transaction not ended, ...), it is Kafka's failure, not a
      // plugin's: a restart begins from the committed offsets.
      throw Stop{kExitKafkaFatal, kafka::Error::from("begin_transaction", raw).what()};
    }
  }
  in_transaction_ = true;
  transaction_begun_ = std::chrono::steady_clock::now();
  transaction_deadline_ = transaction_begun_ + options_.commit_interval;
  observer_.on_transaction_begin(transaction_begun_);
}

bool TransactionalLoop::size_bound_reached() const {
  return transaction_records_ >= options_.commit_max_records ||
         transaction_bytes_ >= options_.commit_max_bytes;
}

bool TransactionalLoop::commit_due() const {
  return size_bound_reached() || std::chrono::steady_clock::now() >= transaction_deadline_;
}

void TransactionalLoop::commit_transaction(const char* why) {
  if (!in_transaction_) return;
  // What plugins buffered belongs to this transaction: it goes in before the offsets.
  writer_->begin_input();
  const ProcessOutcome flushed = processor_.flush(*writer_);
  if (flushed.status == Status::retry) {
    abort_transaction_and_rewind(
        AbortReason::kPluginRetry,
        "plugin " + flushed.plugin + " asked to retry its flush: " + flushed.message);
    return;
  }
  if (flushed.status != Status::ok || writer_->failed_for_input()) {
    throw Stop{kExitPluginFatal,
               "flush before commit failed (" + flushed.plugin +
                   "): " + (flushed.status != Status::ok ? flushed.message : writer_->failure())};
  }
  const auto commit_started = std::chrono::steady_clock::now();
  if (!options_.exactly_once) {
    commit_at_least_once(commit_started);
    return;
  }
  // Outputs not yet delivered when the commit starts: the commit waits for them (debug log).
  const int undelivered = rd_kafka_outq_len(producer_.get());
  auto offsets_sent = commit_started;
  try {
    if (!offsets_.empty()) {
      // Fresh group metadata on every commit (KIP-447): the broker fences us if a rebalance
      // gave our partitions to another member since.
      kafka::GroupMetadataPtr group(transactions_.group_metadata(consumer_.get()));
      const auto offsets = offsets_.to_list(processor_.describe());
      retry_while_retriable("send_offsets_to_transaction", [&] {
        return transactions_.send_offsets(producer_.get(), offsets.get(), group.get(),
                                          kCallTimeoutMs);
      });
      offsets_sent = std::chrono::steady_clock::now();
    }
    // A timed-out commit is ambiguous: retry the commit itself, never abort (KAFKA-17754).
    retry_while_retriable("commit_transaction",
                          [&] { return transactions_.commit(producer_.get(), kCallTimeoutMs); });
  } catch (const kafka::Error& error) {
    if (error.is_fatal()) throw Stop{kExitKafkaFatal, error.what()};
    abort_transaction_and_rewind(AbortReason::kCommitFailed,
                                 std::string(why) + ": " + error.what());
    return;
  }
  using Millis = std::chrono::duration<double, std::milli>;
  const Millis took = std::chrono::steady_clock::now() - commit_started;
  const Millis sending_offsets = offsets_sent - commit_started;
  log_->debug(
      "committed {} records, {} bytes in {:.3f} ms ({:.3f} ms sending offsets; {} outputs "
      "undelivered at the start) ({})",
      transaction_records_, transaction_bytes_, took.count(), sending_offsets.count(), undelivered,
      why);
  transaction_committed(commit_started);
}

void TransactionalLoop::transaction_committed(
    std::chrono::steady_clock::time_point commit_started) {
  observer_.on_transaction_committed(transaction_begun_, commit_started,
                                     std::chrono::steady_clock::now(), transaction_records_,
                                     transaction_bytes_);
  outcomes_.forget_committed_retries(offsets_);
  in_transaction_ = false;
  offsets_.clear();
  transaction_records_ = transaction_bytes_ = 0;
  const ProcessOutcome hook = processor_.on_commit();
  if (hook.status != Status::ok) {
    throw Stop{kExitPluginFatal, "plugin " + hook.plugin + " failed on_commit: " + hook.message};
  }
}

void TransactionalLoop::commit_at_least_once(std::chrono::steady_clock::time_point commit_started) {
  // Offsets are committed only after every output before them was delivered.
  while (rd_kafka_flush(producer_.get(), 1000) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    if (stop_.load() == kStopNow) throw Stop{kExitForced, "second signal while flushing"};
    log_->warn("waiting for {} outputs to be delivered", rd_kafka_outq_len(producer_.get()));
  }
  if (delivery_failed_) {
    delivery_failed_ = false;
    abort_transaction_and_rewind(AbortReason::kDeliveryFailed, "an output could not be delivered");
    return;
  }
  if (!offsets_.empty()) {
    const auto offsets = offsets_.to_list(processor_.describe());
    if (auto err = rd_kafka_commit(consumer_.get(), offsets.get(), 0)) {
      abort_transaction_and_rewind(AbortReason::kCommitFailed,
                                   std::string("committing offsets: ") + rd_kafka_err2str(err));
      return;
    }
  }
  transaction_committed(commit_started);
}

void TransactionalLoop::abort_transaction_and_rewind(AbortReason reason, const std::string& why,
                                                     bool rewind) {
  log_->warn("aborting transaction of {} records: {}", transaction_records_, why);
  if (options_.exactly_once) {
    try {
      retry_while_retriable("abort_transaction",
                            [&] { return transactions_.abort(producer_.get(), kCallTimeoutMs); });
    } catch (const kafka::Error& error) {
      throw Stop{kExitKafkaFatal, error.what()};
    }
  }
  observer_.on_transaction_aborted(reason);
  in_transaction_ = false;
  offsets_.clear();
  transaction_records_ = transaction_bytes_ = 0;
  const ProcessOutcome hook = processor_.on_abort();
  if (hook.status != Status::ok) {
    throw Stop{kExitPluginFatal, "plugin " + hook.plugin + " failed on_abort: " + hook.message};
  }
  // The consumer's position is past the aborted records: it does not rewind by itself.
  if (rewind) recovery_.rewind_consumer();
}

// A transaction holds records read past what must be read again: abort it (which rewinds);
// without one, rewind alone.
void TransactionalLoop::abort_or_rewind(AbortReason reason, const std::string& why) {
  if (in_transaction_) {
    abort_transaction_and_rewind(reason, why);
  } else {
    recovery_.rewind_consumer();
  }
}

// Eager protocols (classic range/roundrobin) revoke everything and assign the full new list;
// incremental ones (classic cooperative-sticky, and every KIP-848 group) hand over only the
// partitions that move, and refuse assign() (librdkafka INTRODUCTION.md, KIP-848).
void TransactionalLoop::on_rebalance(rd_kafka_resp_err_t err,
                                     rd_kafka_topic_partition_list_t* partitions) {
  const bool incremental = recovery_.incremental_protocol();
  try {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      log_->info("assigned {} partitions{}", partitions->cnt, incremental ? " (incremental)" : "");
      // Start from offsets we fetched and checked ourselves, not from librdkafka's own fetch,
      // which may fall back to auto.offset.reset when the coordinator answers with an error.
      try {
        recovery_.start_assigned(partitions);
      } catch (const StopRequested&) {
        // Stopping while the coordinator cannot answer: take none of them (an eager protocol
        // still expects an assign call: an empty one).
        log_->info(
            "stopping: not taking the {} assigned partitions (their committed offsets "
            "could not be read)",
            partitions->cnt);
        if (!incremental) rd_kafka_assign(consumer_.get(), nullptr);
        return;
      }
      if (incremental) {
        // Partitions added to a running transaction: their offsets join it from here on.
        if (rd_kafka_error_t* error = rd_kafka_incremental_assign(consumer_.get(), partitions)) {
          pending_stop_.emplace(kExitKafkaFatal,
                                kafka::Error::from("incremental_assign", error).what());
        }
      } else {
        recovery_.assignment_replaced();  // the new assignment starts from committed offsets
        rd_kafka_assign(consumer_.get(), partitions);
      }
      joined_group_ = true;
      observer_.on_assigned(partitions->cnt);
      return;
    }
    recovery_.partitions_revoked();  // records taken from its partitions before this are stale
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && in_transaction_ && !pending_stop_) {
      if (rd_kafka_assignment_lost(consumer_.get())) {
        // Another member may already own these partitions: our work on them must not commit.
        abort_transaction_and_rewind(AbortReason::kAssignmentLost, "assignment lost", false);
      } else {
        // Revoked: commit before giving them up. Under an incremental protocol that commits the
        // partitions we keep too; they go on from the committed position.
        commit_transaction("partitions revoked");
      }
    }
    log_->info("revoked {} partitions{}", partitions->cnt, incremental ? " (incremental)" : "");
    observer_.on_revoked();
  } catch (const Stop& stop) {
    pending_stop_.emplace(stop.exit_code, stop.reason);
  }
  if (incremental) {
    if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(consumer_.get(), partitions)) {
      log_->warn("{}", kafka::Error::from("incremental_unassign", error).what());
    }
    // A pending rewind concerns the lost assignment, which a lost revoke removes as a whole.
    if (assignment_size() == 0) recovery_.assignment_replaced();
  } else {
    recovery_.assignment_replaced();
    rd_kafka_assign(consumer_.get(), nullptr);
  }
}

// ---- stopping ---------------------------------------------------------------------------------

void TransactionalLoop::shutdown() {
  log_->info("stopping: committing the open transaction ({} records)", transaction_records_);
  shutdown_deadline_ = std::chrono::steady_clock::now() + options_.shutdown_timeout;
  commit_transaction("shutdown");
  // Leaves the group (unless static membership is configured); the revoke finds no transaction.
  rd_kafka_consumer_close(consumer_.get());
  if (rd_kafka_flush(producer_.get(), 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log_->warn("{} records still queued at exit", rd_kafka_outq_len(producer_.get()));
  }
  log_->info("stopped cleanly");
}

void TransactionalLoop::abort_after_failure() {
  pending_stop_.emplace(kExitPluginFatal, "stopping");  // the revoke callback must not commit
  if (producer_ && in_transaction_ && options_.exactly_once) {
    if (rd_kafka_error_t* error = transactions_.abort(producer_.get(), 5000)) {
      log_->warn("abort on exit: {}", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    in_transaction_ = false;
    observer_.on_transaction_aborted(AbortReason::kStopping);
    processor_.on_abort();  // stopping anyway: its outcome changes nothing
  }
  if (consumer_) rd_kafka_consumer_close(consumer_.get());
}

}  // namespace txform::engine
