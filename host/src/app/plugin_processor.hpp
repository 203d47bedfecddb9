// Connects a worker's plugin chain to the engine: Kafka messages in, producer records out.
#pragma once

#include <memory>
#include <vector>

#include "engine/output_writer.hpp"
#include "engine/record_processor.hpp"
#include "plugin/plugin_chain.hpp"

namespace txform::app {

class PluginProcessor final : public engine::RecordProcessor, private plugin::OutputSink {
 public:
  explicit PluginProcessor(std::unique_ptr<plugin::PluginChain> chain);

  engine::ProcessOutcome process(const rd_kafka_message_t& input,
                                 engine::OutputWriter& out) override;
  engine::ProcessOutcome process_timed(const rd_kafka_message_t& input, engine::OutputWriter& out,
                                       std::span<std::chrono::nanoseconds> took) override;
  engine::ProcessOutcome flush(engine::OutputWriter& out) override;
  engine::ProcessOutcome on_commit() override;
  engine::ProcessOutcome on_abort() override;
  std::string describe() const override;
  std::vector<std::string> plugins() const override { return chain_->labels(); }

 private:
  void write(const plugin::OutputRecord& record) override;
  // The chain's zero-copy view of `input`; remembers the call's writer and input timestamp.
  plugin::InputRecord begin(const rd_kafka_message_t& input, engine::OutputWriter& out);

  std::unique_ptr<plugin::PluginChain> chain_;
  // The call in progress: where outputs go and the input they inherit a timestamp from.
  engine::OutputWriter* out_ = nullptr;
  int64_t input_timestamp_ms_ = 0;
  std::vector<plugin::HeaderView> input_headers_;  // reused: no allocation once grown
};

}  // namespace txform::app
