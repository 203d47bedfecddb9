#include "plugin/plugin_loader.hpp"

#include <gtest/gtest.h>

#include "plugin/plugin_error.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {
namespace {

using plugin_testing::TempDir;

// what() of the PluginError that loading (and instantiating) `chain` from `dir` throws.
std::string load_error(const std::filesystem::path& dir, const std::vector<PluginSpec>& chain,
                       PluginLogger logger = {}) {
  try {
    load_plugin_chain(dir, chain, false, std::move(logger)).make_chain();
  } catch (const PluginError& e) {
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(PluginLoader, LoadsTheNamedChainInOrder) {
  auto loaded = load_plugin_chain(plugin_testing::example_plugin_dir(),
                                  {{"filter", {{"drop_key_prefix", "test-"}}}, {"passthrough", {}}},
                                  false, {});
  EXPECT_EQ(loaded.labels(), (std::vector<std::string>{"filter@1.0.0", "passthrough@1.0.0"}));
  ASSERT_EQ(loaded.plugins().size(), 2u);
  EXPECT_EQ(loaded.plugins()[0].file, plugin_testing::example_plugin_dir() / "filter.so");
  auto chain = loaded.make_chain();
  EXPECT_EQ(chain->labels(), loaded.labels());
}

TEST(PluginLoader, ANamedPluginThatFailsToLoadStopsStartupNamingFileAndReason) {
  TempDir dir;
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  const auto broken = dir.write("filter.so", "garbage");
  const std::string error = load_error(dir.path(), {{"filter", {}}});
  EXPECT_TRUE(contains(error, broken.string() + ": not an ELF shared object")) << error;
}

TEST(PluginLoader, AnUnusedPluginThatFailsToLoadIsAWarning) {
  TempDir dir;
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  const auto broken = dir.write("filter.so", "garbage");
  plugin_testing::LogCapture log;
  auto loaded = load_plugin_chain(dir.path(), {{"passthrough", {}}}, false, log.logger());
  EXPECT_EQ(loaded.labels(), std::vector<std::string>{"passthrough@1.0.0"});
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].level, LogLevel::warn);
  EXPECT_EQ(log.lines[0].source, kLoaderSource);
  EXPECT_TRUE(contains(log.lines[0].message, broken.string() + ": not loaded"))
      << log.lines[0].message;
}

TEST(PluginLoader, AMissingPluginListsWhatIsAvailable) {
  TempDir dir;
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  EXPECT_EQ(load_error(dir.path(), {{"nope", {}}}),
            dir.path().string() +
                ": no plugin named 'nope' (available: passthrough@1.0.0 (passthrough.so))");
}

TEST(PluginLoader, TwoPluginsWithTheUsedNameStopStartup) {
  TempDir dir;
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so", "passthrough-old.so");
  EXPECT_TRUE(
      contains(load_error(dir.path(), {{"passthrough", {}}}), "2 plugins are named 'passthrough'"));
}

TEST(PluginLoader, TwoPluginsWithAnUnusedNameAreAWarning) {
  TempDir dir;
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so");
  dir.copy_in(plugin_testing::example_plugin_dir() / "passthrough.so", "passthrough-old.so");
  dir.copy_in(plugin_testing::example_plugin_dir() / "fanout.so");
  plugin_testing::LogCapture log;
  load_plugin_chain(dir.path(), {{"fanout", {}}}, false, log.logger());
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_TRUE(contains(log.lines[0].message, "2 plugins are named 'passthrough'"));
}

TEST(PluginLoader, CreateFailureShowsThePluginsMessage) {
  TempDir dir;
  const auto file = dir.copy_in(plugin_testing::fixture_plugin_dir() / "create-fails.so");
  EXPECT_EQ(load_error(dir.path(), {{"create-fails", {}}}),
            file.string() +
                ": plugin 'create-fails@0.0.1' create() failed: config key 'rules' names a file "
                "that does not exist");
}

TEST(PluginLoader, AnExampleRejectsBadConfigInCreate) {
  EXPECT_TRUE(contains(load_error(plugin_testing::example_plugin_dir(), {{"filter", {}}}),
                       "create() failed: filter needs drop_key_prefix or drop_header"));
  EXPECT_TRUE(
      contains(load_error(plugin_testing::example_plugin_dir(), {{"fanout", {{"max_part", "3"}}}}),
               "create() failed: unknown config key 'max_part' (known keys: separator, max_parts, "
               "keep_empty)"));
}

TEST(PluginLoader, AnSdkPluginThrowingFromItsConstructorShowsTheMessage) {
  TempDir dir;
  dir.copy_in(plugin_testing::fixture_plugin_dir() / "sdk-probe.so");
  EXPECT_TRUE(contains(load_error(dir.path(), {{"sdk-probe", {{"fail_create", "yes"}}}}),
                       "create() failed: cannot open rules file /nonexistent/rules.yaml"));
}

TEST(PluginLoader, ARawPluginThrowingThroughTheAbiFromCreateIsCaught) {
  TempDir dir;
  dir.copy_in(plugin_testing::fixture_plugin_dir() / "throws-raw.so");
  EXPECT_TRUE(contains(load_error(dir.path(), {{"throws-raw", {{"throw_in", "create"}}}}),
                       "create() threw an exception across the C ABI: raw create exploded"));
}

TEST(PluginLoader, AnEmptyChainIsAnError) {
  EXPECT_TRUE(contains(load_error(plugin_testing::example_plugin_dir(), {}), "names no plugin"));
}

TEST(PluginLoader, EachWorkerGetsItsOwnInstances) {
  TempDir dir;
  dir.copy_in(plugin_testing::fixture_plugin_dir() / "sdk-probe.so");
  auto loaded = load_plugin_chain(dir.path(), {{"sdk-probe", {}}}, false, {});
  auto first = loaded.make_chain();
  auto second = loaded.make_chain();
  plugin_testing::RecordingSink sink;
  ASSERT_TRUE(first->process(plugin_testing::input("k", "buffer"), sink).ok());
  ASSERT_TRUE(second->flush(sink).ok());
  EXPECT_TRUE(sink.records.empty());  // the second instance buffered nothing
  ASSERT_TRUE(first->flush(sink).ok());
  EXPECT_EQ(sink.records.size(), 1u);
}

TEST(PluginLoader, ChainsKeepTheirLibrariesLoaded) {
  std::unique_ptr<PluginChain> chain;
  {
    auto loaded =
        load_plugin_chain(plugin_testing::example_plugin_dir(), {{"passthrough", {}}}, false, {});
    chain = loaded.make_chain();
  }
  plugin_testing::RecordingSink sink;
  EXPECT_TRUE(chain->process(plugin_testing::input("k", "v"), sink).ok());
  EXPECT_EQ(sink.records.size(), 1u);
}

}  // namespace
}  // namespace txform::plugin
