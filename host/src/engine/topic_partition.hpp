// The engine's one name for a partition, and for one record in it.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace txform::engine {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// One input record: where replays after an abort find what was decided about it.
struct RecordId {
  TopicPartition partition;
  int64_t offset = 0;
  auto operator<=>(const RecordId&) const = default;
};

}  // namespace txform::engine

template <>
struct std::hash<txform::engine::TopicPartition> {
  size_t operator()(const txform::engine::TopicPartition& key) const noexcept {
    return std::hash<std::string>()(key.topic) * 31 + static_cast<size_t>(key.partition);
  }
};
