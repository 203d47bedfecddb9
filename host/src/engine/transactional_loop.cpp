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

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "config/diagnostic.hpp"
#include "engine/dead_letter.hpp"
#include "engine/exit_codes.hpp"
#include "engine/offset_metadata.hpp"
#include "kafka/client.hpp"
#include "kafka/error.hpp"

namespace txform::engine {
namespace {

// Leaves the loop with an exit code. Thrown only on the loop's own thread, never through a
// librdkafka callback (callbacks park it in pending_stop_).
struct Stop {
  int exit_code;
  std::string reason;
};

// A stop was requested while retrying something a leaving worker can do without.
struct StopRequested {};

constexpr int kCallTimeoutMs = 30000;  // one transactional API call; retried when retriable
// One committed-offsets read, retried until every partition answered: short enough that a stop
// request is seen between attempts.
constexpr int kOffsetsCallTimeoutMs = 10000;
// init_transactions is retried on timeout, so a short call makes an unreachable broker visible
// in the log early.
constexpr int kInitTimeoutMs = 5000;
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
// Timing every record would cost two clock reads per record: time 1 in 64.
constexpr unsigned kPluginTimingSample = 64;

LoopObserver& no_observer() {
  static LoopObserver nobody;
  return nobody;
}

// librdkafka's own transactional calls; stateless, so every loop can share it.
Transactions& librdkafka_transactions() {
  static Transactions librdkafka;
  return librdkafka;
}

std::string describe(const rd_kafka_message_t& message) {
  return std::string(rd_kafka_topic_name(message.rkt)) + "[" + std::to_string(message.partition) +
         "]@" + std::to_string(message.offset);
}

}  // namespace

TransactionalLoop::TransactionalLoop(EngineOptions options, RecordProcessor& processor,
                                     const std::atomic<int>& stop,
                                     std::shared_ptr<spdlog::logger> log, LoopObserver* observer,
                                     Transactions* transactions)
    : options_(std::move(options)),
      processor_(processor),
      stop_(stop),
      log_(std::move(log)),
      observer_(observer != nullptr ? *observer : no_observer()),
      transactions_(transactions != nullptr ? *transactions : librdkafka_transactions()) {}

TransactionalLoop::~TransactionalLoop() {
  // Topic handles belong to the producer: release them before it.
  writer_.reset();
  consumer_queue_.reset();
  consumer_.reset();
  producer_.reset();
}

int TransactionalLoop::run() {
  try {
    create_producer();
    create_consumer();
    init_transactions();
    observer_.on_producer_ready();
    chain_started();
    kafka::PartitionListPtr topics(
        rd_kafka_topic_partition_list_new(static_cast<int>(options_.input_topics.size())));
    for (const auto& topic : options_.input_topics) {
      rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    }
    if (auto err = rd_kafka_subscribe(consumer_.get(), topics.get())) {
      throw Stop{kExitConfigError, std::string("subscribe: ") + rd_kafka_err2str(err)};
    }
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

// ---- clients ----------------------------------------------------------------------------------

// Both clients: their property list, this loop as the opaque of every callback, and the
// callbacks they share; `conf` has the client's own callbacks set already.
kafka::KafkaPtr TransactionalLoop::create_client(rd_kafka_type_t type, kafka::ConfPtr conf,
                                                 const config::PropertyList& properties) {
  try {
    config::apply_properties(conf.get(), properties);
  } catch (const config::ConfigError& error) {
    // Names the config key path of each rejected value; secret values are scrubbed from it.
    throw Stop{kExitConfigError, error.what()};
  }
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_error_cb(conf.get(), client_error);
  rd_kafka_conf_set_log_cb(conf.get(), client_log);
  rd_kafka_conf_set_stats_cb(conf.get(), statistics);  // only with statistics.interval.ms > 0
  std::string error;
  kafka::KafkaPtr client = kafka::new_client(type, std::move(conf), error);
  if (!client) {
    throw Stop{kExitConfigError,
               fmt::format("creating the {}: {}",
                           type == RD_KAFKA_PRODUCER ? "producer" : "consumer", error)};
  }
  return client;
}

void TransactionalLoop::create_producer() {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), delivery_report);
  // Locked properties (idempotence, acks=all, transactional.id) come in the property list.
  producer_ = create_client(RD_KAFKA_PRODUCER, std::move(conf), options_.producer_properties);
  writer_ = std::make_unique<OutputWriter>(producer_.get(), options_.output_topic,
                                           options_.allowed_output_topics);
  if (options_.on_record_error == ErrorPolicy::kDeadLetter) {
    dead_letter_topic_ = writer_->topic_handle(options_.dead_letter_topic);
  }
}

void TransactionalLoop::create_consumer() {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_rebalance_cb(conf.get(), rebalance_trampoline);
  // Auto commit is off and isolation is read_committed (locked): offsets ride in the
  // transaction, and we must never read another producer's aborted records.
  consumer_ = create_client(RD_KAFKA_CONSUMER, std::move(conf), options_.consumer_properties);
  // Serve the consumer's events (errors, rebalances) from rd_kafka_consumer_poll().
  rd_kafka_poll_set_consumer(consumer_.get());
  consumer_queue_.reset(rd_kafka_queue_get_consumer(consumer_.get()));
  const config::Property* protocol =
      config::find_property(options_.consumer_properties, "group.protocol");
  consumer_protocol_ = protocol != nullptr && protocol->value == "consumer";
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

void TransactionalLoop::chain_started() {
  const std::vector<std::string> plugins = processor_.plugins();
  plugin_times_.assign(std::max<size_t>(plugins.size(), 1), std::chrono::nanoseconds{0});
  observer_.on_plugin_chain(plugins);
}

// ---- the poll loop ----------------------------------------------------------------------------

// Records come in batches from the consumer queue: one call, one clock read, one producer poll
// and one commit-deadline check per batch instead of per record. librdkafka serves callbacks
// (rebalances among them) inside the batch call, and a seek makes what was fetched before it
// stale: see take_batch() and consumer_epoch_ for how neither reaches a transaction.
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
    const uint64_t epoch = consumer_epoch_;
    for (size_t i = 0; i < batch.size(); ++i) {
      handle_message(*batch[i]);
      if (pending_stop_) throw Stop{pending_stop_->first, pending_stop_->second};
      // A rewind (abort, offsets out of range) sought back: the rest was fetched before it.
      if (consumer_epoch_ != epoch) break;
      if (in_transaction_ && size_bound_reached()) commit_transaction("commit bound reached");
    }
    batch.release();
    rd_kafka_poll(producer_.get(), 0);  // delivery reports and producer errors
    if (pending_stop_) throw Stop{pending_stop_->first, pending_stop_->second};
    if (in_transaction_ && commit_due()) commit_transaction("commit bound reached");
    if (processor_.generation_pending()) {
      // A reloaded plugin chain takes over at a transaction boundary (commit first).
      commit_transaction("plugin reload");
      processor_.switch_generation();
      chain_started();
    }
  }
  if (stop_.load() == kStopNow) throw Stop{kExitForced, "second signal: aborting"};
}

// Fills `batch` with what the consumer queue holds now (up to its capacity), or waits up to
// `timeout_ms` for the first record when it holds nothing. A revoke served inside the call
// (consumer_epoch_ moved) may have come after records of the revoked partitions were taken:
// the batch is dropped and the partitions still assigned read again from their committed
// offsets (the revoke committed or aborted the open transaction, so those are what was done).
void TransactionalLoop::take_batch(ConsumedBatch& batch, int timeout_ms) {
  const uint64_t epoch = consumer_epoch_;
  batch.fill(consumer_queue_.get(), 0);
  if (batch.empty() && timeout_ms > 0) {
    batch.fill(consumer_queue_.get(), timeout_ms, 1);
    if (!batch.empty()) batch.fill(consumer_queue_.get(), 0);
  }
  if (consumer_epoch_ == epoch) return;
  if (!batch.empty()) {
    log_->debug("dropping {} records fetched across a rebalance; rewinding", batch.size());
  }
  batch.release();
  if (in_transaction_) {
    abort_transaction_and_rewind(AbortReason::kAssignmentLost, "records fetched across a revoke");
  } else {
    rewind_consumer();
  }
}

// A KIP-848 member that the coordinator gives no partition gets no rebalance callback at all
// (a classic one gets an empty assignment): its member epoch tells it joined, so readiness does
// not wait for a partition that may never come. Asked only on idle polls, until it has joined.
void TransactionalLoop::check_joined_without_partitions() {
  if (!consumer_protocol_) return;
  kafka::GroupMetadataPtr group(rd_kafka_consumer_group_metadata(consumer_.get()));
  if (!group || rd_kafka_consumer_group_metadata_generation_id(group.get()) <= 0) return;
  joined_group_ = true;
  log_->info("joined the group (member epoch {}); no partitions assigned",
             rd_kafka_consumer_group_metadata_generation_id(group.get()));
  observer_.on_assigned(0);
}

void TransactionalLoop::handle_message(const rd_kafka_message_t& message) {
  if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (rewind_pending_) {
      // Fetched past an abort whose rewind waits for the revoke: read again from committed.
      if (rd_kafka_assignment_lost(consumer_.get())) return;
      rewind_consumer();
      return;
    }
    process_record(message);
    return;
  }
  if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
  if (message.err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
    handle_offset_out_of_range(message);
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
  if (!behind_since_.empty()) {  // the partition is readable again
    behind_since_.erase({rd_kafka_topic_name(message.rkt), message.partition});
  }
  observer_.on_record_consumed(message.rkt);
  writer_->begin_input();

  ProcessOutcome outcome;
  RejectStatus status = RejectStatus::kRecordError;
  unsigned attempt = 1;
  RecordId id;
  const bool replayed = !verdicts_.empty() || !retry_attempts_.empty();
  if (replayed) {
    id = RecordId{rd_kafka_topic_name(message.rkt), message.partition, message.offset};
    if (auto tries = retry_attempts_.find(id); tries != retry_attempts_.end()) {
      attempt = tries->second + 1;
    }
  }
  if (auto verdict = replayed ? verdicts_.find(id) : verdicts_.end(); verdict != verdicts_.end()) {
    // Decided before the abort that took back this record's partial output.
    // Its status was decided then too.
    outcome = std::move(verdict->second.first);
    status = verdict->second.second;
    verdicts_.erase(verdict);
  } else {
    if (++plugin_timing_sample_ % kPluginTimingSample == 0) {
      std::fill(plugin_times_.begin(), plugin_times_.end(), std::chrono::nanoseconds{0});
      outcome = processor_.process_timed(message, *writer_, plugin_times_);
      observer_.on_plugin_timed(plugin_times_);
    } else {
      outcome = processor_.process(message, *writer_);
    }
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

  switch (outcome.status) {
    case Status::ok:
      break;
    case Status::fatal:
      throw Stop{kExitPluginFatal, "plugin " + outcome.plugin + " returned FATAL on " +
                                       describe(message) + ": " + outcome.message};
    case Status::retry:
      if (!replayed)
        id = RecordId{rd_kafka_topic_name(message.rkt), message.partition, message.offset};
      if (attempt <= static_cast<unsigned>(options_.max_retries)) {
        retry_attempts_[id] = attempt;
        abort_transaction_and_rewind(AbortReason::kPluginRetry,
                                     "plugin " + outcome.plugin + " asked to retry " +
                                         describe(message) + " (attempt " +
                                         std::to_string(attempt) + "): " + outcome.message);
        sleep_unless_stopped(options_.retry_backoff);
        return;
      }
      outcome.status = Status::record_error;
      outcome.message = "still failing after " + std::to_string(options_.max_retries) +
                        " retries: " + outcome.message;
      status = RejectStatus::kRetryExhausted;
      [[fallthrough]];
    case Status::record_error:
      if (writer_->written_for_input() > 0) {
        // Part of this record's output is already in the transaction: take it back by aborting,
        // and apply the error policy when the record comes round again.
        if (!replayed)
          id = RecordId{rd_kafka_topic_name(message.rkt), message.partition, message.offset};
        verdicts_[id] = {outcome, status};
        abort_transaction_and_rewind(
            AbortReason::kRecordFailedOutput,
            "record " + describe(message) + " failed after writing output: " + outcome.message);
        return;
      }
      if (!apply_error_policy(message, outcome, status, attempt)) return;  // aborted
      break;
  }

  // Committed offset = last processed + 1.
  offsets_[PartitionKey{message.rkt, message.partition}] = message.offset + 1;
  ++transaction_records_;
  transaction_bytes_ += message.len + message.key_len;
}

bool TransactionalLoop::apply_error_policy(const rd_kafka_message_t& message,
                                           const ProcessOutcome& outcome, RejectStatus status,
                                           unsigned attempt) {
  const std::string where = describe(message);
  switch (options_.on_record_error) {
    case ErrorPolicy::kFail:
      throw Stop{kExitPluginFatal, std::string(to_string(status)) + " on " + where + " (plugin " +
                                       outcome.plugin + "): " + outcome.message +
                                       "; error policy is fail"};
    case ErrorPolicy::kSkip:
      log_->warn("skipping {} ({}, plugin {}): {}", where, to_string(status), outcome.plugin,
                 outcome.message);
      observer_.on_record_skipped();
      return true;
    case ErrorPolicy::kDeadLetter: {
      // The envelope goes into the same transaction as the input's offset: exactly once.
      const std::string letter = make_dead_letter(message, outcome, status, attempt);
      OutputRecord record;
      record.key = message.key;
      record.key_len = message.key_len;
      record.value = letter.data();
      record.value_len = letter.size();
      if (!writer_->write_to(dead_letter_topic_, record)) {
        if (writer_->failure_code() == RD_KAFKA_RESP_ERR__STATE) {  // see process_record
          abort_transaction_and_rewind(AbortReason::kProduceFailed,
                                       "dead-lettering " + where + ": " + writer_->failure());
          return false;
        }
        throw Stop{writer_->failure_code() == RD_KAFKA_RESP_ERR__FATAL ? kExitKafkaFatal
                                                                       : kExitPluginFatal,
                   "cannot dead-letter " + where + ": " + writer_->failure()};
      }
      log_->warn("dead-lettered {} to {} ({}, plugin {}): {}", where, options_.dead_letter_topic,
                 to_string(status), outcome.plugin, outcome.message);
      observer_.on_record_dead_lettered();
      return true;
    }
  }
  return true;
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

kafka::PartitionListPtr TransactionalLoop::offsets_to_commit() const {
  kafka::PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets_.size())));
  // The chain that produced this range rides on its offsets: `txform describe` shows it.
  const std::string chain = offset_metadata(processor_.describe());
  for (const auto& [key, offset] : offsets_) {
    auto* partition = rd_kafka_topic_partition_list_add(list.get(), rd_kafka_topic_name(key.topic),
                                                        key.partition);
    partition->offset = offset;
    set_offset_metadata(*partition, chain);
  }
  return list;
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
      const auto offsets = offsets_to_commit();
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
  forget_committed_retries();
  in_transaction_ = false;
  offsets_.clear();
  transaction_records_ = transaction_bytes_ = 0;
  const ProcessOutcome hook = processor_.on_commit();
  if (hook.status != Status::ok) {
    throw Stop{kExitPluginFatal, "plugin " + hook.plugin + " failed on_commit: " + hook.message};
  }
}

// A record's RETRY attempts are forgotten once its offset is committed, and only then: records
// of other partitions committing in between must not reset the count, or a record that always
// asks to retry would never reach max_retries.
void TransactionalLoop::forget_committed_retries() {
  for (auto it = retry_attempts_.begin(); it != retry_attempts_.end();) {
    const auto& [topic, partition, offset] = it->first;
    const auto committed = std::find_if(offsets_.begin(), offsets_.end(), [&](const auto& entry) {
      return entry.first.partition == partition && topic == rd_kafka_topic_name(entry.first.topic);
    });
    if (committed != offsets_.end() && offset < committed->second) {
      it = retry_attempts_.erase(it);
    } else {
      ++it;
    }
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
    const auto offsets = offsets_to_commit();
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
  if (rewind) rewind_consumer();
}

// Fills `partitions` with the group's committed offsets, retrying until every partition has
// answered. A partition can fail on its own (coordinator loading or moving, offsets of a
// transaction not yet settled) while the call succeeds: its offset then reads INVALID, and
// assigning that would let auto.offset.reset re-read the partition from the start.
// With `give_up_on_stop`, a stop request ends the retries (StopRequested): partitions being
// assigned need not be taken at all when the worker is leaving.
void TransactionalLoop::fetch_committed_offsets(rd_kafka_topic_partition_list_t* partitions,
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
    log_->warn("fetching committed offsets: {}; retrying", rd_kafka_err2str(err));
    sleep_unless_stopped(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
    for (int i = 0; i < partitions->cnt; ++i) {
      partitions->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
      partitions->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
    }
  }
}

void TransactionalLoop::rewind_consumer() {
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
    log_->info("not rewinding: the assignment was lost and will be revoked");
    rewind_pending_ = true;
    return;
  }
  rewind_pending_ = false;
  fetch_committed_offsets(assignment.get());
  for (int i = 0; i < assignment->cnt && !start_overrides_.empty(); ++i) {
    auto& partition = assignment->elems[i];
    auto override = start_overrides_.find({partition.topic, partition.partition});
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
void TransactionalLoop::restart_fetching(rd_kafka_topic_partition_list_t* stopped,
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

bool TransactionalLoop::incremental_protocol() const {
  return std::strcmp(rd_kafka_rebalance_protocol(consumer_.get()), "COOPERATIVE") == 0;
}

// librdkafka's auto.offset.reset is `error`: a fetch whose offset is outside the partition's
// log arrives here instead of silently restarting the partition from its beginning, which would
// process committed records a second time (seen after an unclean leader election).
void TransactionalLoop::handle_offset_out_of_range(const rd_kafka_message_t& message) {
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

  const auto key = std::make_pair(topic, partition);
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
    log_->error("{} [{}] (fetch at {}): {}; retrying in {} ms", topic, partition, message.offset,
                decision.explanation, out_of_range_backoff_.count());
    sleep_unless_stopped(out_of_range_backoff_);
    out_of_range_backoff_ = std::min(out_of_range_backoff_ * 2, kMaxBackoff);
  } else {
    log_->error("{} [{}] (fetch at {}): offset out of range: {}", topic, partition, message.offset,
                decision.explanation);
    behind_since_.erase(key);
    out_of_range_backoff_ = std::chrono::milliseconds(500);
  }
  if (decision.start != committed_offset) start_overrides_[key] = decision.start;
  // Records consumed past the committed offset in this transaction may be gone from the log:
  // take their output back and read again from the decided offsets.
  if (in_transaction_) {
    abort_transaction_and_rewind(AbortReason::kOffsetOutOfRange, decision.explanation);
  } else {
    rewind_consumer();
  }
}

// Eager protocols (classic range/roundrobin) revoke everything and assign the full new list;
// incremental ones (classic cooperative-sticky, and every KIP-848 group) hand over only the
// partitions that move, and refuse assign() (librdkafka INTRODUCTION.md, KIP-848).
void TransactionalLoop::on_rebalance(rd_kafka_resp_err_t err,
                                     rd_kafka_topic_partition_list_t* partitions) {
  const bool incremental = incremental_protocol();
  try {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      log_->info("assigned {} partitions{}", partitions->cnt, incremental ? " (incremental)" : "");
      // Start from offsets we fetched and checked ourselves, not from librdkafka's own fetch,
      // which may fall back to auto.offset.reset when the coordinator answers with an error.
      try {
        fetch_committed_offsets(partitions, true);
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
      apply_start_policy(partitions, options_.start_policy);
      for (int i = 0; i < partitions->cnt; ++i) {
        start_overrides_.erase({partitions->elems[i].topic, partitions->elems[i].partition});
      }
      if (incremental) {
        // Partitions added to a running transaction: their offsets join it from here on.
        if (rd_kafka_error_t* error = rd_kafka_incremental_assign(consumer_.get(), partitions)) {
          pending_stop_.emplace(kExitKafkaFatal,
                                kafka::Error::from("incremental_assign", error).what());
        }
      } else {
        rewind_pending_ = false;  // the new assignment starts from committed offsets
        rd_kafka_assign(consumer_.get(), partitions);
      }
      joined_group_ = true;
      observer_.on_assigned(partitions->cnt);
      return;
    }
    ++consumer_epoch_;  // revoked: records taken from its partitions before this are stale
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
    if (assignment_size() == 0) rewind_pending_ = false;
  } else {
    rewind_pending_ = false;
    rd_kafka_assign(consumer_.get(), nullptr);
  }
}

int TransactionalLoop::assignment_size() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  kafka::PartitionListPtr assignment(raw);
  return assignment->cnt;
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

// ---- helpers ----------------------------------------------------------------------------------

template <typename Call>
void TransactionalLoop::retry_while_retriable(const char* what, Call call) {
  auto backoff = std::chrono::milliseconds(100);
  for (unsigned attempt = 1;; ++attempt) {
    rd_kafka_error_t* raw = call();
    if (raw == nullptr) return;
    auto error = kafka::Error::from(what, raw);
    if (!error.is_retriable()) throw error;
    if (stop_.load() == kStopNow)
      throw Stop{kExitForced, std::string("second signal during ") + what};
    if (shutdown_deadline_ && std::chrono::steady_clock::now() > *shutdown_deadline_) {
      // A supervisor's kill would come next; abort ourselves and say why instead.
      throw Stop{kExitKafkaFatal, std::string("shutdown_timeout_ms passed while ") + what +
                                      " kept failing: " + error.what()};
    }
    log_->warn("{} (attempt {}); retrying in {} ms", error.what(), attempt, backoff.count());
    sleep_unless_stopped(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

void TransactionalLoop::sleep_unless_stopped(std::chrono::milliseconds duration) const {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until && stop_.load() != kStopNow) {
    std::this_thread::sleep_for(std::min(duration, std::chrono::milliseconds(50)));
  }
}

void TransactionalLoop::rebalance_trampoline(rd_kafka_t*, rd_kafka_resp_err_t err,
                                             rd_kafka_topic_partition_list_t* partitions,
                                             void* opaque) {
  static_cast<TransactionalLoop*>(opaque)->on_rebalance(err, partitions);
}

void TransactionalLoop::delivery_report(rd_kafka_t*, const rd_kafka_message_t* message,
                                        void* opaque) {
  auto* self = static_cast<TransactionalLoop*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->observer_.on_record_produced(*message);
    return;
  }
  // An abort purges the outputs still queued: taken back on purpose, and logged with the abort.
  if (message->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
      message->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    return;
  }
  // Under exactly-once the transaction is now abortable and commit reports it; under
  // at-least-once the offsets must not be committed.
  self->delivery_failed_ = true;
  self->log_->warn("delivery to {} failed: {}", rd_kafka_topic_name(message->rkt),
                   rd_kafka_err2str(message->err));
}

void TransactionalLoop::client_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<TransactionalLoop*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char detail[512];
    rd_kafka_fatal_error(rk, detail, sizeof detail);
    self->pending_stop_.emplace(kExitKafkaFatal, std::string("fatal Kafka error: ") + detail);
    return;
  }
  // Broker down, all brokers down, ...: librdkafka reconnects by itself.
  self->log_->warn("{}: {}", rd_kafka_name(rk), reason);
}

int TransactionalLoop::statistics(rd_kafka_t* rk, char* json, size_t json_len, void* opaque) {
  // Served by rd_kafka_poll / rd_kafka_consumer_poll: on the loop's own thread.
  static_cast<TransactionalLoop*>(opaque)->observer_.on_statistics(
      rd_kafka_type(rk) == RD_KAFKA_CONSUMER, std::string_view(json, json_len));
  return 0;  // librdkafka frees the JSON
}

void TransactionalLoop::client_log(const rd_kafka_t* rk, int level, const char* facility,
                                   const char* line) {
  auto* self = static_cast<TransactionalLoop*>(rd_kafka_opaque(rk));
  const auto spd_level = level <= 3   ? spdlog::level::err
                         : level <= 4 ? spdlog::level::warn
                         : level <= 6 ? spdlog::level::info
                                      : spdlog::level::debug;
  self->log_->log(spd_level, "librdkafka {} {}: {}", rd_kafka_name(rk), facility, line);
}

}  // namespace txform::engine
