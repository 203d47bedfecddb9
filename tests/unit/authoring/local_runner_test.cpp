// `txform plugin test`'s runner: the real loader and example plugins on JSON-lines records, what
// it prints per record, what it says txform run would do, and its errors for bad input.
#include "authoring/local_runner.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "plugin/plugin_error.hpp"
#include "plugin_testing.hpp"

namespace txform::authoring {
namespace {

using nlohmann::json;

struct RunResult {
  LocalRunSummary summary;
  std::vector<json> lines;  // stdout, parsed
  std::string log;
};

class LocalRunner : public ::testing::Test {
 protected:
  // Writes `records` as the input file and runs `chain` from the example plugins.
  RunResult run(const std::string& records, std::vector<std::string> chain,
                std::vector<std::string> config = {}, const std::string& policy = "fail",
                const std::filesystem::path& plugin_dir = plugin_testing::example_plugin_dir()) {
    LocalRunOptions options;
    options.plugin_dir = plugin_dir;
    options.plugins = std::move(chain);
    options.config = std::move(config);
    options.input = dir_.write("records.jsonl", records);
    options.on_record_error = policy;
    std::ostringstream out;
    std::ostringstream log;
    RunResult result;
    result.summary = run_local(options, out, log);
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);)
      result.lines.push_back(json::parse(line));
    result.log = log.str();
    return result;
  }
  // The LocalRunError message for `records` through passthrough.
  std::string error_for(const std::string& records) {
    try {
      run(records, {"passthrough"});
    } catch (const LocalRunError& e) {
      return e.what();
    }
    return "no error";
  }
  std::string input_path() const { return (dir_.path() / "records.jsonl").string(); }

  plugin_testing::TempDir dir_;
};

TEST_F(LocalRunner, PrintsEachRecordsOutputsThenTheFlush) {
  const RunResult r =
      run("{\"key\": \"k1\", \"value\": \"hello\", \"headers\": [[\"h\", \"x\"], [\"n\", null]],"
          " \"timestamp_ms\": 5}\n"
          "\n"
          "{\"value\": null}\n",
          {"uppercase"});
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], json::parse(R"({"line":1,"status":"OK","outputs":[{"key":"k1",
      "value":"HELLO","headers":[["h","x"],["n",null]],"timestamp_ms":5}]})"));
  EXPECT_EQ(r.lines[1], json::parse(R"({"line":3,"status":"OK",
      "outputs":[{"key":null,"value":null}]})"));  // line numbers count the blank line
  EXPECT_EQ(r.lines[2], json::parse(R"({"flush":true,"status":"OK","outputs":[]})"));
  EXPECT_EQ(r.summary.records, 2u);
  EXPECT_EQ(r.summary.ok, 2u);
  EXPECT_FALSE(r.summary.would_stop);
}

TEST_F(LocalRunner, ExplainsARecordErrorUnderEachPolicy) {
  const std::string records = "{\"key\": \"k\", \"value\": \"bad one\"}\n";
  const std::map<std::string, std::string> expected{
      {"fail", "txform run stops with exit code 4 (on_record_error: fail)"},
      {"skip", "txform run logs and skips the record (on_record_error: skip)"},
      {"dead_letter",
       "txform run writes it to the dead letter topic (on_record_error: dead_letter)"}};
  for (const auto& [policy, then] : expected) {
    const RunResult r = run(records, {"uppercase"}, {"reject_prefix=bad"}, policy);
    ASSERT_EQ(r.lines.size(), 2u) << policy;
    EXPECT_EQ(r.lines[0]["status"], "RECORD_ERROR");
    EXPECT_EQ(r.lines[0]["plugin"], "uppercase@1.0.0");
    EXPECT_EQ(r.lines[0]["message"], "value starts with 'bad'");
    EXPECT_EQ(r.lines[0]["then"], then) << policy;
    EXPECT_EQ(r.summary.would_stop, policy == "fail") << policy;
  }
  const RunResult failing = run(records, {"uppercase"}, {"reject_prefix=bad"}, "fail");
  EXPECT_EQ(failing.summary.first_stop,
            input_path() + ":1: RECORD_ERROR from uppercase@1.0.0: value starts with 'bad'");
}

TEST_F(LocalRunner, SaysOutputsAreTakenBackWhenAChainFailsAfterEmitting) {
  // fanout emits "ok" (upper-cased to the sink), then uppercase rejects "bad".
  const RunResult r = run("{\"value\": \"ok,bad\"}\n", {"fanout", "uppercase"},
                          {"fanout.separator=,", "uppercase.reject_prefix=bad"}, "dead_letter");
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0]["outputs"], json::parse(R"([{"key":null,"value":"OK"}])"));
  EXPECT_EQ(r.lines[0]["then"],
            "its 1 output(s) are taken back (the transaction aborts and replays), then txform "
            "run writes it to the dead letter topic (on_record_error: dead_letter)");
}

TEST_F(LocalRunner, AFatalPluginWouldStopThePipeline) {
  const RunResult r =
      run("{\"value\": \"x\"}\n", {"throws-raw"}, {}, "skip", plugin_testing::fixture_plugin_dir());
  EXPECT_EQ(r.lines[0]["status"], "FATAL");
  EXPECT_EQ(r.lines[0]["then"], "txform run stops with exit code 4 without committing");
  EXPECT_TRUE(r.summary.would_stop);
}

TEST_F(LocalRunner, BadRecordsSayFileLineAndWhat) {
  const std::string at = input_path() + ":2: ";
  const std::string ok = "{\"value\": \"v\"}\n";
  EXPECT_EQ(error_for(ok + "{\"value\": 3}\n"), at + "\"value\" must be a string or null, got 3");
  EXPECT_EQ(error_for(ok + "{\"vale\": \"v\"}\n"),
            at + "unknown field \"vale\" (known: key, value, headers, topic, partition, offset, "
                 "timestamp_ms)");
  EXPECT_EQ(error_for(ok + "[1, 2]\n"), at + "a record must be a JSON object, got [1,2]");
  EXPECT_EQ(error_for(ok + "{\"partition\": -1}\n"),
            at + "\"partition\" must be 0 or more, got -1");
  EXPECT_EQ(error_for(ok + "{\"offset\": \"7\"}\n"),
            at + "\"offset\" must be an integer, got \"7\"");
  EXPECT_EQ(error_for(ok + "{\"headers\": [[\"h\"]]}\n"),
            at + "each of \"headers\" must be [\"name\", \"value\" or null], got [\"h\"]");
  EXPECT_EQ(error_for(ok + "{\"headers\": {\"h\": 1}}\n"),
            at + "\"headers.h\" must be a string or null, got 1");
  EXPECT_EQ(error_for(ok + "{\"topic\": \"\"}\n"), at + "\"topic\" must be a non-empty string");
  EXPECT_EQ(error_for(ok + "{\"value\": \n").rfind(at + "not JSON: ", 0), 0u);
}

TEST_F(LocalRunner, BadOptionsSayWhichAndWhat) {
  const auto error = [&](std::vector<std::string> chain, std::vector<std::string> config,
                         const std::string& policy) -> std::string {
    try {
      run("{}\n", std::move(chain), std::move(config), policy);
    } catch (const LocalRunError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error({"passthrough"}, {}, "ignore"),
            "--on-record-error 'ignore' is not one of fail, skip, dead_letter");
  EXPECT_EQ(error({}, {}, "fail"), "--plugins names no plugin");
  EXPECT_EQ(error({"passthrough"}, {"novalue"}, "fail"), "--config 'novalue' is not KEY=VALUE");
  EXPECT_EQ(error({"fanout", "uppercase"}, {"separator=,"}, "fail"),
            "--config 'separator=,': the chain has 2 plugins; say which one as "
            "PLUGIN.KEY=VALUE");
  LocalRunOptions missing;
  missing.plugin_dir = plugin_testing::example_plugin_dir();
  missing.plugins = {"passthrough"};
  missing.input = "/nonexistent/records.jsonl";
  std::ostringstream sink;
  try {
    run_local(missing, sink, sink);
    FAIL() << "a missing input file was accepted";
  } catch (const LocalRunError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/records.jsonl: cannot open the input records");
  }
}

TEST_F(LocalRunner, APluginThatIsNotThereIsThePluginLoadersError) {
  EXPECT_THROW(run("{}\n", {"no-such-plugin"}), plugin::PluginError);
}

}  // namespace
}  // namespace txform::authoring
