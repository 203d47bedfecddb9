// Stopping, killing and fencing txform mid-run: exactly-once across restarts.
#include <signal.h>

#include <chrono>
#include <iostream>

#include "pipeline_fixture.hpp"

namespace txform::testing {
namespace {

std::string value_of(int64_t seq) {
  return "v" + std::to_string(seq);
}

class Lifecycle : public PipelineTest {};

TEST_F(Lifecycle, SigtermCommitsAndExitsZeroThenRestartFinishes) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  const std::string txid = unique_name("txid");
  const std::string yaml = config("testkit", {{"delay_us", "200"}}, "", txid);
  {
    auto txform = start(yaml);
    ASSERT_TRUE(wait_for_output(3000)) << txform->output();
    txform->signal(SIGTERM);
    EXPECT_EQ(txform->wait(), 0) << txform->output();
    EXPECT_NE(txform->output().find("stopped cleanly"), std::string::npos) << txform->output();
  }
  auto restarted = start(yaml);
  expect_all_committed();
  restarted->signal(SIGTERM);
  EXPECT_EQ(restarted->wait(), 0) << restarted->output();
  expect_exactly_once_output(kCount, kCount);
}

TEST_F(Lifecycle, SigkillThenRestartLeavesAbortedRecordsOnlyToReadUncommitted) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  const std::string txid = unique_name("txid");
  {
    // One long transaction: the kill lands inside it, with every output so far uncommitted.
    auto txform = start(config("testkit", {{"delay_us", "200"}},
                               "commit: {interval_ms: 600000, max_records: 1000000}\n"
                               "transaction_timeout_ms: 900000\n",
                               txid));
    ASSERT_TRUE(wait_for_output(4000)) << txform->output();
    txform->signal(SIGKILL);
    EXPECT_EQ(txform->wait(), 128 + SIGKILL);
  }
  EXPECT_TRUE(read_topic(output_, partitions_, "read_committed").empty());
  // Same identity: init_transactions fences the killed instance and aborts its transaction.
  auto restarted = start(config("testkit", {}, "", txid));
  expect_all_committed();
  restarted->signal(SIGTERM);
  EXPECT_EQ(restarted->wait(), 0) << restarted->output();
  expect_exactly_once_output(kCount, kCount);
  const auto everything = read_topic(output_, partitions_, "read_uncommitted");
  EXPECT_GE(static_cast<int64_t>(everything.size()), kCount + 4000)
      << "the killed transaction's records are in the log, aborted";
}

class SameIdentity : public PipelineTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(SameIdentity, SecondProcessWithSameTransactionalIdFencesTheFirst) {
  create_topics(3);
  constexpr int64_t kCount = 20000;
  produce_sequence(input_, partitions_, kCount, value_of);
  const std::string txid = unique_name("txid");
  const std::string yaml = config("testkit", {{"delay_us", "200"}},
                                  std::string("group_protocol: ") + GetParam() + "\n", txid);
  const bool kip848 = std::string(GetParam()) == "consumer";
  auto older = start(yaml);
  ASSERT_TRUE(wait_for_output(3000)) << older->output();
  auto newer = start(yaml);
  // The newer producer fences the older one (same transactional.id).
  EXPECT_EQ(older->wait(), 3) << "a fenced instance exits with the fatal code\n" << older->output();
  // Under KIP-848 the group refuses the newer consumer while the older member holds the same
  // group.instance.id (UNRELEASED_INSTANCE_ID, fatal, exit 3) instead of fencing the older one;
  // restarted, as a supervisor would, it is let in once the older member has left.
  int restarts = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!wait_for_committed(group_, input_, end_offsets(input_, partitions_),
                             std::chrono::seconds(1)) &&
         std::chrono::steady_clock::now() < deadline) {
    if (newer->running()) continue;
    ASSERT_TRUE(kip848) << "the newer instance stopped\n" << newer->output();
    EXPECT_EQ(newer->wait(), 3) << newer->output();
    EXPECT_NE(newer->output().find("instance ID is still used"), std::string::npos)
        << newer->output();
    ASSERT_LT(++restarts, 5) << newer->output();
    newer = start(yaml);
  }
  expect_all_committed();
  newer->signal(SIGTERM);
  EXPECT_EQ(newer->wait(), 0) << newer->output();
  expect_exactly_once_output(kCount, kCount);
  std::cout << "[ same identity ] group_protocol " << GetParam() << ": " << restarts
            << " restarts of the newer instance\n";
}

INSTANTIATE_TEST_SUITE_P(, SameIdentity, ::testing::Values("classic", "consumer"),
                         [](const auto& param) { return std::string(param.param); });

}  // namespace
}  // namespace txform::testing
