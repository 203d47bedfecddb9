// Loading the config file: read, substitute, type, default, validate; every error at once.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/substitute.hpp"
#include "txform/config.pb.h"

namespace txform::config {

// A config ready for the engine, plus what the operator should see about it.
struct LoadedConfig {
  v1::Config config;                   // every default applied, every ${...} substituted
  std::string file;                    // where it came from, for later messages
  std::vector<Diagnostic> warnings;    // log each once at startup; never contain secrets
  std::set<std::string> secret_paths;  // key paths read from ${file:...}; redacted like secrets
};

// Loads and validates a YAML config file; throws ConfigError listing every problem found.
LoadedConfig load_file(const std::string& path, const EnvLookup& env = process_env);

// Same for YAML text; `label` stands for the file name in diagnostics.
LoadedConfig load_string(std::string_view yaml, const std::string& label,
                         const EnvLookup& env = process_env);

}  // namespace txform::config
