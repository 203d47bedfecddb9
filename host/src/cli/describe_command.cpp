#include "cli/describe_command.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>

#include "app/admin_client.hpp"
#include "app/committed_offsets.hpp"
#include "cli/config_file.hpp"
#include "engine/exit_codes.hpp"

namespace txform::cli {
namespace {

struct DescribeOptions {
  std::string group;
  std::string bootstrap;
  std::string config_path;
};

int describe(DescribeOptions options) {
  if (options.config_path.empty() && options.bootstrap.empty()) {
    std::cerr << "txform describe: give --bootstrap or --config\n";
    return kExitConfigError;
  }
  // The pipeline's connection settings (TLS, SASL, ...) and group when a config is given.
  std::optional<config::LoadedConfig> loaded;
  if (!options.config_path.empty()) {
    loaded = load_config_file(options.config_path);
    if (!loaded) return kExitConfigError;
  }
  std::string group = options.group;
  if (group.empty() && loaded) group = loaded->config.group_id();
  try {
    auto client = app::admin_client(loaded ? &loaded->config : nullptr, options.bootstrap);
    if (group.empty()) throw std::runtime_error("give --group (or --config with a group_id)");
    const auto offsets = app::committed_offsets(client.get(), group);
    std::cout << "group " << group << "\n";
    if (offsets.empty()) {
      std::cout << "no committed offsets\n";
      return kExitOk;
    }
    size_t width = 5;
    for (const auto& offset : offsets)
      width = std::max(width, offset.topic.size());
    std::cout << fmt::format("{:<{}}  {:>9}  {:>12}  {}\n", "TOPIC", width, "PARTITION", "OFFSET",
                             "PLUGINS");
    for (const auto& offset : offsets) {
      std::cout << fmt::format("{:<{}}  {:>9}  {:>12}  {}\n", offset.topic, width, offset.partition,
                               offset.offset, offset.metadata.empty() ? "-" : offset.metadata);
    }
    return kExitOk;
  } catch (const std::exception& error) {
    std::cerr << "txform describe: group " << group << ": " << error.what() << "\n";
    return kExitConfigError;
  }
}

}  // namespace

void add_describe_command(CLI::App& app) {
  auto options = std::make_shared<DescribeOptions>();
  auto* cmd = app.add_subcommand(
      "describe", "Show a consumer group's committed offsets and the plugins that produced them");
  cmd->add_option("-g,--group", options->group, "Consumer group (default: the config's group_id)");
  cmd->add_option("-b,--bootstrap", options->bootstrap, "Brokers (host:port,...)");
  cmd->add_option("-c,--config", options->config_path,
                  "Pipeline config: its brokers, connection settings and group");
  cmd->callback([options] {
    const int code = describe(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace txform::cli
