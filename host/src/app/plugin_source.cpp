#include "app/plugin_source.hpp"

namespace txform::app {
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

PluginSource plugin_source(const config::v1::Config& config,
                           const std::shared_ptr<spdlog::logger>& log) {
  PluginSource source;
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

LoadedPlugins load_plugins(const PluginSource& source, unsigned instances) {
  LoadedPlugins plugins{
      plugin::load_plugin_chain(source.dir, source.specs, source.allow_insecure, source.logger),
      {}};
  for (unsigned i = 0; i < instances; ++i)
    plugins.chains.push_back(plugins.loaded.make_chain());
  return plugins;
}

}  // namespace txform::app
