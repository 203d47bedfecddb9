// The startup steps `run` and `check` share: config file, logging, plugin chain.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/plugin_reloader.hpp"
#include "config/load.hpp"
#include "plugin/plugin_loader.hpp"

namespace spdlog {
class logger;
}

namespace txform::cli {

// Loads the config file; on errors prints every diagnostic and throws CLI::RuntimeError(1).
config::LoadedConfig load_config_or_exit(const std::string& path);

// Applies the config's log level and format; returns the process-wide logger.
std::shared_ptr<spdlog::logger> setup_logging(const config::v1::Config& config);

// The configured plugin directory and chain, with a logger that writes to `log`.
app::PluginSource plugin_source(const config::v1::Config& config,
                                const std::shared_ptr<spdlog::logger>& log);

// Loads the configured chain and creates `instances` chains of plugin instances (one per
// worker), so a bad plugin stops startup before any consumer joins the group. On errors prints
// the file and the reason and throws CLI::RuntimeError(1).
struct Plugins {
  plugin::LoadedChain loaded;
  std::vector<std::unique_ptr<plugin::PluginChain>> chains;
};
Plugins load_plugins_or_exit(const config::v1::Config& config, unsigned instances,
                             const std::shared_ptr<spdlog::logger>& log);

}  // namespace txform::cli
