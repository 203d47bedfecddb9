// The engine against the real broker: exact counts through the real txform binary.
#include <signal.h>

#include "pipeline_fixture.hpp"
#include "txform/dead_letter.pb.h"

namespace txform::testing {
namespace {

std::string value_of(int64_t seq) {
  return "v" + std::to_string(seq) + std::string(90, '.');
}

class ExactlyOnce : public PipelineTest {};

TEST_F(ExactlyOnce, PassthroughHundredThousandRecordsKeepsCountAndOrder) {
  create_topics(6);
  constexpr int64_t kCount = 100000;
  produce_sequence(input_, partitions_, kCount, value_of);
  auto txform = start(config("passthrough"));
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  const auto outputs = expect_exactly_once_output(kCount, kCount);
  for (const auto& record : outputs) {
    ASSERT_EQ(record.value, value_of(parse_sequence_key(record.key))) << "passthrough changed it";
  }
}

TEST_F(ExactlyOnce, PluginRetryAbortsAndReplaysWithoutDuplicates) {
  create_topics(3);
  constexpr int64_t kCount = 5000;
  produce_sequence(input_, partitions_, kCount, value_of);
  auto txform = start(config("testkit", {{"retry_every", "499"}, {"retry_times", "2"}},
                             "error_policy: {max_retries: 3, retry_backoff_ms: 10}\n"));
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  EXPECT_NE(txform->output().find("asked to retry"), std::string::npos) << "no retry happened";
  const auto outputs = expect_exactly_once_output(kCount, kCount);
  for (const auto& record : outputs) {
    ASSERT_EQ(record.value, "out:" + value_of(parse_sequence_key(record.key)));
  }
}

TEST_F(ExactlyOnce, SecondInstanceJoiningAndLeavingKeepsExactlyOnce) {
  create_topics(6);
  constexpr int64_t kCount = 30000;
  produce_sequence(input_, partitions_, kCount, value_of);
  // Without static membership a leaving member gives its partitions back at once.
  const std::string extra = "static_membership: false\n";
  auto first = start(config("testkit", {{"delay_us", "100"}}, extra));
  ASSERT_TRUE(wait_for_output(2000)) << first->output();
  auto second = start(config("testkit", {{"delay_us", "100"}}, extra));
  ASSERT_TRUE(second->wait_for_log("assigned")) << second->output();
  ASSERT_TRUE(wait_for_output(12000)) << second->output();
  second->signal(SIGTERM);
  EXPECT_EQ(second->wait(), 0) << second->output();
  expect_all_committed();
  first->signal(SIGTERM);
  EXPECT_EQ(first->wait(), 0) << first->output();
  expect_exactly_once_output(kCount, kCount);
}

TEST_F(ExactlyOnce, PoisonRecordsGoToTheDeadLetterTopicExactlyOnce) {
  create_topics(3);
  constexpr int64_t kCount = 5000;
  auto poisoned = [](int64_t seq) { return seq % 100 == 7; };
  produce_sequence(input_, partitions_, kCount, [&](int64_t seq) {
    return poisoned(seq) ? "poison-" + std::to_string(seq) : value_of(seq);
  });
  auto txform = start(
      config("testkit", {},
             "error_policy: {on_record_error: dead_letter, dead_letter_topic: " + dlq_ + "}\n"));
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();

  const auto outputs = expect_exactly_once_output(kCount, kCount - kCount / 100);
  for (const auto& record : outputs) {
    EXPECT_FALSE(poisoned(parse_sequence_key(record.key))) << record.key << " is in both";
  }
  const auto letters = read_topic(dlq_, 1, "read_committed");
  ASSERT_EQ(static_cast<int64_t>(letters.size()), kCount / 100);
  std::set<int64_t> seen;
  for (const auto& record : letters) {
    txform::v1::DeadLetter letter;
    ASSERT_TRUE(letter.ParseFromString(record.value));
    const int64_t seq = parse_sequence_key(letter.key());
    EXPECT_TRUE(poisoned(seq)) << letter.key();
    EXPECT_TRUE(seen.insert(seq).second) << "dead-lettered twice: " << seq;
    EXPECT_EQ(letter.value(), "poison-" + std::to_string(seq));
    EXPECT_EQ(letter.source_topic(), input_);
    EXPECT_EQ(letter.source_partition(), seq % partitions_);
    EXPECT_EQ(letter.status(), "RECORD_ERROR");
    EXPECT_EQ(letter.message(), "poison record");
    EXPECT_EQ(letter.plugin(), "testkit@1.0.0");
  }
}

TEST_F(ExactlyOnce, TwoWorkersInOneProcessShareTheWorkExactlyOnce) {
  create_topics(6);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  // Slow enough that the second worker joins the group long before the input runs out.
  auto txform =
      start(config("testkit", {{"delay_us", "100"}}, "workers: 2\nlog: {format: json}\n"));
  // Each worker is its own group member with its own transactional.id, <id>-0 and <id>-1.
  EXPECT_TRUE(txform->wait_for_log("-0\",\"msg\":\"assigned")) << txform->output();
  EXPECT_TRUE(txform->wait_for_log("-1\",\"msg\":\"assigned")) << txform->output();
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  expect_exactly_once_output(kCount, kCount);
}

TEST_F(ExactlyOnce, AtLeastOnceModeDeliversEveryRecord) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  auto txform = start(config("passthrough", {}, "processing_guarantee: at_least_once\n"));
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  EXPECT_NE(txform->output().find("at-least-once"), std::string::npos);
  // Without a crash nothing is duplicated either; the guarantee itself is only "no loss".
  const auto outputs = read_topic(output_, partitions_, "read_committed");
  EXPECT_TRUE(check_exactly_once(kCount, partitions_, outputs).missing.empty());
  EXPECT_EQ(static_cast<int64_t>(outputs.size()), kCount);
}

}  // namespace
}  // namespace txform::testing
