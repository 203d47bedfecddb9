#include "plugin/plugin_catalog.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "plugin/plugin_error.hpp"
#include "plugin/sha256.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {
namespace {

using plugin_testing::TempDir;

// The one failure reason when `fixture` (a file in the fixture dir) is alone in a directory.
std::string lone_failure(const std::string& fixture) {
  TempDir dir;
  dir.copy_in(plugin_testing::fixture_plugin_dir() / fixture);
  const PluginCatalog catalog = scan_plugin_dir(dir.path(), ScanOptions{});
  EXPECT_TRUE(catalog.plugins.empty());
  if (catalog.failures.size() != 1) return "expected exactly one failure";
  EXPECT_EQ(catalog.failures[0].file, dir.path() / fixture);
  return catalog.failures[0].reason;
}

// The reason scan_plugin_dir throws for `dir`.
std::string scan_error(const std::filesystem::path& dir) {
  try {
    scan_plugin_dir(dir, ScanOptions{});
  } catch (const PluginError& e) {
    return e.what();
  }
  return "no error";
}

TEST(PluginCatalog, ListsTheExamplePluginsWithVersionAbiAndHash) {
  const PluginCatalog catalog =
      scan_plugin_dir(plugin_testing::example_plugin_dir(), ScanOptions{});
  EXPECT_TRUE(catalog.failures.empty());
  std::set<std::string> names;
  for (const auto& plugin : catalog.plugins) {
    const PluginInfo& info = plugin->info();
    names.insert(info.name);
    EXPECT_EQ(info.version, "1.0.0");
    EXPECT_EQ(info.abi_major, 1u);
    EXPECT_EQ(info.abi_minor, 0u);
    EXPECT_EQ(info.label, info.name + "@1.0.0");
    EXPECT_EQ(info.sha256, sha256_file(info.file));
    EXPECT_EQ(info.file.filename(), info.name + ".so");
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"bank-enrich", "fanout", "filter", "passthrough", "uppercase"}));
}

TEST(PluginCatalog, IgnoresFilesThatAreNotPlugins) {
  TempDir dir;
  dir.write("README.txt", "not a plugin");
  dir.write(".hidden.so", "editor backup");
  std::filesystem::create_directory(dir.path() / "sub.so");
  const PluginCatalog catalog = scan_plugin_dir(dir.path(), ScanOptions{});
  EXPECT_TRUE(catalog.plugins.empty());
  EXPECT_TRUE(catalog.failures.empty());
}

TEST(PluginCatalog, MissingDirectory) {
  EXPECT_EQ(scan_error("/nonexistent/plugins"),
            "/nonexistent/plugins: plugin directory does not exist");
}

TEST(PluginCatalog, PathIsNotADirectory) {
  TempDir dir;
  const auto file = dir.write("plugins", "");
  EXPECT_EQ(scan_error(file), file.string() + ": plugin directory is not a directory");
}

TEST(PluginCatalog, UnreadableDirectory) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0300);  // owner may enter and write, but not list
  if (::geteuid() != 0) {
    EXPECT_NE(scan_error(dir.path()).find("cannot read the plugin directory: Permission denied"),
              std::string::npos);
    return;
  }
  // Root reads everything, so scan as `nobody` in a child, with the directory made root's-only.
  ::chmod(dir.path().c_str(), 0700);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    const std::string message = scan_error(dir.path());
    if (::write(fds[1], message.data(), message.size()) < 0) ::_exit(3);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string message;
  char buffer[512];
  ssize_t got = 0;
  while ((got = ::read(fds[0], buffer, sizeof buffer)) > 0) {
    message.append(buffer, static_cast<size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // As nobody the directory cannot even be stat'ed through, or cannot be listed.
  EXPECT_TRUE(message.find("Permission denied") != std::string::npos) << message;
  EXPECT_NE(message.find(dir.path().string()), std::string::npos) << message;
}

TEST(PluginCatalog, MissingEntrySymbol) {
  EXPECT_NE(lone_failure("missing-entry.so").find("missing entry symbol txform_plugin_entry_v1"),
            std::string::npos);
}

TEST(PluginCatalog, AbiMajorTooNew) {
  const std::string reason = lone_failure("abi-too-new.so");
  EXPECT_NE(reason.find("plugin ABI 2.0 is newer than this host's ABI 1.0"), std::string::npos)
      << reason;
  EXPECT_NE(reason.find("upgrade txform"), std::string::npos) << reason;
}

TEST(PluginCatalog, AbiMajorTooOld) {
  const std::string reason = lone_failure("abi-too-old.so");
  EXPECT_NE(reason.find("plugin ABI 0.0 is older than this host's ABI 1.0"), std::string::npos)
      << reason;
  EXPECT_NE(reason.find("rebuild the plugin against txform-plugin-sdk 1.x"), std::string::npos);
}

TEST(PluginCatalog, DescriptorStructSizeTooSmall) {
  EXPECT_EQ(lone_failure("small-descriptor.so"),
            "descriptor struct_size 40 is smaller than ABI 1.x's minimum of 56 bytes");
}

TEST(PluginCatalog, DescriptorTooSmallForItsVersionFields) {
  EXPECT_NE(lone_failure("tiny-descriptor.so").find("too small to hold the version fields"),
            std::string::npos);
}

TEST(PluginCatalog, PluginRefusesTheHost) {
  EXPECT_NE(lone_failure("refuses.so").find("the plugin refused to run with this host (ABI 1.0)"),
            std::string::npos);
}

TEST(PluginCatalog, ReadsOptionalFieldsOnlyWhenStructSizeCoversThem) {
  TempDir dir;
  dir.copy_in(plugin_testing::fixture_plugin_dir() / "minimal-descriptor.so");
  const PluginCatalog catalog = scan_plugin_dir(dir.path(), ScanOptions{});
  ASSERT_EQ(catalog.plugins.size(), 1u);
  const PluginFunctions& f = catalog.plugins[0]->functions();
  EXPECT_NE(f.process, nullptr);
  // The fixture's descriptor has hooks past its struct_size; the host must not see them.
  EXPECT_EQ(f.flush, nullptr);
  EXPECT_EQ(f.on_commit, nullptr);
  EXPECT_EQ(f.on_abort, nullptr);
}

TEST(PluginCatalog, ReportsTwoPluginsWithTheSameName) {
  TempDir dir;
  const auto a = dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  const auto b = dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so", "copy.so");
  const PluginCatalog catalog = scan_plugin_dir(dir.path(), ScanOptions{});
  const auto duplicates = catalog.duplicates();
  ASSERT_EQ(duplicates.size(), 1u);
  EXPECT_EQ(duplicates.begin()->first, "passthrough");
  EXPECT_EQ(
      duplicate_reason("passthrough", duplicates.begin()->second),
      "2 plugins are named 'passthrough': " + b.string() + ", " + a.string() + "; keep only one");
}

}  // namespace
}  // namespace txform::plugin
