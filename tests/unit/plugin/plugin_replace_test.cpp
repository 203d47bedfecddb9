// A plugin file replaced on disk loads its new code next to the old, which keeps running.
#include <gtest/gtest.h>

#include "plugin/plugin_library.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin_testing {
namespace {

// Installs `plugin` as <dir>/testkit.so by renaming a hidden copy over it, as operators should.
std::filesystem::path install(const TempDir& dir, const std::filesystem::path& plugin) {
  const auto staged = dir.path() / ".testkit.so.new";
  std::filesystem::copy_file(plugin, staged, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(staged, dir.path() / "testkit.so");
  return dir.path() / "testkit.so";
}

TEST(PluginReplace, ReplacedFileLoadsItsNewCodeWhileTheOldStaysLoaded) {
  TempDir dir;
  const auto file = install(dir, TXFORM_TEST_TESTKIT);
  const auto first = plugin::PluginLibrary::open(file);
  install(dir, TXFORM_TEST_TESTKIT_NEXT);
  const auto next = plugin::PluginLibrary::open(file);

  EXPECT_EQ(first->info().label, "testkit@1.0.0");
  EXPECT_EQ(next->info().label, "testkit@2.0.0") << "dlopen handed back the old library";
  EXPECT_NE(first->functions().process, next->functions().process);
  EXPECT_NE(first->info().sha256, next->info().sha256);
}

TEST(PluginReplace, SameFileOpenedTwiceSharesOneMapping) {
  TempDir dir;
  const auto file = install(dir, TXFORM_TEST_TESTKIT);
  const auto one = plugin::PluginLibrary::open(file);
  const auto two = plugin::PluginLibrary::open(file);
  EXPECT_EQ(one->functions().process, two->functions().process);
}

}  // namespace
}  // namespace txform::plugin_testing
