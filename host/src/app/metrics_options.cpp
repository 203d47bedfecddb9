#include "app/metrics_options.hpp"

#include <string>

namespace txform::app {
namespace {

// /healthz fails at half the consumer's max.poll.interval.ms: well before the group evicts it.
std::chrono::milliseconds max_poll_silence(const config::PropertyList& consumer_properties) {
  long interval_ms = 300000;  // librdkafka's default
  if (const auto* property = config::find_property(consumer_properties, "max.poll.interval.ms")) {
    interval_ms = std::stol(property->value);
  }
  return std::chrono::milliseconds(interval_ms / 2);
}

}  // namespace

std::vector<metrics::PluginLabels> plugin_labels(const plugin::LoadedChain& chain) {
  std::vector<metrics::PluginLabels> labels;
  for (const auto& info : chain.plugins()) {
    labels.push_back({info.name, info.version,
                      std::to_string(info.abi_major) + "." + std::to_string(info.abi_minor)});
  }
  return labels;
}

metrics::EndpointOptions metrics_options(const config::v1::Config& config,
                                         const std::vector<engine::EngineOptions>& workers,
                                         const plugin::LoadedChain& chain) {
  metrics::EndpointOptions options;
  options.listen = config.metrics().listen();
  options.workers = static_cast<int>(workers.size());
  options.plugins = plugin_labels(chain);
  options.max_poll_silence = max_poll_silence(workers.at(0).consumer_properties);
  return options;
}

}  // namespace txform::app
