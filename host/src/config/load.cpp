#include "config/load.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/defaults.hpp"
#include "config/identity.hpp"
#include "config/properties.hpp"
#include "config/validate.hpp"
#include "config/yaml_reader.hpp"
#include "kafka/handles.hpp"

namespace txform::config {
namespace {

// Adds the file name, and the line where the key path (or its nearest written parent) is.
void locate(std::vector<Diagnostic>& diagnostics, const std::string& file,
            const std::map<std::string, Location>& locations) {
  for (Diagnostic& diagnostic : diagnostics) {
    diagnostic.file = file;
    std::string path = diagnostic.key_path;
    while (!path.empty()) {
      if (auto found = locations.find(path); found != locations.end()) {
        diagnostic.line = found->second.line;
        diagnostic.column = found->second.column;
        break;
      }
      // "plugins[0].secret_config.x" -> "plugins[0].secret_config" -> ...; kafka map keys
      // contain dots, but their full path is always recorded, so this only runs for defaults.
      const std::size_t cut = path.find_last_of(".[");
      path = cut == std::string::npos ? "" : path.substr(0, cut);
    }
  }
}

// Orders diagnostics as they appear in the file; those without a line (missing keys) first.
void sort_by_line(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
}

// Offers worker 0's property lists to librdkafka, which knows every name and value it accepts.
std::vector<Diagnostic> check_with_librdkafka(const v1::Config& config,
                                              const std::set<std::string>& secret_paths) {
  std::vector<Diagnostic> errors;
  for (PropertyList properties : {consumer_properties(config, 0), producer_properties(config, 0)}) {
    mark_secret_paths(properties, secret_paths);
    kafka::ConfPtr conf(rd_kafka_conf_new());
    try {
      apply_properties(conf.get(), properties);
    } catch (const ConfigError& error) {
      for (const Diagnostic& diagnostic : error.diagnostics()) {
        // kafka.common entries reach both clients; report each problem once.
        const bool seen = std::any_of(errors.begin(), errors.end(), [&](const Diagnostic& d) {
          return d.key_path == diagnostic.key_path && d.message == diagnostic.message;
        });
        if (!seen) errors.push_back(diagnostic);
      }
    }
  }
  return errors;
}

}  // namespace

LoadedConfig load_string(std::string_view yaml, const std::string& label, const EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& error) {
    throw ConfigError(
        {{label, "", error.mark.line + 1, error.mark.column + 1, "not valid YAML: " + error.msg}});
  }

  LoadedConfig loaded;
  loaded.file = label;
  apply_defaults(loaded.config);
  ReadResult read = read_yaml(root, loaded.config, label, env);
  if (!read.errors.empty()) {
    sort_by_line(read.errors);
    throw ConfigError(std::move(read.errors));
  }
  loaded.secret_paths = std::move(read.file_secret_paths);

  if (loaded.config.transactional_id().empty()) {
    loaded.config.set_transactional_id(default_transactional_id(loaded.config.group_id(), env));
  }

  Findings findings = validate(loaded.config);
  // Library checks only make sense on a config that passed txform's own (locked keys, bounds).
  if (findings.errors.empty()) {
    findings.errors = check_with_librdkafka(loaded.config, loaded.secret_paths);
  }
  locate(findings.errors, label, read.locations);
  locate(findings.warnings, label, read.locations);
  sort_by_line(findings.errors);
  sort_by_line(findings.warnings);
  if (!findings.errors.empty()) throw ConfigError(std::move(findings.errors));
  loaded.warnings = std::move(findings.warnings);
  return loaded;
}

LoadedConfig load_file(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError({{path, "", 0, 0,
                        std::string("cannot read the config file: ") + std::strerror(errno) +
                            "; pass its path with --config"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_string(text.str(), path, env);
}

}  // namespace txform::config
