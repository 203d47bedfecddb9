// One loaded plugin shared object: its validated descriptor and the handle that keeps it mapped.
#pragma once

#include <filesystem>
#include <memory>

#include "plugin/abi.hpp"
#include "plugin/plugin_info.hpp"

namespace txform::plugin {

// A plugin's entry points, the optional ones null when the descriptor does not provide them.
struct PluginFunctions {
  txform_plugin_create_fn create = nullptr;
  txform_plugin_process_fn process = nullptr;
  txform_plugin_destroy_fn destroy = nullptr;
  txform_plugin_flush_fn flush = nullptr;
  txform_plugin_on_commit_fn on_commit = nullptr;
  txform_plugin_on_abort_fn on_abort = nullptr;
};

class PluginLibrary {
 public:
  // Loads `file` with local symbol binding, resolves the entry symbol and validates the
  // descriptor; throws PluginError naming the file and the reason.
  static std::shared_ptr<const PluginLibrary> open(const std::filesystem::path& file);

  const PluginInfo& info() const noexcept { return info_; }
  const PluginFunctions& functions() const noexcept { return functions_; }

 private:
  PluginLibrary() = default;

  std::shared_ptr<void> handle_;  // the loaded library (and its descriptor); unloads when released
  PluginInfo info_;
  PluginFunctions functions_;
};

}  // namespace txform::plugin
