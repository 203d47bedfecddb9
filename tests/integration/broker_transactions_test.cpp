// The foundation's compatibility check: Debian's librdkafka against the pinned Kafka broker.
// A transactional producer commits one transaction and aborts another; read_committed sees only
// the first, read_uncommitted sees both, and offsets sent to the transaction commit with it.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>

#include "kafka_test_env.hpp"

namespace {

using txform::kafka::ErrorPtr;
using txform::testing::KafkaTest;

// librdkafka logs "Disabling feature X" (debug=feature) for every protocol feature the broker's
// ApiVersions answer rules out. We collect those names from the log callback.
std::mutex disabled_mutex;
std::set<std::string> disabled_features;

void collect_disabled_features(const rd_kafka_t*, int, const char*, const char* line) {
  const std::string text(line);
  const std::string marker = "Disabling feature ";
  if (auto at = text.find(marker); at != std::string::npos) {
    std::lock_guard lock(disabled_mutex);
    disabled_features.insert(text.substr(at + marker.size()));
  }
}

void expect_ok(rd_kafka_error_t* raw, const char* call) {
  ErrorPtr error(raw);
  ASSERT_EQ(error, nullptr) << call << ": " << rd_kafka_error_string(error.get());
}

void produce(rd_kafka_t* producer, const std::string& topic, const std::string& value) {
  ASSERT_EQ(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
}

// Commits `offset` for the group inside the producer's open transaction.
void send_offset(rd_kafka_t* producer, const std::string& topic, const std::string& group,
                 int64_t offset) {
  txform::kafka::PartitionListPtr offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(), 0)->offset = offset;
  txform::kafka::GroupMetadataPtr metadata(rd_kafka_consumer_group_metadata_new(group.c_str()));
  expect_ok(rd_kafka_send_offsets_to_transaction(producer, offsets.get(), metadata.get(), 30000),
            "send_offsets_to_transaction");
}

int64_t committed_offset(const std::string& topic, const std::string& group) {
  auto consumer = txform::testing::make_client(RD_KAFKA_CONSUMER, {{"group.id", group}});
  txform::kafka::PartitionListPtr partitions(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), 0);
  EXPECT_EQ(rd_kafka_committed(consumer.get(), partitions.get(), 30000),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  const int64_t offset = partitions->elems[0].offset;
  rd_kafka_consumer_close(consumer.get());
  return offset;
}

class BrokerTransactions : public KafkaTest {};

TEST_F(BrokerTransactions, CommittedVisibleAbortedHiddenOffsetsCommitWithTransaction) {
  const std::string topic = txform::testing::unique_name("txn-check");
  const std::string group = txform::testing::unique_name("txn-check-group");
  txform::testing::create_topic(topic, 1);
  ASSERT_FALSE(HasFatalFailure());

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, collect_disabled_features);
  auto producer = txform::testing::make_client(
      RD_KAFKA_PRODUCER,
      {{"transactional.id", txform::testing::unique_name("txn-check-id")}, {"debug", "feature"}},
      conf);

  expect_ok(rd_kafka_init_transactions(producer.get(), 30000), "init_transactions");

  expect_ok(rd_kafka_begin_transaction(producer.get()), "begin_transaction");
  for (const char* value : {"committed-1", "committed-2", "committed-3"}) {
    produce(producer.get(), topic, value);
  }
  send_offset(producer.get(), topic, group, 3);
  expect_ok(rd_kafka_commit_transaction(producer.get(), 30000), "commit_transaction");

  expect_ok(rd_kafka_begin_transaction(producer.get()), "begin_transaction");
  for (const char* value : {"aborted-1", "aborted-2"})
    produce(producer.get(), topic, value);
  send_offset(producer.get(), topic, group, 5);
  // abort_transaction purges what is still queued: deliver the records first, so the log holds
  // them (read_uncommitted sees them) and only the marker hides them.
  ASSERT_EQ(rd_kafka_flush(producer.get(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  expect_ok(rd_kafka_abort_transaction(producer.get(), 30000), "abort_transaction");

  {
    // Features exactly-once needs. librdkafka 2.0.2 disabled MsgVer1 and ThrottleTime against
    // Kafka 4 (it keyed them on Fetch versions Kafka 4 dropped); since 2.11 it disables none.
    std::lock_guard lock(disabled_mutex);
    for (const char* needed : {"ApiVersion", "MsgVer2", "IdempotentProducer",
                               "BrokerBalancedConsumer", "BrokerGroupCoordinator"}) {
      EXPECT_EQ(disabled_features.count(needed), 0u) << "librdkafka disabled " << needed;
    }
    std::string disabled;
    for (const auto& feature : disabled_features)
      disabled += feature + " ";
    EXPECT_TRUE(disabled_features.empty()) << "librdkafka disabled " << disabled;
  }

  EXPECT_EQ(txform::testing::read_partition(topic, 0, "read_committed"),
            (std::vector<std::string>{"committed-1", "committed-2", "committed-3"}));
  EXPECT_EQ(txform::testing::read_partition(topic, 0, "read_uncommitted"),
            (std::vector<std::string>{"committed-1", "committed-2", "committed-3", "aborted-1",
                                      "aborted-2"}));
  EXPECT_EQ(committed_offset(topic, group), 3)
      << "the aborted transaction's offsets must not commit";
}

}  // namespace
