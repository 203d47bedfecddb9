// The worker loop's plumbing: its clients and their wiring, the librdkafka callbacks they serve
// on the loop's own thread, and the retries of its transactional calls. The state machine itself
// is transactional_loop.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "config/diagnostic.hpp"
#include "engine/exit_codes.hpp"
#include "engine/loop_stop.hpp"
#include "engine/transactional_loop.hpp"
#include "kafka/client.hpp"
#include "kafka/error.hpp"

namespace txform::engine {
namespace {

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
      transactions_(transactions != nullptr ? *transactions : librdkafka_transactions()),
      outcomes_(options_, *log_, observer_),
      recovery_(options_, stop_, *log_, consumer_) {}

TransactionalLoop::~TransactionalLoop() {
  // Topic handles belong to the producer: release them before it.
  writer_.reset();
  consumer_queue_.reset();
  consumer_.reset();
  producer_.reset();
}

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
  outcomes_.use_writer(*writer_);
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

void TransactionalLoop::subscribe() {
  kafka::PartitionListPtr topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(options_.input_topics.size())));
  for (const auto& topic : options_.input_topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (auto err = rd_kafka_subscribe(consumer_.get(), topics.get())) {
    throw Stop{kExitConfigError, std::string("subscribe: ") + rd_kafka_err2str(err)};
  }
}

void TransactionalLoop::chain_started() {
  const std::vector<std::string> plugins = processor_.plugins();
  plugin_times_.assign(std::max<size_t>(plugins.size(), 1), std::chrono::nanoseconds{0});
  observer_.on_plugin_chain(plugins);
}

ProcessOutcome TransactionalLoop::run_chain(const rd_kafka_message_t& message) {
  if (++plugin_timing_sample_ % kPluginTimingSample != 0)
    return processor_.process(message, *writer_);
  std::fill(plugin_times_.begin(), plugin_times_.end(), std::chrono::nanoseconds{0});
  ProcessOutcome outcome = processor_.process_timed(message, *writer_, plugin_times_);
  observer_.on_plugin_timed(plugin_times_);
  return outcome;
}

// ---- callbacks and helpers ----------------------------------------------------------------------

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

int TransactionalLoop::assignment_size() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  kafka::PartitionListPtr assignment(raw);
  return assignment->cnt;
}

void TransactionalLoop::retry_while_retriable(const char* what,
                                              const std::function<rd_kafka_error_t*()>& call) {
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
    sleep_unless_stopped(stop_, backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
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
