#include "config/validate.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace txform::config {
namespace {

using testing::find_diagnostic;
using testing::kMinimal;
using testing::load;
using testing::load_error;

// Expects loading kMinimal + `extra` to fail with a diagnostic at `path` containing `text`.
void expect_invalid(const std::string& extra, const std::string& path, const std::string& text) {
  const ConfigError error = load_error(kMinimal + extra);
  const auto diagnostic = find_diagnostic(error, path);
  ASSERT_TRUE(diagnostic) << "no diagnostic for " << path << " in:\n" << error.what();
  EXPECT_NE(diagnostic->message.find(text), std::string::npos) << diagnostic->message;
  EXPECT_EQ(diagnostic->file, "test.yaml");
}

TEST(Validate, WorkersMustBePositive) {
  expect_invalid("workers: 0\n", "workers", "at least 1");
}

TEST(Validate, CommitBoundsMustBePositive) {
  expect_invalid("commit: {interval_ms: 0}\n", "commit.interval_ms", "greater than 0");
  expect_invalid("commit: {max_records: 0}\n", "commit.max_records", "greater than 0");
  expect_invalid("commit: {max_bytes: 0}\n", "commit.max_bytes", "greater than 0");
}

TEST(Validate, ErrorsCarryTheLineOfTheKey) {
  const ConfigError error = load_error(kMinimal + "workers: 0\n");
  const auto diagnostic = find_diagnostic(error, "workers");
  ASSERT_TRUE(diagnostic);
  EXPECT_EQ(diagnostic->line, 7);
}

TEST(Validate, TransactionTimeoutMustExceedCommitInterval) {
  expect_invalid("commit: {interval_ms: 5000}\ntransaction_timeout_ms: 5000\n",
                 "transaction_timeout_ms", "greater than commit.interval_ms");
}

TEST(Validate, TransactionTimeoutIsIrrelevantWithoutTransactions) {
  EXPECT_NO_THROW(load(kMinimal +
                       "processing_guarantee: at_least_once\ncommit: {interval_ms: 5000}\n"
                       "transaction_timeout_ms: 1000\n"));
}

TEST(Validate, DeadLetterPolicyNeedsATopic) {
  expect_invalid("error_policy: {on_record_error: dead_letter}\n", "error_policy.dead_letter_topic",
                 "required when on_record_error is dead_letter");
}

TEST(Validate, OutputSideTopicsMustNotBeInputs) {
  expect_invalid("error_policy: {on_record_error: dead_letter, dead_letter_topic: in}\n",
                 "error_policy.dead_letter_topic", "also an input topic");
  const ConfigError error = load_error(R"(bootstrap_servers: b
group_id: g
input_topics: [in, out]
output_topic: out
allowed_output_topics: [other, in]
plugins: [{name: p}]
)");
  EXPECT_TRUE(find_diagnostic(error, "output_topic")) << error.what();
  EXPECT_TRUE(find_diagnostic(error, "allowed_output_topics[1]")) << error.what();
  EXPECT_FALSE(find_diagnostic(error, "allowed_output_topics[0]")) << error.what();
}

TEST(Validate, TopicNamesAreChecked) {
  expect_invalid("allowed_output_topics: [\"has space\"]\n", "allowed_output_topics[0]",
                 "not a valid Kafka topic name");
}

TEST(Validate, RegexInputTopicsAreAllowed) {
  EXPECT_NO_THROW(load(R"(bootstrap_servers: b
group_id: g
input_topics: ["^orders-.*"]
output_topic: out
plugins: [{name: p}]
)"));
}

TEST(Validate, PluginDirMustBeAbsolute) {
  expect_invalid("plugin_dir: plugins\n", "plugin_dir", "absolute");
}

TEST(Validate, PluginNameIsNotAPath) {
  const ConfigError error = load_error(R"(bootstrap_servers: b
group_id: g
input_topics: [in]
output_topic: out
plugins: [{name: ../evil}]
)");
  EXPECT_TRUE(find_diagnostic(error, "plugins[0].name")) << error.what();
}

TEST(Validate, MetricsListenIsHostPort) {
  expect_invalid("metrics: {listen: \"0.0.0.0\"}\n", "metrics.listen", "host:port");
  expect_invalid("metrics: {listen: \"0.0.0.0:70000\"}\n", "metrics.listen", "host:port");
  EXPECT_NO_THROW(load(kMinimal + "metrics: {enabled: false, listen: nonsense}\n"));
  EXPECT_NO_THROW(load(kMinimal + "metrics: {listen: \"[::]:9464\"}\n"));
  EXPECT_NO_THROW(load(kMinimal + "metrics: {listen: \"127.0.0.1:0\"}\n"));  // any free port
}

TEST(Validate, WarningsAreReturnedWithPaths) {
  const LoadedConfig loaded = load(kMinimal + R"(allow_insecure_plugin_dir: true
kafka:
  consumer:
    group.remote.assignor: uniform
)");
  bool insecure = false;
  bool assignor = false;
  for (const Diagnostic& warning : loaded.warnings) {
    insecure = insecure || warning.key_path == "allow_insecure_plugin_dir";
    assignor =
        assignor || (warning.key_path == "kafka.consumer.group.remote.assignor" &&
                     warning.message.find("classic") != std::string::npos && warning.line == 10);
  }
  EXPECT_TRUE(insecure);
  EXPECT_TRUE(assignor);
}

TEST(Validate, CooperativeStickyIsAcceptedUnderClassic) {
  const LoadedConfig loaded =
      load(kMinimal + "kafka: {consumer: {partition.assignment.strategy: cooperative-sticky}}\n");
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(Validate, ConsumerProtocolRefusesClassicOnlyPropertiesWithTheirPath) {
  for (const char* name : {"partition.assignment.strategy", "session.timeout.ms",
                           "heartbeat.interval.ms", "group.protocol.type"}) {
    for (const char* section : {"common", "consumer"}) {
      SCOPED_TRACE(std::string(section) + "." + name);
      expect_invalid(std::string("group_protocol: consumer\nkafka: {") + section + ": {" + name +
                         ": \"1\"}}\n",
                     std::string("kafka.") + section + "." + name, "group_protocol consumer");
    }
  }
  // The same properties are fine under classic, and the KIP-848 assignor under consumer.
  EXPECT_NO_THROW(load(kMinimal + "kafka: {consumer: {session.timeout.ms: \"45000\"}}\n"));
  const LoadedConfig loaded = load(
      kMinimal + "group_protocol: consumer\nkafka: {consumer: {group.remote.assignor: range}}\n");
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(Validate, SocketTimeoutAboveTheTransactionTimeoutIsRefusedWithItsPath) {
  expect_invalid("kafka: {producer: {socket.timeout.ms: \"70000\"}}\n",
                 "kafka.producer.socket.timeout.ms", "transaction_timeout_ms");
  expect_invalid("transaction_timeout_ms: 10000\nkafka: {common: {socket.timeout.ms: \"20000\"}}\n",
                 "kafka.common.socket.timeout.ms", "exceeds");
  EXPECT_NO_THROW(load(kMinimal + "kafka: {producer: {socket.timeout.ms: \"60000\"}}\n"));
}

TEST(Validate, ProducerQueueSmallerThanOneRecordIsRefusedWithItsPath) {
  expect_invalid("kafka: {producer: {queue.buffering.max.kbytes: \"512\"}}\n",
                 "kafka.producer.queue.buffering.max.kbytes", "message.max.bytes (1000000 bytes)");
  expect_invalid(
      "kafka: {common: {queue.buffering.max.kbytes: \"4096\"}, producer: {message.max.bytes: "
      "\"8000000\"}}\n",
      "kafka.common.queue.buffering.max.kbytes", "at least 7813");
  EXPECT_NO_THROW(load(kMinimal + "kafka: {producer: {queue.buffering.max.kbytes: \"977\"}}\n"));
}

TEST(Validate, GroupProtocolIsLocked) {
  expect_invalid("kafka: {consumer: {group.protocol: consumer}}\n", "kafka.consumer.group.protocol",
                 "group_protocol");
}

TEST(Validate, MinimalConfigHasNoWarnings) {
  EXPECT_TRUE(load(kMinimal).warnings.empty());
}

}  // namespace
}  // namespace txform::config
