#include "plugin/plugin_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "plugin/plugin_catalog.hpp"
#include "plugin/plugin_error.hpp"

namespace txform::plugin {
namespace {

// The plugin name a file is expected to hold: "bank-enrich.so" or "libbank-enrich.so".
std::string name_from_file(const std::filesystem::path& file) {
  std::string stem = file.stem().string();
  if (stem.starts_with("lib") && stem.size() > 3) stem.erase(0, 3);
  return stem;
}

// "a@1.0 (a.so), b@2.1 (b.so)", or "none" for an empty directory.
std::string available(const PluginCatalog& catalog) {
  std::string list;
  for (const auto& plugin : catalog.plugins) {
    list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", plugin->info().label,
                        plugin->info().file.filename().string());
  }
  return list.empty() ? "none" : list;
}

// Logs a warning through the optional logger.
void warn(const PluginLogger& logger, const std::string& message) {
  if (logger) logger(LogLevel::warn, kLoaderSource, message);
}

}  // namespace

LoadedChain load_plugin_chain(const std::filesystem::path& dir,
                              const std::vector<PluginSpec>& chain, bool allow_insecure,
                              PluginLogger logger) {
  if (chain.empty()) throw PluginError(dir, "the pipeline names no plugin");
  const PluginCatalog catalog = scan_plugin_dir(dir, ScanOptions{allow_insecure, {}, logger});

  std::set<std::string> used;
  for (const PluginSpec& spec : chain)
    used.insert(spec.name);

  // A named plugin whose file fails stops startup; an unused one is only a warning.
  for (const LoadFailure& failure : catalog.failures) {
    if (used.contains(name_from_file(failure.file)))
      throw PluginError(failure.file, failure.reason);
    warn(logger, fmt::format("{}: not loaded (not used by this pipeline): {}",
                             failure.file.string(), failure.reason));
  }
  for (const auto& [name, files] : catalog.duplicates()) {
    if (used.contains(name)) throw PluginError(dir, duplicate_reason(name, files));
    warn(logger, fmt::format("{}: {} (not used by this pipeline)", dir.string(),
                             duplicate_reason(name, files)));
  }

  LoadedChain loaded;
  loaded.logger_ = std::make_shared<const PluginLogger>(std::move(logger));
  for (const PluginSpec& spec : chain) {
    auto it = std::find_if(catalog.plugins.begin(), catalog.plugins.end(),
                           [&](const auto& plugin) { return plugin->info().name == spec.name; });
    if (it == catalog.plugins.end()) {
      throw PluginError(
          dir, fmt::format("no plugin named '{}' (available: {})", spec.name, available(catalog)));
    }
    loaded.links_.push_back(LoadedChain::Link{*it, {spec.config.begin(), spec.config.end()}});
  }
  return loaded;
}

std::unique_ptr<PluginChain> LoadedChain::make_chain() const {
  std::vector<PluginInstance> instances;
  instances.reserve(links_.size());
  std::vector<txform_config_entry> entries;
  for (const Link& link : links_) {
    entries.clear();
    // Views onto this object's strings, which are NUL-terminated as plugin.h promises.
    for (const auto& [key, value] : link.config) {
      entries.push_back(
          txform_config_entry{{key.c_str(), key.size()}, {value.c_str(), value.size()}});
    }
    instances.emplace_back(link.library, entries, logger_);
  }
  return std::make_unique<PluginChain>(std::move(instances));
}

std::vector<std::string> LoadedChain::labels() const {
  std::vector<std::string> labels;
  for (const Link& link : links_)
    labels.push_back(link.library->info().label);
  return labels;
}

std::vector<PluginInfo> LoadedChain::plugins() const {
  std::vector<PluginInfo> infos;
  for (const Link& link : links_)
    infos.push_back(link.library->info());
  return infos;
}

}  // namespace txform::plugin
