// `txform plugins` as a user runs it: the real binary, its exit code, and what it prints.
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "plugin_testing.hpp"

namespace txform::cli {
namespace {

using plugin_testing::run_txform;
using plugin_testing::TempDir;

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

TEST(PluginsCommand, ListsTheExamplePluginsWithNameVersionAndAbi) {
  const auto result = run_txform("plugins --dir " + quoted(plugin_testing::example_plugin_dir()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* name : {"bank-enrich", "fanout", "filter", "passthrough", "uppercase"}) {
    EXPECT_NE(result.output.find(std::string(name) + " "), std::string::npos) << name;
  }
  EXPECT_NE(result.output.find("NAME         VERSION  ABI  FILE"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("passthrough  1.0.0    1.0  passthrough.so"), std::string::npos)
      << result.output;
}

TEST(PluginsCommand, PrintsJsonForMachines) {
  const auto result =
      run_txform("plugins --json --dir " + quoted(plugin_testing::example_plugin_dir()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  ASSERT_EQ(json["plugins"].size(), 5u);
  EXPECT_TRUE(json["errors"].empty());
  const auto& first = json["plugins"][0];
  EXPECT_EQ(first["name"], "bank-enrich");
  EXPECT_EQ(first["version"], "1.0.0");
  EXPECT_EQ(first["abi"], "1.0");
  EXPECT_EQ(first["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(first["file"], (plugin_testing::example_plugin_dir() / "bank-enrich.so").string());
}

TEST(PluginsCommand, JsonCarriesErrorsAndStillExitsNonZero) {
  const auto result = run_txform("plugins --json --dir /nonexistent/plugins", false);
  EXPECT_EQ(result.exit_code, 1);
  const auto json = nlohmann::json::parse(result.output);
  ASSERT_EQ(json["errors"].size(), 1u);
  EXPECT_EQ(json["errors"][0]["reason"], "plugin directory does not exist");
}

// One bad input: how to build the directory, the arguments, and what the message must say.
struct BadInput {
  const char* name;
  void (*prepare)(TempDir&);
  const char* extra_args;
  const char* message;
};

std::string example(const char* name) {
  return (plugin_testing::example_plugin_dir() / name).string();
}
std::string fixture(const char* name) {
  return (plugin_testing::fixture_plugin_dir() / name).string();
}

// The passthrough plugin with the byte at `offset` replaced.
void corrupted_passthrough(TempDir& dir, size_t offset, char byte) {
  std::ifstream in(example("passthrough.so"), std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  bytes[offset] = byte;
  dir.write("passthrough.so", bytes);
}

class PluginsCommandBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(PluginsCommandBadInput, ExitsNonZeroWithAClearMessage) {
  TempDir dir;
  GetParam().prepare(dir);
  const auto result =
      run_txform("plugins --dir " + quoted(dir.path()) + " " + GetParam().extra_args);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("txform plugins: error: "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(GetParam().message), std::string::npos) << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, PluginsCommandBadInput,
    ::testing::Values(
        BadInput{"NotElf", [](TempDir& d) { d.write("notes.so", "just text\n"); }, "",
                 "notes.so: not an ELF shared object"},
        BadInput{"Truncated",
                 [](TempDir& d) {
                   std::ifstream in(example("passthrough.so"), std::ios::binary);
                   std::string bytes(std::istreambuf_iterator<char>(in), {});
                   d.write("passthrough.so", bytes.substr(0, 4096));
                 },
                 "", "passthrough.so: truncated: the file has 4096 bytes"},
        BadInput{"WrongArchitecture",
                 [](TempDir& d) {
                   corrupted_passthrough(d, offsetof(Elf64_Ehdr, e_machine),
                                         static_cast<char>(EM_AARCH64));
                 },
                 "", "wrong architecture: built for aarch64, this host is x86-64"},
        BadInput{"MissingEntrySymbol", [](TempDir& d) { d.copy_in(fixture("missing-entry.so")); },
                 "", "missing entry symbol txform_plugin_entry_v1"},
        BadInput{"AbiTooNew", [](TempDir& d) { d.copy_in(fixture("abi-too-new.so")); }, "",
                 "plugin ABI 2.0 is newer than this host's ABI 1.0"},
        BadInput{"AbiTooOld", [](TempDir& d) { d.copy_in(fixture("abi-too-old.so")); }, "",
                 "plugin ABI 0.0 is older than this host's ABI 1.0"},
        BadInput{"DescriptorTooSmall",
                 [](TempDir& d) { d.copy_in(fixture("small-descriptor.so")); }, "",
                 "descriptor struct_size 40 is smaller than ABI 1.x's minimum of 56 bytes"},
        BadInput{"CreateFails", [](TempDir& d) { d.copy_in(fixture("create-fails.so")); },
                 "--create create-fails",
                 "create() failed: config key 'rules' names a file that does not exist"},
        BadInput{"CreateThrowsInSdkPlugin", [](TempDir& d) { d.copy_in(fixture("sdk-probe.so")); },
                 "--create sdk-probe --set fail_create=yes",
                 "create() failed: cannot open rules file /nonexistent/rules.yaml"},
        BadInput{"CreateThrowsThroughTheAbi",
                 [](TempDir& d) { d.copy_in(fixture("throws-raw.so")); },
                 "--create throws-raw --set throw_in=create",
                 "create() threw an exception across the C ABI: raw create exploded"},
        BadInput{"DuplicateNames",
                 [](TempDir& d) {
                   d.copy_in(example("passthrough.so"));
                   d.copy_in(example("passthrough.so"), "passthrough-2.so");
                 },
                 "", "2 plugins are named 'passthrough'"},
        BadInput{"MissingDirectory", [](TempDir& d) { std::filesystem::remove(d.path()); }, "",
                 "plugin directory does not exist"},
        BadInput{"DirectoryWritableByOthers", [](TempDir& d) { ::chmod(d.path().c_str(), 0777); },
                 "", "refusing to load plugins: writable by others (mode 0777)"},
        BadInput{"FileWritableByGroup",
                 [](TempDir& d) { ::chmod(d.copy_in(example("passthrough.so")).c_str(), 0775); },
                 "", "refusing to load plugins: writable by group"}),
    [](const ::testing::TestParamInfo<BadInput>& param_info) { return param_info.param.name; });

TEST(PluginsCommand, RefusesAFileNotOwnedByTheRunningUserOrRoot) {
  // CI runs as root: there the check must run, never skip.
  if (::geteuid() != 0 && std::getenv("CI") != nullptr) FAIL() << "CI must run the suite as root";
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
  TempDir dir;
  const auto file = dir.copy_in(example("passthrough.so"));
  ASSERT_EQ(::chown(file.c_str(), 4242, static_cast<gid_t>(-1)), 0);
  const auto result = run_txform("plugins --dir " + quoted(dir.path()));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("owned by uid 4242, not by the user running txform"),
            std::string::npos)
      << result.output;
}

TEST(PluginsCommand, RefusesAnUnreadableDirectory) {
  TempDir dir;
  std::string runner;
  if (::geteuid() == 0) {
    // Root reads everything: run as nobody, with the directory root's alone.
    ::chmod(dir.path().c_str(), 0700);
    runner = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  } else {
    ::chmod(dir.path().c_str(), 0300);
  }
  const std::string command = runner + "'" + plugin_testing::txform_binary().string() +
                              "' plugins --dir " + quoted(dir.path()) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[1024];
  for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    output.append(buffer, got);
  }
  const int status = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  EXPECT_NE(output.find("cannot read the plugin directory: Permission denied"), std::string::npos)
      << output;
}

TEST(PluginsCommand, AllowInsecurePluginDirLoadsWithAWarning) {
  TempDir dir;
  dir.copy_in(example("passthrough.so"));
  ::chmod(dir.path().c_str(), 0777);
  const auto result = run_txform("plugins --allow-insecure-plugin-dir --dir " + quoted(dir.path()));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("txform plugins: warning: "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("passthrough  1.0.0"), std::string::npos) << result.output;
}

TEST(PluginsCommand, CreateChecksAPluginsConfig) {
  const auto ok = run_txform("plugins --dir " + quoted(plugin_testing::example_plugin_dir()) +
                             " --create filter --set drop_key_prefix=test-");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("created filter@1.0.0 with 1 config entries"), std::string::npos)
      << ok.output;
  const auto bad = run_txform("plugins --dir " + quoted(plugin_testing::example_plugin_dir()) +
                              " --create filter --set nonsense");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("--set 'nonsense' is not KEY=VALUE"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace txform::cli
