// A fixture running one example plugin through the real loader with an in-memory host.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "plugin/plugin_loader.hpp"
#include "plugin_testing.hpp"

namespace txform::plugin {

class ExamplePluginTest : public ::testing::Test {
 protected:
  // Loads the example plugin `name` with `config` from <build>/plugins.
  void load(const std::string& name, std::map<std::string, std::string> config = {}) {
    chain_ = load_plugin_chain(plugin_testing::example_plugin_dir(), {{name, std::move(config)}},
                               false, log_.logger())
                 .make_chain();
  }
  // Processes one record into sink_.
  ProcessResult process(const InputRecord& record) { return chain_->process(record, sink_); }

  plugin_testing::LogCapture log_;
  plugin_testing::RecordingSink sink_;
  std::unique_ptr<PluginChain> chain_;
};

}  // namespace txform::plugin
