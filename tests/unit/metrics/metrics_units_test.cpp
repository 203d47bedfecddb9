// The metrics module without an engine: health answers, librdkafka statistics, the endpoint.
#include <gtest/gtest.h>

#include "http_client.hpp"
#include "metrics/endpoint.hpp"
#include "metrics/kafka_statistics.hpp"
#include "metrics/worker_health.hpp"
#include "metrics/worker_metrics.hpp"
#include "metrics_test_support.hpp"

namespace txform::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int64_t nanos(Clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

TEST(Health, ReadyOnlyOnceTheProducerIsReadyAndTheGroupJoined) {
  metrics::WorkerHealth worker;
  worker.name = "worker 0";
  EXPECT_EQ(metrics::readiness({&worker}).status, 503);
  worker.producer_ready = true;
  const auto waiting = metrics::readiness({&worker});
  EXPECT_EQ(waiting.status, 503);
  EXPECT_EQ(waiting.reason, "worker 0: consumer has not joined its group");
  worker.joined = true;
  EXPECT_EQ(metrics::readiness({&worker}).status, 200);
  worker.stopped = true;
  EXPECT_EQ(metrics::readiness({&worker}).status, 503);
}

TEST(Health, LivenessFailsWhenALoopStopsPolling) {
  metrics::WorkerHealth worker;
  worker.name = "worker 1";
  const auto now = Clock::now();
  EXPECT_EQ(metrics::liveness({&worker}, now, 1000ms).status, 200) << "starting is not dead";
  worker.last_poll_ns = nanos(now - 200ms);
  EXPECT_EQ(metrics::liveness({&worker}, now, 1000ms).status, 200);
  worker.last_poll_ns = nanos(now - 5s);
  const auto stalled = metrics::liveness({&worker}, now, 1000ms);
  EXPECT_EQ(stalled.status, 503);
  EXPECT_NE(stalled.reason.find("worker 1 has not polled for 5000 ms"), std::string::npos)
      << stalled.reason;
  worker.last_poll_ns = nanos(now);
  worker.stopped = true;
  EXPECT_EQ(metrics::liveness({&worker}, now, 1000ms).status, 503);
}

TEST(KafkaStatistics, ConsumerAndProducerDocumentsBecomeGaugesInBaseUnits) {
  prometheus::Registry registry;
  metrics::KafkaStatistics statistics(registry, {{"worker", "1"}});
  statistics.update(true, R"({
    "cgrp": {"assignment_size": 2, "rebalance_cnt": 3},
    "brokers": {"127.0.0.1:9092/1": {"nodeid": 1, "rtt": {"avg": 2500}},
                "127.0.0.1:9092/bootstrap": {"nodeid": -1, "rtt": {"avg": 9}}},
    "topics": {"in": {"partitions": {
      "0": {"desired": true, "ls_offset": 120, "app_offset": 100, "consumer_lag": 7},
      "1": {"desired": false, "ls_offset": 50, "app_offset": 0},
      "-1": {"desired": false}}}}})");
  statistics.update(false, R"({"msg_cnt": 4, "msg_size": 4096,
    "eos": {"txn_state": "InTransaction", "producer_epoch": 5}, "brokers": {}})");
  const std::map<std::string, std::string> worker{{"worker", "1"}};
  auto labels = [&](std::map<std::string, std::string> extra) {
    extra.insert(worker.begin(), worker.end());
    return extra;
  };
  EXPECT_EQ(metric_value(registry, "txform_kafka_consumer_assigned_partitions", worker), 2);
  EXPECT_EQ(metric_value(registry, "txform_kafka_consumer_rebalances_total", worker), 3);
  EXPECT_EQ(metric_value(registry, "txform_kafka_consumer_lag_records",
                         labels({{"topic", "in"}, {"partition", "0"}})),
            20);
  EXPECT_FALSE(metric_value(registry, "txform_kafka_consumer_lag_records",
                            labels({{"topic", "in"}, {"partition", "1"}})))
      << "a partition not assigned to us has no lag series";
  EXPECT_EQ(metric_value(registry, "txform_kafka_broker_rtt_seconds",
                         labels({{"client", "consumer"}, {"broker", "1"}})),
            0.0025);
  EXPECT_EQ(metric_value(registry, "txform_kafka_producer_queue_messages", worker), 4);
  EXPECT_EQ(metric_value(registry, "txform_kafka_producer_queue_bytes", worker), 4096);
  EXPECT_EQ(metric_value(registry, "txform_kafka_producer_epoch", worker), 5);
  EXPECT_EQ(metric_value(registry, "txform_kafka_transaction_state",
                         labels({{"state", "InTransaction"}})),
            1);
  EXPECT_EQ(metric_value(registry, "txform_kafka_transaction_state", labels({{"state", "Ready"}})),
            0);

  // A rebalance took partition 0 away; counters only go up; garbage is ignored.
  statistics.update(true, R"({"cgrp": {"assignment_size": 0, "rebalance_cnt": 4},
                              "topics": {"in": {"partitions": {}}}})");
  statistics.update(true, "not json");
  EXPECT_FALSE(metric_value(registry, "txform_kafka_consumer_lag_records",
                            labels({{"topic", "in"}, {"partition", "0"}})));
  EXPECT_EQ(metric_value(registry, "txform_kafka_consumer_rebalances_total", worker), 4);
}

constexpr const char* kPluginDuration = "txform_plugin_process_duration_seconds";

std::optional<double> plugin_series(prometheus::Registry& registry, const std::string& plugin,
                                    Field field) {
  return metric_value(registry, kPluginDuration, {{"plugin", plugin}, {"worker", "0"}}, field);
}

TEST(WorkerMetrics, PluginTimingIsOneSeriesPerPluginOfTheChain) {
  prometheus::Registry registry;
  metrics::WorkerMetrics worker(registry, 0);
  const std::vector<std::string> chain{"filter@1.0.0", "enrich@2.1.0"};
  worker.on_plugin_chain(chain);
  const std::vector<std::chrono::nanoseconds> took{1ms, 3ms};
  worker.on_plugin_timed(took);
  worker.on_plugin_timed(took);
  EXPECT_EQ(plugin_series(registry, "filter@1.0.0", Field::kCount), 2);
  EXPECT_EQ(plugin_series(registry, "enrich@2.1.0", Field::kCount), 2);
  EXPECT_DOUBLE_EQ(plugin_series(registry, "filter@1.0.0", Field::kSum).value_or(-1), 0.002);
  EXPECT_DOUBLE_EQ(plugin_series(registry, "enrich@2.1.0", Field::kSum).value_or(-1), 0.006);
  EXPECT_EQ(plugin_series(registry, "filter@1.0.0,enrich@2.1.0", Field::kCount), std::nullopt)
      << "no series for the chain as a whole";
}

TEST(WorkerMetrics, AfterAReloadThePluginTimingFollowsTheNewChain) {
  prometheus::Registry registry;
  metrics::WorkerMetrics worker(registry, 0);
  const std::vector<std::string> before{"filter@1.0.0", "enrich@2.1.0", "filter@1.0.0"};
  worker.on_plugin_chain(before);
  const std::vector<std::chrono::nanoseconds> three{1ms, 1ms, 1ms};
  worker.on_plugin_timed(three);
  // A plugin twice in a chain has one series, which both its stages feed.
  EXPECT_EQ(plugin_series(registry, "filter@1.0.0", Field::kCount), 2);

  const std::vector<std::string> after{"enrich@2.1.0", "mask@0.3.0"};
  worker.on_plugin_chain(after);
  EXPECT_EQ(plugin_series(registry, "filter@1.0.0", Field::kCount), std::nullopt)
      << "a plugin that left the chain keeps its series";
  EXPECT_EQ(plugin_series(registry, "enrich@2.1.0", Field::kCount), 1)
      << "a plugin that stays keeps its counts";
  EXPECT_EQ(plugin_series(registry, "mask@0.3.0", Field::kCount), 0);
  const std::vector<std::chrono::nanoseconds> two{2ms, 4ms};
  worker.on_plugin_timed(two);
  EXPECT_EQ(plugin_series(registry, "enrich@2.1.0", Field::kCount), 2);
  EXPECT_EQ(plugin_series(registry, "mask@0.3.0", Field::kCount), 1);
  EXPECT_DOUBLE_EQ(plugin_series(registry, "mask@0.3.0", Field::kSum).value_or(-1), 0.004);
}

std::pair<int, std::string> get(int port, const std::string& path) {
  const auto reply = http_get(port, path);
  return {reply.status, reply.body};
}

TEST(MetricsEndpoint, ServesMetricsAndHealthOnOnePort) {
  metrics::EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.workers = 2;
  options.plugins = {{"passthrough", "1.0.0", "1.0"}};
  metrics::MetricsEndpoint endpoint(options);
  ASSERT_GT(endpoint.port(), 0);
  auto observers = endpoint.observers();
  ASSERT_EQ(observers.size(), 2u);

  EXPECT_EQ(
      get(endpoint.port(), "/readyz"),
      std::make_pair(503, std::string("worker 0: transactional producer not initialised yet\n")));
  for (auto* observer : observers) {
    observer->on_producer_ready();
    observer->on_assigned(0);
    observer->on_poll();
  }
  EXPECT_EQ(get(endpoint.port(), "/readyz"), std::make_pair(200, std::string("ok\n")));
  EXPECT_EQ(get(endpoint.port(), "/healthz"), std::make_pair(200, std::string("ok\n")));
  EXPECT_EQ(get(endpoint.port(), "/nothing-here").first, 404);

  observers[1]->on_transaction_begin(Clock::now());
  const auto [status, text] = get(endpoint.port(), "/metrics");
  EXPECT_EQ(status, 200);
  // Two workers: every worker series carries its worker label.
  EXPECT_NE(text.find("txform_transactions_total{outcome=\"committed\",worker=\"1\"} 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("txform_build_info{abi=\"1.0\""), std::string::npos);
  EXPECT_NE(text.find("txform_plugin_info{abi=\"1.0\",name=\"passthrough\",version=\"1.0.0\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(text.find("txform_open_transaction_age_seconds{worker=\"0\"} 0\n"), std::string::npos);
  EXPECT_EQ(text.find("txform_open_transaction_age_seconds{worker=\"1\"} 0\n"), std::string::npos)
      << "worker 1 has a transaction open";

  observers[0]->on_stopped();
  EXPECT_EQ(get(endpoint.port(), "/healthz"),
            std::make_pair(503, std::string("worker 0 has stopped\n")));
}

TEST(MetricsEndpoint, RefusesAnAddressInUse) {
  metrics::EndpointOptions options;
  options.listen = "127.0.0.1:0";
  metrics::MetricsEndpoint first(options);
  options.listen = "127.0.0.1:" + std::to_string(first.port());
  EXPECT_THROW(metrics::MetricsEndpoint second(options), std::runtime_error);
}

}  // namespace
}  // namespace txform::testing
