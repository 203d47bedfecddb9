// Where a partition starts, and what an out-of-range fetch offset leads to: never a re-read of
// records the group committed, never a silent skip.
#include "engine/start_offsets.hpp"

#include <gtest/gtest.h>

#include "kafka/handles.hpp"

namespace txform::engine {
namespace {

using Kind = OutOfRangeDecision::Kind;

TEST(StartPolicy, OnlyNeverCommittedPartitionsFollowThePolicy) {
  kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(2));
  rd_kafka_topic_partition_list_add(list.get(), "in", 0)->offset = 42;
  rd_kafka_topic_partition_list_add(list.get(), "in", 1)->offset = RD_KAFKA_OFFSET_INVALID;
  apply_start_policy(list.get(), StartPolicy::kEarliest);
  EXPECT_EQ(list->elems[0].offset, 42);
  EXPECT_EQ(list->elems[1].offset, RD_KAFKA_OFFSET_BEGINNING);

  list->elems[1].offset = RD_KAFKA_OFFSET_INVALID;
  apply_start_policy(list.get(), StartPolicy::kLatest);
  EXPECT_EQ(list->elems[0].offset, 42);
  EXPECT_EQ(list->elems[1].offset, RD_KAFKA_OFFSET_END);
}

TEST(OutOfRange, CommittedOffsetInsideTheLogIsWhereTheGroupRestarts) {
  const auto decision = decide_after_out_of_range(500, 0, 800, StartPolicy::kEarliest);
  EXPECT_EQ(decision.kind, Kind::kWithinLog);
  EXPECT_EQ(decision.start, 500);  // never 0: that would process 0..499 twice
  // At the very end of the log too.
  EXPECT_EQ(decide_after_out_of_range(800, 0, 800, StartPolicy::kEarliest).start, 800);
}

TEST(OutOfRange, LogEndingBeforeTheCommittedOffsetIsWaitedForNeverReRead) {
  const auto decision = decide_after_out_of_range(5010, 0, 4812, StartPolicy::kEarliest);
  EXPECT_EQ(decision.kind, Kind::kBehindLogEnd);
  EXPECT_EQ(decision.start, 5010);
  EXPECT_NE(decision.explanation.find("4812"), std::string::npos) << decision.explanation;
  EXPECT_NE(decision.explanation.find("5010"), std::string::npos) << decision.explanation;
}

TEST(OutOfRange, RecordsDeletedBeforeProcessingAreReportedAndThePolicyApplies) {
  auto decision = decide_after_out_of_range(100, 300, 900, StartPolicy::kEarliest);
  EXPECT_EQ(decision.kind, Kind::kDeletedUnread);
  EXPECT_EQ(decision.start, 300);
  EXPECT_NE(decision.explanation.find("100..299"), std::string::npos) << decision.explanation;
  decision = decide_after_out_of_range(100, 300, 900, StartPolicy::kLatest);
  EXPECT_EQ(decision.start, 900);
}

TEST(OutOfRange, NeverCommittedPartitionFollowsThePolicy) {
  EXPECT_EQ(decide_after_out_of_range(RD_KAFKA_OFFSET_INVALID, 10, 90, StartPolicy::kEarliest).kind,
            Kind::kNeverCommitted);
  EXPECT_EQ(
      decide_after_out_of_range(RD_KAFKA_OFFSET_INVALID, 10, 90, StartPolicy::kEarliest).start, 10);
  EXPECT_EQ(decide_after_out_of_range(RD_KAFKA_OFFSET_INVALID, 10, 90, StartPolicy::kLatest).start,
            90);
}

}  // namespace
}  // namespace txform::engine
