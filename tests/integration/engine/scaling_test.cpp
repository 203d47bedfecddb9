// Scaling out and in on the real broker, under both consumer group protocols: one instance,
// then three, then one again, while input arrives at a steady rate. Every record must come out
// exactly once. The test also prints how long partitions stopped being processed around each
// change (the longest gap in any output partition's high watermark), the figure README reports.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "pipeline_fixture.hpp"

namespace txform::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string value_of(int64_t seq) {
  return "v" + std::to_string(seq);
}

double milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

// Produces sequence records 0, 1, ... (record seq into partition seq % partitions) at a steady
// rate until stopped: the pipeline keeps up, so every partition always has fresh input and a
// gap in its output is a gap in processing.
class SteadyInput {
 public:
  SteadyInput(std::string topic, int partitions, int per_second)
      : topic_(std::move(topic)), partitions_(partitions), per_second_(per_second) {
    producer_ = make_client(RD_KAFKA_PRODUCER, {{"enable.idempotence", "true"}});
    thread_ = std::thread([this] { run(); });
  }
  ~SteadyInput() { stop(); }

  // Stops producing, waits until everything produced was delivered; returns how many.
  int64_t stop() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
      EXPECT_EQ(rd_kafka_flush(producer_.get(), 60000), RD_KAFKA_RESP_ERR_NO_ERROR);
      char reason[256];
      EXPECT_EQ(rd_kafka_fatal_error(producer_.get(), reason, sizeof reason),
                RD_KAFKA_RESP_ERR_NO_ERROR)
          << reason;
    }
    return produced_;
  }

 private:
  void run() {
    constexpr auto kTick = std::chrono::milliseconds(10);
    const int64_t per_tick = std::max(1, per_second_ / 100);
    auto next = Clock::now();
    while (!stop_) {
      for (int64_t i = 0; i < per_tick; ++i, ++produced_) {
        const std::string key = sequence_key(produced_);
        const std::string value = value_of(produced_);
        const auto err =
            rd_kafka_producev(producer_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()),
                              RD_KAFKA_V_PARTITION(static_cast<int32_t>(produced_ % partitions_)),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          ADD_FAILURE() << "producing input: " << rd_kafka_err2str(err);
          return;
        }
      }
      rd_kafka_poll(producer_.get(), 0);
      next += kTick;
      std::this_thread::sleep_until(next);  // the rate itself, not a synchronisation
    }
  }

  std::string topic_;
  int partitions_;
  int per_second_;
  kafka::KafkaPtr producer_;
  int64_t produced_ = 0;  // written by the thread, read after join
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Samples every output partition's high watermark (uncommitted records included, so it moves
// as soon as a record is processed) and remembers when each one moved.
class ProgressSampler {
 public:
  ProgressSampler(std::string topic, int partitions)
      : topic_(std::move(topic)), moves_(static_cast<size_t>(partitions)) {
    thread_ = std::thread([this] { run(); });
  }
  ~ProgressSampler() {
    stop_ = true;
    thread_.join();
  }

  // The longest time any partition went without progress inside [from, to), and how many
  // partitions paused longer than `pause`.
  struct Pauses {
    double longest_ms = 0;
    int paused = 0;
  };
  Pauses pauses(Clock::time_point from, Clock::time_point to, Clock::duration pause) const {
    std::lock_guard lock(mutex_);
    Pauses result;
    for (const auto& moves : moves_) {
      Clock::duration longest{};
      Clock::time_point last = from;
      for (const auto moved : moves) {
        if (moved <= from) continue;
        if (moved >= to) break;
        longest = std::max(longest, moved - last);
        last = moved;
      }
      longest = std::max(longest, to - last);
      result.longest_ms = std::max(result.longest_ms, milliseconds(longest));
      if (longest > pause) ++result.paused;
    }
    return result;
  }

 private:
  void run() {
    // read_uncommitted: the high watermark, which moves with every record produced (the
    // default read_committed would answer the last stable offset, which moves at commits).
    auto client = make_client(RD_KAFKA_CONSUMER, {{"isolation.level", "read_uncommitted"},
                                                  {"group.id", unique_name("sampler")}});
    std::vector<int64_t> seen(moves_.size(), -1);
    while (!stop_) {
      for (size_t p = 0; p < moves_.size(); ++p) {
        int64_t low = 0;
        int64_t high = 0;
        if (rd_kafka_query_watermark_offsets(client.get(), topic_.c_str(), static_cast<int32_t>(p),
                                             &low, &high, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          continue;
        }
        if (high != seen[p]) {
          seen[p] = high;
          std::lock_guard lock(mutex_);
          moves_[p].push_back(Clock::now());
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the sampling period
    }
  }

  std::string topic_;
  mutable std::mutex mutex_;
  std::vector<std::vector<Clock::time_point>> moves_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Waits (bounded) until `holds` is true of `process`'s log.
bool wait_for_log_state(TxformProcess& process,
                        const std::function<bool(const std::string&)>& holds) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    if (holds(process.output())) return true;
    if (!process.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::function<bool(const std::string&)> holding(int partitions) {
  return [partitions](const std::string& log) { return held_partitions(log) == partitions; };
}

class Scaling : public PipelineTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(Scaling, OneToThreeToOneInstancesKeepsExactlyOnce) {
  create_topics(6);
  // Dynamic membership: an instance that stops gives its partitions back at once.
  // keep_partition: output partition p has input partition p's records only, so its high
  // watermark tells when input partition p was processed.
  const std::string extra =
      std::string("static_membership: false\ngroup_protocol: ") + GetParam() + "\n";
  // Each instance its own transactional_id (config() makes a new one each time).
  const auto yaml = [&] { return config("testkit", {{"keep_partition", "true"}}, extra); };
  ProgressSampler sampler(output_, partitions_);
  SteadyInput input(input_, partitions_, 3000);

  auto first = start(yaml());
  ASSERT_TRUE(first->wait_for_log("assigned 6 partitions")) << first->output();
  ASSERT_TRUE(wait_for_output(3000)) << first->output();

  // 1 -> 3. Under KIP-848 partitions reach a new member only after their owner revoked them,
  // each step on a heartbeat: wait until each of the three holds two.
  const auto scaled_out = Clock::now();
  auto second = start(yaml());
  auto third = start(yaml());
  ASSERT_TRUE(wait_for_log_state(*second, holding(2))) << second->output();
  ASSERT_TRUE(wait_for_log_state(*third, holding(2))) << third->output();
  ASSERT_TRUE(wait_for_log_state(*first, holding(2))) << first->output();
  const auto scaled_out_done = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a measuring window, not a wait
  const auto out_window_end = Clock::now();

  // 3 -> 1: the first instance takes every partition back.
  const auto scaled_in = Clock::now();
  second->signal(SIGTERM);
  third->signal(SIGTERM);
  EXPECT_EQ(second->wait(), 0) << second->output();
  EXPECT_EQ(third->wait(), 0) << third->output();
  ASSERT_TRUE(wait_for_log_state(*first, holding(6))) << first->output();
  const auto scaled_in_done = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a measuring window, not a wait
  const auto in_window_end = Clock::now();

  const int64_t count = input.stop();
  expect_all_committed();
  first->signal(SIGTERM);
  EXPECT_EQ(first->wait(), 0) << first->output();
  expect_exactly_once_output(count, count);

  // 300 ms is three commit intervals: longer than any pause without a rebalance.
  const auto pause = std::chrono::milliseconds(300);
  const auto out = sampler.pauses(scaled_out, out_window_end, pause);
  const auto in = sampler.pauses(scaled_in, in_window_end, pause);
  std::cout << "[ scaling ] group_protocol " << GetParam() << ", " << count
            << " records: 1 -> 3 settled after " << milliseconds(scaled_out_done - scaled_out)
            << " ms, longest partition pause " << out.longest_ms << " ms, " << out.paused
            << " of 6 partitions paused > 300 ms; 3 -> 1 settled after "
            << milliseconds(scaled_in_done - scaled_in) << " ms, longest pause " << in.longest_ms
            << " ms, " << in.paused << " of 6 paused > 300 ms\n";
}

INSTANTIATE_TEST_SUITE_P(, Scaling, ::testing::Values("classic", "consumer"),
                         [](const auto& param) { return std::string(param.param); });

}  // namespace
}  // namespace txform::testing
