// Plugin upgrade by restart: install the new .so, SIGTERM, start again with the same identity.
// Static membership (group.instance.id from transactional_id) keeps the group from rebalancing.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include "reload_fixture.hpp"

namespace txform::testing {
namespace {

std::string value_of(int64_t seq) {
  return "v" + std::to_string(seq);
}

using Clock = std::chrono::steady_clock;

double milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

class RestartReload : public ReloadTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RestartReload, RestartWithNewVersionKeepsExactlyOnceAndDoesNotRebalance) {
  create_topics(3);
  constexpr int64_t kCount = 60000;
  produce_sequence(input_, partitions_, kCount, value_of);
  install(testkit_first());
  // Two instances in one group; only the first restarts. With dynamic membership its leaving
  // and rejoining would revoke and reassign the second's partitions: two rebalances.
  const std::string extra = std::string("group_protocol: ") + GetParam() +
                            "\nkafka:\n  consumer:\n    max.partition.fetch.bytes: \"4096\"\n";
  const std::string restarting =
      reload_config({{"delay_us", "100"}, {"keep_partition", "true"}}, extra, unique_name("a"));
  const std::string staying =
      reload_config({{"delay_us", "100"}, {"keep_partition", "true"}}, extra, unique_name("b"));
  auto first = start(restarting);
  ASSERT_TRUE(first->wait_for_log("assigned 3 partitions")) << first->output();
  auto other = start(staying);
  ASSERT_TRUE(other->wait_for_log("assigned ")) << other->output();
  // The first instance gave up partitions to the second: the group is stable at two once they
  // hold all three between them (under KIP-848 that takes a heartbeat or two after the revoke).
  ASSERT_TRUE(first->wait_for_log("revoked")) << first->output();
  const auto settle_deadline = Clock::now() + std::chrono::seconds(60);
  while (held_partitions(first->output()) + held_partitions(other->output()) != 3 &&
         Clock::now() < settle_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(held_partitions(first->output()) + held_partitions(other->output()), 3)
      << first->output() << other->output();
  ASSERT_TRUE(wait_for_output(5000)) << first->output();
  const int other_revoked = count(other->output(), "revoked");
  const int held = held_partitions(first->output());
  ASSERT_TRUE(held == 1 || held == 2) << first->output();
  const int other_assigned = count(other->output(), "assigned ");

  install(testkit_next());
  const auto stop_requested = Clock::now();
  first->signal(SIGTERM);
  ASSERT_EQ(first->wait(), 0) << first->output();
  const auto stopped = Clock::now();
  auto restarted = start(restarting);
  // Static membership: the broker hands the restarted member its old partitions back.
  ASSERT_TRUE(restarted->wait_for_log("assigned " + std::to_string(held) + " partitions"))
      << restarted->output();
  const auto resumed = Clock::now();
  std::cout << "[ restart ] SIGTERM to exit " << milliseconds(stopped - stop_requested)
            << " ms, start to assignment " << milliseconds(resumed - stopped) << " ms, pause "
            << milliseconds(resumed - stop_requested) << " ms (polled every 50 ms)\n";
  EXPECT_NE(restarted->output().find("testkit@2.0.0"), std::string::npos) << restarted->output();

  expect_all_committed();
  EXPECT_EQ(count(other->output(), "revoked"), other_revoked)
      << "the restart rebalanced the group\n"
      << other->output();
  EXPECT_EQ(count(other->output(), "assigned "), other_assigned) << other->output();
  restarted->signal(SIGTERM);
  other->signal(SIGTERM);
  EXPECT_EQ(restarted->wait(), 0) << restarted->output();
  EXPECT_EQ(other->wait(), 0) << other->output();

  const auto outputs = expect_exactly_once_output(kCount, kCount);
  int with_next = 0;
  for (int partition = 0; partition < partitions_; ++partition) {
    const auto prefixes = prefixes_of_partition(outputs, partitions_, partition);
    // The restarted instance's partitions switch once, at the commit SIGTERM made; the other's
    // never do (it still runs 1.0.0).
    EXPECT_LE(changes(prefixes), 1) << "partition " << partition;
    with_next += std::count(prefixes.begin(), prefixes.end(), kNextPrefix) > 0 ? 1 : 0;
  }
  EXPECT_GE(with_next, 1) << "2.0.0 transformed the restarted instance's partitions";
  EXPECT_LT(with_next, partitions_) << "the instance that stayed kept 1.0.0";
  EXPECT_EQ(transform_switches(outputs).inside_transaction, 0);
}

// Under KIP-848 a static member that leaves keeps its assignment for the group's session
// timeout, and gets it back when it rejoins with the same group.instance.id.
INSTANTIATE_TEST_SUITE_P(, RestartReload, ::testing::Values("classic", "consumer"),
                         [](const auto& param) { return std::string(param.param); });

}  // namespace
}  // namespace txform::testing
