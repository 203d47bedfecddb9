// What plugin tests share: this build's plugin paths, scratch directories, an in-memory host
// (recording sink and logger), and a way to run the real `txform` binary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugin/logger.hpp"
#include "plugin/records.hpp"

namespace txform::plugin_testing {

// <build>/plugins: the example plugins.
std::filesystem::path example_plugin_dir();
// <build>/tests/plugin-fixtures: the deliberately broken plugins tests load.
std::filesystem::path fixture_plugin_dir();
// <build>/host/txform.
std::filesystem::path txform_binary();

// A fresh directory (mode 0700, so it passes the loader's permission checks), removed on exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Copies `file` in (as `name`, default its own name) and returns the new path.
  std::filesystem::path copy_in(const std::filesystem::path& file, const std::string& name = "");
  // Writes `bytes` to a new file `name` (mode 0755) and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& bytes);

 private:
  std::filesystem::path path_;
};

// An owned copy of one OutputRecord.
struct CapturedRecord {
  std::optional<std::string> topic;
  std::optional<int32_t> partition;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<int64_t> timestamp_ms;
};

// The in-memory host's output: keeps a copy of everything written.
class RecordingSink : public plugin::OutputSink {
 public:
  void write(const plugin::OutputRecord& record) override;
  std::vector<CapturedRecord> records;
};

// The in-memory host's logger: keeps every line.
struct LogLine {
  plugin::LogLevel level;
  std::string source;
  std::string message;
};
class LogCapture {
 public:
  plugin::PluginLogger logger();  // writes into this object, which must outlive its use
  std::vector<LogLine> lines;
};

// An input record on topic "in", partition 2, offset 7, timestamp 1000 (views onto the args).
plugin::InputRecord input(std::string_view key, std::string_view value,
                          std::span<const plugin::HeaderView> headers = {});

// Runs `txform <args>` and returns its exit code and stdout, with stderr merged in unless
// `with_stderr` is false (then stderr is discarded).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_txform(const std::string& args, bool with_stderr = true);

}  // namespace txform::plugin_testing
