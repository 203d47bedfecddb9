#include "config/load.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config_test_support.hpp"

namespace txform::config {
namespace {

using testing::find_diagnostic;
using testing::kMinimal;
using testing::load;
using testing::load_error;

TEST(Load, MinimalConfigGetsEveryDefault) {
  const v1::Config config = load(kMinimal).config;
  EXPECT_EQ(config.bootstrap_servers(), "localhost:9092");
  EXPECT_EQ(config.group_id(), "orders");
  ASSERT_EQ(config.input_topics_size(), 1);
  EXPECT_EQ(config.input_topics(0), "in");
  EXPECT_EQ(config.output_topic(), "out");
  ASSERT_EQ(config.plugins_size(), 1);
  EXPECT_EQ(config.plugins(0).name(), "identity");

  EXPECT_EQ(config.transactional_id(), "orders-pod-0");  // <group_id>-$HOSTNAME
  EXPECT_EQ(config.plugin_dir(), "/usr/lib/txform/plugins");
  EXPECT_FALSE(config.allow_insecure_plugin_dir());
  EXPECT_EQ(config.processing_guarantee(), v1::EXACTLY_ONCE);
  EXPECT_EQ(config.workers(), 1u);
  EXPECT_EQ(config.commit().interval_ms(), 100u);
  EXPECT_EQ(config.commit().max_records(), 10000u);
  EXPECT_EQ(config.commit().max_bytes(), 16u * 1024 * 1024);
  EXPECT_EQ(config.transaction_timeout_ms(), 60000u);
  EXPECT_EQ(config.error_policy().on_record_error(), v1::FAIL);
  EXPECT_EQ(config.error_policy().max_retries(), 3u);
  EXPECT_EQ(config.error_policy().retry_backoff_ms(), 100u);
  EXPECT_EQ(config.auto_offset_reset(), v1::EARLIEST);
  EXPECT_TRUE(config.static_membership());
  EXPECT_TRUE(config.metrics().enabled());
  EXPECT_EQ(config.metrics().listen(), "0.0.0.0:9464");
  EXPECT_EQ(config.log().level(), v1::INFO);
  EXPECT_EQ(config.log().format(), v1::TEXT);
  EXPECT_EQ(config.shutdown_timeout_ms(), 30000u);
}

TEST(Load, ExplicitValuesOverrideDefaults) {
  const v1::Config config = load(kMinimal + R"(workers: 4
commit: {interval_ms: 250}
processing_guarantee: at_least_once
error_policy: {on_record_error: dead-letter, dead_letter_topic: dlq}
log: {level: DEBUG, format: json}
static_membership: false
transactional_id: fixed
)")
                                .config;
  EXPECT_EQ(config.workers(), 4u);
  EXPECT_EQ(config.commit().interval_ms(), 250u);
  EXPECT_EQ(config.commit().max_records(), 10000u) << "sibling default must survive";
  EXPECT_EQ(config.processing_guarantee(), v1::AT_LEAST_ONCE);
  EXPECT_EQ(config.error_policy().on_record_error(), v1::DEAD_LETTER);
  EXPECT_EQ(config.log().level(), v1::DEBUG);
  EXPECT_EQ(config.log().format(), v1::JSON);
  EXPECT_FALSE(config.static_membership());
  EXPECT_EQ(config.transactional_id(), "fixed");
}

TEST(Load, PluginChainKeepsOrderAndConfig) {
  const v1::Config config = load(R"(bootstrap_servers: b:9092
group_id: g
input_topics: [in]
output_topic: out
plugins:
  - name: first
    config: {field: payload, count: 3}
  - name: second
)")
                                .config;
  ASSERT_EQ(config.plugins_size(), 2);
  EXPECT_EQ(config.plugins(0).name(), "first");
  EXPECT_EQ(config.plugins(0).config().at("field"), "payload");
  EXPECT_EQ(config.plugins(0).config().at("count"), "3");
  EXPECT_EQ(config.plugins(1).name(), "second");
}

TEST(Load, EmptyValueKeepsTheDefault) {
  EXPECT_EQ(load(kMinimal + "workers:\n").config.workers(), 1u);
}

TEST(Load, SubstitutesBeforeTyping) {
  const v1::Config config = load(kMinimal + "workers: ${WORKERS}\ntransactional_id: app-${POD}\n",
                                 {{"WORKERS", "3"}, {"POD", "web-2"}})
                                .config;
  EXPECT_EQ(config.workers(), 3u);
  EXPECT_EQ(config.transactional_id(), "app-web-2");
}

TEST(LoadErrors, UnknownKeyNamesPathLineAndSuggestion) {
  const ConfigError error = load_error(kMinimal + "commit:\n  intervl_ms: 5\n");
  const auto diagnostic = find_diagnostic(error, "commit.intervl_ms");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_EQ(diagnostic->file, "test.yaml");
  EXPECT_EQ(diagnostic->line, 8);
  EXPECT_EQ(diagnostic->column, 3);
  EXPECT_NE(diagnostic->message.find("did you mean 'interval_ms'"), std::string::npos)
      << diagnostic->message;
  EXPECT_NE(std::string(error.what()).find("test.yaml:8:3: commit.intervl_ms: unknown key"),
            std::string::npos)
      << error.what();
}

TEST(LoadErrors, LibrdkafkaPropertyAtTopLevelPointsToKafkaMaps) {
  const ConfigError error = load_error(kMinimal + "linger.ms: 5\n");
  const auto diagnostic = find_diagnostic(error, "linger.ms");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_NE(diagnostic->message.find("kafka.producer"), std::string::npos) << diagnostic->message;
}

TEST(LoadErrors, WrongTypeSaysWhatWasExpected) {
  const ConfigError error = load_error(kMinimal + "workers: many\nstatic_membership: yes\n");
  const auto workers = find_diagnostic(error, "workers");
  ASSERT_TRUE(workers) << error.what();
  EXPECT_EQ(workers->line, 7);
  EXPECT_NE(workers->message.find("expected a non-negative integer, got 'many'"), std::string::npos)
      << workers->message;
  const auto membership = find_diagnostic(error, "static_membership");
  ASSERT_TRUE(membership) << error.what();
  EXPECT_NE(membership->message.find("true or false"), std::string::npos);
}

TEST(LoadErrors, NegativeNumberAndOverflowAreRejected) {
  EXPECT_TRUE(find_diagnostic(load_error(kMinimal + "workers: -1\n"), "workers"));
  EXPECT_TRUE(find_diagnostic(load_error(kMinimal + "workers: 4294967296\n"), "workers"));
}

TEST(LoadErrors, StructureMismatchNamesTheElement) {
  const ConfigError error = load_error(R"(bootstrap_servers: b
group_id: g
input_topics: [in, {nested: x}]
output_topic: out
commit: 5
plugins: identity
)");
  const auto element = find_diagnostic(error, "input_topics[1]");
  ASSERT_TRUE(element) << error.what();
  EXPECT_NE(element->message.find("expected a string, got a mapping"), std::string::npos);
  const auto commit = find_diagnostic(error, "commit");
  ASSERT_TRUE(commit) << error.what();
  EXPECT_NE(commit->message.find("expected a mapping"), std::string::npos);
  const auto plugins = find_diagnostic(error, "plugins");
  ASSERT_TRUE(plugins) << error.what();
  EXPECT_NE(plugins->message.find("expected a list"), std::string::npos);
}

TEST(LoadErrors, UnknownEnumValueListsTheChoices) {
  const ConfigError error = load_error(kMinimal + "processing_guarantee: twice\n");
  const auto diagnostic = find_diagnostic(error, "processing_guarantee");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_NE(diagnostic->message.find("one of: exactly_once, at_least_once"), std::string::npos)
      << diagnostic->message;
}

TEST(LoadErrors, MissingRequiredFieldsAreAllReported) {
  const ConfigError error = load_error("group_id: g\ninput_topics: []\nplugins:\n  - config: {}\n");
  EXPECT_TRUE(find_diagnostic(error, "bootstrap_servers")) << error.what();
  EXPECT_TRUE(find_diagnostic(error, "output_topic")) << error.what();
  EXPECT_TRUE(find_diagnostic(error, "input_topics")) << error.what();
  const auto name = find_diagnostic(error, "plugins[0].name");
  ASSERT_TRUE(name) << error.what();
  EXPECT_EQ(name->line, 4) << "located at the plugin entry that lacks it";
  EXPECT_FALSE(find_diagnostic(error, "group_id")) << error.what();
}

TEST(LoadErrors, EmptyStringCountsAsMissing) {
  EXPECT_TRUE(find_diagnostic(load_error(R"(bootstrap_servers: "${B:-}"
group_id: g
input_topics: [in]
output_topic: out
plugins: [{name: p}]
)"),
                              "bootstrap_servers"));
}

TEST(LoadErrors, DuplicateKeyIsRejected) {
  const ConfigError error = load_error(kMinimal + "workers: 1\nworkers: 2\n");
  const auto diagnostic = find_diagnostic(error, "workers");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_NE(diagnostic->message.find("duplicate"), std::string::npos);
}

TEST(LoadErrors, ComplexKeyIsRejected) {
  const ConfigError error = load_error(kMinimal + "? [a, b]\n: c\n");
  ASSERT_FALSE(error.diagnostics().empty());
  EXPECT_NE(std::string(error.what()).find("keys must be plain names"), std::string::npos)
      << error.what();
}

TEST(LoadErrors, YamlSyntaxErrorHasALine) {
  const ConfigError error = load_error("bootstrap_servers: b\ngroup_id: [unclosed\n");
  ASSERT_EQ(error.diagnostics().size(), 1u);
  EXPECT_GT(error.diagnostics()[0].line, 0);
  EXPECT_NE(error.diagnostics()[0].message.find("not valid YAML"), std::string::npos);
}

TEST(LoadErrors, EmptyFileSaysWhatAMinimalConfigNeeds) {
  const ConfigError error = load_error("");
  ASSERT_EQ(error.diagnostics().size(), 1u);
  EXPECT_NE(error.diagnostics()[0].message.find("bootstrap_servers"), std::string::npos);
}

TEST(LoadErrors, MissingEnvironmentVariableNamesItAndTheKey) {
  const ConfigError error = load_error(kMinimal + "transactional_id: ${POD_NAME}\n");
  const auto diagnostic = find_diagnostic(error, "transactional_id");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_EQ(diagnostic->line, 7);
  EXPECT_NE(diagnostic->message.find("POD_NAME is not set"), std::string::npos);
}

TEST(LoadErrors, MissingSecretFileNamesThePathAndKey) {
  const ConfigError error =
      load_error(kMinimal + "kafka:\n  common:\n    sasl.password: ${file:/nonexistent/pw}\n");
  const auto diagnostic = find_diagnostic(error, "kafka.common.sasl.password");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_NE(diagnostic->message.find("/nonexistent/pw"), std::string::npos);
}

TEST(LoadErrors, MissingConfigFileSaysSo) {
  try {
    load_file("/nonexistent/txform.yaml", testing::fake_env());
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/txform.yaml"), std::string::npos);
  }
}

TEST(Load, LoadFileLabelsDiagnosticsWithThePath) {
  const auto path = std::filesystem::temp_directory_path() / "txform_load_test.yaml";
  std::ofstream(path) << kMinimal << "bogus: 1\n";
  try {
    load_file(path.string(), testing::fake_env());
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    ASSERT_FALSE(error.diagnostics().empty());
    EXPECT_EQ(error.diagnostics()[0].file, path.string());
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace txform::config
