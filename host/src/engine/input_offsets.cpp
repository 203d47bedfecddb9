#include "engine/input_offsets.hpp"

#include "engine/offset_metadata.hpp"

namespace txform::engine {

std::optional<int64_t> InputOffsets::next(const TopicPartition& partition) const {
  for (const Entry& entry : entries_) {
    if (entry.partition == partition.partition &&
        partition.topic == rd_kafka_topic_name(entry.topic)) {
      return entry.next;
    }
  }
  return std::nullopt;
}

kafka::PartitionListPtr InputOffsets::to_list(std::string chain) const {
  kafka::PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(entries_.size())));
  const std::string metadata = offset_metadata(std::move(chain));
  for (const Entry& entry : entries_) {
    auto* partition = rd_kafka_topic_partition_list_add(
        list.get(), rd_kafka_topic_name(entry.topic), entry.partition);
    partition->offset = entry.next;
    set_offset_metadata(*partition, metadata);
  }
  return list;
}

}  // namespace txform::engine
