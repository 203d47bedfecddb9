// Refuses plugin files and directories that someone else could have written, as sudo and sshd do.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace txform::plugin {

// Why `path` is unsafe to load code from: writable by group or others, or owned by someone
// other than `owner` or root. nullopt when it is safe. Throws PluginError when it cannot stat.
std::optional<std::string> insecure_reason(const std::filesystem::path& path, uid_t owner);

}  // namespace txform::plugin
