#include "metrics/reload_metrics.hpp"

#include "metrics/names.hpp"

namespace txform::metrics {

ReloadMetrics::ReloadMetrics(prometheus::Registry& registry,
                             const std::vector<PluginLabels>& plugins)
    : plugin_info_(prometheus::BuildGauge()
                       .Name(names::kPluginInfo.name)
                       .Help(names::kPluginInfo.help)
                       .Register(registry)),
      reloads_(prometheus::BuildCounter()
                   .Name(names::kPluginReloads.name)
                   .Help(names::kPluginReloads.help)
                   .Register(registry)
                   .Add({})),
      failures_(prometheus::BuildCounter()
                    .Name(names::kPluginReloadFailures.name)
                    .Help(names::kPluginReloadFailures.help)
                    .Register(registry)
                    .Add({})),
      duration_(prometheus::BuildHistogram()
                    .Name(names::kPluginReloadDuration.name)
                    .Help(names::kPluginReloadDuration.help)
                    .Register(registry)
                    .Add({}, buckets::kReloadSeconds)) {
  set_plugins(plugins);
}

void ReloadMetrics::validated(const std::vector<PluginLabels>& plugins) {
  reloads_.Increment();
  set_plugins(plugins);
}

void ReloadMetrics::switched(std::chrono::duration<double> took) {
  duration_.Observe(took.count());
}

void ReloadMetrics::failed() {
  failures_.Increment();
}

void ReloadMetrics::set_plugins(const std::vector<PluginLabels>& plugins) {
  std::lock_guard lock(mutex_);
  for (auto* gauge : plugin_gauges_)
    plugin_info_.Remove(gauge);
  plugin_gauges_.clear();
  for (const auto& plugin : plugins) {
    auto& gauge =
        plugin_info_.Add({{"name", plugin.name}, {"version", plugin.version}, {"abi", plugin.abi}});
    gauge.Set(1);
    plugin_gauges_.push_back(&gauge);
  }
}

}  // namespace txform::metrics
