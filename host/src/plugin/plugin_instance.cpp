#include "plugin/plugin_instance.hpp"

#include <fmt/format.h>

#include <exception>
#include <utility>

#include "plugin/plugin_error.hpp"

namespace txform::plugin {

PluginInstance::PluginInstance(std::shared_ptr<const PluginLibrary> library,
                               std::span<const txform_config_entry> config,
                               std::shared_ptr<const PluginLogger> logger)
    : library_(std::move(library)), host_(std::make_unique<txform_host>()) {
  host_->logger = std::move(logger);
  host_->label = library_->info().label;
  const std::filesystem::path& file = library_->info().file;
  try {
    instance_ = functions().create(host_api(), host_.get(), config.data(), config.size());
  } catch (const std::exception& e) {
    // Only a plugin written without the SDK can get here; the SDK catches its own exceptions.
    throw PluginError(file, fmt::format("plugin '{}' create() threw an exception across the C "
                                        "ABI: {}",
                                        host_->label, e.what()));
  } catch (...) {
    throw PluginError(file, fmt::format("plugin '{}' create() threw an exception across the C ABI",
                                        host_->label));
  }
  if (instance_ == nullptr) {
    throw PluginError(file,
                      fmt::format("plugin '{}' create() failed: {}", host_->label,
                                  host_->error.empty() ? "(it gave no reason)" : host_->error));
  }
}

PluginInstance::PluginInstance(PluginInstance&& other) noexcept
    : library_(std::move(other.library_)),
      host_(std::move(other.host_)),
      instance_(std::exchange(other.instance_, nullptr)) {}

PluginInstance::~PluginInstance() {
  if (instance_ == nullptr) return;
  try {
    functions().destroy(instance_);
  } catch (...) {
    // destroy() never fails by contract; a plugin that throws anyway must not crash the host.
  }
}

}  // namespace txform::plugin
