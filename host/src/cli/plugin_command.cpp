#include "cli/plugin_command.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "authoring/local_runner.hpp"
#include "authoring/scaffold.hpp"
#include "plugin/plugin_error.hpp"

namespace txform::cli {
namespace {

// Exit codes of `plugin test`, beyond 0 (as txform run would continue) and 1 (bad input).
constexpr int kExpectationFailed = 2;
constexpr int kWouldStop = 4;  // txform run's exit code for the same record

struct TestOptions {
  authoring::LocalRunOptions run;
  std::string expect;  // a JSON-lines file the output must match, line for line
};

// Compares the output's JSON lines with the expected file's; prints the first difference.
bool matches_expected(const std::string& output, const std::string& expected_file) {
  std::ifstream expected(expected_file);
  if (!expected) throw authoring::LocalRunError(expected_file + ": cannot open");
  std::istringstream got(output);
  std::string want_line;
  std::string got_line;
  int line = 0;
  while (true) {
    bool have_want = false;
    while (!have_want && std::getline(expected, want_line)) {
      ++line;
      have_want = want_line.find_first_not_of(" \t\r") != std::string::npos;
    }
    const bool have_got = static_cast<bool>(std::getline(got, got_line));
    if (!have_want && !have_got) return true;
    if (!have_want || !have_got) {
      std::cerr << "txform plugin test: "
                << (have_got ? "more output than " + expected_file + " expects: " + got_line
                             : expected_file + ":" + std::to_string(line) +
                                   ": expected, but the output ended: " + want_line)
                << '\n';
      return false;
    }
    nlohmann::json want;
    try {
      want = nlohmann::json::parse(want_line);
    } catch (const nlohmann::json::parse_error& e) {
      throw authoring::LocalRunError(
          fmt::format("{}:{}: not JSON: {}", expected_file, line, e.what()));
    }
    // Compared as JSON values: key order and spacing in the expected file do not matter.
    if (want != nlohmann::json::parse(got_line)) {
      std::cerr << "txform plugin test: the output differs from " << expected_file << ":" << line
                << "\n  expected: " << want.dump() << "\n  got:      " << got_line << '\n';
      return false;
    }
  }
}

int run_test(const TestOptions& options) {
  try {
    std::ostringstream output;
    const auto summary = authoring::run_local(options.run, output, std::cerr);
    std::cout << output.str() << std::flush;
    std::cerr << fmt::format("txform plugin test: {} records: {} OK, {} not OK\n", summary.records,
                             summary.ok, summary.not_ok);
    if (!options.expect.empty() && !matches_expected(output.str(), options.expect)) {
      return kExpectationFailed;
    }
    if (summary.would_stop) {
      std::cerr << "txform plugin test: txform run would stop at " << summary.first_stop << '\n';
      return kWouldStop;
    }
    return 0;
  } catch (const authoring::LocalRunError& e) {
    std::cerr << "txform plugin test: error: " << e.what() << '\n';
  } catch (const plugin::PluginError& e) {
    std::cerr << "txform plugin test: error: " << e.what() << '\n';
  }
  return 1;
}

// Writes the project and prints what was written and the commands to build, test and list it.
int run_new(const authoring::ScaffoldOptions& options) {
  try {
    const authoring::Scaffold scaffold = authoring::scaffold_plugin(options);
    std::cout << "created " << options.name << " (" << options.language << ") in "
              << scaffold.dir.string() << ":\n";
    for (const auto& file : scaffold.files)
      std::cout << "  " << file.string() << '\n';
    for (const std::string& note : scaffold.notes)
      std::cerr << "txform plugin new: note: " << note << '\n';
    std::cout << "\nbuild it, run its sample test (txform plugin test) and list it:\n";
    for (const std::string& command : scaffold.commands)
      std::cout << "  $ " << command << '\n';
    std::cout << "\nthen name it in a pipeline config (" << (scaffold.dir / "README.md").string()
              << " has an example):\n"
              << "  plugins:\n    - name: " << options.name << '\n';
    return 0;
  } catch (const authoring::ScaffoldError& e) {
    std::cerr << "txform plugin new: error: " << e.what() << '\n';
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "txform plugin new: error: " << e.what() << '\n';
  }
  return 1;
}

void add_new_command(CLI::App& plugin) {
  auto options = std::make_shared<authoring::ScaffoldOptions>();
  CLI::App* cmd = plugin.add_subcommand(
      "new", "Write a plugin project (C, C++ or Rust) that builds against the installed SDK");
  cmd->add_option("name", options->name, "The plugin's name, e.g. orders-enrich")->required();
  cmd->add_option("--lang", options->language, "c, cpp or rust")->required();
  cmd->add_option("--dir", options->dir, "Where to write it (default ./NAME); must be empty");
  cmd->add_option("--sdk-prefix", options->sdk_prefix,
                  "Prefix the plugin SDK is installed under (default: txform's own, e.g. /usr)");
  cmd->callback([options] {
    if (const int code = run_new(*options); code != 0) throw CLI::RuntimeError(code);
  });
}

void add_test_command(CLI::App& plugin) {
  auto options = std::make_shared<TestOptions>();
  CLI::App* cmd = plugin.add_subcommand(
      "test", "Run a plugin chain on JSON-lines records, without a broker, and print each output");
  cmd->add_option("--plugin-dir", options->run.plugin_dir, "Directory of the plugins (*.so)")
      ->required();
  cmd->add_option("--plugins", options->run.plugins, "The chain, in order (comma-separated)")
      ->required()
      ->delimiter(',');
  cmd->add_option("--input", options->run.input,
                  "JSON lines, one record each: {\"key\", \"value\", \"headers\", \"topic\", "
                  "\"partition\", \"offset\", \"timestamp_ms\"} (all optional)")
      ->required();
  cmd->add_option("--config", options->run.config,
                  "KEY=VALUE plugin config (PLUGIN.KEY=VALUE in a chain); repeatable");
  cmd->add_option("--on-record-error", options->run.on_record_error,
                  "The error policy to explain: fail (default), skip or dead_letter");
  cmd->add_option("--expect", options->expect,
                  "JSON lines the output must equal (exit 2 and the first difference if not)");
  cmd->add_flag("--allow-insecure-plugin-dir", options->run.allow_insecure,
                "Load plugins from a directory or files others can write (development only)");
  cmd->footer(
      "Exit codes: 0 as txform run would go on, 1 bad input or a plugin that does not load, 2 "
      "output other than --expect, 4 txform run would stop (FATAL, or RECORD_ERROR with "
      "on_record_error: fail).");
  cmd->callback([options] {
    if (const int code = run_test(*options); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace

void add_plugin_command(CLI::App& app) {
  CLI::App* plugin = app.add_subcommand("plugin", "Write plugins: scaffold a project, test it");
  plugin->require_subcommand(1);
  add_new_command(*plugin);
  add_test_command(*plugin);
}

}  // namespace txform::cli
