#include "metrics/worker_health.hpp"

namespace txform::metrics {

HealthAnswer liveness(const std::vector<const WorkerHealth*>& workers,
                      std::chrono::steady_clock::time_point now,
                      std::chrono::milliseconds max_silence) {
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  for (const auto* worker : workers) {
    if (worker->stopped.load()) return {503, worker->name + " has stopped"};
    const int64_t last = worker->last_poll_ns.load(std::memory_order_relaxed);
    if (last == 0) continue;  // still starting: readiness says so
    const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::nanoseconds(now_ns - last));
    if (silent > max_silence) {
      return {503, worker->name + " has not polled for " + std::to_string(silent.count()) +
                       " ms (limit " + std::to_string(max_silence.count()) + " ms)"};
    }
  }
  return {};
}

HealthAnswer readiness(const std::vector<const WorkerHealth*>& workers) {
  for (const auto* worker : workers) {
    if (worker->stopped.load()) return {503, worker->name + " has stopped"};
    if (!worker->producer_ready.load()) {
      return {503, worker->name + ": transactional producer not initialised yet"};
    }
    if (!worker->joined.load()) return {503, worker->name + ": consumer has not joined its group"};
  }
  return {};
}

}  // namespace txform::metrics
