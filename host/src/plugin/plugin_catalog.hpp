// Everything in a plugin directory: the plugins that loaded and the files that did not.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plugin/logger.hpp"
#include "plugin/plugin_library.hpp"

namespace txform::plugin {

// A plugin file that could not be used, and why.
struct LoadFailure {
  std::filesystem::path file;
  std::string reason;
};

struct ScanOptions {
  bool allow_insecure = false;  // insecure permissions become warnings (development only)
  std::optional<uid_t> owner;   // who may own plugin files besides root; default: geteuid()
  PluginLogger logger;          // receives warnings; may be empty
};

struct PluginCatalog {
  std::filesystem::path dir;
  std::vector<std::shared_ptr<const PluginLibrary>> plugins;  // by file name
  std::vector<LoadFailure> failures;                          // by file name

  // Names declared by more than one file, with those files.
  std::map<std::string, std::vector<std::filesystem::path>> duplicates() const;
};

// Checks `dir` and loads every *.so in it. Throws PluginError when the directory itself is
// missing, unreadable or insecure; a file that fails is recorded in `failures` instead.
PluginCatalog scan_plugin_dir(const std::filesystem::path& dir, const ScanOptions& options);

// "two plugins are named 'x': a.so, b.so; ..." for one entry of duplicates().
std::string duplicate_reason(const std::string& name,
                             const std::vector<std::filesystem::path>& files);

}  // namespace txform::plugin
