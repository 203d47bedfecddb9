// librdkafka's statistics JSON (statistics.interval.ms) turned into gauges in base units.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace txform::metrics {

class KafkaStatistics {
 public:
  // `base` labels (the worker's) go on every series.
  KafkaStatistics(prometheus::Registry& registry, prometheus::Labels base);

  // One statistics document of the worker's consumer or producer. A document that does not
  // parse is ignored (the next one comes in statistics.interval.ms).
  void update(bool consumer, std::string_view json);

 private:
  void update_consumer(const nlohmann::json& document);
  void update_producer(const nlohmann::json& document);
  void update_brokers(const nlohmann::json& document, const char* client);
  prometheus::Labels with(std::initializer_list<prometheus::Labels::value_type> extra) const;

  prometheus::Labels base_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Gauge& assigned_;
  prometheus::Counter& rebalances_;
  prometheus::Gauge& queue_messages_;
  prometheus::Gauge& queue_bytes_;
  prometheus::Family<prometheus::Gauge>& rtt_;
  prometheus::Family<prometheus::Gauge>& txn_state_;
  prometheus::Gauge& epoch_;
  double rebalances_seen_ = 0;
  // Series that exist now, so partitions that went away are removed, not left stale.
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> lag_series_;
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> rtt_series_;
  std::map<std::string, prometheus::Gauge*> state_series_;
};

}  // namespace txform::metrics
