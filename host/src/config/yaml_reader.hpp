// YAML -> protobuf message by reflection: substitution, type checks, unknown and required keys.
#pragma once

#include <google/protobuf/message.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/substitute.hpp"

namespace txform::config {

// A place in the config file, 1-based.
struct Location {
  int line = 0;
  int column = 0;
};

// What reading a document found besides the values.
struct ReadResult {
  // Every problem, in document order; the message is unusable when this is not empty.
  std::vector<Diagnostic> errors;
  // Key path -> where it is written ("commit.interval_ms", "input_topics[1]", "kafka.common.x").
  std::map<std::string, Location> locations;
  // Key paths whose value came from `${file:...}`: secrets whatever their name.
  std::set<std::string> file_secret_paths;
};

// Reads `root` into `message` (which should already hold its defaults), then reports required
// fields that are still missing. `file` labels the diagnostics.
ReadResult read_yaml(const YAML::Node& root, google::protobuf::Message& message,
                     const std::string& file, const EnvLookup& env = process_env);

}  // namespace txform::config
