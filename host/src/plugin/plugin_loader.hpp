// Loads the plugins a pipeline names, once, so each worker can build its own chain of instances.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plugin/logger.hpp"
#include "plugin/plugin_chain.hpp"
#include "plugin/plugin_info.hpp"
#include "plugin/plugin_library.hpp"

namespace txform::plugin {

// One link of the pipeline's chain: a plugin name (its descriptor's name) and its config.
struct PluginSpec {
  std::string name;
  std::map<std::string, std::string> config;
};

// The loaded libraries of a chain. Thread-safe to share: make_chain() may run on any thread.
class LoadedChain {
 public:
  // A fresh chain of instances for one worker; throws PluginError (naming the file and the
  // plugin's own message) when a create() fails. Make every worker's chain before joining the
  // consumer group, so a bad config stops startup there.
  std::unique_ptr<PluginChain> make_chain() const;

  // name@version of each plugin, in chain order.
  std::vector<std::string> labels() const;
  // What was loaded for each link, in chain order.
  std::vector<PluginInfo> plugins() const;

 private:
  friend LoadedChain load_plugin_chain(const std::filesystem::path&, const std::vector<PluginSpec>&,
                                       bool, PluginLogger);
  struct Link {
    std::shared_ptr<const PluginLibrary> library;
    std::vector<std::pair<std::string, std::string>> config;
  };
  std::vector<Link> links_;
  std::shared_ptr<const PluginLogger> logger_;
};

// Scans `dir`, loads it and resolves `chain` by plugin name. Throws PluginError — whose what()
// names the file and the reason — when the directory is missing, unreadable or insecure (unless
// `allow_insecure`), or a named plugin is missing, ambiguous or fails to load. Files that fail
// but are not named are only reported to `logger` as warnings.
LoadedChain load_plugin_chain(const std::filesystem::path& dir,
                              const std::vector<PluginSpec>& chain, bool allow_insecure,
                              PluginLogger logger);

}  // namespace txform::plugin
