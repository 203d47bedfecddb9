#include "app/generation_handoff.hpp"

#include <utility>

namespace txform::app {

void GenerationHandoff::offer(Offer next) {
  std::optional<Offer> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped = std::exchange(next_, std::move(next));
    pending_.store(true, std::memory_order_release);
  }
  // `dropped`'s plugin instances are destroyed here, outside the lock.
}

std::optional<GenerationHandoff::Offer> GenerationHandoff::take() {
  std::lock_guard lock(mutex_);
  pending_.store(false, std::memory_order_release);
  return std::exchange(next_, std::nullopt);
}

}  // namespace txform::app
