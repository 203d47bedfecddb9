#include "cli/config_file.hpp"

#include <iostream>

#include "config/diagnostic.hpp"

namespace txform::cli {

std::optional<config::LoadedConfig> load_config_file(const std::string& path) {
  try {
    return config::load_file(path);
  } catch (const config::ConfigError& error) {
    std::cerr << "txform: the configuration cannot be used:\n" << error.what() << "\n";
    return std::nullopt;
  }
}

}  // namespace txform::cli
