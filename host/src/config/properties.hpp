// The librdkafka property lists for each worker's consumer and producer, and applying them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "txform/config.pb.h"

namespace txform::config {

// One librdkafka property and where its value came from.
struct Property {
  std::string name;    // librdkafka property name
  std::string value;   // never print directly when `secret`; use format_properties()
  std::string source;  // config key path ("kafka.common.linger.ms"), "txform default" or
                       // "txform (locked)"
  bool secret = false;
};

// Properties in the order they are applied; each name appears once.
using PropertyList = std::vector<Property>;

// Worker `worker_index`'s consumer: defaults, then kafka.common, then kafka.consumer, then the
// values of txform's own fields and the locked values (which always win).
PropertyList consumer_properties(const v1::Config& config, unsigned worker_index);

// Worker `worker_index`'s producer, built like consumer_properties(); transactional only in
// exactly_once mode.
PropertyList producer_properties(const v1::Config& config, unsigned worker_index);

// The property called `name`, or nullptr.
const Property* find_property(const PropertyList& properties, std::string_view name);

// Sets every property on `conf`; throws ConfigError naming the source key path of each one
// librdkafka rejects, with librdkafka's reason (secret values scrubbed from it).
void apply_properties(rd_kafka_conf_t* conf, const PropertyList& properties);

// The list as plain name/value pairs, in order (what rd_kafka_conf_set-style callers take).
std::vector<std::pair<std::string, std::string>> as_pairs(const PropertyList& properties);

// "name = value  # source" lines with secrets shown as [redacted], for `txform check` and logs.
std::string format_properties(const PropertyList& properties);

}  // namespace txform::config
