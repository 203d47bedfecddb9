// The little Kafka plumbing loadgen and verify share: clients from a bootstrap address plus
// pass-through librdkafka properties (-X key=value, for SASL/TLS on a user's own cluster), topic
// creation, watermarks, committed offsets and reading a whole topic.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kafka/handles.hpp"

namespace txform::tools {

using Properties = std::vector<std::pair<std::string, std::string>>;

struct ClusterOptions {
  std::string bootstrap;
  Properties properties;  // -X key=value, applied to every client
};

// Parses "key=value" into `properties`; throws std::invalid_argument naming the bad argument.
void add_property(Properties& properties, const std::string& key_equals_value);

// A client on the cluster, with `extra` properties applied after the cluster's, built on `conf`
// (callbacks already set) when given; throws on error.
kafka::KafkaPtr make_client(rd_kafka_type_t type, const ClusterOptions& cluster,
                            const Properties& extra, kafka::ConfPtr conf = {});

// Partition count of `topic`; throws when the topic does not exist.
int partition_count(rd_kafka_t* client, const std::string& topic);

// Creates `topic` unless it exists (then checks its partition count); throws on error.
void ensure_topic(const ClusterOptions& cluster, const std::string& topic, int partitions,
                  int replication_factor, const std::map<std::string, std::string>& configs);

// End offset of every partition as seen by `isolation_level`: the high watermark for
// read_uncommitted, the last stable offset (stuck while a transaction is open) for read_committed.
std::vector<int64_t> end_offsets(const ClusterOptions& cluster, const std::string& topic,
                                 int partitions, const std::string& isolation_level);

// The group's committed offset for each partition of `topic` (-1 when none).
std::vector<int64_t> committed_offsets(const ClusterOptions& cluster, const std::string& group,
                                       const std::string& topic, int partitions);

struct Message {
  int32_t partition;
  int64_t offset;
  std::string_view key;
  std::string_view value;
};

// Reads every partition of `topic` from the beginning up to its end offset for
// `isolation_level` at the time of the call; throws when that takes longer than `timeout_s`.
void read_topic(const ClusterOptions& cluster, const std::string& topic, int partitions,
                const std::string& isolation_level, const std::function<void(const Message&)>& on,
                int timeout_s = 300);

}  // namespace txform::tools
