// The open transaction's next offset to commit per input partition, updated once per record.
// A flat list searched from the partition the last record came from: a worker reads at most a
// few dozen partitions, and the per-record path builds no string and hashes nothing. Partition
// names are compared only at commit time.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/topic_partition.hpp"
#include "kafka/handles.hpp"

namespace txform::engine {

class InputOffsets {
 public:
  // Records that `offset` was processed.
  void processed(rd_kafka_topic_t* topic, int32_t partition, int64_t offset) {
    if (last_ < entries_.size() && entries_[last_].topic == topic &&
        entries_[last_].partition == partition) {
      entries_[last_].next = offset + 1;
      return;
    }
    for (last_ = 0; last_ < entries_.size(); ++last_) {
      if (entries_[last_].topic == topic && entries_[last_].partition == partition) {
        entries_[last_].next = offset + 1;
        return;
      }
    }
    entries_.push_back({topic, partition, offset + 1});  // last_ is its index
  }

  // The next offset to commit for `partition`, when a record of it was processed.
  std::optional<int64_t> next(const TopicPartition& partition) const;
  // The offsets to commit, each stamped with the plugin `chain` that produced the range ending
  // there (offset_metadata.hpp: `txform describe` shows it).
  kafka::PartitionListPtr to_list(std::string chain) const;

  bool empty() const { return entries_.empty(); }
  // Keeps the capacity: the next transaction reads the same partitions.
  void clear() {
    entries_.clear();
    last_ = 0;
  }

 private:
  struct Entry {
    rd_kafka_topic_t* topic;  // the consumer's handle: one per topic for the consumer's life
    int32_t partition;
    int64_t next;  // last processed offset + 1
  };

  std::vector<Entry> entries_;
  size_t last_ = 0;  // where the last record's partition is
};

}  // namespace txform::engine
