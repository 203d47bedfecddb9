// What the mock-cluster tests of the transactional loop share: a librdkafka mock cluster, a
// journal of what the engine did to its transactions, a scriptable plugin chain, and readers of
// what the cluster holds.
//
// librdkafka's mock cluster accepts transactions but keeps none of their outcome: EndTxn
// writes no control records (read_committed returns aborted records too) and TxnOffsetCommit
// stores no offsets in the group. The journal makes up for both, on the engine's own thread:
// each engine runs with a Bookkeeper as its engine::Transactions and its loop observer, which
// attributes each delivered output to the transaction it was produced in, and when a commit
// succeeds commits that transaction's offsets to the group through the engine's own consumer,
// as a broker would.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "engine/loop_observer.hpp"
#include "engine/options.hpp"
#include "engine/record_processor.hpp"
#include "engine/transactions.hpp"
#include "kafka/handles.hpp"
#include "txform/dead_letter.pb.h"

namespace txform::testing {

// One record where the mock cluster holds it.
using Position = std::tuple<std::string, int32_t, int64_t>;  // topic, partition, offset
using PartitionOffsets = std::map<std::pair<std::string, int32_t>, int64_t>;

// A mock cluster owned by a throwaway producer handle.
class MockCluster {
 public:
  explicit MockCluster(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  rd_kafka_mock_cluster_t* get() const { return cluster_; }
  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  // Creates `topic` with every partition led by broker 1 (so one broker going down stops all).
  void create_topic(const std::string& topic, int partitions);

 private:
  kafka::KafkaPtr handle_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

// What the fake plugin chain does with input number `i` (see FakeProcessor).
struct Script {
  int outputs = 1;             // outputs written when the record succeeds
  int retries = 0;             // RETRY on the first `retries` calls, then succeed
  bool record_error = false;   // RECORD_ERROR on every call
  bool fatal = false;          // FATAL
  int outputs_on_failure = 0;  // outputs written before RETRY / RECORD_ERROR is returned
};

// Everything observed while an engine runs, behind one lock. The bookkeeper (engine thread) and the
// fake processor write it; tests wait on it and read it.
class Journal {
 public:
  struct Transaction {
    std::vector<Position> delivered;  // outputs acknowledged while this transaction was open
    PartitionOffsets offsets;         // what send_offsets_to_transaction carried
    PartitionOffsets processed;       // highest input offset handed to process(), per partition
    size_t records = 0;               // process() calls that succeeded in it
    bool committed = false;
    bool aborted = false;
  };

  Journal() = default;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Replaces the engine's per-call timeout (30 s) so a delayed request times out quickly; 0 keeps
  // it.
  void set_call_timeout_ms(int ms) { call_timeout_ms_ = ms; }
  int call_timeout_ms() const { return call_timeout_ms_; }

  // Waits (bounded) until `condition` holds; false when the deadline passed first. The
  // condition runs under the journal's lock, re-checked on every change and every 50 ms.
  bool wait_until(const std::function<bool()>& condition,
                  std::chrono::seconds timeout = std::chrono::seconds(30));
  // Runs `read_fn` under the lock (the engine keeps writing while a test reads).
  template <typename Read>
  auto read(Read read_fn) const {
    std::lock_guard lock(mutex_);
    return read_fn();
  }
  // Runs `write` under the lock and wakes the waiters.
  template <typename Write>
  void mutate(Write write) {
    {
      std::lock_guard lock(mutex_);
      write();
    }
    cv_.notify_all();
  }

  // ---- the fields below are read and written under the lock ----

  std::vector<Transaction> transactions;  // in begin order
  int open = -1;                          // index of the open transaction, -1 when none
  // Set by a test: begin_transaction answers this error (neither fatal nor retriable) instead
  // of being called.
  rd_kafka_resp_err_t begin_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  int init_calls = 0, init_retriable = 0;
  int send_offsets_calls = 0, send_offsets_retriable = 0;
  int commit_calls = 0, commit_retriable = 0;
  int abort_calls = 0;
  int group_metadata_calls = 0;
  PartitionOffsets group_offsets;  // committed to the group by the bookkeeper, per transaction
  std::vector<std::string> bookkeeping_errors;  // what no broker would let happen
  rd_kafka_t* consumer = nullptr;  // the engine's consumer, seen through its group metadata
  rd_kafka_t* producer = nullptr;  // the engine's producer, seen when it begins a transaction

  // The fake processor's view.
  std::map<int, int> process_calls;  // input number -> calls
  int on_commit_calls = 0, on_abort_calls = 0;

  std::atomic<int> consumer_polls{0};
  std::vector<std::string> log_lines;

  // Derived facts (the lock is recursive: these take it too).
  int commits() const { return count(&Transaction::committed); }
  int aborts() const { return count(&Transaction::aborted); }
  std::set<Position> committed_positions() const;
  bool logged(const std::string& fragment) const;

 private:
  int count(bool Transaction::*outcome) const;

  mutable std::recursive_mutex mutex_;
  std::condition_variable_any cv_;
  int call_timeout_ms_ = 0;
};

// Keeps the journal's books from inside one engine: its transactional calls (made for real,
// with the journal's call timeout when it sets one) and what its loop reports (polls, outputs
// acknowledged), which are passed on to the test's own observer, if any.
class Bookkeeper final : public engine::Transactions, public engine::LoopObserver {
 public:
  Bookkeeper(Journal& journal, engine::LoopObserver* next);

  rd_kafka_error_t* init(rd_kafka_t* producer, int timeout_ms) override;
  rd_kafka_error_t* begin(rd_kafka_t* producer) override;
  rd_kafka_consumer_group_metadata_t* group_metadata(rd_kafka_t* consumer) override;
  rd_kafka_error_t* send_offsets(rd_kafka_t* producer,
                                 const rd_kafka_topic_partition_list_t* offsets,
                                 const rd_kafka_consumer_group_metadata_t* group,
                                 int timeout_ms) override;
  rd_kafka_error_t* commit(rd_kafka_t* producer, int timeout_ms) override;
  rd_kafka_error_t* abort(rd_kafka_t* producer, int timeout_ms) override;

  void on_poll() override;
  void on_record_produced(const rd_kafka_message_t& report) override;
  // The rest only passes on.
  void on_producer_ready() override { next_.on_producer_ready(); }
  void on_assigned(int partitions) override { next_.on_assigned(partitions); }
  void on_revoked() override { next_.on_revoked(); }
  void on_stopped() override { next_.on_stopped(); }
  void on_transaction_begin(Clock::time_point at) override { next_.on_transaction_begin(at); }
  void on_transaction_committed(Clock::time_point begun, Clock::time_point commit_started,
                                Clock::time_point done, size_t records, size_t bytes) override {
    next_.on_transaction_committed(begun, commit_started, done, records, bytes);
  }
  void on_transaction_aborted(engine::AbortReason reason) override {
    next_.on_transaction_aborted(reason);
  }
  void on_record_consumed(rd_kafka_topic_t* topic) override { next_.on_record_consumed(topic); }
  void on_record_dead_lettered() override { next_.on_record_dead_lettered(); }
  void on_record_skipped() override { next_.on_record_skipped(); }
  void on_plugin_error(std::string_view plugin, std::string_view status) override {
    next_.on_plugin_error(plugin, status);
  }
  void on_plugin_chain(std::span<const std::string> plugins) override {
    next_.on_plugin_chain(plugins);
  }
  void on_plugin_timed(std::span<const std::chrono::nanoseconds> took) override {
    next_.on_plugin_timed(took);
  }
  void on_statistics(bool consumer, std::string_view json) override {
    next_.on_statistics(consumer, json);
  }

 private:
  int timeout(int engine_ms) const;

  Journal& journal_;
  engine::LoopObserver nobody_;
  engine::LoopObserver& next_;
  rd_kafka_t* producer_ = nullptr;  // this engine's, once it has begun a transaction
};

// A plugin chain that follows a per-input script and writes outputs "<i>/<k>".
class FakeProcessor : public engine::RecordProcessor {
 public:
  FakeProcessor(Journal& journal, std::function<Script(int)> script)
      : journal_(journal), script_(std::move(script)) {}
  Journal& journal() const { return journal_; }
  engine::ProcessOutcome process(const rd_kafka_message_t& input,
                                 engine::OutputWriter& out) override;
  engine::ProcessOutcome on_commit() override;
  engine::ProcessOutcome on_abort() override;
  std::string describe() const override { return "fake@1.0"; }

 private:
  Journal& journal_;
  std::function<Script(int)> script_;
};

// The inputs: record i has key "k<i>" and a fixed-size value starting with "<i>" (5 digits), and
// goes to partition i % partitions.
constexpr size_t kValueSize = 100;
int input_number(const void* value, size_t len);
void produce_inputs(const MockCluster& cluster, const std::string& topic, int partitions, int first,
                    int count);

// One record as the cluster holds it.
struct StoredRecord {
  Position position;
  std::string key;
  std::string value;
};
// Every record in every partition of `topic`, aborted ones included (the mock does not filter).
std::vector<StoredRecord> read_topic(const MockCluster& cluster, const std::string& topic,
                                     int partitions);
// The offsets the group holds for `topic`'s partitions (RD_KAFKA_OFFSET_INVALID when none).
std::vector<int64_t> group_committed(const MockCluster& cluster, const std::string& group,
                                     const std::string& topic, int partitions);

// One engine on its own thread, keeping `journal`'s books, stopped through the shared atomic;
// one engine runs at a time.
class EngineThread {
 public:
  EngineThread(Journal& journal, engine::EngineOptions options, engine::RecordProcessor& processor,
               std::shared_ptr<spdlog::logger> log, engine::LoopObserver* observer = nullptr);
  ~EngineThread();
  void stop(int level) { stop_.store(level); }
  // The exit code, or -1 when the engine did not return in time (it is then stopped hard).
  int wait(std::chrono::seconds timeout = std::chrono::seconds(30));
  bool finished() const;

 private:
  Bookkeeper bookkeeper_;
  std::atomic<int> stop_{0};
  std::future<int> result_;
  std::thread thread_;
};

// A fresh world per test: cluster, topics, journal, logger, options.
class MockLoopTest : public ::testing::Test {
 protected:
  static constexpr int kInputPartitions = 2;

  void SetUp() override;
  void TearDown() override;

  // Options pointing at the mock cluster; commit every 20 ms, 3 retries, 10 ms backoff.
  engine::EngineOptions options() const;
  // Runs the engine until `done` holds, then stops it with `stop_level`; returns the exit code.
  int run_until(engine::EngineOptions opts, FakeProcessor& processor,
                const std::function<bool()>& done, int stop_level = 1);
  // True once every input in [0, count) has its offset committed to the group.
  bool all_committed(int count) const;

  // Asserts that the committed outputs hold `outputs(i)` records "<i>/0".."<i>/(n-1)" for every
  // input i < count, each exactly once, and that the committed dead letters are exactly
  // `dead_letters`, each once. Returns the committed dead letters, decoded.
  std::vector<v1::DeadLetter> expect_exactly_once(int count, const std::function<int(int)>& outputs,
                                                  const std::set<int>& dead_letters = {});
  // Asserts that the group's offsets are the end of every input partition for `count` inputs.
  void expect_offsets_at_end(int count);
  // Stops `engine` cleanly, which must exit 0, then asserts that every input i < count has its
  // one output committed exactly once and the group's offsets at the end.
  void stop_and_expect_each_once(EngineThread& engine, int count);

  std::unique_ptr<MockCluster> cluster_;
  std::unique_ptr<Journal> journal_;
  std::shared_ptr<spdlog::logger> log_;
  std::string input_, output_, dead_letter_, group_, transactional_id_;
};

}  // namespace txform::testing
