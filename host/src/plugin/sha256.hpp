// SHA-256 of a file, so operators can tell exactly which plugin build is loaded.
#pragma once

#include <filesystem>
#include <string>

namespace txform::plugin {

// Lower-case hex SHA-256 of the file's contents; throws PluginError when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace txform::plugin
