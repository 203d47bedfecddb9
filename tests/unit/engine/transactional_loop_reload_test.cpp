// The loop's plugin-generation hook: a pending generation takes over only once the open
// transaction has committed, before the next record is processed.
#include <atomic>

#include "engine/exit_codes.hpp"
#include "mock_harness.hpp"

namespace txform::testing {
namespace {

// Asks for a new generation while processing input kRequestAt, and records the journal at the
// moment the loop switches.
class SwitchingProcessor : public FakeProcessor {
 public:
  static constexpr int kRequestAt = 150;

  explicit SwitchingProcessor(Journal& journal)
      : FakeProcessor(journal, [](int) { return Script{}; }) {}

  engine::ProcessOutcome process(const rd_kafka_message_t& input,
                                 engine::OutputWriter& out) override {
    ++processed_;
    if (input_number(input.payload, input.len) == kRequestAt) {
      pending_ = true;
      processed_at_request_ = processed_.load();
    }
    return FakeProcessor::process(input, out);
  }
  bool generation_pending() const override { return pending_.load(); }
  void switch_generation() override {
    pending_ = false;
    ++switches_;
    processed_at_switch_ = processed_.load();
    journal().read([&] {
      open_at_switch_ = journal().open;
      last_committed_ = !journal().transactions.empty() && journal().transactions.back().committed;
    });
  }

  // Written on the engine's thread, read by the test's.
  std::atomic<int> switches_{0};
  std::atomic<int> processed_{0};
  std::atomic<int> processed_at_request_{-1};
  std::atomic<int> processed_at_switch_{-1};
  std::atomic<int> open_at_switch_{-2};
  std::atomic<bool> last_committed_{false};

 private:
  std::atomic<bool> pending_{false};
};

class TransactionalLoopReload : public MockLoopTest {};

TEST_F(TransactionalLoopReload, NewGenerationStartsAfterTheOpenTransactionCommits) {
  constexpr int kInputs = 400;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  SwitchingProcessor processor(*journal_);
  auto opts = options();
  opts.commit_interval = std::chrono::hours(1);  // only the reload and the stop commit
  opts.commit_max_records = 1000000;

  // Stopping cleanly commits what follows the switch.
  EXPECT_EQ(run_until(opts, processor,
                      [&] { return processor.switches_ == 1 && processor.processed_ >= kInputs; }),
            kExitOk);

  EXPECT_EQ(processor.switches_, 1);
  EXPECT_EQ(processor.open_at_switch_, -1) << "switched inside a transaction";
  EXPECT_TRUE(processor.last_committed_) << "the transaction before the switch did not commit";
  EXPECT_EQ(processor.processed_at_switch_, processor.processed_at_request_)
      << "records were processed between the request and the switch";
  expect_exactly_once(kInputs, [](int) { return 1; });
}

}  // namespace
}  // namespace txform::testing
