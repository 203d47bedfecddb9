#include "config/locked_properties.hpp"

#include <gtest/gtest.h>

#include "config/properties.hpp"
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

// The table is what the property lists do: its forced values are set, with the lock as source.
TEST(LockedProperties, EveryForcedValueIsInTheListsOfItsClient) {
  const auto config = testing::load(kMinimal + "group_protocol: consumer\n").config;
  const PropertyList consumer = consumer_properties(config, 0);
  const PropertyList producer = producer_properties(config, 0);
  for (const LockedProperty& lock : locked_properties()) {
    if (lock.forced.empty()) continue;
    for (const auto& [client, list] :
         {std::pair{Client::kConsumer, &consumer}, std::pair{Client::kProducer, &producer}}) {
      const Property* property = find_property(*list, lock.name);
      if (lock.client != client && lock.client != Client::kBoth) {
        EXPECT_EQ(property, nullptr) << lock.name;
        continue;
      }
      ASSERT_NE(property, nullptr) << lock.name;
      EXPECT_EQ(property->value, lock.forced) << lock.name;
      EXPECT_EQ(property->source, "txform (locked)") << lock.name;
    }
  }
}

// ... and a value taken from one of txform's own fields comes from the field the table names.
TEST(LockedProperties, FieldValuesComeFromTheFieldTheTableNames) {
  const auto config = testing::load(kMinimal + "group_protocol: consumer\n").config;
  for (const auto& list : {consumer_properties(config, 0), producer_properties(config, 0)}) {
    for (const Property& property : list) {
      if (property.source.rfind("kafka.", 0) == 0 || property.source.rfind("txform ", 0) == 0) {
        continue;
      }
      const auto lock = find_locked(property.name);
      ASSERT_TRUE(lock) << property.name << " is set from " << property.source << " unlocked";
      EXPECT_EQ(lock->own_key, property.source) << property.name;
      EXPECT_TRUE(lock->forced.empty()) << property.name;
    }
  }
}

TEST(LockedProperties, LibrdkafkaNeverResetsOffsetsByItself) {
  // The engine decides every start (engine/start_offsets.hpp); the field only picks where a
  // never-committed partition starts.
  const auto lock = find_locked("auto.offset.reset");
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->forced, "error");
  EXPECT_EQ(lock->own_key, "auto_offset_reset");
  const auto config = testing::load(kMinimal + "auto_offset_reset: latest\n").config;
  EXPECT_EQ(find_property(consumer_properties(config, 0), "auto.offset.reset")->value, "error");
}

TEST(LockedProperties, OtherPropertiesPassThrough) {
  EXPECT_NO_THROW(
      testing::load(kMinimal +
                    "kafka:\n  common: {socket.timeout.ms: 1000}\n"
                    "  consumer: {fetch.wait.max.ms: 50}\n  producer: {linger.ms: 5}\n"));
}

}  // namespace
}  // namespace txform::config
