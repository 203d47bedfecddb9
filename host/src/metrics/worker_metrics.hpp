// One worker's metrics and health: the engine's LoopObserver, backed by a Prometheus registry.
// Series are resolved once (per topic on first sight, cached by topic handle): the per-record
// hooks are an atomic add, no label lookup and no lock.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/loop_observer.hpp"
#include "metrics/kafka_statistics.hpp"
#include "metrics/worker_health.hpp"

namespace txform::metrics {

class WorkerMetrics final : public engine::LoopObserver {
 public:
  // `worker` is the worker's index, or -1 for no `worker` label (a single-worker process).
  WorkerMetrics(prometheus::Registry& registry, int worker);

  // Brings the gauges computed from the clock up to date; call before collecting.
  void refresh(Clock::time_point now);
  const WorkerHealth& health() const { return health_; }

  void on_poll() override;
  void on_producer_ready() override;
  void on_assigned(int partitions) override;
  void on_stopped() override;
  void on_transaction_begin(Clock::time_point at) override;
  void on_transaction_committed(Clock::time_point begun, Clock::time_point commit_started,
                                Clock::time_point done, size_t records, size_t bytes) override;
  void on_transaction_aborted(engine::AbortReason reason) override;
  void on_record_consumed(rd_kafka_topic_t* topic) override;
  void on_record_produced(const rd_kafka_message_t& report) override;
  void on_record_dead_lettered() override;
  void on_record_skipped() override;
  void on_plugin_error(std::string_view plugin, std::string_view status) override;
  void on_plugin_chain(std::span<const std::string> plugins) override;
  void on_plugin_timed(std::span<const std::chrono::nanoseconds> took) override;
  void on_statistics(bool consumer, std::string_view json) override;

 private:
  // Counters per topic handle: a handful of topics, so a vector with the last hit in front.
  class TopicCounters {
   public:
    TopicCounters(prometheus::Family<prometheus::Counter>& family, prometheus::Labels base)
        : family_(family), base_(std::move(base)) {}
    prometheus::Counter& of(rd_kafka_topic_t* topic);

   private:
    prometheus::Family<prometheus::Counter>& family_;
    prometheus::Labels base_;
    std::vector<std::pair<rd_kafka_topic_t*, prometheus::Counter*>> cache_;
  };

  prometheus::Labels with(std::initializer_list<prometheus::Labels::value_type> extra) const;

  prometheus::Labels base_;
  WorkerHealth health_;
  std::atomic<int64_t> transaction_begun_ns_{0};  // steady clock; 0: no open transaction

  prometheus::Histogram& commit_duration_;
  prometheus::Histogram& transaction_duration_;
  prometheus::Histogram& transaction_records_;
  prometheus::Histogram& transaction_bytes_;
  prometheus::Counter& committed_;
  prometheus::Counter& aborted_;
  prometheus::Family<prometheus::Counter>& aborts_;
  std::map<engine::AbortReason, prometheus::Counter*> abort_reasons_;
  prometheus::Gauge& open_transaction_age_;
  TopicCounters consumed_;
  TopicCounters produced_;
  prometheus::Counter& dead_lettered_;
  prometheus::Counter& skipped_;
  size_t pending_dead_lettered_ = 0;  // in the open transaction (loop thread only)
  size_t pending_skipped_ = 0;
  prometheus::Family<prometheus::Histogram>& plugin_durations_;
  // One series per stage of the running chain, in chain order (a plugin twice in the chain:
  // the same series twice). Replaced, old series removed, when the chain changes.
  std::vector<prometheus::Histogram*> plugin_duration_;
  prometheus::Family<prometheus::Counter>& plugin_errors_;
  KafkaStatistics statistics_;
};

// The `reason` label of txform_transaction_aborts_total.
const char* abort_reason_label(engine::AbortReason reason);

}  // namespace txform::metrics
