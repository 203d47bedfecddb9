#include "cli/run_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/logging_setup.hpp"
#include "app/pipeline.hpp"
#include "app/plugin_source.hpp"
#include "app/topic_check.hpp"
#include "cli/config_file.hpp"
#include "config/diagnostic.hpp"
#include "config/dump.hpp"
#include "config/properties.hpp"
#include "engine/exit_codes.hpp"
#include "plugin/plugin_error.hpp"

namespace txform::cli {
namespace {

// What the command line reports of a plugin that cannot be used: the file and the reason.
int plugin_unusable(const plugin::PluginError& error) {
  std::cerr << "txform: plugin: " << error.what() << "\n";
  return kExitConfigError;
}

int run(const std::string& config_path) {
  const auto loaded = load_config_file(config_path);
  if (!loaded) return kExitConfigError;
  try {
    // SIGHUP re-reads the plugins: section of the file too.
    return app::run_pipeline(*loaded, app::RunOptions{.reread_plugin_settings = true});
  } catch (const plugin::PluginError& error) {
    return plugin_unusable(error);
  }
}

int check(const std::string& config_path, bool connect) {
  const auto loaded = load_config_file(config_path);
  if (!loaded) return kExitConfigError;
  const auto& config = loaded->config;
  auto log = app::setup_logging(config);
  for (const auto& warning : loaded->warnings) {
    std::cout << "warning: " << config::to_string(warning) << "\n";
  }
  std::cout << "# effective configuration (" << config_path << ")\n"
            << config::redacted_dump(*loaded) << "\n";
  for (unsigned i = 0; i < config.workers(); ++i) {
    std::cout << "# worker " << i << " consumer\n"
              << config::format_properties(config::consumer_properties(config, i)) << "\n"
              << "# worker " << i << " producer\n"
              << config::format_properties(config::producer_properties(config, i)) << "\n";
  }
  try {
    const auto plugins = app::load_plugins(app::plugin_source(config, log), 1);
    for (const auto& info : plugins.loaded.plugins()) {
      std::cout << "plugin " << info.label << " (ABI " << info.abi_major << "." << info.abi_minor
                << ") " << info.file.string() << " sha256 " << info.sha256 << "\n";
    }
  } catch (const plugin::PluginError& error) {
    return plugin_unusable(error);
  }
  if (connect) {
    const auto problems = app::check_topics(config);
    for (const auto& problem : problems)
      std::cerr << "txform check: " << problem << "\n";
    if (!problems.empty()) return kExitConfigError;
    std::cout << "brokers answered; every topic exists\n";
  }
  std::cout << "configuration OK\n";
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("run", "Run the pipeline described by a config file");
  cmd->add_option("-c,--config", *config_path, "Pipeline config (YAML)")->required();
  cmd->callback([config_path] {
    const int code = run(*config_path);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

void add_check_command(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  auto connect = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("check", "Validate a config file and its plugins");
  cmd->add_option("-c,--config", *config_path, "Pipeline config (YAML)")->required();
  cmd->add_flag("--connect", *connect, "Also ask the brokers for the topics the pipeline uses");
  cmd->callback([config_path, connect] {
    const int code = check(*config_path, *connect);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace txform::cli
