#include "kafka_client.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace txform::tools {
namespace {

std::string unique_suffix() {
  return std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace

void add_property(Properties& properties, const std::string& key_equals_value) {
  const auto eq = key_equals_value.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument("-X expects key=value, got '" + key_equals_value + "'");
  }
  properties.emplace_back(key_equals_value.substr(0, eq), key_equals_value.substr(eq + 1));
}

kafka::KafkaPtr make_client(rd_kafka_type_t type, const ClusterOptions& cluster,
                            const Properties& extra, kafka::ConfPtr conf) {
  if (!conf) conf.reset(rd_kafka_conf_new());
  char errstr[512];
  Properties all{{"bootstrap.servers", cluster.bootstrap}};
  all.insert(all.end(), cluster.properties.begin(), cluster.properties.end());
  all.insert(all.end(), extra.begin(), extra.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      throw std::runtime_error("librdkafka property " + key + ": " + errstr);
    }
  }
  kafka::KafkaPtr client(rd_kafka_new(type, conf.get(), errstr, sizeof errstr));
  if (!client) throw std::runtime_error(std::string("creating a Kafka client: ") + errstr);
  conf.release();  // rd_kafka_new took it
  return client;
}

int partition_count(rd_kafka_t* client, const std::string& topic) {
  // Metadata can lag behind a restarted broker: retry for a while before giving up.
  std::string last_error;
  for (int attempt = 0; attempt < 60; ++attempt) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(client, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    const auto err = rd_kafka_metadata(client, 0, handle, &metadata, 5000);
    rd_kafka_topic_destroy(handle);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const auto& entry = metadata->topics[0];
      const int count = entry.err == RD_KAFKA_RESP_ERR_NO_ERROR ? entry.partition_cnt : 0;
      last_error = rd_kafka_err2str(entry.err);
      rd_kafka_metadata_destroy(metadata);
      if (count > 0) return count;
    } else {
      last_error = rd_kafka_err2str(err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  throw std::runtime_error("topic " + topic + ": " + last_error);
}

void ensure_topic(const ClusterOptions& cluster, const std::string& topic, int partitions,
                  int replication_factor, const std::map<std::string, std::string>& configs) {
  auto admin = make_client(RD_KAFKA_PRODUCER, cluster, {});
  char errstr[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication_factor, errstr, sizeof errstr);
  if (new_topic == nullptr) throw std::runtime_error("topic " + topic + ": " + errstr);
  for (const auto& [key, value] : configs) {
    rd_kafka_NewTopic_set_config(new_topic, key.c_str(), value.c_str());
  }
  kafka::QueuePtr queue(rd_kafka_queue_new(admin.get()));
  rd_kafka_CreateTopics(admin.get(), &new_topic, 1, nullptr, queue.get());
  kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 60000));
  rd_kafka_NewTopic_destroy(new_topic);
  if (!event) throw std::runtime_error("CreateTopics " + topic + ": no answer in 60 s");
  rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  std::string message = err ? rd_kafka_event_error_string(event.get()) : "";
  if (!err) {
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
        rd_kafka_event_CreateTopics_result(event.get()), &count);
    if (count == 1 && rd_kafka_topic_result_error(results[0])) {
      err = rd_kafka_topic_result_error(results[0]);
      message = rd_kafka_topic_result_error_string(results[0]);
    }
  }
  if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    throw std::runtime_error("CreateTopics " + topic + ": " + message);
  }
  const int actual = partition_count(admin.get(), topic);
  if (actual != partitions) {
    throw std::runtime_error("topic " + topic + " exists with " + std::to_string(actual) +
                             " partitions, not " + std::to_string(partitions));
  }
}

std::vector<int64_t> end_offsets(const ClusterOptions& cluster, const std::string& topic,
                                 int partitions, const std::string& isolation_level) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, cluster,
                              {{"group.id", "txform-verify-offsets-" + unique_suffix()},
                               {"isolation.level", isolation_level}});
  std::vector<int64_t> ends;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int attempt = 0; attempt < 10; ++attempt) {
      err = rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), p, &low, &high, 10000);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (err) {
      throw std::runtime_error("end offset of " + topic + "[" + std::to_string(p) +
                               "]: " + rd_kafka_err2str(err));
    }
    ends.push_back(high);
  }
  return ends;
}

std::vector<int64_t> committed_offsets(const ClusterOptions& cluster, const std::string& group,
                                       const std::string& topic, int partitions) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, cluster, {{"group.id", group}});
  kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int attempt = 0; attempt < 10; ++attempt) {
    err = rd_kafka_committed(consumer.get(), list.get(), 10000);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (err) throw std::runtime_error("committed offsets of " + group + ": " + rd_kafka_err2str(err));
  std::vector<int64_t> offsets(static_cast<size_t>(partitions), -1);
  for (int i = 0; i < list->cnt; ++i) {
    const auto& elem = list->elems[i];
    offsets[static_cast<size_t>(elem.partition)] = elem.offset;
  }
  return offsets;
}

void read_topic(const ClusterOptions& cluster, const std::string& topic, int partitions,
                const std::string& isolation_level, const std::function<void(const Message&)>& on,
                int timeout_s) {
  const auto ends = end_offsets(cluster, topic, partitions, isolation_level);
  auto consumer = make_client(RD_KAFKA_CONSUMER, cluster,
                              {{"group.id", "txform-verify-reader-" + unique_suffix()},
                               {"isolation.level", isolation_level},
                               {"enable.auto.commit", "false"},
                               {"enable.partition.eof", "true"},
                               {"fetch.max.bytes", "52428800"}});
  rd_kafka_poll_set_consumer(consumer.get());
  kafka::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
  int open = 0;
  for (int p = 0; p < partitions; ++p) {
    if (ends[static_cast<size_t>(p)] == 0) continue;
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    ++open;
  }
  if (open == 0) return;
  rd_kafka_assign(consumer.get(), assignment.get());
  // Done with a partition once we are past the end offset taken above. Aborted records and
  // transaction markers occupy offsets a read_committed reader never receives, so the check is
  // the consumer position, not the last offset seen.
  std::vector<bool> done(static_cast<size_t>(partitions), false);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (open > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("reading " + topic + " (" + isolation_level +
                               "): not at the end after " + std::to_string(timeout_s) + " s");
    }
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 200));
    if (message && message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const auto p = static_cast<size_t>(message->partition);
      if (!done[p] && message->offset < ends[p]) {
        on(Message{
            message->partition,
            message->offset,
            {static_cast<const char*>(message->key), message->key ? message->key_len : 0},
            {static_cast<const char*>(message->payload), message->payload ? message->len : 0}});
      }
    } else if (message && message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      const auto p = static_cast<size_t>(message->partition);
      if (!done[p] && message->offset >= ends[p]) {
        done[p] = true;
        --open;
      }
    } else if (message && message->err == RD_KAFKA_RESP_ERR__FATAL) {
      throw std::runtime_error("reading " + topic + ": " + rd_kafka_message_errstr(message.get()));
    }
    kafka::PartitionListPtr positions(rd_kafka_topic_partition_list_copy(assignment.get()));
    rd_kafka_position(consumer.get(), positions.get());
    for (int i = 0; i < positions->cnt; ++i) {
      const auto p = static_cast<size_t>(positions->elems[i].partition);
      if (!done[p] && positions->elems[i].offset >= ends[p]) {
        done[p] = true;
        --open;
      }
    }
  }
  rd_kafka_consumer_close(consumer.get());
}

}  // namespace txform::tools
