#include "config/property_list.hpp"

#include <fmt/format.h>

#include <array>

#include "config/diagnostic.hpp"
#include "config/secrets.hpp"

namespace txform::config {

const Property* find_property(const PropertyList& properties, std::string_view name) {
  for (const Property& property : properties) {
    if (property.name == name) return &property;
  }
  return nullptr;
}

void mark_secret_paths(PropertyList& properties, const std::set<std::string>& secret_paths) {
  for (Property& property : properties) {
    if (secret_paths.count(property.source) != 0) property.secret = true;
  }
}

void apply_properties(rd_kafka_conf_t* conf, const PropertyList& properties) {
  std::vector<Diagnostic> errors;
  std::array<char, 512> errstr{};
  for (const Property& property : properties) {
    if (rd_kafka_conf_set(conf, property.name.c_str(), property.value.c_str(), errstr.data(),
                          errstr.size()) == RD_KAFKA_CONF_OK) {
      continue;
    }
    // librdkafka's message may quote the value ("Invalid value \"...\""); a secret must not leak.
    std::string reason = errstr.data();
    if (property.secret) reason = scrub(std::move(reason), property.value);
    errors.push_back({"", property.source, 0, 0,
                      fmt::format("librdkafka rejected property {}: {}; see librdkafka's "
                                  "CONFIGURATION.md for its names and values",
                                  property.name, reason)});
  }
  if (!errors.empty()) throw ConfigError(std::move(errors));
}

std::string format_properties(const PropertyList& properties) {
  std::string text;
  for (const Property& property : properties) {
    text += fmt::format("{} = {}  # {}\n", property.name,
                        property.secret ? std::string(kRedacted) : property.value, property.source);
  }
  return text;
}

}  // namespace txform::config
