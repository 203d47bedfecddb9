#include "plugin/file_security.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/plugin_catalog.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {
namespace {

using plugin_testing::TempDir;

TEST(FileSecurity, AcceptsAFileOnlyItsOwnerCanWrite) {
  TempDir dir;
  EXPECT_EQ(insecure_reason(dir.write("a.so", "x"), ::geteuid()), std::nullopt);
  EXPECT_EQ(insecure_reason(dir.path(), ::geteuid()), std::nullopt);
}

TEST(FileSecurity, RefusesAGroupWritableFile) {
  TempDir dir;
  const auto file = dir.write("a.so", "x");
  ::chmod(file.c_str(), 0775);
  const auto reason = insecure_reason(file, ::geteuid());
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("writable by group (mode 0775)"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("chmod go-w"), std::string::npos) << *reason;
}

TEST(FileSecurity, RefusesADirectoryWritableByOthers) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0757);
  const auto reason = insecure_reason(dir.path(), ::geteuid());
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("writable by others"), std::string::npos) << *reason;
}

TEST(FileSecurity, RefusesAFileOwnedBySomeoneElse) {
  TempDir dir;
  const auto file = dir.write("a.so", "x");
  // Root-owned files are always acceptable, so as root hand the file to another user.
  uid_t runner = ::geteuid();
  if (runner == 0) {
    ASSERT_EQ(::chown(file.c_str(), 4242, static_cast<gid_t>(-1)), 0);
  } else {
    runner += 1;  // pretend txform runs as someone else
  }
  const auto reason = insecure_reason(file, runner);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("not by the user running txform"), std::string::npos) << *reason;
}

TEST(FileSecurity, AcceptsARootOwnedFileWhoeverRuns) {
  EXPECT_EQ(insecure_reason("/usr/bin/env", 4242), std::nullopt);
}

TEST(FileSecurity, ScanRefusesAnInsecureDirectory) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0777);
  try {
    scan_plugin_dir(dir.path(), ScanOptions{});
    FAIL() << "an insecure directory was accepted";
  } catch (const PluginError& e) {
    EXPECT_EQ(e.file(), dir.path());
    EXPECT_NE(e.reason().find("refusing to load plugins: writable by others"), std::string::npos)
        << e.what();
    EXPECT_NE(e.reason().find("--allow-insecure-plugin-dir"), std::string::npos) << e.what();
  }
}

TEST(FileSecurity, ScanRefusesAnInsecureFileButKeepsTheOthers) {
  TempDir dir;
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  const auto bad = dir.copy_in(plugin_testing::example_plugin_dir() / "filter.so");
  ::chmod(bad.c_str(), 0777);
  const PluginCatalog catalog = scan_plugin_dir(dir.path(), ScanOptions{});
  ASSERT_EQ(catalog.plugins.size(), 1u);
  EXPECT_EQ(catalog.plugins[0]->info().name, "passthrough");
  ASSERT_EQ(catalog.failures.size(), 1u);
  EXPECT_EQ(catalog.failures[0].file, bad);
  EXPECT_NE(catalog.failures[0].reason.find("writable by others"), std::string::npos);
}

TEST(FileSecurity, AllowInsecureLoadsAndWarns) {
  TempDir dir;
  const auto file = dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  ::chmod(dir.path().c_str(), 0777);
  ::chmod(file.c_str(), 0666);
  plugin_testing::LogCapture log;
  const PluginCatalog catalog = scan_plugin_dir(dir.path(), ScanOptions{true, {}, log.logger()});
  EXPECT_EQ(catalog.plugins.size(), 1u);
  EXPECT_TRUE(catalog.failures.empty());
  ASSERT_EQ(log.lines.size(), 2u);  // the directory and the file
  EXPECT_EQ(log.lines[0].level, LogLevel::warn);
  EXPECT_NE(log.lines[0].message.find("loading anyway"), std::string::npos);
}

}  // namespace
}  // namespace txform::plugin
