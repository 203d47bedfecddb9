#include "config/properties.hpp"

#include <gtest/gtest.h>

#include "config/identity.hpp"
#include "config_test_support.hpp"
#include "kafka/handles.hpp"

namespace txform::config {
namespace {

using testing::find_diagnostic;
using testing::kMinimal;
using testing::load;
using testing::load_error;

// The value of `name` in `list`, or "<unset>".
std::string value_of(const PropertyList& list, std::string_view name) {
  const Property* property = find_property(list, name);
  return property == nullptr ? "<unset>" : property->value;
}

TEST(Properties, ConsumerHasTheExactlyOnceSettings) {
  const auto list = consumer_properties(load(kMinimal).config, 0);
  EXPECT_EQ(value_of(list, "bootstrap.servers"), "localhost:9092");
  EXPECT_EQ(value_of(list, "group.id"), "orders");
  EXPECT_EQ(value_of(list, "enable.auto.commit"), "false");
  EXPECT_EQ(value_of(list, "enable.auto.offset.store"), "false");
  EXPECT_EQ(value_of(list, "isolation.level"), "read_committed");
  // The engine decides where partitions start (engine/start_offsets.hpp), never librdkafka.
  EXPECT_EQ(value_of(list, "auto.offset.reset"), "error");
  // librdkafka's own defaults: the classic protocol, range,roundrobin.
  EXPECT_EQ(value_of(list, "partition.assignment.strategy"), "<unset>");
  EXPECT_EQ(value_of(list, "group.protocol"), "<unset>");
  EXPECT_EQ(value_of(list, "group.instance.id"), "orders-pod-0");
  EXPECT_EQ(value_of(list, "transactional.id"), "<unset>");
}

// librdkafka's 1 s backoff, once its queue passes queued.min.messages, idled the loop most of
// each second; txform's default is short, and the user's own value still wins.
TEST(Properties, ConsumerFetchQueueBackoffIsShortUnlessConfigured) {
  EXPECT_EQ(value_of(consumer_properties(load(kMinimal).config, 0), "fetch.queue.backoff.ms"),
            "20");
  const auto configured = consumer_properties(
      load(std::string(kMinimal) + "kafka: {consumer: {fetch.queue.backoff.ms: \"500\"}}\n").config,
      0);
  EXPECT_EQ(value_of(configured, "fetch.queue.backoff.ms"), "500");
}

TEST(Properties, ProducerQueueIsShortAndHoldsTheLargestRecord) {
  // The commit's latency is the depth of this queue (docs/perf/profile.md).
  EXPECT_EQ(value_of(producer_properties(load(kMinimal).config, 0), "queue.buffering.max.kbytes"),
            "2048");
  const auto large_records = producer_properties(
      load(kMinimal + "kafka: {common: {message.max.bytes: \"5000000\"}}\n").config, 0);
  EXPECT_EQ(value_of(large_records, "queue.buffering.max.kbytes"), "9766");
  const auto configured = producer_properties(
      load(kMinimal + "kafka: {producer: {queue.buffering.max.kbytes: \"65536\"}}\n").config, 0);
  EXPECT_EQ(value_of(configured, "queue.buffering.max.kbytes"), "65536");
}

TEST(Properties, ProducerIsTransactionalAndIdempotent) {
  const auto list = producer_properties(load(kMinimal).config, 0);
  EXPECT_EQ(value_of(list, "enable.idempotence"), "true");
  EXPECT_EQ(value_of(list, "acks"), "all");
  EXPECT_EQ(value_of(list, "transactional.id"), "orders-pod-0");
  EXPECT_EQ(value_of(list, "partitioner"), "murmur2_random");
  EXPECT_EQ(value_of(list, "transaction.timeout.ms"), "60000");
  EXPECT_EQ(value_of(list, "isolation.level"), "<unset>");
  // Bounds how long librdkafka 2.14 holds a transactional call while a coordinator is silent;
  // never above the transaction timeout, which librdkafka refuses.
  EXPECT_EQ(value_of(list, "socket.timeout.ms"), "30000");
  const auto short_transactions = producer_properties(
      load(kMinimal + "transaction_timeout_ms: 15000\ncommit: {interval_ms: 500}\n").config, 0);
  EXPECT_EQ(value_of(short_transactions, "socket.timeout.ms"), "15000");
  kafka::ConfPtr conf(rd_kafka_conf_new());
  apply_properties(conf.get(), short_transactions);
  char errstr[512];
  kafka::KafkaPtr producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  ASSERT_TRUE(producer) << errstr;
  conf.release();
  EXPECT_EQ(value_of(producer_properties(load(kMinimal + "kafka: {producer: "
                                                         "{socket.timeout.ms: \"45000\"}}\n")
                                             .config,
                                         0),
                     "socket.timeout.ms"),
            "45000");
}

TEST(Properties, ConsumerGroupProtocolIsSetFromItsField) {
  const auto list = consumer_properties(load(kMinimal + "group_protocol: consumer\n").config, 0);
  const Property* protocol = find_property(list, "group.protocol");
  ASSERT_NE(protocol, nullptr);
  EXPECT_EQ(protocol->value, "consumer");
  EXPECT_EQ(protocol->source, "group_protocol");
  // Static membership works under KIP-848 too.
  EXPECT_EQ(value_of(list, "group.instance.id"), "orders-pod-0");
  // librdkafka accepts the list as a whole (it refuses classic-only properties here).
  kafka::ConfPtr conf(rd_kafka_conf_new());
  EXPECT_NO_THROW(apply_properties(conf.get(), list));
  EXPECT_EQ(value_of(producer_properties(load(kMinimal + "group_protocol: consumer\n").config, 0),
                     "group.protocol"),
            "<unset>");
}

TEST(Properties, NamesAreUnique) {
  const auto config =
      load(kMinimal + "kafka: {common: {client.id: a}, producer: {client.id: b}}\n").config;
  for (const auto& list : {consumer_properties(config, 0), producer_properties(config, 0)}) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j)
        EXPECT_NE(list[i].name, list[j].name);
    }
  }
  EXPECT_EQ(value_of(producer_properties(config, 0), "client.id"), "b");
  EXPECT_EQ(value_of(consumer_properties(config, 0), "client.id"), "a");
}

TEST(Properties, OneWorkerKeepsTheBareId) {
  const auto config = load(kMinimal + "transactional_id: app-${POD}\n", {{"POD", "web-0"}}).config;
  EXPECT_EQ(worker_id(config, 0), "app-web-0");
  EXPECT_THROW(worker_id(config, 1), std::out_of_range);
}

TEST(Properties, SeveralWorkersGetDeterministicSuffixedIds) {
  const auto config = load(kMinimal + "transactional_id: app\nworkers: 3\n").config;
  for (unsigned i = 0; i < 3; ++i) {
    const std::string expected = "app-" + std::to_string(i);
    EXPECT_EQ(value_of(producer_properties(config, i), "transactional.id"), expected);
    EXPECT_EQ(value_of(consumer_properties(config, i), "group.instance.id"), expected);
    EXPECT_EQ(value_of(consumer_properties(config, i), "client.id"), expected);
  }
  EXPECT_EQ(value_of(producer_properties(config, 2), "transactional.id"),
            value_of(producer_properties(
                         load(kMinimal + "transactional_id: app\nworkers: 3\n").config, 2),
                     "transactional.id"))
      << "derivation must be deterministic across loads";
  EXPECT_THROW(producer_properties(config, 3), std::out_of_range);
}

TEST(Properties, DefaultIdFallsBackToTheHostName) {
  EXPECT_EQ(default_transactional_id("g", testing::fake_env({{"HOSTNAME", "h1"}})), "g-h1");
  const std::string from_system = default_transactional_id("g", testing::fake_env());
  EXPECT_GT(from_system.size(), 2u);
  EXPECT_EQ(from_system.rfind("g-", 0), 0u);
}

TEST(Properties, AtLeastOnceProducerIsNotTransactional) {
  const auto config = load(kMinimal + "processing_guarantee: at_least_once\n").config;
  const auto producer = producer_properties(config, 0);
  EXPECT_EQ(value_of(producer, "transactional.id"), "<unset>");
  EXPECT_EQ(value_of(producer, "enable.idempotence"), "true");
  EXPECT_EQ(value_of(consumer_properties(config, 0), "enable.auto.commit"), "false");
}

TEST(Properties, StaticMembershipCanBeTurnedOff) {
  const auto config = load(kMinimal + "static_membership: false\n").config;
  EXPECT_EQ(value_of(consumer_properties(config, 0), "group.instance.id"), "<unset>");
}

TEST(Properties, SpecificMapWinsOverCommonAndSourcesAreKeyPaths) {
  const auto config = load(kMinimal + R"(auto_offset_reset: latest
kafka:
  common: {socket.timeout.ms: "1000", fetch.wait.max.ms: "10"}
  consumer: {fetch.wait.max.ms: "50", partition.assignment.strategy: roundrobin}
)")
                          .config;
  const auto consumer = consumer_properties(config, 0);
  EXPECT_EQ(value_of(consumer, "socket.timeout.ms"), "1000");
  EXPECT_EQ(value_of(consumer, "fetch.wait.max.ms"), "50");
  EXPECT_EQ(find_property(consumer, "fetch.wait.max.ms")->source,
            "kafka.consumer.fetch.wait.max.ms");
  EXPECT_EQ(value_of(consumer, "partition.assignment.strategy"), "roundrobin");
  EXPECT_EQ(value_of(producer_properties(config, 0), "fetch.wait.max.ms"), "10");
}

TEST(Properties, ApplyAcceptsTheBuiltLists) {
  const auto config = load(kMinimal).config;
  for (const auto& list : {consumer_properties(config, 0), producer_properties(config, 0)}) {
    kafka::ConfPtr conf(rd_kafka_conf_new());
    EXPECT_NO_THROW(apply_properties(conf.get(), list));
  }
}

TEST(Properties, ApplyNamesTheKeyPathOfARejectedProperty) {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  const PropertyList list = {{"no.such.property", "1", "kafka.common.no.such.property", false}};
  try {
    apply_properties(conf.get(), list);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    ASSERT_EQ(error.diagnostics().size(), 1u);
    EXPECT_EQ(error.diagnostics()[0].key_path, "kafka.common.no.such.property");
    EXPECT_NE(error.diagnostics()[0].message.find("no.such.property"), std::string::npos);
  }
}

TEST(Properties, UnknownLibrdkafkaPropertyIsRefusedAtLoadWithItsLine) {
  const ConfigError error = load_error(kMinimal + "kafka:\n  producer:\n    lingr.ms: 5\n");
  const auto diagnostic = find_diagnostic(error, "kafka.producer.lingr.ms");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_EQ(diagnostic->line, 9);
  EXPECT_NE(diagnostic->message.find("librdkafka rejected"), std::string::npos);
}

TEST(Properties, CommonErrorIsReportedOnce) {
  const ConfigError error = load_error(kMinimal + "kafka:\n  common:\n    bogus.prop: 1\n");
  EXPECT_EQ(error.diagnostics().size(), 1u) << error.what();
}

TEST(Properties, FormatShowsSources) {
  const std::string text = format_properties(producer_properties(load(kMinimal).config, 0));
  EXPECT_NE(text.find("acks = all  # txform (locked)"), std::string::npos) << text;
  EXPECT_NE(text.find("transactional.id = orders-pod-0  # transactional_id"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace txform::config
