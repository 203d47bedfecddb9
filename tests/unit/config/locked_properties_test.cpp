#include "config/locked_properties.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace txform::config {
namespace {

using testing::find_diagnostic;
using testing::kMinimal;
using testing::load_error;

TEST(LockedProperties, TableCoversTheExactlyOnceCriticalProperties) {
  for (const char* name :
       {"enable.auto.commit", "isolation.level", "enable.idempotence", "acks",
        "request.required.acks", "transactional.id", "enable.auto.offset.store"}) {
    EXPECT_TRUE(find_locked(name)) << name;
  }
  EXPECT_TRUE(find_locked("ENABLE.AUTO.COMMIT")) << "names are matched case-insensitively";
  EXPECT_FALSE(find_locked("linger.ms"));
  for (const LockedProperty& lock : locked_properties()) {
    EXPECT_FALSE(lock.why.empty()) << lock.name;
  }
}

// Every locked name is refused in every kafka.* map, with the key path and the reason.
TEST(LockedProperties, OverrideInAnyKafkaMapIsRefusedWithKeyPathAndReason) {
  for (const LockedProperty& lock : locked_properties()) {
    for (const char* section : {"common", "consumer", "producer"}) {
      const std::string yaml =
          kMinimal + "kafka:\n  " + section + ":\n    " + std::string(lock.name) + ": x\n";
      const ConfigError error = load_error(yaml);
      const std::string path = "kafka." + std::string(section) + "." + std::string(lock.name);
      const auto diagnostic = find_diagnostic(error, path);
      ASSERT_TRUE(diagnostic) << path << " was accepted:\n" << error.what();
      EXPECT_NE(diagnostic->message.find("is locked"), std::string::npos) << diagnostic->message;
      EXPECT_NE(diagnostic->message.find(lock.why), std::string::npos) << diagnostic->message;
      EXPECT_EQ(diagnostic->line, 9) << path;
    }
  }
}

TEST(LockedProperties, OwnFieldIsSuggested) {
  const ConfigError error =
      load_error(kMinimal + "kafka:\n  producer:\n    transactional.id: mine\n");
  const auto diagnostic = find_diagnostic(error, "kafka.producer.transactional.id");
  ASSERT_TRUE(diagnostic) << error.what();
  EXPECT_NE(diagnostic->message.find("set 'transactional_id' instead"), std::string::npos)
      << diagnostic->message;
}

TEST(LockedProperties, OtherPropertiesPassThrough) {
  EXPECT_NO_THROW(
      testing::load(kMinimal +
                    "kafka:\n  common: {socket.timeout.ms: 1000}\n"
                    "  consumer: {fetch.wait.max.ms: 50}\n  producer: {linger.ms: 5}\n"));
}

}  // namespace
}  // namespace txform::config
