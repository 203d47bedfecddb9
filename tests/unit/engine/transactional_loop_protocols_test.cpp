// The transactional loop under each consumer group protocol it supports, on librdkafka's mock
// cluster: classic with an eager assignor (assign/unassign the full list), classic with
// cooperative-sticky and KIP-848's consumer protocol (both incremental). Each must commit every
// input exactly once, rewind after an abort (a seek, the one rewind every protocol allows), and
// resume after the committed offsets on a restart. The real broker's tests add rebalances
// between members (tests/integration/engine/).
#include <ostream>

#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"
#include "mock_harness.hpp"

namespace txform::testing {
namespace {

struct Protocol {
  const char* name;
  config::PropertyList consumer_properties;  // replaces the harness's group settings
};

// Test names and failure messages show the protocol's name, not the struct's bytes.
void PrintTo(const Protocol& protocol, std::ostream* out) {
  *out << protocol.name;
}

// The harness's short session for classic groups; KIP-848 sets it on the (mock) broker.
const config::PropertyList kClassicGroup = {{"session.timeout.ms", "4500"},
                                            {"heartbeat.interval.ms", "500"}};

class TransactionalLoopProtocols : public MockLoopTest,
                                   public ::testing::WithParamInterface<Protocol> {
 protected:
  void SetUp() override {
    MockLoopTest::SetUp();
    rd_kafka_mock_set_group_consumer_session_timeout_ms(cluster_->get(), 4500);
    rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(cluster_->get(), 500);
  }

  engine::EngineOptions protocol_options() const {
    engine::EngineOptions opts = options();
    auto& properties = opts.consumer_properties;
    std::erase_if(properties, [](const auto& property) {
      return property.name == "session.timeout.ms" || property.name == "heartbeat.interval.ms" ||
             property.name == "partition.assignment.strategy";
    });
    for (const auto& property : GetParam().consumer_properties)
      properties.push_back(property);
    return opts;
  }
};

TEST_P(TransactionalLoopProtocols, EveryInputIsCommittedExactlyOnce) {
  constexpr int kInputs = 300;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  FakeProcessor processor(*journal_, [](int i) { return Script{.outputs = i % 3}; });

  EXPECT_EQ(run_until(protocol_options(), processor, [&] { return all_committed(kInputs); }),
            kExitOk);

  expect_exactly_once(kInputs, [](int i) { return i % 3; });
  expect_offsets_at_end(kInputs);
  EXPECT_EQ(journal_->aborts(), 0);
}

TEST_P(TransactionalLoopProtocols, AnAbortRewindsToTheCommittedOffsets) {
  constexpr int kInputs = 200;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  // Inputs 50 and 151 ask for a retry once: each aborts its transaction (with other inputs'
  // outputs in it) and everything after the last commit is read again.
  FakeProcessor processor(*journal_, [](int i) {
    return Script{.retries = (i == 50 || i == 151) ? 1 : 0, .outputs_on_failure = 1};
  });

  EXPECT_EQ(run_until(protocol_options(), processor, [&] { return all_committed(kInputs); }),
            kExitOk);

  expect_exactly_once(kInputs, [](int) { return 1; });
  expect_offsets_at_end(kInputs);
  journal_->read([&] {
    EXPECT_EQ(journal_->aborts(), 2);
    // Read again from the committed offsets: at least once more each (more when the other's
    // abort came before their transaction committed).
    EXPECT_GE(journal_->process_calls[50], 2);
    EXPECT_GE(journal_->process_calls[151], 2);
  });
  EXPECT_FALSE(journal_->logged("rewinding")) << "a rewind failed";
}

TEST_P(TransactionalLoopProtocols, RestartResumesAfterTheCommittedOffsets) {
  constexpr int kFirst = 100;
  constexpr int kInputs = 200;
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kFirst);
  {
    FakeProcessor processor(*journal_, [](int) { return Script{}; });
    EXPECT_EQ(run_until(protocol_options(), processor, [&] { return all_committed(kFirst); }),
              kExitOk);
  }
  produce_inputs(*cluster_, input_, kInputPartitions, kFirst, kInputs - kFirst);
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EXPECT_EQ(run_until(protocol_options(), processor, [&] { return all_committed(kInputs); }),
            kExitOk);

  expect_exactly_once(kInputs, [](int) { return 1; });
  journal_->read([&] {
    for (int i = 0; i < kInputs; ++i)
      EXPECT_EQ(journal_->process_calls[i], 1) << "input " << i;
  });
}

TEST_P(TransactionalLoopProtocols, OffsetOutOfRangeRestartsTheStoppedPartitions) {
  constexpr int kFirst = 100;
  constexpr int kMore = 100;
  constexpr int16_t kFetch = 1;  // Kafka's Fetch request key
  produce_inputs(*cluster_, input_, kInputPartitions, 0, kFirst);
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EngineThread engine(*journal_, protocol_options(), processor, log_);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kFirst); }));
  // With auto.offset.reset=error the fetcher of a partition answered OFFSET_OUT_OF_RANGE stops:
  // a seek cannot restart it, assigning it again must (incrementally, where the protocol is).
  std::vector<rd_kafka_resp_err_t> errors(3, RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE);
  rd_kafka_mock_push_request_errors_array(cluster_->get(), kFetch, errors.size(), errors.data());
  ASSERT_TRUE(journal_->wait_until([&] { return journal_->logged("offset out of range"); }));
  produce_inputs(*cluster_, input_, kInputPartitions, kFirst, kMore);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kFirst + kMore); }));
  stop_and_expect_each_once(engine, kFirst + kMore);
}

INSTANTIATE_TEST_SUITE_P(
    , TransactionalLoopProtocols,
    ::testing::Values(Protocol{"ClassicEager",
                               [] {
                                 auto properties = kClassicGroup;
                                 properties.emplace_back("partition.assignment.strategy",
                                                         "range,roundrobin");
                                 return properties;
                               }()},
                      Protocol{"ClassicCooperativeSticky",
                               [] {
                                 auto properties = kClassicGroup;
                                 properties.emplace_back("partition.assignment.strategy",
                                                         "cooperative-sticky");
                                 return properties;
                               }()},
                      Protocol{"Kip848Consumer", {{"group.protocol", "consumer"}}}),
    [](const ::testing::TestParamInfo<Protocol>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace txform::testing
