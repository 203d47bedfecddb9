// What integration tests need from the real broker: its address, fresh topics, and small clients.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kafka/handles.hpp"

namespace txform::testing {

// The broker address tests/run.sh exports; empty when the variable is missing.
std::string bootstrap_servers();

// A topic (or group, or transactional id) name no other test run has used.
std::string unique_name(const std::string& prefix);

// Creates a topic and waits until its leaders are known; fails the test on error.
void create_topic(const std::string& topic, int partitions, int replication_factor = 1);

// A client built from key/value pairs on top of bootstrap.servers; fails the test on bad config.
kafka::KafkaPtr make_client(rd_kafka_type_t type,
                            const std::vector<std::pair<std::string, std::string>>& config,
                            rd_kafka_conf_t* conf = nullptr);

// Every record value in one partition from the beginning to the end offset visible to the
// consumer's isolation level ("read_committed" or "read_uncommitted").
std::vector<std::string> read_partition(const std::string& topic, int partition,
                                        const std::string& isolation_level);

// Base fixture: fails (never skips) when no broker address was provided.
class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

}  // namespace txform::testing
