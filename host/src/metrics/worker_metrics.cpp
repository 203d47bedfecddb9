#include "metrics/worker_metrics.hpp"

#include <algorithm>

#include "metrics/names.hpp"

namespace txform::metrics {
namespace {

prometheus::Family<prometheus::Counter>& counters(prometheus::Registry& registry,
                                                  const MetricName& name) {
  return prometheus::BuildCounter().Name(name.name).Help(name.help).Register(registry);
}

prometheus::Histogram& histogram(prometheus::Registry& registry, const MetricName& name,
                                 const prometheus::Labels& labels,
                                 const std::vector<double>& bucket_bounds) {
  return prometheus::BuildHistogram().Name(name.name).Help(name.help).Register(registry).Add(
      labels, bucket_bounds);
}

int64_t nanos(engine::LoopObserver::Clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

double seconds(engine::LoopObserver::Clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

constexpr engine::AbortReason kAbortReasons[] = {
    engine::AbortReason::kPluginRetry,      engine::AbortReason::kRecordFailedOutput,
    engine::AbortReason::kProduceFailed,    engine::AbortReason::kCommitFailed,
    engine::AbortReason::kAssignmentLost,   engine::AbortReason::kDeliveryFailed,
    engine::AbortReason::kOffsetOutOfRange, engine::AbortReason::kStopping};

}  // namespace

const char* abort_reason_label(engine::AbortReason reason) {
  switch (reason) {
    case engine::AbortReason::kPluginRetry:
      return "plugin_retry";
    case engine::AbortReason::kRecordFailedOutput:
      return "record_failed_after_output";
    case engine::AbortReason::kProduceFailed:
      return "produce_failed";
    case engine::AbortReason::kCommitFailed:
      return "commit_failed";
    case engine::AbortReason::kAssignmentLost:
      return "assignment_lost";
    case engine::AbortReason::kDeliveryFailed:
      return "delivery_failed";
    case engine::AbortReason::kOffsetOutOfRange:
      return "offset_out_of_range";
    case engine::AbortReason::kStopping:
      break;
  }
  return "stopping";
}

prometheus::Labels WorkerMetrics::with(
    std::initializer_list<prometheus::Labels::value_type> extra) const {
  prometheus::Labels labels = base_;
  labels.insert(extra.begin(), extra.end());
  return labels;
}

WorkerMetrics::WorkerMetrics(prometheus::Registry& registry, int worker)
    : base_(worker < 0 ? prometheus::Labels{}
                       : prometheus::Labels{{"worker", std::to_string(worker)}}),
      commit_duration_(histogram(registry, names::kCommitDuration, base_, buckets::kCommitSeconds)),
      transaction_duration_(
          histogram(registry, names::kTransactionDuration, base_, buckets::kTransactionSeconds)),
      transaction_records_(
          histogram(registry, names::kTransactionRecords, base_, buckets::kRecords)),
      transaction_bytes_(histogram(registry, names::kTransactionBytes, base_, buckets::kBytes)),
      committed_(counters(registry, names::kTransactions).Add(with({{"outcome", "committed"}}))),
      aborted_(counters(registry, names::kTransactions).Add(with({{"outcome", "aborted"}}))),
      aborts_(counters(registry, names::kAborts)),
      open_transaction_age_(prometheus::BuildGauge()
                                .Name(names::kOpenTransactionAge.name)
                                .Help(names::kOpenTransactionAge.help)
                                .Register(registry)
                                .Add(base_)),
      consumed_(counters(registry, names::kConsumed), base_),
      produced_(counters(registry, names::kProduced), base_),
      dead_lettered_(counters(registry, names::kDeadLettered).Add(base_)),
      skipped_(counters(registry, names::kSkipped).Add(base_)),
      plugin_durations_(prometheus::BuildHistogram()
                            .Name(names::kPluginDuration.name)
                            .Help(names::kPluginDuration.help)
                            .Register(registry)),
      plugin_errors_(counters(registry, names::kPluginErrors)),
      statistics_(registry, base_) {
  health_.name = worker < 0 ? "worker 0" : "worker " + std::to_string(worker);
  // Every reason from the start: a rate() over a series that appears late misses its first abort.
  for (auto reason : kAbortReasons)
    abort_reasons_[reason] = &aborts_.Add(with({{"reason", abort_reason_label(reason)}}));
}

prometheus::Counter& WorkerMetrics::TopicCounters::of(rd_kafka_topic_t* topic) {
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->first != topic) continue;
    if (it != cache_.begin()) std::iter_swap(it, cache_.begin());
    return *cache_.front().second;
  }
  // First record of this topic: the only label lookup it will cost.
  prometheus::Labels labels = base_;
  labels["topic"] = rd_kafka_topic_name(topic);
  cache_.insert(cache_.begin(), {topic, &family_.Add(labels)});
  return *cache_.front().second;
}

void WorkerMetrics::refresh(Clock::time_point now) {
  const int64_t begun = transaction_begun_ns_.load(std::memory_order_relaxed);
  open_transaction_age_.Set(begun == 0 ? 0.0 : static_cast<double>(nanos(now) - begun) / 1e9);
}

void WorkerMetrics::on_poll() {
  health_.last_poll_ns.store(nanos(Clock::now()), std::memory_order_relaxed);
}

void WorkerMetrics::on_producer_ready() {
  health_.producer_ready = true;
}

void WorkerMetrics::on_assigned(int) {
  health_.joined = true;
}

void WorkerMetrics::on_stopped() {
  transaction_begun_ns_ = 0;
  health_.stopped = true;
}

void WorkerMetrics::on_transaction_begin(Clock::time_point at) {
  transaction_begun_ns_.store(nanos(at), std::memory_order_relaxed);
}

void WorkerMetrics::on_transaction_committed(Clock::time_point begun,
                                             Clock::time_point commit_started,
                                             Clock::time_point done, size_t records, size_t bytes) {
  transaction_begun_ns_.store(0, std::memory_order_relaxed);
  commit_duration_.Observe(seconds(done - commit_started));
  transaction_duration_.Observe(seconds(done - begun));
  transaction_records_.Observe(static_cast<double>(records));
  transaction_bytes_.Observe(static_cast<double>(bytes));
  committed_.Increment();
  if (pending_dead_lettered_ > 0)
    dead_lettered_.Increment(static_cast<double>(pending_dead_lettered_));
  if (pending_skipped_ > 0) skipped_.Increment(static_cast<double>(pending_skipped_));
  pending_dead_lettered_ = pending_skipped_ = 0;
}

void WorkerMetrics::on_transaction_aborted(engine::AbortReason reason) {
  transaction_begun_ns_.store(0, std::memory_order_relaxed);
  aborted_.Increment();
  abort_reasons_.at(reason)->Increment();
  pending_dead_lettered_ = pending_skipped_ = 0;
}

void WorkerMetrics::on_record_consumed(rd_kafka_topic_t* topic) {
  consumed_.of(topic).Increment();
}

void WorkerMetrics::on_record_produced(const rd_kafka_message_t& report) {
  produced_.of(report.rkt).Increment();
}

// Dead letters and skips count when their transaction commits: an aborted transaction's are
// replayed and decided again, and must not count twice.
void WorkerMetrics::on_record_dead_lettered() {
  ++pending_dead_lettered_;
}

void WorkerMetrics::on_record_skipped() {
  ++pending_skipped_;
}

void WorkerMetrics::on_plugin_error(std::string_view plugin, std::string_view status) {
  // Rare: a label lookup here costs nothing that matters.
  plugin_errors_.Add(with({{"plugin", std::string(plugin)}, {"status", std::string(status)}}))
      .Increment();
}

void WorkerMetrics::on_plugin_chain(std::span<const std::string> plugins) {
  // The old chain's series go: a dashboard should not keep showing plugins that no longer run
  // (their last samples stay in Prometheus's history). Once per reload, so lookups are fine.
  std::vector<prometheus::Histogram*> next;
  next.reserve(plugins.size());
  for (const std::string& plugin : plugins)
    next.push_back(&plugin_durations_.Add(with({{"plugin", plugin}}), buckets::kPluginSeconds));
  // A plugin that stays keeps its series (Add found it): its counts go on.
  for (auto old = plugin_duration_.begin(); old != plugin_duration_.end(); ++old) {
    const bool removed = std::find(plugin_duration_.begin(), old, *old) != old;  // twice in it
    if (!removed && std::find(next.begin(), next.end(), *old) == next.end())
      plugin_durations_.Remove(*old);
  }
  plugin_duration_ = std::move(next);
}

void WorkerMetrics::on_plugin_timed(std::span<const std::chrono::nanoseconds> took) {
  const size_t stages = std::min(took.size(), plugin_duration_.size());
  for (size_t i = 0; i < stages; ++i)
    plugin_duration_[i]->Observe(seconds(took[i]));
}

void WorkerMetrics::on_statistics(bool consumer, std::string_view json) {
  statistics_.update(consumer, json);
}

}  // namespace txform::metrics
