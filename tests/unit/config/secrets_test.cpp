#include "config/secrets.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/dump.hpp"
#include "config/properties.hpp"
#include "config_test_support.hpp"
#include "kafka/handles.hpp"

namespace txform::config {
namespace {

using testing::kMinimal;
using testing::load;
using testing::load_error;

constexpr const char* kSecret = "hunter2-Zq9";

// A file holding kSecret, removed when the test ends.
class SecretFile {
 public:
  SecretFile() : path_(std::filesystem::temp_directory_path() / "txform_secrets_test_pw") {
    std::ofstream(path_) << kSecret << "\n";
  }
  ~SecretFile() { std::filesystem::remove(path_); }
  std::string ref() const { return "${file:" + path_.string() + "}"; }

 private:
  std::filesystem::path path_;
};

TEST(Secrets, NamesFollowLibrdkafkaSensitiveProperties) {
  for (const char* name :
       {"sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
        "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config", "ssl.key.pem", "api_token",
        "hmac_key", "client.secret", "SASL.PASSWORD"}) {
    EXPECT_TRUE(is_secret_name(name)) << name;
  }
  for (const char* name : {"sasl.username", "ssl.key.location", "ssl.keystore.location",
                           "linger.ms", "security.protocol", "field"}) {
    EXPECT_FALSE(is_secret_name(name)) << name;
  }
}

TEST(Secrets, ScrubReplacesEveryOccurrence) {
  EXPECT_EQ(scrub("a pw b pw", "pw"), "a [redacted] b [redacted]");
  EXPECT_EQ(scrub("unchanged", ""), "unchanged");
}

TEST(Secrets, DumpRedactsEverySecretKindAndShowsTheRest) {
  const SecretFile file;
  const LoadedConfig loaded = load(R"(bootstrap_servers: b:9092
group_id: g
input_topics: [in]
output_topic: out
plugins:
  - name: p
    config: {field: visible-value, api_token: )" +
                                   std::string(kSecret) + R"(, endpoint: ")" + file.ref() + R"("}
    secret_config: {opaque: )" + std::string(kSecret) +
                                   R"(}
kafka:
  common: {sasl.username: user-visible, sasl.password: )" +
                                   std::string(kSecret) + R"(}
  producer: {ssl.key.password: )" + std::string(kSecret) +
                                   R"(}
)");
  const std::string dump = redacted_dump(loaded);
  EXPECT_EQ(dump.find(kSecret), std::string::npos) << dump;
  EXPECT_NE(dump.find("kafka.common.sasl.password = [redacted]"), std::string::npos) << dump;
  EXPECT_NE(dump.find("kafka.producer.ssl.key.password = [redacted]"), std::string::npos) << dump;
  EXPECT_NE(dump.find("plugins[0].secret_config.opaque = [redacted]"), std::string::npos) << dump;
  EXPECT_NE(dump.find("plugins[0].config.api_token = [redacted]"), std::string::npos) << dump;
  EXPECT_NE(dump.find("plugins[0].config.endpoint = [redacted]"), std::string::npos)
      << "values read with ${file:} are secrets whatever the key: " << dump;
  EXPECT_NE(dump.find("plugins[0].config.field = visible-value"), std::string::npos) << dump;
  EXPECT_NE(dump.find("kafka.common.sasl.username = user-visible"), std::string::npos) << dump;
  EXPECT_NE(dump.find("commit.interval_ms = 100"), std::string::npos) << dump;
  EXPECT_NE(dump.find("processing_guarantee = exactly_once"), std::string::npos) << dump;

  for (const auto& list :
       {consumer_properties(loaded.config, 0), producer_properties(loaded.config, 0)}) {
    const std::string text = format_properties(list);
    EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
    EXPECT_NE(text.find("sasl.password = [redacted]"), std::string::npos) << text;
  }
}

TEST(Secrets, NeverInErrorsAboutOtherKeys) {
  const ConfigError error =
      load_error(kMinimal + "workers: zero\nkafka: {common: {sasl.password: " + kSecret + "}}\n");
  EXPECT_EQ(std::string(error.what()).find(kSecret), std::string::npos) << error.what();
}

TEST(Secrets, SubstitutedValueIsNotEchoedInATypeError) {
  const ConfigError error =
      load_error(kMinimal + "workers: ${KAFKA_PASSWORD}\n", {{"KAFKA_PASSWORD", kSecret}});
  EXPECT_EQ(std::string(error.what()).find(kSecret), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("${KAFKA_PASSWORD}"), std::string::npos)
      << "the text as written is shown instead: " << error.what();
}

TEST(Secrets, LockedPropertyErrorDoesNotEchoTheValue) {
  const ConfigError error =
      load_error(kMinimal + "kafka: {producer: {transactional.id: " + kSecret + "}}\n");
  EXPECT_EQ(std::string(error.what()).find(kSecret), std::string::npos) << error.what();
}

TEST(Secrets, SecretConfigOfWrongShapeDoesNotEcho) {
  const ConfigError error = load_error(R"(bootstrap_servers: b
group_id: g
input_topics: [in]
output_topic: out
plugins:
  - name: p
    secret_config: {opaque: [)" + std::string(kSecret) +
                                       R"(]}
)");
  EXPECT_NE(std::string(error.what()).find("plugins[0].secret_config.opaque"), std::string::npos)
      << error.what();
  EXPECT_EQ(std::string(error.what()).find(kSecret), std::string::npos) << error.what();
}

TEST(Secrets, LibrdkafkaRejectionIsScrubbedForSecrets) {
  // librdkafka quotes an invalid value in errstr for this property (not for all): show that,
  // then that a secret is scrubbed from it.
  const auto message = [](bool secret) {
    kafka::ConfPtr conf(rd_kafka_conf_new());
    try {
      apply_properties(conf.get(), {{"compression.codec", kSecret, "kafka.producer.x", secret}});
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message(false).find(kSecret), std::string::npos) << message(false);
  EXPECT_EQ(message(true).find(kSecret), std::string::npos) << message(true);
  EXPECT_NE(message(true).find("kafka.producer.x"), std::string::npos) << message(true);
}

TEST(Secrets, FileValueRejectedByLibrdkafkaAtLoadIsScrubbed) {
  const SecretFile file;
  const ConfigError error =
      load_error(kMinimal + "kafka:\n  producer:\n    compression.codec: \"" + file.ref() + "\"\n");
  EXPECT_NE(std::string(error.what()).find("kafka.producer.compression.codec"), std::string::npos)
      << error.what();
  EXPECT_EQ(std::string(error.what()).find(kSecret), std::string::npos) << error.what();
}

}  // namespace
}  // namespace txform::config
