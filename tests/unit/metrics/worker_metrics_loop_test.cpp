// The metrics a worker's loop updates around commit, abort, dead-letter and skip, against
// librdkafka's mock cluster (tests/unit/engine/mock_harness.hpp).
#include "../engine/mock_harness.hpp"
#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"
#include "metrics/worker_metrics.hpp"
#include "metrics_test_support.hpp"

namespace txform::testing {
namespace {

constexpr int kInputs = 200;
constexpr int kAlwaysRetries = 11;  // RETRY forever: three aborts, then the error policy
bool rejected(int i) {
  return i % 10 == 3;
}

class WorkerMetricsLoop : public MockLoopTest {
 protected:
  void SetUp() override {
    MockLoopTest::SetUp();
    produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  }
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {},
               Field field = Field::kValue) {
    const auto found = metric_value(registry_, name, labels, field);
    EXPECT_TRUE(found.has_value()) << name;
    return found.value_or(-1);
  }
  // Runs the engine with the metrics observer until every input is committed.
  void run(engine::ErrorPolicy policy, std::function<Script(int)> script) {
    FakeProcessor processor(*journal_, std::move(script));
    auto opts = options();
    opts.on_record_error = policy;
    EngineThread loop(*journal_, opts, processor, log_, &metrics_);
    EXPECT_TRUE(journal_->wait_until([&] { return all_committed(kInputs) || loop.finished(); }));
    loop.stop(engine::kStopCleanly);
    EXPECT_EQ(loop.wait(), kExitOk);
  }

  prometheus::Registry registry_;
  metrics::WorkerMetrics metrics_{registry_, -1};
};

TEST_F(WorkerMetricsLoop, CommitsAbortsAndDeadLettersAreCounted) {
  run(engine::ErrorPolicy::kDeadLetter, [](int i) {
    if (i == kAlwaysRetries) return Script{.retries = 1000};
    return Script{.record_error = rejected(i)};
  });
  const auto [commits, aborts, record_errors] = journal_->read([&] {
    int errors = 0;
    for (const auto& [input, calls] : journal_->process_calls) {
      if (rejected(input)) errors += calls;  // replays after an abort fail again
    }
    return std::tuple{journal_->commits(), journal_->aborts(), errors};
  });
  EXPECT_EQ(aborts, 3);
  EXPECT_EQ(value("txform_transactions_total", {{"outcome", "committed"}}), commits);
  EXPECT_EQ(value("txform_transactions_total", {{"outcome", "aborted"}}), aborts);
  EXPECT_EQ(value("txform_transaction_aborts_total", {{"reason", "plugin_retry"}}), 3);
  EXPECT_EQ(value("txform_transaction_aborts_total", {{"reason", "commit_failed"}}), 0);
  // Every input is committed exactly once: the committed transactions' sizes add up to it.
  EXPECT_EQ(value("txform_transaction_records", {}, Field::kCount), commits);
  EXPECT_EQ(value("txform_transaction_records", {}, Field::kSum), kInputs);
  EXPECT_EQ(value("txform_transaction_bytes", {}, Field::kSum), kInputs * (6 + kValueSize));
  EXPECT_EQ(value("txform_transaction_commit_duration_seconds", {}, Field::kCount), commits);
  EXPECT_EQ(value("txform_transaction_duration_seconds", {}, Field::kCount), commits);
  EXPECT_EQ(value("txform_records_dead_lettered_total"), kInputs / 10 + 1);
  EXPECT_EQ(value("txform_records_skipped_total"), 0);
  EXPECT_GE(value("txform_records_consumed_total", {{"topic", input_}}), kInputs);
  EXPECT_EQ(value("txform_plugin_errors_total", {{"plugin", "fake@1.0"}, {"status", "RETRY"}}), 4);
  EXPECT_EQ(
      value("txform_plugin_errors_total", {{"plugin", "fake@1.0"}, {"status", "RECORD_ERROR"}}),
      record_errors);
  // Dead letters reached the broker; outputs of aborted transactions were acknowledged too.
  EXPECT_GE(value("txform_records_produced_total", {{"topic", dead_letter_}}), kInputs / 10 + 1);
  EXPECT_GE(value("txform_records_produced_total", {{"topic", output_}}),
            kInputs - kInputs / 10 - 1);
  metrics_.refresh(engine::LoopObserver::Clock::now());
  EXPECT_EQ(value("txform_open_transaction_age_seconds"), 0) << "no transaction is open";
  EXPECT_TRUE(metrics_.health().producer_ready.load());
  EXPECT_TRUE(metrics_.health().joined.load());
}

TEST_F(WorkerMetricsLoop, SkippedRecordsAreCounted) {
  run(engine::ErrorPolicy::kSkip, [](int i) { return Script{.record_error = rejected(i)}; });
  EXPECT_EQ(value("txform_records_skipped_total"), kInputs / 10);
  EXPECT_EQ(value("txform_records_dead_lettered_total"), 0);
  EXPECT_EQ(value("txform_transactions_total", {{"outcome", "aborted"}}), 0);
  EXPECT_EQ(value("txform_transaction_records", {}, Field::kSum), kInputs);
}

}  // namespace
}  // namespace txform::testing
