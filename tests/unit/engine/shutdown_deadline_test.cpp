// A stop must end within shutdown_timeout_ms even when a Kafka call does not return: with its
// transaction coordinator down, librdkafka 2.14 holds send_offsets_to_transaction for
// socket.timeout.ms (60 s) whatever timeout it was given. run_workers() then exits the process
// itself with kExitKafkaFatal before a supervisor's SIGKILL, having committed nothing.
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "engine/exit_codes.hpp"
#include "engine/workers.hpp"
#include "mock_harness.hpp"

namespace txform::testing {
namespace {

class ShutdownDeadline : public MockLoopTest {
 protected:
  // Runs one worker through run_workers(), takes its transaction coordinator away while a
  // transaction is open, then sends SIGTERM. Never returns: the deadline ends the process.
  void stop_while_the_coordinator_is_down() {
    engine::block_stop_signals();  // this thread and the driver: only run_workers() takes them
    constexpr int kInputs = 100;
    // Inputs on broker 2, the group coordinator on broker 3; the transaction coordinator and
    // the outputs on broker 1, which goes down.
    for (int32_t partition = 0; partition < kInputPartitions; ++partition) {
      rd_kafka_mock_partition_set_leader(cluster_->get(), input_.c_str(), partition, 2);
    }
    rd_kafka_mock_coordinator_set(cluster_->get(), "group", group_.c_str(), 3);
    produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
    auto opts = options();
    opts.shutdown_timeout = std::chrono::milliseconds(1000);
    opts.commit_interval = std::chrono::hours(1);  // the transaction stays open until the stop

    std::thread driver([&] {
      if (journal_->wait_until([&] { return journal_->process_calls.size() == kInputs; })) {
        rd_kafka_mock_broker_set_down(cluster_->get(), 1);
      }
      kill(getpid(), SIGTERM);
    });
    driver.detach();
    engine::run_workers({opts}, [&](int) {
      return std::make_unique<FakeProcessor>(*journal_, [](int) { return Script{}; });
    });
  }
};

TEST_F(ShutdownDeadline, AStopThatOutlivesShutdownTimeoutExitsWithKafkaFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(stop_while_the_coordinator_is_down(), ::testing::ExitedWithCode(kExitKafkaFatal),
              "still stopping .* a Kafka call has not returned");
}

}  // namespace
}  // namespace txform::testing
