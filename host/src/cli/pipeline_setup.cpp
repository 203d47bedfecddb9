#include "cli/pipeline_setup.hpp"

#include <spdlog/logger.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "config/diagnostic.hpp"
#include "engine/exit_codes.hpp"
#include "engine/logging.hpp"
#include "plugin/plugin_error.hpp"

namespace txform::cli {
namespace {

spdlog::level::level_enum to_spdlog(plugin::LogLevel level) {
  switch (level) {
    case plugin::LogLevel::trace:
      return spdlog::level::trace;
    case plugin::LogLevel::debug:
      return spdlog::level::debug;
    case plugin::LogLevel::info:
      return spdlog::level::info;
    case plugin::LogLevel::warn:
      return spdlog::level::warn;
    case plugin::LogLevel::error:
      break;
  }
  return spdlog::level::err;
}

}  // namespace

config::LoadedConfig load_config_or_exit(const std::string& path) {
  try {
    return config::load_file(path);
  } catch (const config::ConfigError& error) {
    std::cerr << "txform: the configuration cannot be used:\n" << error.what() << "\n";
    throw CLI::RuntimeError(kExitConfigError);
  }
}

std::shared_ptr<spdlog::logger> setup_logging(const config::v1::Config& config) {
  std::string level = config::v1::LogLevel_Name(config.log().level());
  for (char& c : level)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (level == "warn") level = "warning";
  engine::configure_logging(level, config.log().format() == config::v1::JSON
                                       ? engine::LogFormat::kJson
                                       : engine::LogFormat::kText);
  return engine::make_logger("txform");
}

app::PluginSource plugin_source(const config::v1::Config& config,
                                const std::shared_ptr<spdlog::logger>& log) {
  app::PluginSource source;
  source.dir = config.plugin_dir();
  source.allow_insecure = config.allow_insecure_plugin_dir();
  for (const auto& link : config.plugins()) {
    plugin::PluginSpec spec{link.name(), {link.config().begin(), link.config().end()}};
    spec.config.insert(link.secret_config().begin(), link.secret_config().end());
    source.specs.push_back(std::move(spec));
  }
  source.logger = [log](plugin::LogLevel level, std::string_view from, std::string_view message) {
    log->log(to_spdlog(level), "[{}] {}", from, message);
  };
  return source;
}

Plugins load_plugins_or_exit(const config::v1::Config& config, unsigned instances,
                             const std::shared_ptr<spdlog::logger>& log) {
  const app::PluginSource source = plugin_source(config, log);
  try {
    Plugins plugins{
        plugin::load_plugin_chain(source.dir, source.specs, source.allow_insecure, source.logger),
        {}};
    for (unsigned i = 0; i < instances; ++i)
      plugins.chains.push_back(plugins.loaded.make_chain());
    return plugins;
  } catch (const plugin::PluginError& error) {
    std::cerr << "txform: plugin: " << error.what() << "\n";
    throw CLI::RuntimeError(kExitConfigError);
  }
}

}  // namespace txform::cli
