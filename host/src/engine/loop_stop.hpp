// How a worker's loop is stopped: the levels the process sets from outside, the exceptions that
// leave the loop from inside (shared by the loop's files), and waiting that a stop cuts short.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace txform::engine {

// Shared by every worker of a process: 0 run, 1 stop cleanly (commit), 2 stop now (abort).
enum StopLevel : int { kRunning = 0, kStopCleanly = 1, kStopNow = 2 };

// Leaves the loop with an exit code. Thrown only on the loop's own thread, never through a
// librdkafka callback (callbacks park it in pending_stop_).
struct Stop {
  int exit_code;
  std::string reason;
};

// A stop was requested while retrying something a leaving worker can do without.
struct StopRequested {};

constexpr int kCallTimeoutMs = 30000;  // one transactional API call; retried when retriable
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);

// Sleeps for `duration`, waking early when `stop` says stop now.
inline void sleep_unless_stopped(const std::atomic<int>& stop, std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until && stop.load() != kStopNow) {
    std::this_thread::sleep_for(std::min(duration, std::chrono::milliseconds(50)));
  }
}

}  // namespace txform::engine
