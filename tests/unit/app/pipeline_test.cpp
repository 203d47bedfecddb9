// app::run_pipeline without the command line: a plugin that cannot load stops startup before
// anything runs, a metrics port in use is refused, and a whole pipeline against librdkafka's mock
// cluster becomes ready, copies its input and stops cleanly on SIGTERM.
#include "app/pipeline.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "engine/exit_codes.hpp"
#include "engine/workers.hpp"
#include "http_client.hpp"
#include "kafka/client.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin_testing.hpp"

namespace txform::app {
namespace {

using namespace std::chrono_literals;

constexpr int kInputs = 20;

// A librdkafka mock cluster with topics `in` and `out`, owned by a throwaway producer.
class MockCluster {
 public:
  MockCluster() {
    kafka::ConfPtr conf(rd_kafka_conf_new());
    char errstr[512];
    rd_kafka_conf_set(conf.get(), "log_level", "0", errstr, sizeof errstr);
    std::string error;
    handle_ = kafka::new_client(RD_KAFKA_PRODUCER, std::move(conf), error);
    cluster_ = rd_kafka_mock_cluster_new(handle_.get(), 1);
    rd_kafka_mock_topic_create(cluster_, "in", 1, 1);
    rd_kafka_mock_topic_create(cluster_, "out", 1, 1);
  }
  ~MockCluster() { rd_kafka_mock_cluster_destroy(cluster_); }
  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  // A client of the cluster with librdkafka's defaults (a consumer in a group of its own).
  kafka::KafkaPtr client(rd_kafka_type_t type) const {
    kafka::ConfPtr conf(rd_kafka_conf_new());
    char errstr[512];
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", bootstraps().c_str(), errstr, sizeof errstr);
    if (type == RD_KAFKA_CONSUMER) {
      rd_kafka_conf_set(conf.get(), "group.id", "pipeline-test-reader", errstr, sizeof errstr);
    }
    std::string error;
    return kafka::new_client(type, std::move(conf), error);
  }

 private:
  kafka::KafkaPtr handle_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

class Pipeline : public ::testing::Test {
 protected:
  // run_pipeline() waits for SIGTERM on its own thread: every other thread, librdkafka's and
  // this test's included, must be started with the stop signals blocked, or one of them would
  // take the signal's default action.
  void SetUp() override { engine::block_stop_signals(); }

  config::LoadedConfig load(const std::string& bootstraps, const std::string& plugin,
                            int metrics_port) const {
    return config::load_string("bootstrap_servers: " + bootstraps + R"(
group_id: pipeline-test
transactional_id: pipeline-test-0
input_topics: [in]
output_topic: out
plugin_dir: )" + plugin_testing::example_plugin_dir().string() +
                                   R"(
plugins:
  - name: )" + plugin + R"(
metrics:
  listen: 127.0.0.1:)" + std::to_string(metrics_port) +
                                   R"(
log:
  level: warn
)",
                               "pipeline-test.yaml");
  }
};

TEST_F(Pipeline, PluginThatCannotLoadStopsBeforeAnythingStarts) {
  const auto loaded = load("127.0.0.1:1", "no-such-plugin", testing::free_port());
  try {
    run_pipeline(loaded);
    FAIL() << "expected a PluginError";
  } catch (const plugin::PluginError& error) {
    EXPECT_NE(std::string(error.what()).find("no-such-plugin"), std::string::npos) << error.what();
  }
}

TEST_F(Pipeline, MetricsPortInUseIsAConfigError) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  EXPECT_EQ(run_pipeline(load("127.0.0.1:1", "passthrough", ntohs(address.sin_port))),
            kExitConfigError);
  close(listener);
}

TEST_F(Pipeline, RunsUntilSigtermAndCopiesItsInput) {
  MockCluster cluster;
  {
    auto producer = cluster.client(RD_KAFKA_PRODUCER);
    for (int i = 0; i < kInputs; ++i) {
      const std::string value = "record-" + std::to_string(i);
      ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("in"),
                                  RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  const int port = testing::free_port();
  // Stops the pipeline once it is ready and every input reached `out`, or after a minute.
  auto stopper = std::async(std::launch::async, [&] {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    bool ready = false;
    int64_t copied = 0;
    auto reader = cluster.client(RD_KAFKA_CONSUMER);
    while (std::chrono::steady_clock::now() < deadline && (!ready || copied < kInputs)) {
      std::this_thread::sleep_for(100ms);
      ready = ready || testing::http_get(port, "/readyz").status == 200;
      int64_t low = 0;
      int64_t high = 0;
      if (rd_kafka_query_watermark_offsets(reader.get(), "out", 0, &low, &high, 1000) ==
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        copied = high;
      }
    }
    kill(getpid(), SIGTERM);
    return std::pair{ready, copied};
  });

  EXPECT_EQ(run_pipeline(load(cluster.bootstraps(), "passthrough", port)), kExitOk);
  const auto [ready, copied] = stopper.get();
  EXPECT_TRUE(ready) << "/readyz never answered 200";
  EXPECT_GE(copied, kInputs) << "records in out";
}

}  // namespace
}  // namespace txform::app
