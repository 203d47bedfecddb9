// Where a pipeline's plugins come from, read from the config, and loading them for the workers.
#pragma once

#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "plugin/plugin_loader.hpp"
#include "txform/config.pb.h"

namespace txform::app {

// What load_plugin_chain() needs, kept for reloads.
struct PluginSource {
  std::filesystem::path dir;
  std::vector<plugin::PluginSpec> specs;
  bool allow_insecure = false;
  plugin::PluginLogger logger;
};

// The configured plugin directory and chain (secret_config included), with a logger that
// writes the plugins' lines to `log`.
PluginSource plugin_source(const config::v1::Config& config,
                           const std::shared_ptr<spdlog::logger>& log);

// The loaded chain, and one chain of instances per worker.
struct LoadedPlugins {
  plugin::LoadedChain loaded;
  std::vector<std::unique_ptr<plugin::PluginChain>> chains;
};

// Loads the chain and creates `instances` chains of instances, so a bad plugin stops startup
// before any consumer joins the group. Throws plugin::PluginError (file and reason).
LoadedPlugins load_plugins(const PluginSource& source, unsigned instances);

}  // namespace txform::app
