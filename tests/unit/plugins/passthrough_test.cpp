#include "example_plugin_test.hpp"

namespace txform::plugin {
namespace {

using PassthroughTest = ExamplePluginTest;

TEST_F(PassthroughTest, EmitsEachRecordOnceUnchanged) {
  load("passthrough");
  for (const char* value : {"a", "b", "c"})
    ASSERT_TRUE(process(plugin_testing::input("k", value)).ok());
  ASSERT_EQ(sink_.records.size(), 3u);
  EXPECT_EQ(sink_.records[1].value, "b");
  EXPECT_EQ(sink_.records[1].key, "k");
}

TEST_F(PassthroughTest, KeepsTombstones) {
  load("passthrough");
  ASSERT_TRUE(process(plugin_testing::input("k", {})).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].value, std::nullopt);
}

}  // namespace
}  // namespace txform::plugin
