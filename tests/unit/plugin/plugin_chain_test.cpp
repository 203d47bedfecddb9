#include "plugin/plugin_chain.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "plugin/plugin_loader.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {
namespace {

using plugin_testing::input;
using plugin_testing::RecordingSink;

// A chain from the example plugins and the fixtures, copied into one directory.
class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"passthrough.so", "fanout.so", "filter.so"}) {
      dir_.copy_in(plugin_testing::example_plugin_dir() / name);
    }
    for (const char* name : {"sdk-probe.so", "throws-raw.so", "minimal-descriptor.so"}) {
      dir_.copy_in(plugin_testing::fixture_plugin_dir() / name);
    }
  }

  std::unique_ptr<PluginChain> chain(const std::vector<PluginSpec>& specs) {
    return load_plugin_chain(dir_.path(), specs, false, log_.logger()).make_chain();
  }

  plugin_testing::TempDir dir_;
  plugin_testing::LogCapture log_;
  RecordingSink sink_;
};

TEST_F(ChainTest, PassthroughKeepsKeyValueHeadersAndTimestamp) {
  auto c = chain({{"passthrough", {}}});
  const HeaderView headers[] = {make_header("h1", "v1"), make_header("h2", {})};
  const ProcessResult result = c->process(input("key", "value", headers), sink_);
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.message.empty());
  EXPECT_TRUE(result.plugin.empty());
  ASSERT_EQ(sink_.records.size(), 1u);
  const plugin_testing::CapturedRecord& out = sink_.records[0];
  EXPECT_EQ(out.key, "key");
  EXPECT_EQ(out.value, "value");
  EXPECT_EQ(out.timestamp_ms, 1000);
  EXPECT_EQ(out.topic, std::nullopt);  // the default output topic
  EXPECT_EQ(out.partition, std::nullopt);
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[0], (std::pair<std::string, std::optional<std::string>>{"h1", "v1"}));
  EXPECT_EQ(out.headers[1].second, std::nullopt);
}

TEST_F(ChainTest, NullKeyAndValueStayNullAndEmptyStaysEmpty) {
  auto c = chain({{"passthrough", {}}});
  ASSERT_TRUE(c->process(input({}, {}), sink_).ok());
  ASSERT_TRUE(c->process(input("", ""), sink_).ok());
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[0].key, std::nullopt);
  EXPECT_EQ(sink_.records[0].value, std::nullopt);
  EXPECT_EQ(sink_.records[1].key, "");
  EXPECT_EQ(sink_.records[1].value, "");
}

TEST_F(ChainTest, ASinglePluginEmitsStraightToTheSinkWithoutCopying) {
  auto c = chain({{"passthrough", {}}});
  const std::string value = "zero-copy";
  const char* seen = nullptr;
  FunctionSink sink([&](const OutputRecord& out) { seen = out.value.data(); });
  ASSERT_TRUE(c->process(input("k", value), sink).ok());
  EXPECT_EQ(seen, value.data());
}

TEST_F(ChainTest, ChainedPluginsReadTheOutputOfThePreviousOne) {
  auto c = chain({{"fanout", {{"separator", ","}}},
                  {"filter", {{"drop_header", "drop"}}},
                  {"passthrough", {}}});
  ASSERT_TRUE(c->process(input("k", "a,b,c"), sink_).ok());
  ASSERT_EQ(sink_.records.size(), 3u);
  EXPECT_EQ(sink_.records[0].value, "a");
  EXPECT_EQ(sink_.records[2].value, "c");
  const HeaderView drop[] = {make_header("drop", "1")};
  ASSERT_TRUE(c->process(input("k", "x,y", drop), sink_).ok());
  EXPECT_EQ(sink_.records.size(), 3u);  // the filter dropped both parts
}

// No threshold on a measured time: the sink sleeps at least kSinkTime per record, so a stage
// that counted the stages after it, or the sink, would add up to more than the call minus the
// sink's sleeps.
TEST_F(ChainTest, TimedProcessGivesEachPluginItsOwnTimeAndNotTheSinks) {
  using std::chrono::nanoseconds;
  constexpr auto kSinkTime = std::chrono::milliseconds(2);
  auto c = chain({{"fanout", {{"separator", ","}}}, {"passthrough", {}}});
  int writes = 0;
  FunctionSink sink([&](const OutputRecord&) {
    ++writes;
    std::this_thread::sleep_for(kSinkTime);
  });
  constexpr nanoseconds kUntouched{-12345};
  std::vector<nanoseconds> took{nanoseconds{0}, nanoseconds{0}, kUntouched};

  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->process_timed(input("k", "a,b,c"), sink, took).ok());
  const auto call = std::chrono::steady_clock::now() - started;

  ASSERT_EQ(writes, 3);
  EXPECT_GE(took[0].count(), 0);
  EXPECT_GE(took[1].count(), 0);
  EXPECT_LE(took[0] + took[1], call - writes * kSinkTime) << "a stage counted the sink's time";
  EXPECT_EQ(took[2], kUntouched) << "a slot beyond the chain was written";

  // Times add up over calls; an untimed call leaves them alone.
  const std::vector<nanoseconds> after_one = took;
  ASSERT_TRUE(c->process(input("k", "d"), sink).ok());
  EXPECT_EQ(took, after_one);
  ASSERT_TRUE(c->process_timed(input("k", "e"), sink, took).ok());
  EXPECT_GE(took[0], after_one[0]);
  EXPECT_GE(took[1], after_one[1]);
  // Flush after a timed call runs untimed (fanout emits nothing on flush, passthrough neither).
  ASSERT_TRUE(c->flush(sink).ok());
}

TEST_F(ChainTest, TimedProcessNeedsASlotPerPlugin) {
  auto c = chain({{"passthrough", {}}, {"passthrough", {}}});
  std::vector<std::chrono::nanoseconds> took(1);
  EXPECT_THROW(c->process_timed(input("k", "v"), sink_, took), std::invalid_argument);
}

TEST_F(ChainTest, RoutingSetByAnEarlierPluginCarriesForward) {
  auto c = chain({{"sdk-probe", {}}, {"passthrough", {}}});
  ASSERT_TRUE(c->process(input("k", "owned"), sink_).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  const plugin_testing::CapturedRecord& out = sink_.records[0];
  EXPECT_EQ(out.topic, "routed");
  EXPECT_EQ(out.partition, 3);
  EXPECT_EQ(out.timestamp_ms, 1234);
  EXPECT_EQ(out.value, "owned:owned");
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.headers[0].first, "probe");
}

TEST_F(ChainTest, AFailureNamesThePluginThatFailedAndItsReason) {
  auto c = chain({{"fanout", {{"separator", ","}}}, {"sdk-probe", {}}});
  const ProcessResult result = c->process(input("k", "fine,record-error,never"), sink_);
  EXPECT_EQ(result.status, Status::record_error);
  EXPECT_EQ(result.message, "amount is negative");
  EXPECT_EQ(result.plugin, "sdk-probe@2.3.4");
  // What reached the sink before the failure stays there; fanout stopped at the failure.
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].value, "fine");
  EXPECT_EQ(c->labels(), (std::vector<std::string>{"fanout@1.0.0", "sdk-probe@2.3.4"}));
}

struct StatusCase {
  const char* value;
  Status status;
  const char* message;
};

class ChainStatusTest : public ChainTest, public ::testing::WithParamInterface<StatusCase> {};

TEST_P(ChainStatusTest, MapsWhatThePluginDidToAStatusAndMessage) {
  auto c = chain({{"sdk-probe", {}}});
  const ProcessResult result = c->process(input("k", GetParam().value), sink_);
  EXPECT_EQ(result.status, GetParam().status) << to_string(result.status);
  EXPECT_EQ(result.message, GetParam().message);
  EXPECT_EQ(result.plugin, "sdk-probe@2.3.4");
  EXPECT_TRUE(sink_.records.empty());
  // The next record starts clean.
  EXPECT_TRUE(c->process(input("k", "v"), sink_).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, ChainStatusTest,
    ::testing::Values(StatusCase{"record-error", Status::record_error, "amount is negative"},
                      StatusCase{"retry", Status::retry, "downstream service unavailable"},
                      StatusCase{"std-error", Status::fatal, "bug: index out of range"},
                      StatusCase{"unknown", Status::fatal, "unknown exception"},
                      StatusCase{"status-7", Status::fatal,
                                 "returned unknown status 7 (treated as FATAL)"}));

TEST_F(ChainTest, AnExceptionThrownThroughTheAbiIsFatal) {
  auto c = chain({{"throws-raw", {}}});
  const ProcessResult result = c->process(input("k", "v"), sink_);
  EXPECT_EQ(result.status, Status::fatal);
  EXPECT_EQ(result.message, "process() threw an exception across the C ABI: raw process exploded");
  EXPECT_EQ(result.plugin, "throws-raw@0.0.1");
}

TEST_F(ChainTest, ASinkThatThrowsIsFatalAndNotBlamedOnThePlugin) {
  auto c = chain({{"passthrough", {}}});
  FunctionSink sink([](const OutputRecord&) { throw std::runtime_error("queue full"); });
  const ProcessResult result = c->process(input("k", "v"), sink);
  EXPECT_EQ(result.status, Status::fatal);
  EXPECT_EQ(result.message, "the output sink failed: queue full");
  EXPECT_TRUE(result.plugin.empty());
}

TEST_F(ChainTest, TransactionHooksAndFlushFollowTheTransaction) {
  auto c = chain({{"sdk-probe", {}}});
  ASSERT_TRUE(c->on_commit().ok());
  ASSERT_TRUE(c->on_commit().ok());
  ASSERT_TRUE(c->process(input("k", "buffer"), sink_).ok());
  EXPECT_TRUE(sink_.records.empty());  // buffered until flush
  ASSERT_TRUE(c->flush(sink_).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].value, "buffer");
  ASSERT_EQ(sink_.records[0].headers.size(), 2u);
  EXPECT_EQ(sink_.records[0].headers[0].second, "2");  // commits
  EXPECT_EQ(sink_.records[0].headers[1].second, "0");  // aborts

  ASSERT_TRUE(c->process(input("k", "buffer"), sink_).ok());
  ASSERT_TRUE(c->on_abort().ok());  // rolls the buffer back
  ASSERT_TRUE(c->flush(sink_).ok());
  EXPECT_EQ(sink_.records.size(), 1u);
}

TEST_F(ChainTest, FlushedRecordsPassThroughTheLaterPlugins) {
  auto c = chain({{"sdk-probe", {}}, {"filter", {{"drop_key_prefix", "drop-"}}}});
  ASSERT_TRUE(c->process(input("keep", "buffer"), sink_).ok());
  ASSERT_TRUE(c->process(input("drop-me", "buffer"), sink_).ok());
  ASSERT_TRUE(c->flush(sink_).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].key, "keep");
}

TEST_F(ChainTest, HooksBeyondTheDescriptorsStructSizeAreNeverCalled) {
  // Its hooks would all return FATAL, but its struct_size stops before them.
  auto c = chain({{"minimal-descriptor", {}}});
  EXPECT_TRUE(c->flush(sink_).ok());
  EXPECT_TRUE(c->on_commit().ok());
  EXPECT_TRUE(c->on_abort().ok());
}

TEST_F(ChainTest, TheSdkHelloWorldUppercasesValues) {
  dir_.copy_in(plugin_testing::fixture_plugin_dir() / "upper.so");
  auto c = chain({{"upper", {}}});
  ASSERT_TRUE(c->process(input("key", "Hello, World"), sink_).ok());
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].value, "HELLO, WORLD");
  EXPECT_EQ(sink_.records[0].key, "key");
}

TEST_F(ChainTest, PluginLogLinesReachTheEnginesLoggerWithTheirSource) {
  auto c = chain({{"sdk-probe", {}}});
  ASSERT_TRUE(c->process(input("k", "log"), sink_).ok());
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(log_.lines[0].level, LogLevel::warn);
  EXPECT_EQ(log_.lines[0].source, "sdk-probe@2.3.4");
  EXPECT_EQ(log_.lines[0].message, "probe saw a log record");
}

}  // namespace
}  // namespace txform::plugin
