#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "metrics/names.hpp"

namespace txform::metrics {
namespace {

prometheus::Gauge& gauge(prometheus::Registry& registry, const MetricName& name) {
  return prometheus::BuildGauge().Name(name.name).Help(name.help).Register(registry).Add({});
}

// Seconds since the epoch at which the system booted (/proc/stat btime).
double boot_time() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double value = 0;
  while (stat >> key) {
    if (key == "btime") {
      stat >> value;
      return value;
    }
    stat.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace

ProcessMetrics::ProcessMetrics(prometheus::Registry& registry)
    : cpu_seconds_(prometheus::BuildCounter()
                       .Name(names::kCpuSeconds.name)
                       .Help(names::kCpuSeconds.help)
                       .Register(registry)
                       .Add({})),
      resident_bytes_(gauge(registry, names::kResidentMemory)),
      virtual_bytes_(gauge(registry, names::kVirtualMemory)),
      open_fds_(gauge(registry, names::kOpenFds)),
      max_fds_(gauge(registry, names::kMaxFds)),
      start_time_(gauge(registry, names::kStartTime)) {
  refresh();
}

void ProcessMetrics::refresh() {
  // /proc/self/stat: the command name (field 2) may hold spaces; fields count from after ')'.
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    // Field 3 (state) is the first after ')': utime is 14, stime 15, starttime 22, vsize 23,
    // rss 24.
    double utime = 0, stime = 0, starttime = 0, vsize = 0, rss = 0;
    for (int index = 3; fields >> field && index <= 24; ++index) {
      if (index == 14) utime = std::stod(field);
      if (index == 15) stime = std::stod(field);
      if (index == 22) starttime = std::stod(field);
      if (index == 23) vsize = std::stod(field);
      if (index == 24) rss = std::stod(field);
    }
    const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double cpu = (utime + stime) / ticks;
    if (cpu > cpu_seen_) cpu_seconds_.Increment(cpu - cpu_seen_);
    cpu_seen_ = std::max(cpu_seen_, cpu);
    virtual_bytes_.Set(vsize);
    resident_bytes_.Set(rss * static_cast<double>(sysconf(_SC_PAGESIZE)));
    static const double boot = boot_time();
    start_time_.Set(boot + starttime / ticks);
  }
  std::error_code error;
  double fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++fds;
  }
  open_fds_.Set(fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds_.Set(static_cast<double>(limit.rlim_cur));
}

}  // namespace txform::metrics
