#include "example_plugin_test.hpp"

namespace txform::plugin {
namespace {

using FanoutTest = ExamplePluginTest;

TEST_F(FanoutTest, EmitsOneRecordPerLineWithTheSameKeyHeadersAndTimestamp) {
  load("fanout");
  const HeaderView headers[] = {make_header("batch", "42")};
  ASSERT_TRUE(process(plugin_testing::input("acct-1", "one\ntwo\n\nthree\n", headers)).ok());
  ASSERT_EQ(sink_.records.size(), 3u);  // empty parts are skipped
  EXPECT_EQ(sink_.records[0].value, "one");
  EXPECT_EQ(sink_.records[1].value, "two");
  EXPECT_EQ(sink_.records[2].value, "three");
  for (const auto& record : sink_.records) {
    EXPECT_EQ(record.key, "acct-1");
    EXPECT_EQ(record.timestamp_ms, 1000);
    ASSERT_EQ(record.headers.size(), 1u);
  }
}

TEST_F(FanoutTest, UsesTheConfiguredSeparatorAndCanKeepEmptyParts) {
  load("fanout", {{"separator", "||"}, {"keep_empty", "true"}});
  ASSERT_TRUE(process(plugin_testing::input("k", "a||||b")).ok());
  ASSERT_EQ(sink_.records.size(), 3u);
  EXPECT_EQ(sink_.records[1].value, "");
  EXPECT_EQ(sink_.records[2].value, "b");
}

TEST_F(FanoutTest, RejectsARecordWithTooManyPartsBeforeEmittingAny) {
  load("fanout", {{"separator", ","}, {"max_parts", "2"}});
  const ProcessResult result = process(plugin_testing::input("k", "a,b,c"));
  EXPECT_EQ(result.status, Status::record_error);
  EXPECT_EQ(result.message, "value has 3 parts, more than max_parts 2");
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(FanoutTest, PassesTombstonesThrough) {
  load("fanout");
  ASSERT_TRUE(process(plugin_testing::input("k", {})).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].value, std::nullopt);
}

}  // namespace
}  // namespace txform::plugin
