// What /healthz and /readyz know about one worker, written by its loop thread, read by HTTP
// threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace txform::metrics {

struct WorkerHealth {
  std::string name;                      // "worker 0", for the one-line reasons
  std::atomic<int64_t> last_poll_ns{0};  // steady clock; 0 before the first poll
  std::atomic<bool> producer_ready{false};
  std::atomic<bool> joined{false};  // received an assignment (possibly empty) at least once
  std::atomic<bool> stopped{false};
};

// 200 with "ok", or 503 with the first problem found, in one line.
struct HealthAnswer {
  int status = 200;
  std::string reason = "ok";
};

// Liveness: every worker is running and polled within `max_silence` (half max.poll.interval.ms:
// well before the group would evict it). Before its first poll a worker is starting, not dead.
HealthAnswer liveness(const std::vector<const WorkerHealth*>& workers,
                      std::chrono::steady_clock::time_point now,
                      std::chrono::milliseconds max_silence);

// Readiness: every worker's producer is initialised and its consumer has joined the group.
HealthAnswer readiness(const std::vector<const WorkerHealth*>& workers);

}  // namespace txform::metrics
