// The loop's plugin-generation hook: a pending generation takes over only once the open
// transaction has committed, before the next record is processed.
#include <atomic>
#include <span>
#include <string>
#include <vector>

#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"
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

// A SwitchingProcessor whose chain has other plugins once it has switched.
class RenamingProcessor final : public SwitchingProcessor {
 public:
  using SwitchingProcessor::SwitchingProcessor;
  std::vector<std::string> plugins() const override {
    if (switches_ == 0) return {"old@1.0"};
    return {"first@2.0", "second@2.0"};
  }
};

// What the loop tells an observer about its chain (engine thread; read once it has returned).
class ChainObserver final : public engine::LoopObserver {
 public:
  void on_plugin_chain(std::span<const std::string> plugins) override {
    chains.emplace_back(plugins.begin(), plugins.end());
    sampled.push_back(0);
  }
  void on_plugin_timed(std::span<const std::chrono::nanoseconds> took) override {
    if (chains.empty() || took.size() != chains.back().size()) ++mismatched;
    if (!sampled.empty()) ++sampled.back();
  }
  std::vector<std::vector<std::string>> chains;
  std::vector<int> sampled;  // timed records per chain
  int mismatched = 0;        // timings that did not match the chain last announced
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

TEST_F(TransactionalLoopReload, PluginTimingsFollowTheNewChain) {
  constexpr int kInputs = 400;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  RenamingProcessor processor(*journal_);
  ChainObserver observer;
  EngineThread loop(*journal_, options(), processor, log_, &observer);
  EXPECT_TRUE(journal_->wait_until([&] {
    return (processor.switches_ == 1 && processor.processed_ >= kInputs) || loop.finished();
  }));
  loop.stop(engine::kStopCleanly);
  ASSERT_EQ(loop.wait(), kExitOk);

  const std::vector<std::vector<std::string>> chains{{"old@1.0"}, {"first@2.0", "second@2.0"}};
  EXPECT_EQ(observer.chains, chains);
  EXPECT_EQ(observer.mismatched, 0) << "a timing did not have one entry per plugin";
  ASSERT_EQ(observer.sampled.size(), 2u);
  // 1 record in 64 is timed: about 150 records ran before the switch, about 250 after.
  EXPECT_GT(observer.sampled[0], 0);
  EXPECT_GT(observer.sampled[1], 0);
}

}  // namespace
}  // namespace txform::testing
