// The records a plugin chain reads and writes, as borrowed views, and the sink its outputs go to.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "plugin/abi.hpp"
#include "plugin/bytes.hpp"

namespace txform::plugin {

// A header as the ABI lays it out, so the engine's array is handed to plugins as is.
using HeaderView = txform_header;

// A header view; a value view whose data() is nullptr is a null header value. The key is
// never absent (plugin.h), so a key view without data becomes an empty key.
inline HeaderView make_header(std::string_view key, std::string_view value) noexcept {
  return HeaderView{{key.data() == nullptr ? "" : key.data(), key.size()}, abi_bytes(value)};
}

// One consumed record, borrowed (the engine fills it from an rd_kafka_message_t without
// copying). A key or value whose data() is nullptr is a Kafka null; empty is data() != nullptr.
struct InputRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;
  std::string_view value;
  std::span<const HeaderView> headers;
  int64_t timestamp_ms = TXFORM_TIMESTAMP_UNSET;  // as librdkafka reports: -1 when none
};

// One final output record, borrowed until OutputSink::write returns (copy it into librdkafka).
struct OutputRecord {
  std::optional<std::string_view> topic;  // nullopt: the pipeline's default output topic
  std::optional<int32_t> partition;       // nullopt: the producer's partitioner
  std::string_view key;                   // data() == nullptr: a null key
  std::string_view value;                 // data() == nullptr: a null value (a tombstone)
  std::span<const HeaderView> headers;    // a header value with data == NULL is null
  std::optional<int64_t> timestamp_ms;    // nullopt: the engine decides
};

// Receives a chain's final outputs, one call per record. write may throw: the chain turns the
// exception into a FATAL result (it never lets it unwind through a plugin).
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void write(const OutputRecord& record) = 0;
};

// An OutputSink over any callable taking const OutputRecord&.
template <class F>
class FunctionSink final : public OutputSink {
 public:
  explicit FunctionSink(F f) : f_(std::move(f)) {}
  void write(const OutputRecord& record) override { f_(record); }

 private:
  F f_;
};

}  // namespace txform::plugin
