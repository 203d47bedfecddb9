#include "app/plugin_processor.hpp"

#include "kafka/headers.hpp"
#include "plugin/bytes.hpp"
#include "plugin/plugin_info.hpp"

namespace txform::app {
namespace {

// The chain's result, owned: its views last only until the chain's next call.
engine::ProcessOutcome to_outcome(const plugin::ProcessResult& result) {
  if (result.ok()) return {};
  return {result.status, std::string(result.message), std::string(result.plugin)};
}

}  // namespace

PluginProcessor::PluginProcessor(std::unique_ptr<plugin::PluginChain> chain)
    : chain_(std::move(chain)) {}

plugin::InputRecord PluginProcessor::begin(const rd_kafka_message_t& input,
                                           engine::OutputWriter& out) {
  // Zero-copy view of the consumed message: plugins read librdkafka's buffers directly.
  input_headers_.clear();
  kafka::for_each_header(input, [this](const char* name, const void* value, size_t size) {
    input_headers_.push_back(plugin::make_header(name, plugin::bytes_view(value, size)));
  });
  plugin::InputRecord record;
  record.topic = rd_kafka_topic_name(input.rkt);
  record.partition = input.partition;
  record.offset = input.offset;
  record.key = plugin::bytes_view(input.key, input.key_len);
  record.value = plugin::bytes_view(input.payload, input.len);
  record.headers = input_headers_;
  record.timestamp_ms = rd_kafka_message_timestamp(&input, nullptr);

  out_ = &out;
  // Outputs keep their input's timestamp unless a plugin sets one.
  input_timestamp_ms_ = record.timestamp_ms < 0 ? 0 : record.timestamp_ms;
  return record;
}

engine::ProcessOutcome PluginProcessor::process(const rd_kafka_message_t& input,
                                                engine::OutputWriter& out) {
  const auto result = chain_->process(begin(input, out), *this);
  out_ = nullptr;
  return to_outcome(result);
}

engine::ProcessOutcome PluginProcessor::process_timed(const rd_kafka_message_t& input,
                                                      engine::OutputWriter& out,
                                                      std::span<std::chrono::nanoseconds> took) {
  const auto result = chain_->process_timed(begin(input, out), *this, took);
  out_ = nullptr;
  return to_outcome(result);
}

engine::ProcessOutcome PluginProcessor::flush(engine::OutputWriter& out) {
  out_ = &out;
  input_timestamp_ms_ = 0;
  const auto result = chain_->flush(*this);
  out_ = nullptr;
  return to_outcome(result);
}

engine::ProcessOutcome PluginProcessor::on_commit() {
  return to_outcome(chain_->on_commit());
}

engine::ProcessOutcome PluginProcessor::on_abort() {
  return to_outcome(chain_->on_abort());
}

std::string PluginProcessor::describe() const {
  return plugin::join_labels(chain_->labels(), ",");
}

void PluginProcessor::write(const plugin::OutputRecord& record) {
  engine::OutputRecord output;
  if (record.topic) output.topic = *record.topic;
  if (record.partition) output.partition = *record.partition;
  output.key = record.key.data();
  output.key_len = record.key.size();
  output.value = record.value.data();
  output.value_len = record.value.size();
  output.timestamp_ms = record.timestamp_ms.value_or(input_timestamp_ms_);
  if (!record.headers.empty()) {
    output.headers = rd_kafka_headers_new(record.headers.size());
    for (const auto& header : record.headers) {
      rd_kafka_header_add(output.headers, header.key.data, static_cast<ssize_t>(header.key.size),
                          header.value.data, static_cast<ssize_t>(header.value.size));
    }
  }
  // A record that cannot be produced is remembered by the writer; the engine then applies the
  // error policy to the input record.
  out_->write(output);
}

}  // namespace txform::app
