#include "app/reloading_processor.hpp"

#include <utility>

namespace txform::app {

ReloadingProcessor::ReloadingProcessor(std::unique_ptr<PluginProcessor> first,
                                       std::shared_ptr<GenerationHandoff> handoff, int worker,
                                       Switched on_switched)
    : current_(std::move(first)),
      description_(current_->describe()),
      handoff_(std::move(handoff)),
      worker_(worker),
      on_switched_(std::move(on_switched)) {}

void ReloadingProcessor::switch_generation() {
  auto next = handoff_->take();
  if (!next || !next->processor) return;
  // Swap first, then let the old chain go: its instances are destroyed before its libraries.
  std::swap(current_, next->processor);
  description_ = current_->describe();
  next->processor.reset();
  if (on_switched_) on_switched_(worker_, next->generation, next->requested);
}

}  // namespace txform::app
