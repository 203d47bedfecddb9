// Shared helpers for the config tests: a fake environment, a minimal config, error capture.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "config/diagnostic.hpp"
#include "config/load.hpp"
#include "config/substitute.hpp"

namespace txform::config::testing {

// An environment holding exactly `vars`, so tests never depend on the real one.
inline EnvLookup fake_env(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

// The smallest valid config: the five required keys.
inline const std::string kMinimal = R"(bootstrap_servers: localhost:9092
group_id: orders
input_topics: [in]
output_topic: out
plugins:
  - name: identity
)";

// Loads `yaml` labelled "test.yaml" with a fake environment (HOSTNAME=pod-0 unless given).
inline LoadedConfig load(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
  vars.emplace("HOSTNAME", "pod-0");
  return load_string(yaml, "test.yaml", fake_env(std::move(vars)));
}

// The ConfigError loading `yaml` throws; fails the test when it loads.
inline ConfigError load_error(const std::string& yaml,
                              std::map<std::string, std::string> vars = {}) {
  try {
    load(yaml, std::move(vars));
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return ConfigError({});
}

// The diagnostic with this key path, or nullopt.
inline std::optional<Diagnostic> find_diagnostic(const ConfigError& error,
                                                 const std::string& key_path) {
  for (const Diagnostic& diagnostic : error.diagnostics()) {
    if (diagnostic.key_path == key_path) return diagnostic;
  }
  return std::nullopt;
}

}  // namespace txform::config::testing
