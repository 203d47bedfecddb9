// From `txform plugin new` to records flowing through a broker pipeline, for each language, as a
// new plugin author would go: install the SDK, scaffold, run exactly the commands it prints
// (build, sample test, listing), then run a real exactly-once pipeline with the new plugin.
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>

#include "../engine/pipeline_fixture.hpp"

namespace txform::testing {
namespace {

namespace fs = std::filesystem;

// Runs `command` under bash, returning its exit code and its output (stderr merged).
std::pair<int, std::string> shell(const std::string& command) {
  const std::string wrapped =
      "bash -euo pipefail -c '" + std::regex_replace(command, std::regex("'"), "'\\''") + "' 2>&1";
  FILE* pipe = popen(wrapped.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class ScaffoldedPlugin : public PipelineTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    umask(022);  // the host loads only plugins that group and others cannot write
    work_ = fs::temp_directory_path() / unique_name("txform-scaffold");
    fs::create_directories(work_ / "bin");
    // The printed commands say `txform` and `cargo`: this build's, and CMake's toolchain.
    fs::create_symlink(txform_binary(), work_ / "bin/txform");
    fs::create_symlink(TXFORM_TEST_CARGO, work_ / "bin/cargo");
    setenv("PATH", ((work_ / "bin").string() + ":" + getenv("PATH")).c_str(), 1);
    setenv("RUSTC", TXFORM_TEST_RUSTC, 1);
    setenv("RUSTDOC", TXFORM_TEST_RUSTDOC, 1);
    setenv("CARGO_NET_OFFLINE", "true", 1);
    unsetenv("CARGO_TARGET_DIR");
    const auto [code, output] =
        shell("cmake --install " + std::string(TXFORM_TEST_BUILD_DIR) + " --prefix " +
              (work_ / "prefix").string() + " --component txform-plugin-sdk");
    ASSERT_EQ(code, 0) << output;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(work_, ignored);
  }
  fs::path work_;
};

TEST_P(ScaffoldedPlugin, FromPluginNewToAnExactlyOncePipeline) {
  const std::string lang = GetParam();
  const std::string name = "hello-" + lang;
  const auto [code, printed] =
      shell("txform plugin new " + name + " --lang " + lang + " --dir " + (work_ / name).string() +
            " --sdk-prefix " + (work_ / "prefix").string());
  ASSERT_EQ(code, 0) << printed;
  // Follow the instructions: every "  $ command" line, in order.
  std::istringstream lines(printed);
  std::string plugin_dir;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  $ ", 0) != 0) continue;
    const std::string command = line.substr(4);
    const auto [step_code, step_output] = shell(command);
    ASSERT_EQ(step_code, 0) << command << "\n" << step_output;
    if (command.rfind("txform plugins --dir ", 0) == 0) {
      plugin_dir = command.substr(std::string("txform plugins --dir ").size());
      EXPECT_NE(step_output.find(name + " "), std::string::npos) << step_output;
    }
  }
  ASSERT_FALSE(plugin_dir.empty()) << "no `txform plugins --dir` among the commands:\n" << printed;

  // The pipeline the instructions end with: plugin_dir and `plugins: - name: NAME`.
  create_topics(3);
  constexpr int64_t kCount = 2000;
  const auto value_of = [](int64_t seq) {
    return (seq % 100 == 5 ? "bad-" : "value-") + std::to_string(seq);
  };
  produce_sequence(input_, partitions_, kCount, value_of);
  std::string yaml =
      config(name, {{"reject_prefix", "bad-"}},
             "error_policy: {on_record_error: dead_letter, dead_letter_topic: " + dlq_ + "}\n");
  const std::string default_dir = "plugin_dir: " + txform::testing::plugin_dir() + "\n";
  ASSERT_NE(yaml.find(default_dir), std::string::npos);
  yaml.replace(yaml.find(default_dir), default_dir.size(), "plugin_dir: " + plugin_dir + "\n");
  auto txform = start(yaml);
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();
  const auto outputs = expect_exactly_once_output(kCount, kCount - kCount / 100);
  for (const auto& record : outputs) {
    ASSERT_EQ(record.value, "VALUE-" + std::to_string(parse_sequence_key(record.key)));
  }
  EXPECT_EQ(static_cast<int64_t>(read_topic(dlq_, 1, "read_committed").size()), kCount / 100);
}

INSTANTIATE_TEST_SUITE_P(Languages, ScaffoldedPlugin, ::testing::Values("c", "cpp", "rust"),
                         [](const auto& language) { return std::string(language.param); });

}  // namespace
}  // namespace txform::testing
