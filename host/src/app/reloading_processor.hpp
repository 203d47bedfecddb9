// A worker's RecordProcessor that can change plugin generation between two transactions.
#pragma once

#include <functional>
#include <memory>

#include "app/generation_handoff.hpp"
#include "app/plugin_processor.hpp"
#include "engine/record_processor.hpp"

namespace txform::app {

class ReloadingProcessor final : public engine::RecordProcessor {
 public:
  // Called on the worker's thread once it runs `generation`.
  using Switched = std::function<void(int worker, uint64_t generation,
                                      GenerationHandoff::Clock::time_point requested)>;

  ReloadingProcessor(std::unique_ptr<PluginProcessor> first,
                     std::shared_ptr<GenerationHandoff> handoff, int worker, Switched on_switched);

  engine::ProcessOutcome process(const rd_kafka_message_t& input,
                                 engine::OutputWriter& out) override {
    return current_->process(input, out);
  }
  engine::ProcessOutcome process_timed(const rd_kafka_message_t& input, engine::OutputWriter& out,
                                       std::span<std::chrono::nanoseconds> took) override {
    return current_->process_timed(input, out, took);
  }
  engine::ProcessOutcome flush(engine::OutputWriter& out) override { return current_->flush(out); }
  engine::ProcessOutcome on_commit() override { return current_->on_commit(); }
  engine::ProcessOutcome on_abort() override { return current_->on_abort(); }
  std::string describe() const override { return description_; }
  std::vector<std::string> plugins() const override { return current_->plugins(); }
  bool generation_pending() const override { return handoff_->pending(); }
  // The open transaction has ended: the old instances are destroyed (their libraries unload
  // with the last instance of every worker) and the new ones run from the next record on.
  void switch_generation() override;

 private:
  std::unique_ptr<PluginProcessor> current_;
  std::string description_;  // current_->describe(), read on every commit
  std::shared_ptr<GenerationHandoff> handoff_;
  int worker_;
  Switched on_switched_;
};

}  // namespace txform::app
