#include "kafka_test_env.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace txform::testing {

std::string bootstrap_servers() {
  const char* value = std::getenv("TXFORM_TEST_BOOTSTRAP");
  return value != nullptr ? value : "";
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return prefix + "-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) + "-" +
         std::to_string(counter++);
}

kafka::KafkaPtr make_client(rd_kafka_type_t type,
                            const std::vector<std::pair<std::string, std::string>>& config,
                            rd_kafka_conf_t* conf) {
  if (conf == nullptr) conf = rd_kafka_conf_new();
  char errstr[512];
  std::vector<std::pair<std::string, std::string>> all{{"bootstrap.servers", bootstrap_servers()}};
  all.insert(all.end(), config.begin(), config.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error("test client config " + key + "=" + value + ": " + errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("rd_kafka_new: ") + errstr);
  }
  return kafka::KafkaPtr(rk);
}

void create_topic(const std::string& topic, int partitions, int replication_factor) {
  auto admin = make_client(RD_KAFKA_PRODUCER, {});
  char errstr[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication_factor, errstr, sizeof errstr);
  ASSERT_NE(new_topic, nullptr) << errstr;
  kafka::QueuePtr queue(rd_kafka_queue_new(admin.get()));
  rd_kafka_CreateTopics(admin.get(), &new_topic, 1, nullptr, queue.get());
  kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 30000));
  rd_kafka_NewTopic_destroy(new_topic);
  ASSERT_NE(event, nullptr) << "CreateTopics " << topic << ": no answer in 30 s";
  ASSERT_EQ(rd_kafka_event_error(event.get()), RD_KAFKA_RESP_ERR_NO_ERROR)
      << "CreateTopics " << topic << ": " << rd_kafka_event_error_string(event.get());
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  ASSERT_EQ(count, 1u);
  ASSERT_EQ(rd_kafka_topic_result_error(results[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
      << "CreateTopics " << topic << ": " << rd_kafka_topic_result_error_string(results[0]);

  // A new topic's leaders become known to every broker a little later; wait until metadata
  // reports all partitions with a leader, so the first produce does not race the creation.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_topic_t* handle = rd_kafka_topic_new(admin.get(), topic.c_str(), nullptr);
    const rd_kafka_resp_err_t err = rd_kafka_metadata(admin.get(), 0, handle, &metadata, 5000);
    rd_kafka_topic_destroy(handle);
    bool ready = false;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1 &&
        metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
        metadata->topics[0].partition_cnt == partitions) {
      ready = true;
      for (int i = 0; i < partitions; ++i)
        ready = ready && metadata->topics[0].partitions[i].leader >= 0;
    }
    if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
    if (ready) return;
  }
  FAIL() << "topic " << topic << " has no leaders after 30 s";
}

std::vector<std::string> read_partition(const std::string& topic, int partition,
                                        const std::string& isolation_level) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"group.id", unique_name("reader")},
                                                  {"isolation.level", isolation_level},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.partition.eof", "true"}});
  kafka::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  if (rd_kafka_assign(consumer.get(), assignment.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("assign " + topic);
  }
  std::vector<std::string> values;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 500));
    if (!message) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) break;
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("reading " + topic + ": " + rd_kafka_message_errstr(message.get()));
    }
    values.emplace_back(static_cast<const char*>(message->payload), message->len);
  }
  rd_kafka_consumer_close(consumer.get());
  return values;
}

void KafkaTest::SetUp() {
  ASSERT_FALSE(bootstrap_servers().empty())
      << "TXFORM_TEST_BOOTSTRAP is not set: integration tests need the real broker that "
         "tests/run.sh starts (or export TXFORM_TEST_BOOTSTRAP=host:port yourself).";
}

}  // namespace txform::testing
