// Plugin reload metrics: reloads done and refused, their duration, and txform_plugin_info
// following the generation that runs.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace txform::metrics {

struct PluginLabels {
  std::string name;
  std::string version;
  std::string abi;  // "major.minor"
};

class ReloadMetrics {
 public:
  // Registers the reload metrics and txform_plugin_info with the plugins loaded at start.
  ReloadMetrics(prometheus::Registry& registry, const std::vector<PluginLabels>& plugins);

  // A new generation passed validation and was handed to the workers.
  void validated(const std::vector<PluginLabels>& plugins);
  // Every worker runs the new generation, `took` after the request.
  void switched(std::chrono::duration<double> took);
  void failed();

 private:
  void set_plugins(const std::vector<PluginLabels>& plugins);

  prometheus::Family<prometheus::Gauge>& plugin_info_;
  prometheus::Counter& reloads_;
  prometheus::Counter& failures_;
  prometheus::Histogram& duration_;
  std::mutex mutex_;  // validated() runs on the signal thread, set_plugins() at start
  std::vector<prometheus::Gauge*> plugin_gauges_;
};

}  // namespace txform::metrics
