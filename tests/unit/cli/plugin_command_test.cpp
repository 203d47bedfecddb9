// `txform plugin test` and `txform plugin new` as an author runs them: exit codes and messages.
#include <gtest/gtest.h>

#include "plugin_testing.hpp"

namespace txform::cli {
namespace {

using plugin_testing::run_txform;
using plugin_testing::TempDir;

class PluginTestCommand : public ::testing::Test {
 protected:
  // `txform plugin test` of the uppercase example (reject_prefix=bad) on `records`.
  plugin_testing::CommandResult test(const std::string& records, const std::string& extra = "") {
    input_ = dir_.write("records.jsonl", records).string();
    return run_txform("plugin test --plugin-dir '" + plugin_testing::example_plugin_dir().string() +
                      "' --plugins uppercase --config reject_prefix=bad --input '" + input_ + "' " +
                      extra);
  }
  TempDir dir_;
  std::string input_;
};

TEST_F(PluginTestCommand, MatchingExpectedOutputExitsZero) {
  // Compared as JSON: key order and spacing in the expected file do not matter.
  const std::string expected =
      dir_.write("expected.jsonl",
                 "{\"status\":\"OK\",\"line\":1,\"outputs\":[{\"value\":\"A\",\"key\":\"k\"}]}\n"
                 "{\"flush\": true, \"status\": \"OK\", \"outputs\": []}\n")
          .string();
  const auto result = test("{\"key\": \"k\", \"value\": \"a\"}\n", "--expect '" + expected + "'");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("1 records: 1 OK, 0 not OK"), std::string::npos) << result.output;
}

TEST_F(PluginTestCommand, OtherOutputThanExpectedExitsTwoShowingTheFirstDifference) {
  const std::string expected =
      dir_.write("expected.jsonl",
                 "{\"line\":1,\"status\":\"OK\",\"outputs\":[{\"key\":\"k\",\"value\":\"B\"}]}\n")
          .string();
  const auto result = test("{\"key\": \"k\", \"value\": \"a\"}\n", "--expect '" + expected + "'");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("the output differs from " + expected +
                               ":1\n"
                               "  expected: {\"line\":1,\"outputs\":[{\"key\":\"k\",\"value\":"
                               "\"B\"}],\"status\":\"OK\"}\n"
                               "  got:      {\"line\":1,\"status\":\"OK\",\"outputs\":[{\"key\":"
                               "\"k\",\"value\":\"A\"}]}"),
            std::string::npos)
      << result.output;
}

TEST_F(PluginTestCommand, ARecordThatWouldStopTxformRunExitsFour) {
  const auto result = test("{\"value\": \"ok\"}\n{\"value\": \"bad\"}\n");
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_NE(result.output.find("txform run would stop at " + input_ +
                               ":2: RECORD_ERROR from uppercase@1.0.0: value starts with 'bad'"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(test("{\"value\": \"bad\"}\n", "--on-record-error skip").exit_code, 0);
}

TEST_F(PluginTestCommand, BadInputExitsOneSayingWhere) {
  const auto result = test("{\"value\": \"ok\"}\n{\"value\": [1]}\n");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("txform plugin test: error: " + input_ +
                               ":2: \"value\" must be a string or null, got [1]"),
            std::string::npos)
      << result.output;
}

TEST(PluginNewCommand, ABadNameExitsOneSayingWhatIsAllowed) {
  TempDir dir;
  const auto result =
      run_txform("plugin new My_Plugin --lang cpp --dir '" + (dir.path() / "p").string() + "'");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("txform plugin new: error: plugin name 'My_Plugin' is not valid"),
            std::string::npos)
      << result.output;
}

TEST(PluginNewCommand, PrintsTheFilesAndTheCommandsToRun) {
  TempDir dir;
  const std::string project = (dir.path() / "p").string();
  const auto result = run_txform("plugin new p --lang c --dir '" + project + "'");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("created p (c) in " + project + ":\n  CMakeLists.txt\n"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("  $ cmake --build " + project + "/build\n"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace txform::cli
