#include "plugin/plugin_catalog.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "plugin/file_security.hpp"
#include "plugin/plugin_error.hpp"

namespace txform::plugin {
namespace {

// Refuses an insecure path, or only warns when the operator allowed it.
void check_secure(const std::filesystem::path& path, const ScanOptions& options, uid_t owner) {
  const std::optional<std::string> reason = insecure_reason(path, owner);
  if (!reason) return;
  if (!options.allow_insecure) throw PluginError(path, "refusing to load plugins: " + *reason);
  if (options.logger) {
    options.logger(LogLevel::warn, kLoaderSource,
                   fmt::format("{}: insecure, loading anyway (--allow-insecure-plugin-dir): {}",
                               path.string(), *reason));
  }
}

// The *.so files directly in `dir`, sorted; throws PluginError when it cannot be listed.
std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) throw PluginError(dir, "cannot read the plugin directory: " + ec.message());
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::directory_entry& entry : it) {
    const std::filesystem::path& path = entry.path();
    const std::string name = path.filename().string();
    if (name.starts_with(".") || path.extension() != ".so") continue;
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;  // follows symlinks; skips dirs, sockets
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::map<std::string, std::vector<std::filesystem::path>> PluginCatalog::duplicates() const {
  std::map<std::string, std::vector<std::filesystem::path>> by_name;
  for (const auto& plugin : plugins)
    by_name[plugin->info().name].push_back(plugin->info().file);
  std::erase_if(by_name, [](const auto& entry) { return entry.second.size() < 2; });
  return by_name;
}

PluginCatalog scan_plugin_dir(const std::filesystem::path& dir, const ScanOptions& options) {
  const uid_t owner = options.owner.value_or(::geteuid());
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(dir, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw PluginError(dir, "plugin directory does not exist");
  }
  if (ec) throw PluginError(dir, "cannot access the plugin directory: " + ec.message());
  if (status.type() != std::filesystem::file_type::directory) {
    throw PluginError(dir, "plugin directory is not a directory");
  }
  check_secure(dir, options, owner);

  PluginCatalog catalog;
  catalog.dir = dir;
  for (const std::filesystem::path& file : plugin_files(dir)) {
    try {
      check_secure(file, options, owner);
      catalog.plugins.push_back(PluginLibrary::open(file));
    } catch (const PluginError& e) {
      catalog.failures.push_back(LoadFailure{file, e.reason()});
    }
  }
  return catalog;
}

std::string duplicate_reason(const std::string& name,
                             const std::vector<std::filesystem::path>& files) {
  std::string list;
  for (const auto& file : files)
    list += (list.empty() ? "" : ", ") + file.string();
  return fmt::format("{} plugins are named '{}': {}; keep only one", files.size(), name, list);
}

}  // namespace txform::plugin
