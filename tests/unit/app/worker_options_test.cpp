// app::worker_options: a loaded config becomes each worker's engine options, and a librdkafka
// value the engine cannot apply stops the worker naming its config key path, secret hidden.
#include "app/worker_options.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <sstream>
#include <utility>

#include "engine/exit_codes.hpp"
#include "engine/transactional_loop.hpp"

namespace txform::app {
namespace {

// librdkafka quotes an invalid compression.codec in its message: a value that must not leak.
const std::string kSecret = "s3cr3t-codec";

config::LoadedConfig load(const std::string& extra = "") {
  return config::load_string(R"(bootstrap_servers: localhost:9092
group_id: orders
transactional_id: orders-pod-0
input_topics: [in]
output_topic: out
plugins:
  - name: identity
)" + extra,
                             "test.yaml");
}

class NoPlugins final : public engine::RecordProcessor {
 public:
  engine::ProcessOutcome process(const rd_kafka_message_t&, engine::OutputWriter&) override {
    return {};
  }
  engine::ProcessOutcome on_commit() override { return {}; }
  engine::ProcessOutcome on_abort() override { return {}; }
  std::string describe() const override { return "none"; }
};

// Runs one worker's loop on this thread; returns its exit code and everything it logged.
std::pair<int, std::string> run_worker(engine::EngineOptions options) {
  std::ostringstream text;
  auto log = std::make_shared<spdlog::logger>(
      "worker", std::make_shared<spdlog::sinks::ostream_sink_mt>(text));
  NoPlugins processor;
  const std::atomic<int> stop{engine::kRunning};
  engine::TransactionalLoop loop(std::move(options), processor, stop, log);
  const int code = loop.run();
  log->flush();
  return {code, text.str()};
}

TEST(WorkerOptions, OnePerWorkerWithItsOwnIdentity) {
  const auto workers = worker_options(load("workers: 2\n"));
  ASSERT_EQ(workers.size(), 2u);
  for (size_t i = 0; i < workers.size(); ++i) {
    const std::string id = "orders-pod-0-" + std::to_string(i);
    EXPECT_EQ(workers[i].transactional_id, id);
    EXPECT_EQ(config::find_property(workers[i].producer_properties, "transactional.id")->value, id);
    EXPECT_EQ(config::find_property(workers[i].consumer_properties, "group.instance.id")->value,
              id);
  }
}

TEST(WorkerOptions, MetricsTurnLibrdkafkaStatisticsOnUnlessConfigured) {
  const auto on = worker_options(load()).at(0);
  EXPECT_EQ(config::find_property(on.consumer_properties, "statistics.interval.ms")->value, "5000");
  EXPECT_EQ(config::find_property(on.producer_properties, "statistics.interval.ms")->value, "5000");
  const auto off = worker_options(load("metrics:\n  enabled: false\n")).at(0);
  EXPECT_EQ(config::find_property(off.consumer_properties, "statistics.interval.ms"), nullptr);
  const auto own = worker_options(load("kafka:\n  common:\n    statistics.interval.ms: 0\n")).at(0);
  EXPECT_EQ(config::find_property(own.producer_properties, "statistics.interval.ms")->value, "0");
}

TEST(WorkerOptions, RejectedProducerValueStopsTheWorkerWithItsKeyPathAndNoSecret) {
  auto loaded = load();
  // What the loader would have refused: the engine must say the same, where it came from.
  (*loaded.config.mutable_kafka()->mutable_producer())["compression.codec"] = kSecret;
  loaded.secret_paths.insert("kafka.producer.compression.codec");  // read from ${file:...}
  const auto [code, log] = run_worker(worker_options(loaded).at(0));
  EXPECT_EQ(code, kExitConfigError) << log;
  EXPECT_NE(log.find("kafka.producer.compression.codec"), std::string::npos) << log;
  EXPECT_EQ(log.find(kSecret), std::string::npos) << log;

  // The same value from a plain key is shown: the scrub above is what hid it.
  loaded.secret_paths.clear();
  const auto [plain_code, plain_log] = run_worker(worker_options(loaded).at(0));
  EXPECT_EQ(plain_code, kExitConfigError) << plain_log;
  EXPECT_NE(plain_log.find(kSecret), std::string::npos) << plain_log;
}

}  // namespace
}  // namespace txform::app
