#include "plugin_testing.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace txform::plugin_testing {
namespace {

// An owned copy of a view; nullopt for a null view.
std::optional<std::string> owned(std::string_view view) {
  if (view.data() == nullptr) return std::nullopt;
  return std::string(view);
}

}  // namespace

std::filesystem::path example_plugin_dir() {
  return TXFORM_TEST_EXAMPLE_PLUGIN_DIR;
}
std::filesystem::path fixture_plugin_dir() {
  return TXFORM_TEST_FIXTURE_PLUGIN_DIR;
}
std::filesystem::path txform_binary() {
  return TXFORM_TEST_TXFORM_BINARY;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "txform-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore permissions a test may have removed, so the directory can be deleted.
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::copy_in(const std::filesystem::path& file, const std::string& name) {
  const std::filesystem::path target = path_ / (name.empty() ? file.filename().string() : name);
  std::filesystem::copy_file(file, target, std::filesystem::copy_options::overwrite_existing);
  ::chmod(target.c_str(), 0755);
  return target;
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& bytes) {
  const std::filesystem::path target = path_ / name;
  std::ofstream(target, std::ios::binary) << bytes;
  ::chmod(target.c_str(), 0755);
  return target;
}

void RecordingSink::write(const plugin::OutputRecord& record) {
  CapturedRecord copy;
  if (record.topic) copy.topic = std::string(*record.topic);
  copy.partition = record.partition;
  copy.key = owned(record.key);
  copy.value = owned(record.value);
  for (const plugin::HeaderView& h : record.headers) {
    copy.headers.emplace_back(std::string(h.key.data, h.key.size),
                              h.value.data == nullptr ? std::nullopt
                                                      : std::optional<std::string>(std::string(
                                                            h.value.data, h.value.size)));
  }
  copy.timestamp_ms = record.timestamp_ms;
  records.push_back(std::move(copy));
}

plugin::PluginLogger LogCapture::logger() {
  return [this](plugin::LogLevel level, std::string_view source, std::string_view message) {
    lines.push_back(LogLine{level, std::string(source), std::string(message)});
  };
}

plugin::InputRecord input(std::string_view key, std::string_view value,
                          std::span<const plugin::HeaderView> headers) {
  plugin::InputRecord record;
  record.topic = "in";
  record.partition = 2;
  record.offset = 7;
  record.key = key;
  record.value = value;
  record.headers = headers;
  record.timestamp_ms = 1000;
  return record;
}

CommandResult run_txform(const std::string& args, bool with_stderr) {
  const std::string command =
      "'" + txform_binary().string() + "' " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  CommandResult result;
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, got);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace txform::plugin_testing
