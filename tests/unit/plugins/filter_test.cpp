#include "example_plugin_test.hpp"

namespace txform::plugin {
namespace {

using FilterTest = ExamplePluginTest;

TEST_F(FilterTest, DropsByKeyPrefix) {
  load("filter", {{"drop_key_prefix", "test-"}});
  ASSERT_TRUE(process(plugin_testing::input("test-1", "dropped")).ok());
  ASSERT_TRUE(process(plugin_testing::input("prod-1", "kept")).ok());
  ASSERT_TRUE(process(plugin_testing::input("tes", "kept too: shorter than the prefix")).ok());
  ASSERT_TRUE(process(plugin_testing::input({}, "kept: a null key has no prefix")).ok());
  ASSERT_EQ(sink_.records.size(), 3u);
  EXPECT_EQ(sink_.records[0].value, "kept");
}

TEST_F(FilterTest, DropsByHeaderPresence) {
  load("filter", {{"drop_header", "debug"}});
  const HeaderView debug[] = {make_header("other", "x"), make_header("debug", {})};
  const HeaderView other[] = {make_header("other", "debug")};
  ASSERT_TRUE(process(plugin_testing::input("k", "dropped", debug)).ok());
  ASSERT_TRUE(process(plugin_testing::input("k", "kept", other)).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].value, "kept");
  ASSERT_EQ(sink_.records[0].headers.size(), 1u);  // headers pass through
}

TEST_F(FilterTest, DropsByHeaderValue) {
  load("filter", {{"drop_header", "env"}, {"drop_header_value", "test"}});
  const HeaderView test[] = {make_header("env", "test")};
  const HeaderView prod[] = {make_header("env", "prod")};
  const HeaderView null_value[] = {make_header("env", {})};
  ASSERT_TRUE(process(plugin_testing::input("k", "dropped", test)).ok());
  ASSERT_TRUE(process(plugin_testing::input("k", "kept", prod)).ok());
  ASSERT_TRUE(process(plugin_testing::input("k", "kept null", null_value)).ok());
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[0].value, "kept");
}

TEST_F(FilterTest, LogsHowManyItDroppedWhenDestroyed) {
  load("filter", {{"drop_key_prefix", "x"}});
  ASSERT_TRUE(process(plugin_testing::input("x1", "v")).ok());
  ASSERT_TRUE(process(plugin_testing::input("x2", "v")).ok());
  chain_.reset();
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(log_.lines[0].source, "filter@1.0.0");
  EXPECT_EQ(log_.lines[0].message, "filter dropped 2 records");
}

TEST(FilterConfig, RejectsUnknownKeysAndIncompleteRules) {
  const auto error = [](std::map<std::string, std::string> config) -> std::string {
    try {
      load_plugin_chain(plugin_testing::example_plugin_dir(), {{"filter", std::move(config)}},
                        false, {})
          .make_chain();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error({{"drop_prefix", "x"}}).find("unknown config key 'drop_prefix'"),
            std::string::npos);
  EXPECT_NE(error({{"drop_header_value", "x"}}).find("filter needs drop_key_prefix"),
            std::string::npos);
  EXPECT_NE(error({{"drop_key_prefix", "x"}, {"drop_header_value", "y"}})
                .find("drop_header_value needs drop_header"),
            std::string::npos);
}

}  // namespace
}  // namespace txform::plugin
