#include "records.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <thread>

#include "kafka_test_env.hpp"

namespace txform::testing {

std::string sequence_key(int64_t seq) {
  char key[32];
  std::snprintf(key, sizeof key, "%010lld", static_cast<long long>(seq));
  return key;
}

int64_t parse_sequence_key(const std::string& key) {
  if (key.size() != 10 || !std::all_of(key.begin(), key.end(), ::isdigit)) return -1;
  return std::stoll(key);
}

void produce_sequence(const std::string& topic, int partitions, int64_t count,
                      const std::function<std::string(int64_t)>& value_of) {
  auto producer = make_client(RD_KAFKA_PRODUCER, {{"enable.idempotence", "true"},
                                                  {"linger.ms", "20"},
                                                  {"batch.size", "1000000"},
                                                  {"queue.buffering.max.messages", "500000"}});
  for (int64_t seq = 0; seq < count; ++seq) {
    const std::string key = sequence_key(seq);
    const std::string value = value_of(seq);
    for (;;) {
      const auto err =
          rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                            RD_KAFKA_V_PARTITION(static_cast<int32_t>(seq % partitions)),
                            RD_KAFKA_V_KEY(key.data(), key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      ASSERT_EQ(err, RD_KAFKA_RESP_ERR__QUEUE_FULL) << rd_kafka_err2str(err);
      rd_kafka_poll(producer.get(), 50);
    }
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 120000), RD_KAFKA_RESP_ERR_NO_ERROR);
  // Idempotence makes any failed delivery a fatal error: none means all were written once.
  char reason[256];
  ASSERT_EQ(rd_kafka_fatal_error(producer.get(), reason, sizeof reason), RD_KAFKA_RESP_ERR_NO_ERROR)
      << reason;
  const auto ends = end_offsets(topic, partitions);
  int64_t total = 0;
  for (auto end : ends)
    total += end;
  ASSERT_EQ(total, count) << "input topic " << topic << " must start empty";
}

std::vector<int64_t> end_offsets(const std::string& topic, int partitions) {
  // read_uncommitted: the high watermark. A read_committed client would get the last stable
  // offset, which stands still while a transaction is open.
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"group.id", unique_name("offsets")},
                                                  {"isolation.level", "read_uncommitted"}});
  std::vector<int64_t> ends;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    const auto err =
        rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), p, &low, &high, 30000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("watermarks of " + topic + ": " + rd_kafka_err2str(err));
    }
    ends.push_back(high);
  }
  return ends;
}

std::vector<Record> read_topic(const std::string& topic, int partitions,
                               const std::string& isolation_level) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"group.id", unique_name("reader")},
                                                  {"isolation.level", isolation_level},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.partition.eof", "true"}});
  kafka::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer.get(), assignment.get());
  std::vector<Record> records;
  int at_end = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (at_end < partitions && std::chrono::steady_clock::now() < deadline) {
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 500));
    if (!message) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("reading " + topic + ": " + rd_kafka_message_errstr(message.get()));
    }
    Record record;
    record.partition = message->partition;
    record.offset = message->offset;
    if (message->key) record.key.assign(static_cast<const char*>(message->key), message->key_len);
    if (message->payload) {
      record.value.assign(static_cast<const char*>(message->payload), message->len);
    }
    records.push_back(std::move(record));
  }
  rd_kafka_consumer_close(consumer.get());
  if (at_end < partitions) throw std::runtime_error("reading " + topic + ": no EOF in 120 s");
  return records;
}

bool wait_for_committed(const std::string& group, const std::string& topic,
                        const std::vector<int64_t>& ends, std::chrono::seconds timeout) {
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"group.id", group}});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    kafka::PartitionListPtr partitions(
        rd_kafka_topic_partition_list_new(static_cast<int>(ends.size())));
    for (size_t p = 0; p < ends.size(); ++p) {
      rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), static_cast<int32_t>(p));
    }
    if (rd_kafka_committed(consumer.get(), partitions.get(), 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      bool done = true;
      for (int i = 0; i < partitions->cnt; ++i) {
        done = done && partitions->elems[i].offset == ends[partitions->elems[i].partition];
      }
      if (done) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

ExactlyOnceReport check_exactly_once(int64_t count, int input_partitions,
                                     const std::vector<Record>& outputs) {
  ExactlyOnceReport report;
  std::vector<int> seen(static_cast<size_t>(count), 0);
  // Last sequence seen per (output partition, input partition), in output offset order.
  std::map<std::pair<int32_t, int64_t>, int64_t> last;
  std::vector<const Record*> ordered;
  for (const auto& record : outputs)
    ordered.push_back(&record);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Record* a, const Record* b) {
    return a->partition != b->partition ? a->partition < b->partition : a->offset < b->offset;
  });
  for (const Record* record : ordered) {
    const int64_t seq = parse_sequence_key(record->key);
    if (seq < 0 || seq >= count) {
      report.unknown_keys.push_back(record->key);
      continue;
    }
    if (++seen[static_cast<size_t>(seq)] == 2) report.duplicated.push_back(seq);
    const auto slot = std::make_pair(record->partition, seq % input_partitions);
    if (auto found = last.find(slot); found != last.end() && found->second > seq) {
      report.out_of_order.push_back(seq);
    }
    last[slot] = seq;
  }
  for (int64_t seq = 0; seq < count; ++seq) {
    if (seen[static_cast<size_t>(seq)] == 0) report.missing.push_back(seq);
  }
  return report;
}

std::string ExactlyOnceReport::summary() const {
  auto head = [](const auto& items) {
    std::string text = std::to_string(items.size());
    if (!items.empty()) {
      text += " (first: ";
      for (size_t i = 0; i < std::min<size_t>(items.size(), 5); ++i) {
        if (i) text += ", ";
        if constexpr (std::is_same_v<std::decay_t<decltype(items[0])>, std::string>) {
          text += items[i];
        } else {
          text += std::to_string(items[i]);
        }
      }
      text += ")";
    }
    return text;
  };
  return "missing " + head(missing) + ", duplicated " + head(duplicated) + ", out of order " +
         head(out_of_order) + ", unknown " + head(unknown_keys);
}

}  // namespace txform::testing
