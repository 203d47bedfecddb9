#include "metrics/kafka_statistics.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "metrics/names.hpp"

namespace txform::metrics {
namespace {

using nlohmann::json;

template <typename T>
auto& family(prometheus::Registry& registry, const MetricName& name) {
  if constexpr (std::is_same_v<T, prometheus::Gauge>) {
    return prometheus::BuildGauge().Name(name.name).Help(name.help).Register(registry);
  } else {
    return prometheus::BuildCounter().Name(name.name).Help(name.help).Register(registry);
  }
}

int64_t integer(const json& object, const char* key, int64_t otherwise = -1) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<int64_t>() : otherwise;
}

}  // namespace

KafkaStatistics::KafkaStatistics(prometheus::Registry& registry, prometheus::Labels base)
    : base_(std::move(base)),
      lag_(family<prometheus::Gauge>(registry, names::kConsumerLag)),
      assigned_(family<prometheus::Gauge>(registry, names::kAssignedPartitions).Add(base_)),
      rebalances_(family<prometheus::Counter>(registry, names::kRebalances).Add(base_)),
      queue_messages_(
          family<prometheus::Gauge>(registry, names::kProducerQueueMessages).Add(base_)),
      queue_bytes_(family<prometheus::Gauge>(registry, names::kProducerQueueBytes).Add(base_)),
      rtt_(family<prometheus::Gauge>(registry, names::kBrokerRtt)),
      txn_state_(family<prometheus::Gauge>(registry, names::kTransactionState)),
      epoch_(family<prometheus::Gauge>(registry, names::kProducerEpoch).Add(base_)) {}

prometheus::Labels KafkaStatistics::with(
    std::initializer_list<prometheus::Labels::value_type> extra) const {
  prometheus::Labels labels = base_;
  labels.insert(extra.begin(), extra.end());
  return labels;
}

void KafkaStatistics::update(bool consumer, std::string_view text) {
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return;
  if (consumer) {
    update_consumer(document);
  } else {
    update_producer(document);
  }
}

void KafkaStatistics::update_consumer(const json& document) {
  if (const auto cgrp = document.find("cgrp"); cgrp != document.end() && cgrp->is_object()) {
    assigned_.Set(static_cast<double>(std::max<int64_t>(0, integer(*cgrp, "assignment_size", 0))));
    // librdkafka counts since start: the counter follows it.
    const auto total = static_cast<double>(integer(*cgrp, "rebalance_cnt", 0));
    if (total > rebalances_seen_) rebalances_.Increment(total - rebalances_seen_);
    rebalances_seen_ = std::max(rebalances_seen_, total);
  }
  std::set<std::pair<std::string, std::string>> seen;
  if (const auto topics = document.find("topics");
      topics != document.end() && topics->is_object()) {
    for (const auto& [topic, info] : topics->items()) {
      const auto partitions = info.find("partitions");
      if (partitions == info.end() || !partitions->is_object()) continue;
      for (const auto& [partition, p] : partitions->items()) {
        if (partition == "-1" || !p.value("desired", false)) continue;  // not assigned to us
        // read_committed: what is left to read ends at the last stable offset.
        const int64_t end = integer(p, "ls_offset");
        const int64_t position = integer(p, "app_offset");
        int64_t lag = end >= 0 && position >= 0 ? std::max<int64_t>(0, end - position)
                                                : integer(p, "consumer_lag");
        if (lag < 0) continue;  // not known yet
        const auto key = std::make_pair(topic, partition);
        seen.insert(key);
        auto& series = lag_series_[key];
        if (series == nullptr)
          series = &lag_.Add(with({{"topic", topic}, {"partition", partition}}));
        series->Set(static_cast<double>(lag));
      }
    }
  }
  for (auto it = lag_series_.begin(); it != lag_series_.end();) {
    if (seen.count(it->first) != 0) {
      ++it;
      continue;
    }
    lag_.Remove(it->second);
    it = lag_series_.erase(it);
  }
  update_brokers(document, "consumer");
}

void KafkaStatistics::update_producer(const json& document) {
  queue_messages_.Set(static_cast<double>(std::max<int64_t>(0, integer(document, "msg_cnt", 0))));
  queue_bytes_.Set(static_cast<double>(std::max<int64_t>(0, integer(document, "msg_size", 0))));
  if (const auto eos = document.find("eos"); eos != document.end() && eos->is_object()) {
    const std::string state = eos->value("txn_state", "");
    if (!state.empty()) {
      if (state_series_.empty()) {  // the whole state set, so a dashboard sees every 0 too
        for (const char* known : kTransactionStates)
          state_series_[known] = &txn_state_.Add(with({{"state", known}}));
      }
      auto& current = state_series_[state];
      if (current == nullptr) current = &txn_state_.Add(with({{"state", state}}));
      for (auto& [name, gauge] : state_series_)
        gauge->Set(name == state ? 1 : 0);
    }
    const int64_t epoch = integer(*eos, "producer_epoch");
    if (epoch >= 0) epoch_.Set(static_cast<double>(epoch));
  }
  update_brokers(document, "producer");
}

void KafkaStatistics::update_brokers(const json& document, const char* client) {
  const auto brokers = document.find("brokers");
  if (brokers == document.end() || !brokers->is_object()) return;
  for (const auto& [name, broker] : brokers->items()) {
    const int64_t node = integer(broker, "nodeid");
    if (node < 0) continue;  // bootstrap connections: replaced by the real brokers
    const auto rtt = broker.find("rtt");
    if (rtt == broker.end() || !rtt->is_object()) continue;
    const int64_t avg_us = integer(*rtt, "avg", 0);
    const auto key = std::make_pair(std::string(client), std::to_string(node));
    auto& series = rtt_series_[key];
    if (series == nullptr)
      series = &rtt_.Add(with({{"client", key.first}, {"broker", key.second}}));
    // librdkafka reports microseconds; 0 means no request in the window: keep the last value.
    if (avg_us > 0) series->Set(static_cast<double>(avg_us) / 1e6);
  }
}

}  // namespace txform::metrics
