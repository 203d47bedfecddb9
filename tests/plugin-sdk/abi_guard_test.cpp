// The ABI guard: plugin.h's layout is pinned (x86-64), identical in C99 and C++, and any edit
// to the header without an ABI version bump fails here (plugin-sdk/abi/plugin.h.sha256).
#include <gtest/gtest.h>
#include <txform/plugin.h>

#include <array>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plugin/sha256.hpp"

extern "C" size_t txform_abi_c99_layout(size_t* out, size_t capacity);

namespace {

static_assert(sizeof(txform_bytes) == 16);
static_assert(sizeof(txform_header) == 32);
static_assert(sizeof(txform_config_entry) == 32);

static_assert(sizeof(txform_record) == 96);
static_assert(offsetof(txform_record, struct_size) == 0);
static_assert(offsetof(txform_record, topic) == 8);
static_assert(offsetof(txform_record, key) == 24);
static_assert(offsetof(txform_record, value) == 40);
static_assert(offsetof(txform_record, headers) == 56);
static_assert(offsetof(txform_record, header_count) == 64);
static_assert(offsetof(txform_record, timestamp_ms) == 72);
static_assert(offsetof(txform_record, offset) == 80);
static_assert(offsetof(txform_record, partition) == 88);

static_assert(sizeof(txform_output) == 88);
static_assert(offsetof(txform_output, topic) == 8);
static_assert(offsetof(txform_output, key) == 24);
static_assert(offsetof(txform_output, value) == 40);
static_assert(offsetof(txform_output, headers) == 56);
static_assert(offsetof(txform_output, header_count) == 64);
static_assert(offsetof(txform_output, timestamp_ms) == 72);
static_assert(offsetof(txform_output, partition) == 80);

static_assert(sizeof(txform_host_api) == 32);
static_assert(offsetof(txform_host_api, emit) == 8);
static_assert(offsetof(txform_host_api, log) == 16);
static_assert(offsetof(txform_host_api, set_error) == 24);

// The frozen prefix every ABI major keeps: struct_size, abi_major, abi_minor, name, version.
static_assert(sizeof(txform_plugin) == 80);
static_assert(offsetof(txform_plugin, abi_major) == 8);
static_assert(offsetof(txform_plugin, abi_minor) == 12);
static_assert(offsetof(txform_plugin, name) == 16);
static_assert(offsetof(txform_plugin, version) == 24);
static_assert(offsetof(txform_plugin, create) == 32);
static_assert(offsetof(txform_plugin, process) == 40);
static_assert(offsetof(txform_plugin, destroy) == 48);
static_assert(offsetof(txform_plugin, flush) == 56);
static_assert(offsetof(txform_plugin, on_commit) == 64);
static_assert(offsetof(txform_plugin, on_abort) == 72);

// The same list abi_layout_c99.c builds, as the C++ compiler sees it.
std::vector<size_t> cpp_layout() {
  return {sizeof(txform_bytes),
          sizeof(txform_header),
          sizeof(txform_config_entry),
          sizeof(txform_record),
          offsetof(txform_record, topic),
          offsetof(txform_record, key),
          offsetof(txform_record, value),
          offsetof(txform_record, headers),
          offsetof(txform_record, header_count),
          offsetof(txform_record, timestamp_ms),
          offsetof(txform_record, offset),
          offsetof(txform_record, partition),
          sizeof(txform_output),
          offsetof(txform_output, topic),
          offsetof(txform_output, key),
          offsetof(txform_output, value),
          offsetof(txform_output, headers),
          offsetof(txform_output, header_count),
          offsetof(txform_output, timestamp_ms),
          offsetof(txform_output, partition),
          sizeof(txform_host_api),
          offsetof(txform_host_api, emit),
          offsetof(txform_host_api, log),
          offsetof(txform_host_api, set_error),
          sizeof(txform_plugin),
          offsetof(txform_plugin, abi_major),
          offsetof(txform_plugin, abi_minor),
          offsetof(txform_plugin, name),
          offsetof(txform_plugin, version),
          offsetof(txform_plugin, create),
          offsetof(txform_plugin, process),
          offsetof(txform_plugin, destroy),
          offsetof(txform_plugin, flush),
          offsetof(txform_plugin, on_commit),
          offsetof(txform_plugin, on_abort)};
}

TEST(AbiGuard, C99AndCppAgreeOnEveryStructLayout) {
  std::array<size_t, 64> c99{};
  const size_t count = txform_abi_c99_layout(c99.data(), c99.size());
  EXPECT_EQ(std::vector<size_t>(c99.begin(), c99.begin() + static_cast<std::ptrdiff_t>(count)),
            cpp_layout());
}

TEST(AbiGuard, HeaderHashIsRecordedForItsAbiVersion) {
  const std::string version =
      std::to_string(TXFORM_ABI_VERSION_MAJOR) + "." + std::to_string(TXFORM_ABI_VERSION_MINOR);
  const std::string actual = txform::plugin::sha256_file(TXFORM_TEST_PLUGIN_H);
  std::ifstream recorded_file(TXFORM_TEST_PLUGIN_H_HASHES);
  ASSERT_TRUE(recorded_file) << "cannot read " << TXFORM_TEST_PLUGIN_H_HASHES;
  std::string line;
  std::string recorded;
  while (std::getline(recorded_file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string line_version;
    std::string hash;
    fields >> line_version >> hash;
    if (line_version == version) recorded = hash;
    if (line_version != version) {
      EXPECT_NE(hash, actual) << "plugin.h is identical to ABI " << line_version
                              << ": bumping the version without a change is not allowed";
    }
  }
  ASSERT_FALSE(recorded.empty()) << "ABI " << version << " has no recorded hash: add the line '"
                                 << version << " " << actual << "' to "
                                 << TXFORM_TEST_PLUGIN_H_HASHES;
  EXPECT_EQ(actual, recorded)
      << "plugin.h changed without an ABI version bump. An append-only change (a new field at "
         "the end of a struct, a new host function) bumps TXFORM_ABI_VERSION_MINOR; anything else "
         "bumps TXFORM_ABI_VERSION_MAJOR. Then add '<major>.<minor> "
      << actual << "' to " << TXFORM_TEST_PLUGIN_H_HASHES;
}

}  // namespace
