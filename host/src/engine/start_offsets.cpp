#include "engine/start_offsets.hpp"

#include <fmt/format.h>

namespace txform::engine {

void apply_start_policy(rd_kafka_topic_partition_list_t* partitions, StartPolicy policy) {
  for (int i = 0; i < partitions->cnt; ++i) {
    auto& partition = partitions->elems[i];
    if (partition.offset != RD_KAFKA_OFFSET_INVALID) continue;
    partition.offset =
        policy == StartPolicy::kEarliest ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
  }
}

OutOfRangeDecision decide_after_out_of_range(int64_t committed, int64_t low, int64_t high,
                                             StartPolicy policy) {
  using Kind = OutOfRangeDecision::Kind;
  const int64_t by_policy = policy == StartPolicy::kEarliest ? low : high;
  const char* policy_name = policy == StartPolicy::kEarliest ? "earliest" : "latest";
  if (committed < 0) {
    return {Kind::kNeverCommitted, by_policy,
            fmt::format("no committed offset: starting at {} ({})", by_policy, policy_name)};
  }
  if (committed < low) {
    return {Kind::kDeletedUnread, by_policy,
            fmt::format("records {}..{} were deleted (retention) before they were processed; "
                        "starting at {} ({})",
                        committed, low - 1, by_policy, policy_name)};
  }
  if (committed <= high) {
    return {
        Kind::kWithinLog, committed,
        fmt::format("restarting from the committed offset {} (log {}..{})", committed, low, high)};
  }
  // Going back would process committed records twice; jumping to the end could skip records
  // that are still being recovered. A new leader may still be catching up: wait and retry.
  return {Kind::kBehindLogEnd, committed,
          fmt::format("the log ends at {} before the committed offset {}: records were lost on "
                      "the broker (unclean leader election?) or its leader is recovering; "
                      "waiting, never re-reading",
                      high, committed)};
}

}  // namespace txform::engine
