// Where a partition's consumption starts. The engine decides, never librdkafka's
// auto.offset.reset (which the engine sets to `error`): a reset to the beginning of a partition the
// group has already committed would process its records a second time.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>

namespace txform::engine {

// Where to start a partition the group has never committed (the auto_offset_reset setting).
enum class StartPolicy { kEarliest, kLatest };

// Partitions whose committed offset is RD_KAFKA_OFFSET_INVALID (never committed) start at the
// beginning or the end of the log, as the policy says. The others keep their committed offset.
void apply_start_policy(rd_kafka_topic_partition_list_t* partitions, StartPolicy policy);

// What to do when a fetch found its offset outside the partition's log [low, high).
struct OutOfRangeDecision {
  enum class Kind {
    kNeverCommitted,  // no committed offset: start as the policy says
    kDeletedUnread,   // retention deleted records the group never processed: start as the policy
                      // says
    kWithinLog,       // the committed offset is in the log (the fetch was ahead): restart from it
    kBehindLogEnd,    // the log ends before the committed offset: wait, never re-read
  };
  Kind kind;
  int64_t start;  // the offset to restart from (kBehindLogEnd: the committed offset, retried later)
  std::string explanation;
};

// `committed` is the group's committed offset (RD_KAFKA_OFFSET_INVALID if none); `low` and
// `high` the partition's log start and end offsets, as the broker reports them now.
OutOfRangeDecision decide_after_out_of_range(int64_t committed, int64_t low, int64_t high,
                                             StartPolicy policy);

}  // namespace txform::engine
