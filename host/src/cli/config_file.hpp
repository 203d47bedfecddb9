// Reading the --config file for `run`, `check` and `describe`.
#pragma once

#include <optional>
#include <string>

#include "config/load.hpp"

namespace txform::cli {

// Loads and validates the config file; on errors prints every diagnostic to stderr and returns
// nullopt (the command then exits with kExitConfigError).
std::optional<config::LoadedConfig> load_config_file(const std::string& path);

}  // namespace txform::cli
