// The Rust example plugin (plugins/rust-uppercase, on plugin-sdk/rust) through the real loader.
#include "example_plugin_test.hpp"

namespace txform::plugin {
namespace {

using RustUppercaseTest = ExamplePluginTest;

TEST_F(RustUppercaseTest, UpperCasesTheValueAndKeepsKeyHeadersAndTimestamp) {
  load("uppercase");
  const HeaderView headers[] = {make_header("trace", "abc"), make_header("empty", {})};
  ASSERT_TRUE(process(plugin_testing::input("key-1", "hello, World 1", headers)).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  const auto& out = sink_.records[0];
  EXPECT_EQ(out.value, "HELLO, WORLD 1");
  EXPECT_EQ(out.key, "key-1");
  EXPECT_EQ(out.timestamp_ms, 1000);
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[0].first, "trace");
  EXPECT_EQ(out.headers[0].second, "abc");
  EXPECT_EQ(out.headers[1].second, std::nullopt);
}

TEST_F(RustUppercaseTest, KeepsTombstonesAndEmptyValues) {
  load("uppercase");
  ASSERT_TRUE(process(plugin_testing::input("k", {})).ok());
  ASSERT_TRUE(process(plugin_testing::input("k", "")).ok());
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[0].value, std::nullopt);
  EXPECT_EQ(sink_.records[1].value, "");
}

TEST_F(RustUppercaseTest, RejectsConfiguredPrefixAsRecordErrorWithItsMessage) {
  load("uppercase", {{"reject_prefix", "bad"}});
  const auto result = process(plugin_testing::input("k", "bad value"));
  EXPECT_EQ(result.status, Status::record_error);
  EXPECT_EQ(result.message, "value starts with 'bad'");
  EXPECT_EQ(result.plugin, "uppercase@1.0.0");
  EXPECT_TRUE(sink_.records.empty());
}

TEST(RustUppercaseConfig, UnknownKeyFailsCreateNamingIt) {
  try {
    load_plugin_chain(plugin_testing::example_plugin_dir(), {{"uppercase", {{"prefix", "x"}}}},
                      false, {})
        .make_chain();
    FAIL() << "an unknown key was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("unknown config key 'prefix' (known keys: reject_prefix)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace txform::plugin
