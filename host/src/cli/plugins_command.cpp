#include "cli/plugins_command.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugin/plugin_catalog.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin/plugin_loader.hpp"

namespace txform::cli {
namespace {

struct PluginsOptions {
  std::string dir;
  bool json = false;
  bool allow_insecure = false;
  std::string create;             // a plugin to instantiate, to check its config
  std::vector<std::string> sets;  // KEY=VALUE config for --create
};

// One problem to report: the file (or directory) and the reason.
struct Problem {
  std::string file;
  std::string reason;
};

// Prints the loader's warnings and plugins' log lines to stderr, apart from the listing.
void print_log(plugin::LogLevel level, std::string_view source, std::string_view message) {
  static constexpr const char* kNames[] = {"trace", "debug", "info", "warning", "error"};
  std::cerr << "txform plugins: " << kNames[static_cast<int>(level)] << ": ";
  if (source != plugin::kLoaderSource) std::cerr << source << ": ";
  std::cerr << message << '\n';
}

// The catalog's failures and duplicate names as problems.
std::vector<Problem> problems_of(const plugin::PluginCatalog& catalog) {
  std::vector<Problem> problems;
  for (const auto& failure : catalog.failures) {
    problems.push_back(Problem{failure.file.string(), failure.reason});
  }
  for (const auto& [name, files] : catalog.duplicates()) {
    problems.push_back(Problem{catalog.dir.string(), plugin::duplicate_reason(name, files)});
  }
  return problems;
}

// The human-readable table: one row per plugin.
void print_table(const plugin::PluginCatalog& catalog) {
  std::vector<std::vector<std::string>> rows{{"NAME", "VERSION", "ABI", "FILE", "SHA256"}};
  for (const auto& plugin : catalog.plugins) {
    const plugin::PluginInfo& info = plugin->info();
    rows.push_back({info.name, info.version, fmt::format("{}.{}", info.abi_major, info.abi_minor),
                    info.file.filename().string(), info.sha256.substr(0, 12)});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], widths[i]);
    }
    std::cout << line << '\n';
  }
  if (catalog.plugins.empty()) std::cout << "(no plugins in " << catalog.dir.string() << ")\n";
}

// The machine-readable listing, problems included.
void print_json(const std::string& dir, const plugin::PluginCatalog* catalog,
                const std::vector<Problem>& problems) {
  nlohmann::ordered_json out{{"dir", dir},
                             {"plugins", nlohmann::ordered_json::array()},
                             {"errors", nlohmann::ordered_json::array()}};
  if (catalog != nullptr) {
    for (const auto& plugin : catalog->plugins) {
      const plugin::PluginInfo& info = plugin->info();
      out["plugins"].push_back({{"name", info.name},
                                {"version", info.version},
                                {"abi", fmt::format("{}.{}", info.abi_major, info.abi_minor)},
                                {"file", info.file.string()},
                                {"sha256", info.sha256}});
    }
  }
  for (const Problem& p : problems)
    out["errors"].push_back({{"file", p.file}, {"reason", p.reason}});
  std::cout << out.dump(2) << '\n';
}

// Instantiates one plugin with --set config, to check that its create() accepts it.
void check_create(const PluginsOptions& options) {
  plugin::PluginSpec spec{options.create, {}};
  for (const std::string& set : options.sets) {
    const size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw plugin::PluginError(options.dir, fmt::format("--set '{}' is not KEY=VALUE", set));
    }
    spec.config[set.substr(0, eq)] = set.substr(eq + 1);
  }
  auto loaded = plugin::load_plugin_chain(options.dir, {spec}, options.allow_insecure, &print_log);
  loaded.make_chain();
  std::cout << "created " << loaded.labels().front() << " with " << spec.config.size()
            << " config entries\n";
}

// Runs the subcommand; returns 1 after reporting any problem.
int run(const PluginsOptions& options) {
  std::vector<Problem> problems;
  std::optional<plugin::PluginCatalog> catalog;
  try {
    catalog = plugin::scan_plugin_dir(options.dir,
                                      plugin::ScanOptions{options.allow_insecure, {}, &print_log});
    problems = problems_of(*catalog);
  } catch (const plugin::PluginError& e) {
    problems.push_back(Problem{e.file().string(), e.reason()});
  }
  if (options.json) {
    print_json(options.dir, catalog ? &*catalog : nullptr, problems);
  } else if (catalog) {
    print_table(*catalog);
  }
  for (const Problem& p : problems) {
    std::cerr << "txform plugins: error: " << p.file << ": " << p.reason << '\n';
  }
  if (problems.empty() && !options.create.empty()) {
    try {
      check_create(options);
    } catch (const plugin::PluginError& e) {
      std::cerr << "txform plugins: error: " << e.what() << '\n';
      return 1;
    }
  }
  return problems.empty() ? 0 : 1;
}

}  // namespace

void add_plugins_command(CLI::App& app) {
  auto options = std::make_shared<PluginsOptions>();
  CLI::App* cmd = app.add_subcommand("plugins", "List the plugins in a directory and check them");
  cmd->add_option("--dir", options->dir, "Plugin directory to scan (*.so)")->required();
  cmd->add_flag("--json", options->json, "Print JSON instead of a table");
  cmd->add_flag("--allow-insecure-plugin-dir", options->allow_insecure,
                "Load plugins from a directory or files others can write (development only)");
  cmd->add_option("--create", options->create,
                  "Also create one instance of this plugin, to check its config");
  cmd->add_option("--set", options->sets, "KEY=VALUE config for --create (repeatable)");
  cmd->callback([options] {
    if (const int code = run(*options); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace txform::cli
