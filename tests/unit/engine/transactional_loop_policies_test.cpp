// What the loop does with records a plugin rejects: the error policies (skip, dead_letter,
// fail), bounded plugin RETRY, FATAL, and records that fail after writing part of their output.
#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"
#include "mock_harness.hpp"

namespace txform::testing {
namespace {

constexpr int kInputs = 200;

class TransactionalLoopPolicies : public MockLoopTest {
 protected:
  void SetUp() override {
    MockLoopTest::SetUp();
    produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  }
  engine::EngineOptions options_with(engine::ErrorPolicy policy) const {
    auto opts = options();
    opts.on_record_error = policy;
    return opts;
  }
  // Checks the envelope of input i against what was produced for it.
  void expect_letter(const v1::DeadLetter& letter, const std::string& status, uint32_t attempt) {
    const int i = input_number(letter.value().data(), letter.value().size());
    EXPECT_EQ(letter.source_topic(), input_);
    EXPECT_EQ(letter.source_partition(), i % kInputPartitions);
    EXPECT_EQ(letter.source_offset(), i / kInputPartitions);
    EXPECT_EQ(letter.key(),
              "k" + std::string(5 - std::to_string(i).size(), '0') + std::to_string(i));
    EXPECT_EQ(letter.value().size(), kValueSize);
    EXPECT_EQ(letter.status(), status) << "input " << i;
    EXPECT_EQ(letter.attempt(), attempt) << "input " << i;
    EXPECT_EQ(letter.plugin(), "fake@1.0");
  }
};

bool rejected(int i) {
  return i % 10 == 3;
}

TEST_F(TransactionalLoopPolicies, SkipDropsRejectedRecordsAndKeepsGoing) {
  FakeProcessor processor(*journal_, [](int i) { return Script{.record_error = rejected(i)}; });
  EXPECT_EQ(run_until(options_with(engine::ErrorPolicy::kSkip), processor,
                      [&] { return all_committed(kInputs); }),
            kExitOk);
  expect_exactly_once(kInputs, [](int i) { return rejected(i) ? 0 : 1; });
  expect_offsets_at_end(kInputs);
  EXPECT_EQ(journal_->aborts(), 0);
}

TEST_F(TransactionalLoopPolicies, DeadLetterWritesOneEnvelopePerRejectedRecord) {
  FakeProcessor processor(*journal_, [](int i) { return Script{.record_error = rejected(i)}; });
  EXPECT_EQ(run_until(options_with(engine::ErrorPolicy::kDeadLetter), processor,
                      [&] { return all_committed(kInputs); }),
            kExitOk);
  std::set<int> expected;
  for (int i = 0; i < kInputs; ++i) {
    if (rejected(i)) expected.insert(i);
  }
  const auto letters = expect_exactly_once(
      kInputs, [](int i) { return rejected(i) ? 0 : 1; }, expected);
  for (const auto& letter : letters) {
    expect_letter(letter, "RECORD_ERROR", 1);
    EXPECT_EQ(letter.message(), "scripted RECORD_ERROR");
  }
  expect_offsets_at_end(kInputs);
  EXPECT_EQ(journal_->aborts(), 0);
}

TEST_F(TransactionalLoopPolicies, FailStopsWithPluginFatalAndCommitsNothingOfTheRecord) {
  constexpr int kBad = 57;  // partition 1, offset 28
  FakeProcessor processor(*journal_, [](int i) { return Script{.record_error = i == kBad}; });
  EngineThread engine(*journal_, options_with(engine::ErrorPolicy::kFail), processor, log_);
  EXPECT_EQ(engine.wait(), kExitPluginFatal);  // returns by itself

  // The record's partition is committed at most up to it; nothing is doubled.
  const auto offsets = group_committed(*cluster_, group_, input_, kInputPartitions);
  ASSERT_EQ(offsets.size(), 2u);
  EXPECT_LE(offsets[1], kBad / 2);
  std::map<int, int> outputs;
  for (const auto& record : read_topic(*cluster_, output_, 1)) {
    if (journal_->committed_positions().count(record.position) == 0) continue;
    ++outputs[std::stoi(record.value.substr(0, record.value.find('/')))];
  }
  for (const auto& [i, times] : outputs)
    EXPECT_EQ(times, 1) << "input " << i;
  EXPECT_EQ(outputs.count(kBad), 0u);
  journal_->read([&] {
    EXPECT_EQ(journal_->open, -1) << "the failed record's transaction was left open";
    EXPECT_EQ(journal_->on_abort_calls, journal_->aborts());
  });
}

TEST_F(TransactionalLoopPolicies, PluginFatalStopsWithPluginFatal) {
  FakeProcessor processor(*journal_, [](int i) { return Script{.fatal = i == 5}; });
  EngineThread engine(*journal_, options_with(engine::ErrorPolicy::kSkip), processor, log_);
  EXPECT_EQ(engine.wait(), kExitPluginFatal);
  journal_->read([&] { EXPECT_EQ(journal_->open, -1); });
  std::map<int, int> outputs;
  for (const auto& record : read_topic(*cluster_, output_, 1)) {
    if (journal_->committed_positions().count(record.position) == 0) continue;
    ++outputs[std::stoi(record.value.substr(0, record.value.find('/')))];
  }
  EXPECT_EQ(outputs.count(5), 0u);
}

TEST_F(TransactionalLoopPolicies, PluginRetryIsBoundedThenDeadLettered) {
  constexpr int kAlwaysRetries = 11;
  FakeProcessor processor(
      *journal_, [](int i) { return i == kAlwaysRetries ? Script{.retries = 1000} : Script{}; });
  auto opts = options_with(engine::ErrorPolicy::kDeadLetter);
  opts.max_retries = 3;
  EXPECT_EQ(run_until(opts, processor, [&] { return all_committed(kInputs); }), kExitOk);

  const auto letters = expect_exactly_once(
      kInputs, [](int i) { return i == kAlwaysRetries ? 0 : 1; }, {kAlwaysRetries});
  ASSERT_EQ(letters.size(), 1u);
  expect_letter(letters[0], "RETRY_EXHAUSTED", 4);
  expect_offsets_at_end(kInputs);
  journal_->read([&] {
    // Three retries, each aborting and replaying the transaction, then the policy.
    EXPECT_EQ(journal_->process_calls[kAlwaysRetries], 4);
    EXPECT_EQ(journal_->aborts(), 3);
    EXPECT_EQ(journal_->on_abort_calls, 3);
  });
}

TEST_F(TransactionalLoopPolicies, PluginRetryThatRecoversWritesItsOutputOnce) {
  constexpr int kRecovers = 12;  // RETRY twice, then OK
  FakeProcessor processor(*journal_, [](int i) {
    return i == kRecovers ? Script{.retries = 2, .outputs_on_failure = 1} : Script{};
  });
  EXPECT_EQ(run_until(options_with(engine::ErrorPolicy::kFail), processor,
                      [&] { return all_committed(kInputs); }),
            kExitOk);
  expect_exactly_once(kInputs, [](int) { return 1; });
  expect_offsets_at_end(kInputs);
  journal_->read([&] {
    EXPECT_EQ(journal_->process_calls[kRecovers], 3);
    EXPECT_EQ(journal_->aborts(), 2);
  });
}

TEST_F(TransactionalLoopPolicies, RetryCountSurvivesCommitsOfOtherPartitions) {
  // Every record commits on its own, so the other partition's records commit between the
  // retries of input 11: the attempts must still be counted.
  constexpr int kAlwaysRetries = 11;
  FakeProcessor processor(
      *journal_, [](int i) { return i == kAlwaysRetries ? Script{.retries = 1000} : Script{}; });
  auto opts = options_with(engine::ErrorPolicy::kSkip);
  opts.max_retries = 2;
  opts.commit_max_records = 1;
  EXPECT_EQ(run_until(opts, processor, [&] { return all_committed(kInputs); }), kExitOk);
  expect_exactly_once(kInputs, [](int i) { return i == kAlwaysRetries ? 0 : 1; });
  EXPECT_EQ(journal_->read([&] { return journal_->process_calls[kAlwaysRetries]; }), 3);
}

TEST_F(TransactionalLoopPolicies, RecordFailingAfterPartialOutputIsAbortedThenDeadLettered) {
  constexpr int kPartial = 21;  // writes one output, then RECORD_ERROR
  FakeProcessor processor(*journal_, [](int i) {
    return i == kPartial ? Script{.record_error = true, .outputs_on_failure = 1} : Script{};
  });
  EXPECT_EQ(run_until(options_with(engine::ErrorPolicy::kDeadLetter), processor,
                      [&] { return all_committed(kInputs); }),
            kExitOk);
  const auto letters =
      expect_exactly_once(kInputs, [](int i) { return i == kPartial ? 0 : 1; }, {kPartial});
  ASSERT_EQ(letters.size(), 1u);
  expect_letter(letters[0], "RECORD_ERROR", 1);
  journal_->read([&] {
    // The verdict is kept across the abort: the plugin is not asked again.
    EXPECT_EQ(journal_->process_calls[kPartial], 1);
    EXPECT_EQ(journal_->aborts(), 1);
  });
}

TEST_F(TransactionalLoopPolicies, RetryExhaustedAfterPartialOutputIsDeadLetteredAsSuch) {
  constexpr int kPartial = 31;  // writes one output, then RETRY, forever
  FakeProcessor processor(*journal_, [](int i) {
    return i == kPartial ? Script{.retries = 1000, .outputs_on_failure = 1} : Script{};
  });
  auto opts = options_with(engine::ErrorPolicy::kDeadLetter);
  opts.max_retries = 2;
  EXPECT_EQ(run_until(opts, processor, [&] { return all_committed(kInputs); }), kExitOk);
  const auto letters =
      expect_exactly_once(kInputs, [](int i) { return i == kPartial ? 0 : 1; }, {kPartial});
  ASSERT_EQ(letters.size(), 1u);
  expect_letter(letters[0], "RETRY_EXHAUSTED", 3);
  EXPECT_EQ(journal_->read([&] { return journal_->process_calls[kPartial]; }), 3);
}

}  // namespace
}  // namespace txform::testing
