// PluginReloader with real plugin files: a valid new generation is offered to every worker and
// taken at switch_generation(); a broken one leaves the running generation and is counted.
#include "app/plugin_reloader.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "engine/logging.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin_testing {
namespace {

class PluginReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override { install(TXFORM_TEST_TESTKIT); }

  void install(const std::filesystem::path& plugin) const {
    const auto staged = dir_.path() / ".testkit.so.new";
    std::filesystem::copy_file(plugin, staged, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(staged, dir_.path() / "testkit.so");
  }
  void install_garbage() {
    dir_.write(".testkit.so.new", "not a shared object");
    std::filesystem::rename(dir_.path() / ".testkit.so.new", dir_.path() / "testkit.so");
  }

  // A reloader for two workers, and their processors; `reread` as txform run's config reader.
  void start(app::PluginReloader::SourceReader reread = {}) {
    app::PluginSource source{dir_.path(), {{"testkit", {}}}, false, logger_.logger()};
    auto first = plugin::load_plugin_chain(source.dir, source.specs, false, source.logger);
    reloader_ = std::make_unique<app::PluginReloader>(
        source, first, 2, engine::make_logger("reload-test"), &metrics_, std::move(reread));
    for (int worker = 0; worker < 2; ++worker)
      workers_.push_back(reloader_->processor(worker, first.make_chain()));
  }

  std::string scrape() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  TempDir dir_;
  LogCapture logger_;
  prometheus::Registry registry_;
  metrics::ReloadMetrics metrics_{registry_, {{"testkit", "1.0.0", "1.0"}}};
  std::unique_ptr<app::PluginReloader> reloader_;
  std::vector<std::unique_ptr<engine::RecordProcessor>> workers_;
};

TEST_F(PluginReloaderTest, ValidGenerationIsTakenByEachWorkerAtItsSwitch) {
  start();
  EXPECT_EQ(workers_[0]->describe(), "testkit@1.0.0");
  install(TXFORM_TEST_TESTKIT_NEXT);

  EXPECT_TRUE(reloader_->reload());
  for (auto& worker : workers_) {
    EXPECT_TRUE(worker->generation_pending());
    EXPECT_EQ(worker->describe(), "testkit@1.0.0") << "switched before its transaction ended";
  }
  workers_[0]->switch_generation();
  EXPECT_FALSE(workers_[0]->generation_pending());
  EXPECT_EQ(workers_[0]->describe(), "testkit@2.0.0");
  EXPECT_NE(scrape().find("txform_plugin_reload_duration_seconds_count 0"), std::string::npos)
      << "one worker still runs the old generation";
  workers_[1]->switch_generation();
  EXPECT_EQ(workers_[1]->describe(), "testkit@2.0.0");

  const std::string text = scrape();
  EXPECT_NE(text.find("txform_plugin_reloads_total 1"), std::string::npos) << text;
  EXPECT_NE(text.find("txform_plugin_reload_failures_total 0"), std::string::npos) << text;
  EXPECT_NE(text.find("txform_plugin_reload_duration_seconds_count 1"), std::string::npos) << text;
  EXPECT_NE(text.find("version=\"2.0.0\""), std::string::npos) << text;
  EXPECT_EQ(text.find("version=\"1.0.0\""), std::string::npos) << text;
}

TEST_F(PluginReloaderTest, BrokenGenerationKeepsTheRunningOneAndIsCounted) {
  start();
  install_garbage();

  EXPECT_FALSE(reloader_->reload());
  for (auto& worker : workers_) {
    EXPECT_FALSE(worker->generation_pending());
    EXPECT_EQ(worker->describe(), "testkit@1.0.0");
  }
  const std::string text = scrape();
  EXPECT_NE(text.find("txform_plugin_reload_failures_total 1"), std::string::npos) << text;
  EXPECT_NE(text.find("txform_plugin_reloads_total 0"), std::string::npos) << text;
  EXPECT_NE(text.find("version=\"1.0.0\""), std::string::npos) << text;

  // Fixed: the next reload goes through.
  install(TXFORM_TEST_TESTKIT_NEXT);
  EXPECT_TRUE(reloader_->reload());
  EXPECT_TRUE(workers_[0]->generation_pending());
}

TEST_F(PluginReloaderTest, ALaterReloadReplacesAnOfferNotYetTaken) {
  start();
  install(TXFORM_TEST_TESTKIT_NEXT);
  ASSERT_TRUE(reloader_->reload());
  install(TXFORM_TEST_TESTKIT);
  ASSERT_TRUE(reloader_->reload());
  workers_[0]->switch_generation();
  EXPECT_EQ(workers_[0]->describe(), "testkit@1.0.0");
  EXPECT_FALSE(workers_[0]->generation_pending());
}

TEST_F(PluginReloaderTest, ReloadTakesThePluginSettingsItReadsAgain) {
  dir_.copy_in(example_plugin_dir() / "passthrough.so");
  std::vector<plugin::PluginSpec> next{{"passthrough", {}}};
  start([&] { return app::PluginSource{dir_.path(), next, false, logger_.logger()}; });
  ASSERT_TRUE(reloader_->reload());
  for (auto& worker : workers_) {
    EXPECT_EQ(worker->describe(), "testkit@1.0.0") << "switched before its transaction ended";
    worker->switch_generation();
    EXPECT_EQ(worker->describe(), "passthrough@1.0.0");
  }
  // The settings read last are the running ones now: a chain of both, in the order read.
  next = {{"testkit", {}}, {"passthrough", {}}};
  ASSERT_TRUE(reloader_->reload());
  workers_[0]->switch_generation();
  EXPECT_EQ(workers_[0]->describe(), "testkit@1.0.0,passthrough@1.0.0");
}

TEST_F(PluginReloaderTest, SettingsThatCannotBeUsedAreRefusedAsAWhole) {
  int reads = 0;
  start([&]() -> app::PluginSource {
    if (++reads == 1) throw std::runtime_error("pipeline.yaml: plugins[0].name: must not be empty");
    // Read fine, but testkit's create() refuses it: refused like a broken file.
    return app::PluginSource{
        dir_.path(), {{"testkit", {{"retry_every", "often"}}}}, false, logger_.logger()};
  });
  EXPECT_FALSE(reloader_->reload());
  EXPECT_FALSE(reloader_->reload());
  EXPECT_EQ(reads, 2);
  for (auto& worker : workers_) {
    EXPECT_FALSE(worker->generation_pending());
    EXPECT_EQ(worker->describe(), "testkit@1.0.0");
  }
  const std::string text = scrape();
  EXPECT_NE(text.find("txform_plugin_reload_failures_total 2"), std::string::npos) << text;
  EXPECT_NE(text.find("txform_plugin_reloads_total 0"), std::string::npos) << text;
}

}  // namespace
}  // namespace txform::plugin_testing
