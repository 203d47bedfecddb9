// The one list of librdkafka properties: each value with the config key path it came from, so
// every error names where to fix it, and a secret flag, so no message shows the value.
#pragma once

#include <librdkafka/rdkafka.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace txform::config {

// One librdkafka property and where its value came from.
struct Property {
  std::string name;         // librdkafka property name
  std::string value;        // never print directly when `secret`; use format_properties()
  std::string source = {};  // config key path ("kafka.common.linger.ms"), "txform default" or
                            // "txform (locked)"; empty in a list made by hand
  bool secret = false;
};

// Properties in the order they are applied; each name appears once.
using PropertyList = std::vector<Property>;

// The property called `name`, or nullptr.
const Property* find_property(const PropertyList& properties, std::string_view name);

// Marks as secret every property whose source is one of `secret_paths` (values read from
// ${file:...}, whose names need not look secret).
void mark_secret_paths(PropertyList& properties, const std::set<std::string>& secret_paths);

// Sets every property on `conf`; throws ConfigError naming the source key path of each one
// librdkafka rejects, with librdkafka's reason (secret values scrubbed from it).
void apply_properties(rd_kafka_conf_t* conf, const PropertyList& properties);

// "name = value  # source" lines with secrets shown as [redacted], for `txform check` and logs.
std::string format_properties(const PropertyList& properties);

}  // namespace txform::config
