// Hands one worker the next plugin generation: offered by the reloader on the signal thread,
// taken by the worker between two transactions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "app/plugin_processor.hpp"

namespace txform::app {

class GenerationHandoff {
 public:
  using Clock = std::chrono::steady_clock;
  struct Offer {
    std::unique_ptr<PluginProcessor> processor;
    uint64_t generation = 0;
    Clock::time_point requested;  // when the reload was asked for
  };

  // Replaces an offer the worker has not taken yet (that one never ran: it is dropped).
  void offer(Offer next);
  // Polled by the worker once per loop turn: one atomic load.
  bool pending() const noexcept { return pending_.load(std::memory_order_acquire); }
  std::optional<Offer> take();

 private:
  std::mutex mutex_;
  std::optional<Offer> next_;
  std::atomic<bool> pending_{false};
};

}  // namespace txform::app
