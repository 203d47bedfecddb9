// Faults injected into the mock cluster's transactional requests, coordinators and brokers: the
// loop retries what is retriable, aborts and rewinds what requires it, exits with
// kExitKafkaFatal when fenced, and no input is lost or doubled in what the cluster holds.
#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"
#include "mock_harness.hpp"

namespace txform::testing {
namespace {

// Kafka protocol request keys (librdkafka's RD_KAFKAP_*, not in its public headers).
constexpr int16_t kFetch = 1;
constexpr int16_t kInitProducerId = 22;
constexpr int16_t kAddPartitionsToTxn = 24;
constexpr int16_t kAddOffsetsToTxn = 25;
constexpr int16_t kEndTxn = 26;
constexpr int16_t kTxnOffsetCommit = 28;

constexpr int kInputs = 200;

class TransactionalLoopFaults : public MockLoopTest {
 protected:
  void SetUp() override {
    MockLoopTest::SetUp();
    produce_inputs(*cluster_, input_, kInputPartitions, 0, kInputs);
  }
  // Runs the engine over every input with one output each; returns the exit code.
  int run_all() {
    FakeProcessor processor(*journal_, [](int) { return Script{}; });
    return run_until(options(), processor, [&] { return all_committed(kInputs); });
  }
  void expect_all_once() {
    expect_exactly_once(kInputs, [](int) { return 1; });
    expect_offsets_at_end(kInputs);
  }
  void push(int16_t api, std::initializer_list<rd_kafka_resp_err_t> errors) {
    std::vector<rd_kafka_resp_err_t> list(errors);
    rd_kafka_mock_push_request_errors_array(cluster_->get(), api, list.size(), list.data());
  }
  // Delays the next `api` request on broker 1 (both coordinators) by `delay_ms`.
  void delay(int16_t api, int delay_ms) {
    ASSERT_EQ(rd_kafka_mock_broker_push_request_error_rtts(cluster_->get(), 1, api, 1,
                                                           RD_KAFKA_RESP_ERR_NO_ERROR, delay_ms),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
};

// Errors a coordinator answers while it loads or moves: the call is made again, nothing aborts.
struct CoordinatorErrors {
  const char* name;
  int16_t api;
  std::vector<rd_kafka_resp_err_t> errors;
};

class TransactionalLoopCoordinatorErrors : public TransactionalLoopFaults,
                                           public ::testing::WithParamInterface<CoordinatorErrors> {
};

TEST_P(TransactionalLoopCoordinatorErrors, AreRetriedNotAborted) {
  const auto& errors = GetParam().errors;
  rd_kafka_mock_push_request_errors_array(cluster_->get(), GetParam().api, errors.size(),
                                          errors.data());
  EXPECT_EQ(run_all(), kExitOk);
  expect_all_once();
  EXPECT_EQ(journal_->read([&] { return journal_->abort_calls; }), 0);
}

INSTANTIATE_TEST_SUITE_P(
    , TransactionalLoopCoordinatorErrors,
    ::testing::Values(CoordinatorErrors{"InitProducerId",
                                        kInitProducerId,
                                        {RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                         RD_KAFKA_RESP_ERR_NOT_COORDINATOR}},
                      CoordinatorErrors{"TxnOffsetCommit",
                                        kTxnOffsetCommit,
                                        {RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE}},
                      CoordinatorErrors{"EndTxn",
                                        kEndTxn,
                                        {RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                         RD_KAFKA_RESP_ERR_NOT_COORDINATOR}}),
    [](const ::testing::TestParamInfo<CoordinatorErrors>& param) {
      return std::string(param.param.name);
    });

// A transactional call that times out (its request delayed past the call's timeout): the
// engine calls it again. A timed-out commit is ambiguous: only retrying it is safe, never an
// abort. send_offsets_to_transaction = AddOffsetsToTxn (transaction coordinator), then
// TxnOffsetCommit (group coordinator); librdkafka 2.0.2 lets only the first time out.
struct CallTimeout {
  const char* name;
  int16_t api;
  int Journal::*retriable;  // the journal's count of retriable answers to the call
};

class TransactionalLoopCallTimeouts : public TransactionalLoopFaults,
                                      public ::testing::WithParamInterface<CallTimeout> {};

TEST_P(TransactionalLoopCallTimeouts, AreRetriedByTheEngineNeverAborted) {
  journal_->set_call_timeout_ms(300);
  delay(GetParam().api, 1500);
  EXPECT_EQ(run_all(), kExitOk);
  EXPECT_GE(journal_->read([&] { return (*journal_).*GetParam().retriable; }), 1);
  EXPECT_EQ(journal_->read([&] { return journal_->abort_calls; }), 0);
  expect_all_once();
}

INSTANTIATE_TEST_SUITE_P(
    , TransactionalLoopCallTimeouts,
    ::testing::Values(CallTimeout{"InitProducerId", kInitProducerId, &Journal::init_retriable},
                      CallTimeout{"AddOffsetsToTxn", kAddOffsetsToTxn,
                                  &Journal::send_offsets_retriable},
                      CallTimeout{"EndTxn", kEndTxn, &Journal::commit_retriable}),
    [](const ::testing::TestParamInfo<CallTimeout>& param) {
      return std::string(param.param.name);
    });

// An error that makes the transaction abortable: abort, rewind, replay. Under `fail`, so a
// producer refusing outputs because the transaction failed is not mistaken for a bad record.
struct AbortableError {
  const char* name;
  int16_t api;
  rd_kafka_resp_err_t error;
};

class TransactionalLoopAbortableErrors : public TransactionalLoopFaults,
                                         public ::testing::WithParamInterface<AbortableError> {};

TEST_P(TransactionalLoopAbortableErrors, AbortRewindAndReplay) {
  auto opts = options();
  opts.on_record_error = engine::ErrorPolicy::kFail;
  push(GetParam().api, {GetParam().error});
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EXPECT_EQ(run_until(opts, processor, [&] { return all_committed(kInputs); }), kExitOk);
  expect_all_once();
  EXPECT_EQ(journal_->aborts(), 1);
  EXPECT_EQ(journal_->read([&] { return journal_->on_abort_calls; }), 1);
}

INSTANTIATE_TEST_SUITE_P(
    , TransactionalLoopAbortableErrors,
    ::testing::Values(AbortableError{"AddPartitionsToTxn", kAddPartitionsToTxn,
                                     RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED},
                      // A generation the group no longer has: these offsets must not commit.
                      AbortableError{"TxnOffsetCommit", kTxnOffsetCommit,
                                     RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION}),
    [](const ::testing::TestParamInfo<AbortableError>& param) {
      return std::string(param.param.name);
    });

TEST_F(TransactionalLoopFaults, FencedAtInitProducerIdExitsWithKafkaFatal) {
  push(kInitProducerId, {RD_KAFKA_RESP_ERR_PRODUCER_FENCED});
  EXPECT_EQ(run_all(), kExitKafkaFatal);
  journal_->read([&] {
    EXPECT_TRUE(journal_->process_calls.empty());
    EXPECT_TRUE(journal_->transactions.empty());
  });
}

// Counts what the loop reports as a plugin's failure (the plugin error metric's source).
class PluginErrors : public engine::LoopObserver {
 public:
  void on_plugin_error(std::string_view, std::string_view) override { ++count; }
  std::atomic<int> count{0};
};

// begin_transaction refused without librdkafka calling the producer fatal (here __STATE, as
// when a previous transaction has not ended) is still Kafka's failure, not a plugin's.
TEST_F(TransactionalLoopFaults, NonFatalBeginTransactionErrorExitsWithKafkaFatal) {
  journal_->mutate([&] { journal_->begin_error = RD_KAFKA_RESP_ERR__STATE; });
  PluginErrors plugin_errors;
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EngineThread engine(*journal_, options(), processor, log_, &plugin_errors);
  EXPECT_EQ(engine.wait(), kExitKafkaFatal);  // returns by itself, at the first record
  EXPECT_EQ(plugin_errors.count.load(), 0);
  EXPECT_TRUE(journal_->logged("stopping: begin_transaction: injected by the test"));
  journal_->read([&] {
    EXPECT_TRUE(journal_->process_calls.empty());
    EXPECT_TRUE(journal_->transactions.empty());
  });
}

TEST_F(TransactionalLoopFaults, FencedAtEndTxnExitsWithKafkaFatalAndARestartLosesNothing) {
  push(kEndTxn, {RD_KAFKA_RESP_ERR_PRODUCER_FENCED});
  {
    FakeProcessor processor(*journal_, [](int) { return Script{}; });
    EngineThread engine(*journal_, options(), processor, log_);
    EXPECT_EQ(engine.wait(), kExitKafkaFatal);  // returns by itself
  }
  journal_->read([&] {
    EXPECT_EQ(journal_->commits(), 0);
    EXPECT_EQ(journal_->abort_calls, 0);  // a fenced producer cannot abort
  });
  EXPECT_EQ(run_all(), kExitOk);
  expect_all_once();
}

TEST_F(TransactionalLoopFaults, CoordinatorsMoveToOtherBrokers) {
  constexpr int kMore = 100;
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EngineThread engine(*journal_, options(), processor, log_);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs); }));
  rd_kafka_mock_coordinator_set(cluster_->get(), "transaction", transactional_id_.c_str(), 2);
  rd_kafka_mock_coordinator_set(cluster_->get(), "group", group_.c_str(), 3);
  produce_inputs(*cluster_, input_, kInputPartitions, kInputs, kMore);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs + kMore); }));
  stop_and_expect_each_once(engine, kInputs + kMore);
  EXPECT_EQ(journal_->aborts(), 0);
}

TEST_F(TransactionalLoopFaults, OffsetOutOfRangeRestartsFromTheCommittedOffsetsNotTheBeginning) {
  constexpr int kMore = 100;
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EngineThread engine(*journal_, options(), processor, log_);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs); }));
  // The next fetches answer OFFSET_OUT_OF_RANGE, as a partition's new leader does after an
  // unclean election. Resetting to the beginning (auto.offset.reset=earliest) would process
  // every committed input a second time.
  push(kFetch, {RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE, RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE,
                RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE});
  ASSERT_TRUE(journal_->wait_until([&] { return journal_->logged("offset out of range"); }));
  produce_inputs(*cluster_, input_, kInputPartitions, kInputs, kMore);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs + kMore); }));
  stop_and_expect_each_once(engine, kInputs + kMore);
  EXPECT_TRUE(journal_->logged("restarting from the committed offset"));
}

TEST_F(TransactionalLoopFaults, BrokerDownStallsTheCommitWhichIsRetriedNotAborted) {
  constexpr int kMore = 100;
  // Inputs on broker 2, the group coordinator on broker 3 (a group member whose coordinator
  // is gone for a session timeout is expelled), outputs and the transaction coordinator on
  // broker 1, which goes down.
  for (int32_t partition = 0; partition < kInputPartitions; ++partition) {
    rd_kafka_mock_partition_set_leader(cluster_->get(), input_.c_str(), partition, 2);
  }
  rd_kafka_mock_coordinator_set(cluster_->get(), "group", group_.c_str(), 3);
  journal_->set_call_timeout_ms(300);
  auto opts = options();
  opts.producer_properties.emplace_back("reconnect.backoff.max.ms", "200");  // default 10 s
  // librdkafka 2.14 no longer ends send_offsets_to_transaction at the caller's timeout while its
  // AddOffsetsToTxn request waits for the coordinator: the request's own timeout ends it.
  opts.producer_properties.emplace_back("socket.timeout.ms", "3000");
  FakeProcessor processor(*journal_, [](int) { return Script{}; });
  EngineThread engine(*journal_, opts, processor, log_);
  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs); }));

  ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster_->get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  produce_inputs(*cluster_, input_, kInputPartitions, kInputs, kMore);
  // Up again once the engine has seen a transactional call time out.
  EXPECT_TRUE(journal_->wait_until(
      [&] { return journal_->send_offsets_retriable + journal_->commit_retriable > 0; }));
  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster_->get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);

  ASSERT_TRUE(journal_->wait_until([&] { return all_committed(kInputs + kMore); }));
  stop_and_expect_each_once(engine, kInputs + kMore);
  EXPECT_EQ(journal_->read([&] { return journal_->abort_calls; }), 0);
}

}  // namespace
}  // namespace txform::testing
