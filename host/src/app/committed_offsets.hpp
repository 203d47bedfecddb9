// `txform describe`: a consumer group's committed offsets and the metadata stored with each.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <vector>

namespace txform::app {

struct CommittedOffset {
  std::string topic;
  int32_t partition;
  int64_t offset;
  std::string metadata;  // the plugin chain that produced the range ending here (offset_metadata)
};

// Every committed offset of `group`, sorted by topic and partition; `client` is an admin-capable
// handle (admin_client()). Throws std::runtime_error with the brokers' reason.
std::vector<CommittedOffset> committed_offsets(rd_kafka_t* client, const std::string& group);

}  // namespace txform::app
