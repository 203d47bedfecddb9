// The metadata string committed with each input offset: the plugin chain (name@version,...)
// that produced the range ending there, so operators can see which code wrote which output.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

namespace txform::engine {

// Brokers refuse an offset commit whose metadata exceeds offset.metadata.max.bytes (4096 by
// default): a longer chain is cut, marked with a trailing "...".
inline constexpr size_t kMaxOffsetMetadata = 1024;

// `chain`, cut to kMaxOffsetMetadata bytes.
std::string offset_metadata(std::string chain);

// Copies `metadata` onto `partition` (librdkafka frees it with the list).
void set_offset_metadata(rd_kafka_topic_partition_t& partition, const std::string& metadata);

}  // namespace txform::engine
