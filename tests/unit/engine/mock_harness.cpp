#include "mock_harness.hpp"

#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "engine/exit_codes.hpp"
#include "engine/output_writer.hpp"
#include "engine/transactional_loop.hpp"
#include "kafka/client.hpp"

namespace txform::testing {
namespace {

bool retriable(const rd_kafka_error_t* error) {
  return error != nullptr && rd_kafka_error_is_retriable(error) != 0;
}

// What a broker does at EndTxn(commit): the transaction's offsets become the group's.
void commit_offsets_to_group(Journal& journal, rd_kafka_t* consumer,
                             const PartitionOffsets& offsets) {
  kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), partition.first.c_str(), partition.second)
        ->offset = offset;
  }
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__INVALID_ARG;
  for (int attempt = 0; consumer != nullptr && attempt < 100; ++attempt) {
    err = rd_kafka_commit(consumer, list.get(), 0);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // coordinator not back yet
  }
  journal.mutate([&] {
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      journal.bookkeeping_errors.push_back(
          std::string("mirroring committed offsets into the group: ") + rd_kafka_err2str(err));
      return;
    }
    for (const auto& [partition, offset] : offsets)
      journal.group_offsets[partition] = offset;
  });
}

}  // namespace

// ---- bookkeeper --------------------------------------------------------------------------------

Bookkeeper::Bookkeeper(Journal& journal, engine::LoopObserver* next)
    : journal_(journal), next_(next != nullptr ? *next : nobody_) {}

int Bookkeeper::timeout(int engine_ms) const {
  return journal_.call_timeout_ms() > 0 ? journal_.call_timeout_ms() : engine_ms;
}

rd_kafka_error_t* Bookkeeper::init(rd_kafka_t* producer, int timeout_ms) {
  rd_kafka_error_t* error = Transactions::init(producer, timeout(timeout_ms));
  journal_.mutate([&] {
    ++journal_.init_calls;
    if (retriable(error)) ++journal_.init_retriable;
  });
  return error;
}

rd_kafka_error_t* Bookkeeper::begin(rd_kafka_t* producer) {
  const rd_kafka_resp_err_t injected = journal_.read([&] { return journal_.begin_error; });
  if (injected != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return rd_kafka_error_new(injected, "injected by the test");
  }
  rd_kafka_error_t* error = Transactions::begin(producer);
  if (error != nullptr) return error;
  journal_.mutate([&] {
    // A new producer (a restart) abandons its predecessor's open transaction.
    if (journal_.open >= 0 && producer == journal_.producer) {
      journal_.bookkeeping_errors.push_back("begin inside a transaction");
    }
    journal_.producer = producer_ = producer;
    journal_.transactions.emplace_back();
    journal_.open = static_cast<int>(journal_.transactions.size()) - 1;
  });
  return error;
}

rd_kafka_consumer_group_metadata_t* Bookkeeper::group_metadata(rd_kafka_t* consumer) {
  journal_.mutate([&] {
    ++journal_.group_metadata_calls;
    journal_.consumer = consumer;
  });
  return Transactions::group_metadata(consumer);
}

rd_kafka_error_t* Bookkeeper::send_offsets(rd_kafka_t* producer,
                                           const rd_kafka_topic_partition_list_t* offsets,
                                           const rd_kafka_consumer_group_metadata_t* group,
                                           int timeout_ms) {
  rd_kafka_error_t* error =
      Transactions::send_offsets(producer, offsets, group, timeout(timeout_ms));
  journal_.mutate([&] {
    ++journal_.send_offsets_calls;
    if (retriable(error)) ++journal_.send_offsets_retriable;
    if (error != nullptr || journal_.open < 0) return;
    auto& sent = journal_.transactions[static_cast<size_t>(journal_.open)].offsets;
    for (int i = 0; i < offsets->cnt; ++i) {
      sent[{offsets->elems[i].topic, offsets->elems[i].partition}] = offsets->elems[i].offset;
    }
  });
  return error;
}

rd_kafka_error_t* Bookkeeper::commit(rd_kafka_t* producer, int timeout_ms) {
  rd_kafka_error_t* error = Transactions::commit(producer, timeout(timeout_ms));
  PartitionOffsets offsets;
  rd_kafka_t* consumer = nullptr;
  journal_.mutate([&] {
    ++journal_.commit_calls;
    if (retriable(error)) ++journal_.commit_retriable;
    if (error != nullptr || journal_.open < 0) return;
    auto& transaction = journal_.transactions[static_cast<size_t>(journal_.open)];
    transaction.committed = true;
    offsets = transaction.offsets;
    consumer = journal_.consumer;
    journal_.open = -1;
  });
  if (!offsets.empty()) commit_offsets_to_group(journal_, consumer, offsets);
  return error;
}

rd_kafka_error_t* Bookkeeper::abort(rd_kafka_t* producer, int timeout_ms) {
  rd_kafka_error_t* error = Transactions::abort(producer, timeout(timeout_ms));
  journal_.mutate([&] {
    ++journal_.abort_calls;
    if (error != nullptr || journal_.open < 0) return;
    journal_.transactions[static_cast<size_t>(journal_.open)].aborted = true;
    journal_.open = -1;
  });
  return error;
}

void Bookkeeper::on_poll() {
  ++journal_.consumer_polls;
  next_.on_poll();
}

void Bookkeeper::on_record_produced(const rd_kafka_message_t& report) {
  journal_.mutate([&] {
    if (producer_ != journal_.producer) return;  // an earlier engine's late report
    if (journal_.open < 0) {
      journal_.bookkeeping_errors.push_back("an output was acknowledged outside any transaction");
      return;
    }
    journal_.transactions[static_cast<size_t>(journal_.open)].delivered.emplace_back(
        rd_kafka_topic_name(report.rkt), report.partition, report.offset);
  });
  next_.on_record_produced(report);
}

// ---- journal -----------------------------------------------------------------------------------

bool Journal::wait_until(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Some events (the engine returning) do not pass through the journal: look again soon.
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  return true;
}

int Journal::count(bool Transaction::*outcome) const {
  return read([&] {
    return static_cast<int>(std::count_if(transactions.begin(), transactions.end(),
                                          [&](const Transaction& t) { return t.*outcome; }));
  });
}

std::set<Position> Journal::committed_positions() const {
  return read([&] {
    std::set<Position> positions;
    for (const auto& transaction : transactions) {
      if (transaction.committed) {
        positions.insert(transaction.delivered.begin(), transaction.delivered.end());
      }
    }
    return positions;
  });
}

bool Journal::logged(const std::string& fragment) const {
  return read([&] {
    for (const auto& line : log_lines) {
      if (line.find(fragment) != std::string::npos) return true;
    }
    return false;
  });
}

// ---- fake plugin chain -------------------------------------------------------------------------

engine::ProcessOutcome FakeProcessor::process(const rd_kafka_message_t& input,
                                              engine::OutputWriter& out) {
  const int i = input_number(input.payload, input.len);
  int call = 0;
  journal_.mutate([&] {
    call = ++journal_.process_calls[i];
    if (journal_.open < 0) return;
    auto& processed = journal_.transactions[static_cast<size_t>(journal_.open)]
                          .processed[{rd_kafka_topic_name(input.rkt), input.partition}];
    processed = std::max(processed, input.offset);
  });
  const Script script = script_(i);
  auto write = [&](int count) {
    for (int k = 0; k < count; ++k) {
      const std::string value = std::to_string(i) + "/" + std::to_string(k);
      engine::OutputRecord record;
      record.key = input.key;
      record.key_len = input.key_len;
      record.value = value.data();
      record.value_len = value.size();
      if (!out.write(record)) return;  // the engine sees it through the writer
    }
  };
  if (script.fatal) return {Status::fatal, "scripted FATAL", "fake@1.0"};
  if (script.record_error) {
    write(script.outputs_on_failure);
    return {Status::record_error, "scripted RECORD_ERROR", "fake@1.0"};
  }
  if (call <= script.retries) {
    write(script.outputs_on_failure);
    return {Status::retry, "scripted RETRY", "fake@1.0"};
  }
  write(script.outputs);
  journal_.mutate([&] {
    if (journal_.open >= 0) ++journal_.transactions[static_cast<size_t>(journal_.open)].records;
  });
  return {};
}

engine::ProcessOutcome FakeProcessor::on_commit() {
  journal_.mutate([&] { ++journal_.on_commit_calls; });
  return {};
}

engine::ProcessOutcome FakeProcessor::on_abort() {
  journal_.mutate([&] { ++journal_.on_abort_calls; });
  return {};
}

// ---- cluster, inputs, readers ------------------------------------------------------------------

namespace {

kafka::KafkaPtr make_mock_client(rd_kafka_type_t type, const std::string& bootstraps,
                                 const config::PropertyList& properties) {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  config::PropertyList all{{"log_level", "3"}};
  if (!bootstraps.empty()) all.push_back({"bootstrap.servers", bootstraps});
  all.insert(all.end(), properties.begin(), properties.end());
  config::apply_properties(conf.get(), all);
  std::string error;
  kafka::KafkaPtr client = kafka::new_client(type, std::move(conf), error);
  if (!client) throw std::runtime_error("rd_kafka_new: " + error);
  return client;
}

void count_failed_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<std::atomic<int>*>(opaque);
}

std::string input_key(int i) {
  char key[16];
  std::snprintf(key, sizeof key, "k%05d", i);
  return key;
}

// Keeps what the engine logs (librdkafka's lines included) for waiting and for failure reports.
class JournalSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JournalSink(Journal& journal) : journal_(journal) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line(formatted.data(), formatted.size());
    journal_.mutate([&] { journal_.log_lines.push_back(std::move(line)); });
  }
  void flush_() override {}

 private:
  Journal& journal_;
};

}  // namespace

MockCluster::MockCluster(int brokers)
    : handle_(make_mock_client(RD_KAFKA_PRODUCER, "", {{"log_level", "0"}})),
      cluster_(rd_kafka_mock_cluster_new(handle_.get(), brokers)) {
  if (cluster_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
}

MockCluster::~MockCluster() {
  rd_kafka_mock_cluster_destroy(cluster_);
}

void MockCluster::create_topic(const std::string& topic, int partitions) {
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  for (int32_t partition = 0; partition < partitions; ++partition) {
    ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
}

int input_number(const void* value, size_t len) {
  int i = -1;
  const char* text = static_cast<const char*>(value);
  if (value != nullptr && len >= 5) std::from_chars(text, text + 5, i);
  return i;
}

void produce_inputs(const MockCluster& cluster, const std::string& topic, int partitions, int first,
                    int count) {
  std::atomic<int> failed{0};
  kafka::ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_opaque(conf.get(), &failed);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), count_failed_delivery);
  char errstr[512];
  rd_kafka_conf_set(conf.get(), "bootstrap.servers", cluster.bootstraps().c_str(), errstr,
                    sizeof errstr);
  kafka::KafkaPtr producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  ASSERT_TRUE(producer) << errstr;
  conf.release();
  for (int i = first; i < first + count; ++i) {
    const std::string key = input_key(i);
    char number[8];
    std::snprintf(number, sizeof number, "%05d", i % 100000);
    std::string value(kValueSize, '.');
    value.replace(0, 5, number);
    ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                                RD_KAFKA_V_PARTITION(i % partitions),
                                RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(value.data(), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(failed.load(), 0) << "input records not delivered";
}

std::vector<StoredRecord> read_topic(const MockCluster& cluster, const std::string& topic,
                                     int partitions) {
  auto consumer = make_mock_client(RD_KAFKA_CONSUMER, cluster.bootstraps(),
                                   {{"group.id", "txform-test-reader"},
                                    {"isolation.level", "read_uncommitted"},
                                    {"fetch.wait.max.ms", "10"},
                                    {"enable.auto.commit", "false"},
                                    {"enable.partition.eof", "true"}});
  kafka::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int32_t partition = 0; partition < partitions; ++partition) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  EXPECT_EQ(rd_kafka_assign(consumer.get(), assignment.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::vector<StoredRecord> records;
  std::set<int32_t> at_end;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (static_cast<int>(at_end.size()) < partitions) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "reading " << topic << ": end not reached in 30 s";
      break;
    }
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 100));
    if (!message) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.insert(message->partition);
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // transient (broker coming up)
    records.push_back({Position{topic, message->partition, message->offset},
                       std::string(static_cast<const char*>(message->key), message->key_len),
                       std::string(static_cast<const char*>(message->payload), message->len)});
  }
  rd_kafka_consumer_close(consumer.get());
  return records;
}

std::vector<int64_t> group_committed(const MockCluster& cluster, const std::string& group,
                                     const std::string& topic, int partitions) {
  auto consumer = make_mock_client(RD_KAFKA_CONSUMER, cluster.bootstraps(),
                                   {{"group.id", group}, {"enable.auto.commit", "false"}});
  kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int32_t partition = 0; partition < partitions; ++partition) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  }
  EXPECT_EQ(rd_kafka_committed(consumer.get(), list.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::vector<int64_t> offsets;
  for (int i = 0; i < list->cnt; ++i)
    offsets.push_back(list->elems[i].offset);
  rd_kafka_consumer_close(consumer.get());
  return offsets;
}

// ---- engine thread -----------------------------------------------------------------------------

EngineThread::EngineThread(Journal& journal, engine::EngineOptions options,
                           engine::RecordProcessor& processor, std::shared_ptr<spdlog::logger> log,
                           engine::LoopObserver* observer)
    : bookkeeper_(journal, observer) {
  std::packaged_task<int()> task(
      [this, options = std::move(options), &processor, log = std::move(log)]() mutable {
        engine::TransactionalLoop loop(std::move(options), processor, stop_, std::move(log),
                                       &bookkeeper_, &bookkeeper_);
        return loop.run();
      });
  result_ = task.get_future();
  thread_ = std::thread(std::move(task));
}

EngineThread::~EngineThread() {
  if (thread_.joinable()) {
    stop_.store(engine::kStopNow);
    thread_.join();
  }
}

bool EngineThread::finished() const {
  return result_.valid() && result_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

int EngineThread::wait(std::chrono::seconds timeout) {
  if (result_.wait_for(timeout) != std::future_status::ready) {
    ADD_FAILURE() << "the engine did not return within " << timeout.count() << " s";
    stop_.store(engine::kStopNow);
    if (result_.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      std::fprintf(stderr, "the engine ignores stop=2: giving up\n");
      std::abort();
    }
    thread_.join();
    return -1;
  }
  thread_.join();
  try {
    return result_.get();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "TransactionalLoop::run() threw: " << error.what();
    return -2;
  }
}

// ---- fixture -----------------------------------------------------------------------------------

void MockLoopTest::SetUp() {
  journal_ = std::make_unique<Journal>();
  cluster_ = std::make_unique<MockCluster>(3);
  input_ = "input";
  output_ = "output";
  dead_letter_ = "dead-letters";
  group_ = "txform-group";
  transactional_id_ = "txform-worker-0";
  cluster_->create_topic(input_, kInputPartitions);
  cluster_->create_topic(output_, 1);
  cluster_->create_topic(dead_letter_, 1);
  // Pin both coordinators to broker 1, so a test can move or stop them.
  rd_kafka_mock_coordinator_set(cluster_->get(), "transaction", transactional_id_.c_str(), 1);
  rd_kafka_mock_coordinator_set(cluster_->get(), "group", group_.c_str(), 1);
  log_ = std::make_shared<spdlog::logger>("engine", std::make_shared<JournalSink>(*journal_));
  log_->set_pattern("%H:%M:%S.%e %l %v");
  log_->set_level(spdlog::level::debug);
}

void MockLoopTest::TearDown() {
  if (HasFailure() || std::getenv("TXFORM_TEST_ENGINE_LOG") != nullptr) {
    const auto lines = journal_->read([&] { return journal_->log_lines; });
    std::fprintf(stderr, "---- engine log (%zu lines) ----\n", lines.size());
    for (const auto& line : lines)
      std::fprintf(stderr, "%s\n", line.c_str());
  }
  for (const auto& error : journal_->read([&] { return journal_->bookkeeping_errors; })) {
    ADD_FAILURE() << "journal: " << error;
  }
  log_.reset();
  cluster_.reset();
  journal_.reset();
}

engine::EngineOptions MockLoopTest::options() const {
  engine::EngineOptions opts;
  opts.transactional_id = transactional_id_;
  opts.input_topics = {input_};
  opts.output_topic = output_;
  opts.dead_letter_topic = dead_letter_;
  opts.on_record_error = engine::ErrorPolicy::kDeadLetter;
  opts.max_retries = 3;
  opts.retry_backoff = std::chrono::milliseconds(10);
  opts.commit_interval = std::chrono::milliseconds(20);
  opts.commit_max_records = 100000;
  opts.commit_max_bytes = 64u << 20;
  const std::string bootstraps = cluster_->bootstraps();
  opts.consumer_properties = {{"bootstrap.servers", bootstraps},
                              {"group.id", group_},
                              {"enable.auto.commit", "false"},
                              {"enable.auto.offset.store", "false"},
                              {"isolation.level", "read_committed"},
                              {"auto.offset.reset", "error"},  // as the real engine
                              {"partition.assignment.strategy", "range,roundrobin"},
                              // The mock group waits session.timeout.ms - 1 s before a rejoin
                              // after the last member left (a restart), and 3 s for a first
                              // join: keep it short, but above 3 s.
                              {"session.timeout.ms", "4500"},
                              {"heartbeat.interval.ms", "500"}};
  opts.producer_properties = {{"bootstrap.servers", bootstraps},
                              {"transactional.id", transactional_id_},
                              {"enable.idempotence", "true"},
                              {"acks", "all"}};
  return opts;
}

int MockLoopTest::run_until(engine::EngineOptions opts, FakeProcessor& processor,
                            const std::function<bool()>& done, int stop_level) {
  EngineThread engine(*journal_, std::move(opts), processor, log_);
  EXPECT_TRUE(journal_->wait_until([&] { return done() || engine.finished(); }))
      << "the awaited condition did not hold in time";
  engine.stop(stop_level);
  return engine.wait();
}

bool MockLoopTest::all_committed(int count) const {
  return journal_->read([&] {
    for (int32_t partition = 0; partition < kInputPartitions; ++partition) {
      const int64_t end = (count - partition + kInputPartitions - 1) / kInputPartitions;
      auto found = journal_->group_offsets.find({input_, partition});
      const int64_t committed = found == journal_->group_offsets.end() ? 0 : found->second;
      if (committed != end) return false;
    }
    return true;
  });
}

std::vector<v1::DeadLetter> MockLoopTest::expect_exactly_once(
    int count, const std::function<int(int)>& outputs, const std::set<int>& dead_letters) {
  const std::set<Position> committed = journal_->committed_positions();
  std::set<Position> stored;

  std::map<int, std::multiset<int>> seen;
  for (const auto& record : read_topic(*cluster_, output_, 1)) {
    stored.insert(record.position);
    if (committed.count(record.position) == 0) continue;  // aborted or never committed
    const auto slash = record.value.find('/');
    EXPECT_NE(slash, std::string::npos) << record.value;
    const int i = std::stoi(record.value.substr(0, slash));
    seen[i].insert(std::stoi(record.value.substr(slash + 1)));
    EXPECT_EQ(record.key, input_key(i));
  }
  for (int i = 0; i < count; ++i) {
    std::multiset<int> expected;
    for (int k = 0; k < outputs(i); ++k)
      expected.insert(k);
    EXPECT_EQ(seen[i], expected) << "committed outputs of input " << i;
  }
  for (const auto& [i, ks] : seen)
    EXPECT_TRUE(i >= 0 && i < count) << "unknown input " << i;

  std::vector<v1::DeadLetter> letters;
  std::map<int, int> lettered;
  for (const auto& record : read_topic(*cluster_, dead_letter_, 1)) {
    stored.insert(record.position);
    if (committed.count(record.position) == 0) continue;
    v1::DeadLetter letter;
    EXPECT_TRUE(letter.ParseFromString(record.value));
    ++lettered[input_number(letter.value().data(), letter.value().size())];
    letters.push_back(std::move(letter));
  }
  std::set<int> lettered_inputs;
  for (const auto& [i, times] : lettered) {
    EXPECT_EQ(times, 1) << "input " << i << " dead-lettered " << times << " times";
    lettered_inputs.insert(i);
  }
  EXPECT_EQ(lettered_inputs, dead_letters);

  // Every output a committed transaction acknowledged is really in the cluster.
  for (const auto& position : committed) {
    EXPECT_EQ(stored.count(position), 1u)
        << std::get<0>(position) << "[" << std::get<1>(position) << "]@" << std::get<2>(position);
  }
  return letters;
}

void MockLoopTest::stop_and_expect_each_once(EngineThread& engine, int count) {
  engine.stop(engine::kStopCleanly);
  EXPECT_EQ(engine.wait(), kExitOk);
  expect_exactly_once(count, [](int) { return 1; });
  expect_offsets_at_end(count);
}

void MockLoopTest::expect_offsets_at_end(int count) {
  const auto offsets = group_committed(*cluster_, group_, input_, kInputPartitions);
  ASSERT_EQ(offsets.size(), static_cast<size_t>(kInputPartitions));
  for (int32_t partition = 0; partition < kInputPartitions; ++partition) {
    const int64_t end = (count - partition + kInputPartitions - 1) / kInputPartitions;
    EXPECT_EQ(offsets[static_cast<size_t>(partition)], end) << input_ << "[" << partition << "]";
  }
}

}  // namespace txform::testing
