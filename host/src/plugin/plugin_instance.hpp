// One live plugin instance: created from its config, destroyed with the owning chain.
#pragma once

#include <memory>
#include <span>

#include "plugin/host_context.hpp"
#include "plugin/plugin_library.hpp"

namespace txform::plugin {

class PluginInstance {
 public:
  // Calls the plugin's create(); throws PluginError with the plugin's own message on failure.
  PluginInstance(std::shared_ptr<const PluginLibrary> library,
                 std::span<const txform_config_entry> config,
                 std::shared_ptr<const PluginLogger> logger);
  ~PluginInstance();
  PluginInstance(PluginInstance&& other) noexcept;
  PluginInstance& operator=(PluginInstance&&) = delete;
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  const PluginInfo& info() const noexcept { return library_->info(); }
  const PluginFunctions& functions() const noexcept { return library_->functions(); }
  txform_plugin_instance* handle() const noexcept { return instance_; }
  txform_host& host() noexcept { return *host_; }

 private:
  std::shared_ptr<const PluginLibrary> library_;  // declared first: unloads last
  std::unique_ptr<txform_host> host_;             // heap: the plugin keeps its address
  txform_plugin_instance* instance_ = nullptr;
};

}  // namespace txform::plugin
