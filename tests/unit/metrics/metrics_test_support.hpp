// Reading values back out of a prometheus-cpp registry.
#pragma once

#include <prometheus/registry.h>

#include <map>
#include <optional>
#include <string>

namespace txform::testing {

// The value of a counter or gauge series, or a histogram's sample count / sum; nullopt when no
// series of `name` has exactly `labels`.
enum class Field { kValue, kCount, kSum };
inline std::optional<double> metric_value(prometheus::Registry& registry, const std::string& name,
                                          const std::map<std::string, std::string>& labels = {},
                                          Field field = Field::kValue) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> found;
      for (const auto& pair : metric.label)
        found[pair.name] = pair.value;
      if (found != labels) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return metric.counter.value;
        case prometheus::MetricType::Gauge:
          return metric.gauge.value;
        case prometheus::MetricType::Histogram:
          return field == Field::kSum ? metric.histogram.sample_sum
                                      : static_cast<double>(metric.histogram.sample_count);
        default:
          return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

}  // namespace txform::testing
