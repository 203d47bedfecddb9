#include "reload_fixture.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <tuple>

namespace txform::testing {

std::filesystem::path testkit_first() {
  return std::filesystem::path(test_plugin_dir()) / "testkit.so";
}

std::filesystem::path testkit_next() {
  return std::filesystem::path(test_plugin_dir()).parent_path() / "plugins-next" / "testkit.so";
}

void ReloadTest::SetUp() {
  PipelineTest::SetUp();
  std::string pattern = (std::filesystem::temp_directory_path() / "txform-reload-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;  // 0700 and ours: the loader's ownership and permission checks pass
}

void ReloadTest::TearDown() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void ReloadTest::install(const std::filesystem::path& plugin) const {
  const auto staged = dir_ / ".testkit.so.new";
  std::filesystem::copy_file(plugin, staged, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::permissions(staged, std::filesystem::perms(0644));
  // rename(2): the running process keeps its mapping of the old file (never edit one in place).
  std::filesystem::rename(staged, dir_ / "testkit.so");
}

void ReloadTest::install_garbage() const {
  const auto staged = dir_ / ".testkit.so.new";
  std::ofstream(staged) << "this is not a shared object\n";
  std::filesystem::permissions(staged, std::filesystem::perms(0644));
  std::filesystem::rename(staged, dir_ / "testkit.so");
}

std::string ReloadTest::reload_config(const std::map<std::string, std::string>& plugin_config,
                                      const std::string& extra,
                                      const std::string& transactional_id) const {
  std::string yaml = config("testkit", plugin_config, extra, transactional_id);
  const std::string from = "plugin_dir: " + test_plugin_dir() + "\n";
  yaml.replace(yaml.find(from), from.size(), "plugin_dir: " + dir_.string() + "\n");
  return yaml;
}

std::vector<std::string> prefixes_of_partition(const std::vector<Record>& outputs, int partitions,
                                               int partition) {
  std::vector<std::pair<int64_t, std::string>> by_sequence;
  for (const auto& record : outputs) {
    const int64_t seq = parse_sequence_key(record.key);
    if (seq < 0 || seq % partitions != partition) continue;
    by_sequence.emplace_back(seq, record.value.substr(0, record.value.find(':') + 1));
  }
  std::sort(by_sequence.begin(), by_sequence.end());
  std::vector<std::string> prefixes;
  for (auto& [seq, prefix] : by_sequence)
    prefixes.push_back(std::move(prefix));
  return prefixes;
}

int changes(const std::vector<std::string>& prefixes) {
  int n = 0;
  for (size_t i = 1; i < prefixes.size(); ++i)
    n += prefixes[i] != prefixes[i - 1] ? 1 : 0;
  return n;
}

int64_t outputs_with(const std::vector<Record>& outputs, const std::string& prefix) {
  return std::count_if(outputs.begin(), outputs.end(),
                       [&](const Record& record) { return record.value.starts_with(prefix); });
}

TransformSwitches transform_switches(const std::vector<Record>& outputs) {
  std::vector<const Record*> sorted;
  for (const auto& record : outputs)
    sorted.push_back(&record);
  std::sort(sorted.begin(), sorted.end(), [](const Record* a, const Record* b) {
    return std::tie(a->partition, a->offset) < std::tie(b->partition, b->offset);
  });
  auto prefix = [](const Record* record) {
    return record->value.substr(0, record->value.find(':') + 1);
  };
  TransformSwitches switches;
  for (size_t i = 1; i < sorted.size(); ++i) {
    const Record* before = sorted[i - 1];
    const Record* after = sorted[i];
    if (before->partition != after->partition || prefix(before) == prefix(after)) continue;
    if (after->offset == before->offset + 1) {
      ++switches.inside_transaction;
    } else {
      ++switches.at_boundary;
    }
  }
  return switches;
}

int count(const std::string& log, const std::string& text) {
  int n = 0;
  for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1))
    ++n;
  return n;
}

}  // namespace txform::testing
