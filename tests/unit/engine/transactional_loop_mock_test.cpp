// The transactional loop against librdkafka's mock cluster, without faults: transactions begin
// lazily, commit on each bound, carry the right offsets, and follow the stop levels.
#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"
#include "mock_harness.hpp"

namespace txform::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

class TransactionalLoopMock : public MockLoopTest {};

TEST_F(TransactionalLoopMock, EveryInputIsCommittedExactlyOnceWithItsOffsets) {
  constexpr int kInputs = 400;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  // 0, 1 or 2 outputs per input.
  FakeProcessor processor(*journal_, [](int i) { return Script{.outputs = i % 3}; });

  EXPECT_EQ(run_until(options(), processor, [&] { return all_committed(kInputs); }), kExitOk);

  expect_exactly_once(kInputs, [](int i) { return i % 3; });
  expect_offsets_at_end(kInputs);
  journal_->read([&] {
    EXPECT_EQ(journal_->aborts(), 0);
    EXPECT_EQ(journal_->on_abort_calls, 0);
    EXPECT_EQ(journal_->on_commit_calls, journal_->commits());
    // Fresh group metadata for every offsets call.
    EXPECT_EQ(journal_->group_metadata_calls, journal_->send_offsets_calls);
    for (const auto& transaction : journal_->transactions) {
      EXPECT_TRUE(transaction.committed);
      EXPECT_GT(transaction.records, 0u) << "an empty transaction was begun";
      // Committed offset = last processed + 1, for every partition the transaction consumed.
      PartitionOffsets next;
      for (const auto& [partition, last] : transaction.processed)
        next[partition] = last + 1;
      EXPECT_EQ(transaction.offsets, next);
    }
  });
}

// A commit bound other than the interval, set so that every 10th record reaches it.
struct CommitBound {
  const char* name;
  void (*set)(engine::EngineOptions&);
};

class TransactionalLoopCommitBounds : public MockLoopTest,
                                      public ::testing::WithParamInterface<CommitBound> {};

TEST_P(TransactionalLoopCommitBounds, CommitsWhenTheBoundIsReached) {
  constexpr int kInputs = 100;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  auto opts = options();
  opts.commit_interval = hours(1);  // only the bound under test can commit
  GetParam().set(opts);

  EXPECT_EQ(run_until(opts, processor, [&] { return all_committed(kInputs); }), kExitOk);

  expect_exactly_once(kInputs, [](int) { return 1; });
  journal_->read([&] {
    EXPECT_EQ(journal_->commits(), 10);
    for (const auto& transaction : journal_->transactions)
      EXPECT_EQ(transaction.records, 10u);
  });
}

INSTANTIATE_TEST_SUITE_P(
    , TransactionalLoopCommitBounds,
    ::testing::Values(
        CommitBound{"MaxRecords",
                    [](engine::EngineOptions& opts) { opts.commit_max_records = 10; }},
        // Inputs are 6 + 100 bytes (key + value): the 10th record crosses 1000.
        CommitBound{"MaxBytes", [](engine::EngineOptions& opts) { opts.commit_max_bytes = 1000; }}),
    [](const ::testing::TestParamInfo<CommitBound>& param) {
      return std::string(param.param.name);
    });

TEST_F(TransactionalLoopMock, BeginsLazilyAndCommitsOnTheInterval) {
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EngineThread engine(*journal_, options(), processor,
                      log_);  // 20 ms interval, no other bound reachable

  // Idle with its partitions assigned for several poll rounds (each up to 100 ms, many
  // commit intervals): no transaction may begin without a record.
  ASSERT_TRUE(journal_->wait_until([&] { return journal_->logged("assigned 2 partitions"); }));
  int polls = journal_->consumer_polls.load();
  ASSERT_TRUE(journal_->wait_until([&] { return journal_->consumer_polls.load() >= polls + 5; }));
  EXPECT_TRUE(journal_->read([&] { return journal_->transactions.empty(); }));

  constexpr int kInputs = 200;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  // Nothing but the interval can commit these.
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs); }));

  // Idle again: the engine must not have left a transaction open nor begun an empty one.
  polls = journal_->consumer_polls.load();
  ASSERT_TRUE(journal_->wait_until([&] { return journal_->consumer_polls.load() >= polls + 5; }));
  journal_->read([&] {
    EXPECT_EQ(journal_->open, -1);
    for (const auto& transaction : journal_->transactions)
      EXPECT_GT(transaction.records, 0u);
  });

  stop_and_expect_each_once(engine, kInputs);
}

TEST_F(TransactionalLoopMock, StopCommitsTheOpenTransaction) {
  constexpr int kInputs = 50;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  auto opts = options();
  opts.commit_interval = hours(1);  // everything stays in one open transaction

  const int code = run_until(
      opts, processor,
      [&] { return journal_->process_calls.size() == static_cast<size_t>(kInputs); },
      engine::kStopCleanly);

  EXPECT_EQ(code, kExitOk);
  EXPECT_EQ(journal_->commits(), 1);
  EXPECT_EQ(journal_->aborts(), 0);
  expect_exactly_once(kInputs, [](int) { return 1; });
  expect_offsets_at_end(kInputs);
}

TEST_F(TransactionalLoopMock, SecondStopAbortsTheOpenTransaction) {
  constexpr int kInputs = 50;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  auto opts = options();
  opts.commit_interval = hours(1);

  const int code = run_until(
      opts, processor,
      [&] { return journal_->process_calls.size() == static_cast<size_t>(kInputs); },
      engine::kStopNow);

  EXPECT_EQ(code, kExitForced);
  EXPECT_EQ(journal_->commits(), 0);
  EXPECT_EQ(journal_->aborts(), 1);
  EXPECT_EQ(journal_->read([&] { return journal_->on_abort_calls; }), 1);
  expect_exactly_once(kInputs, [](int) { return 0; });
  for (int64_t offset : group_committed(*cluster_, group_, input_, kInputPartitions)) {
    EXPECT_EQ(offset, RD_KAFKA_OFFSET_INVALID);
  }
}

TEST_F(TransactionalLoopMock, RestartResumesAfterTheCommittedOffsets) {
  constexpr int kFirst = 100;
  constexpr int kInputs = 200;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kFirst);
  {
    FakeProcessor processor(*journal_, [](int) { return Script{}; });
    EXPECT_EQ(run_until(options(), processor, [&] { return all_committed(kFirst); }), kExitOk);
  }
  produce_inputs(*cluster_, input_, kInputPartitions, kFirst, kInputs - kFirst);
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EXPECT_EQ(run_until(options(), processor, [&] { return all_committed(kInputs); }), kExitOk);

  expect_exactly_once(kInputs, [](int) { return 1; });
  expect_offsets_at_end(kInputs);
  journal_->read([&] {
    // The second run started exactly where the first one's last commit ended.
    for (int i = 0; i < kInputs; ++i)
      EXPECT_EQ(journal_->process_calls[i], 1) << "input " << i;
  });
}

}  // namespace
}  // namespace txform::testing
