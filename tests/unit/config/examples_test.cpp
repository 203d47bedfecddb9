// The example configs in deploy/config/ load, and full.yaml shows every key of the schema.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace txform::config {
namespace {

const std::string kExamples = std::string(TXFORM_SOURCE_DIR) + "/deploy/config/";

// Every field of `type` that `node` does not write, as key paths (first list element only).
void collect_missing(const google::protobuf::Descriptor& type, const YAML::Node& node,
                     const std::string& path, std::vector<std::string>& missing) {
  for (int i = 0; i < type.field_count(); ++i) {
    const auto& field = *type.field(i);
    const std::string field_path = path.empty() ? field.name() : path + "." + field.name();
    const YAML::Node child = node[field.name()];
    if (!child) {
      missing.push_back(field_path);
      continue;
    }
    if (field.is_map() || field.cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (field.is_repeated()) {
      if (child.IsSequence() && child.size() > 0) {
        collect_missing(*field.message_type(), child[0], field_path + "[0]", missing);
      }
    } else {
      collect_missing(*field.message_type(), child, field_path, missing);
    }
  }
}

TEST(Examples, MinimalLoads) {
  const LoadedConfig loaded = load_file(kExamples + "minimal.yaml", testing::fake_env());
  EXPECT_EQ(loaded.config.group_id(), "orders-uppercase");
  EXPECT_EQ(loaded.config.workers(), 1u);
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(Examples, FullLoads) {
  const LoadedConfig loaded = load_file(kExamples + "full.yaml", testing::fake_env());
  EXPECT_EQ(loaded.config.transactional_id(), "orders-enricher-local-0");
  EXPECT_EQ(loaded.config.workers(), 2u);
  EXPECT_EQ(loaded.config.plugins_size(), 2);
  EXPECT_EQ(loaded.config.error_policy().on_record_error(), v1::DEAD_LETTER);
  EXPECT_EQ(loaded.config.log().format(), v1::JSON);
}

TEST(Examples, FullWritesEveryKeyOfTheSchema) {
  std::vector<std::string> missing;
  collect_missing(*v1::Config::descriptor(), YAML::LoadFile(kExamples + "full.yaml"), "", missing);
  EXPECT_TRUE(missing.empty()) << "full.yaml lacks: " << ::testing::PrintToString(missing);
}

}  // namespace
}  // namespace txform::config
