// txform: the command line. It only parses arguments and hands off to the subcommands.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/describe_command.hpp"
#include "cli/plugin_command.hpp"
#include "cli/plugins_command.hpp"
#include "cli/run_command.hpp"
#include "versions.hpp"

int main(int argc, char** argv) {
  CLI::App app{"txform: exactly-once Kafka transform server"};
  app.set_version_flag("--version", txform::version_line());
  app.require_subcommand(0, 1);
  txform::cli::add_run_command(app);
  txform::cli::add_check_command(app);
  txform::cli::add_plugins_command(app);
  txform::cli::add_plugin_command(app);
  txform::cli::add_describe_command(app);
  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}
