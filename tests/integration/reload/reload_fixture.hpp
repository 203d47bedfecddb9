// Plugin reload tests: a private plugin directory the test installs plugin versions into, and
// checks of which version transformed which record.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../engine/pipeline_fixture.hpp"

namespace txform::testing {

// testkit 1.0.0 prefixes "out:", its next version 2.0.0 "next:" (tests/plugins/testkit.cpp).
inline constexpr const char* kFirstPrefix = "out:";
inline constexpr const char* kNextPrefix = "next:";

// testkit.so of each version, as this build made them.
std::filesystem::path testkit_first();
std::filesystem::path testkit_next();

class ReloadTest : public PipelineTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Installs `plugin` as <dir>/testkit.so the safe way: written under a hidden name, renamed.
  void install(const std::filesystem::path& plugin) const;
  // Installs a file that is no plugin at all under the same name.
  void install_garbage() const;

  // config("testkit", ...) loading from the private plugin directory.
  std::string reload_config(const std::map<std::string, std::string>& plugin_config,
                            const std::string& extra = "",
                            const std::string& transactional_id = "") const;

  std::filesystem::path dir_;
};

// The prefix (the version's transform) of each output of input partition `partition`, in
// input order; the input partition of record seq is seq % partitions.
std::vector<std::string> prefixes_of_partition(const std::vector<Record>& outputs, int partitions,
                                               int partition);
// How many times consecutive prefixes differ.
int changes(const std::vector<std::string>& prefixes);
// How many outputs carry `prefix`.
int64_t outputs_with(const std::vector<Record>& outputs, const std::string& prefix);

// Where the transform changes along each output partition, in offset order. With testkit's
// keep_partition every output partition has one writer, so two outputs at consecutive offsets
// are in one transaction (between two transactions a commit marker takes an offset).
struct TransformSwitches {
  int inside_transaction = 0;  // consecutive offsets, different transforms: must stay 0
  int at_boundary = 0;         // separated by at least one marker
};
TransformSwitches transform_switches(const std::vector<Record>& outputs);
// Occurrences of `text` in `log`.
int count(const std::string& log, const std::string& text);

}  // namespace txform::testing
