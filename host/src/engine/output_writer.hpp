// Writes output records into the worker's producer (and so into its open transaction).
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace txform::engine {

// One output record as a plugin chain produced it. All pointers are borrowed for the call:
// librdkafka copies key and value (RD_KAFKA_MSG_F_COPY).
struct OutputRecord {
  std::string_view topic;  // empty: the default output topic
  int32_t partition = RD_KAFKA_PARTITION_UA;
  const void* key = nullptr;
  size_t key_len = 0;
  const void* value = nullptr;
  size_t value_len = 0;
  rd_kafka_headers_t* headers = nullptr;  // OWNERSHIP: passed to write(), which frees it
  int64_t timestamp_ms = 0;               // 0: the producer's clock
};

class OutputWriter {
 public:
  OutputWriter(rd_kafka_t* producer, const std::string& default_topic,
               const std::vector<std::string>& allowed_topics);
  ~OutputWriter();
  OutputWriter(const OutputWriter&) = delete;
  OutputWriter& operator=(const OutputWriter&) = delete;

  // Enqueues `record`; false when it cannot be produced (topic not allowed, too large, ...),
  // with the reason in failure(). A full producer queue is not an error: it serves delivery
  // reports and retries.
  bool write(const OutputRecord& record);
  // Writes to a topic outside the allowlist (the dead-letter topic).
  bool write_to(rd_kafka_topic_t* topic, const OutputRecord& record);

  rd_kafka_topic_t* topic_handle(const std::string& name);

  // Per input record: how many outputs it put into the transaction, and whether one of them
  // could not be produced (the engine then applies the error policy to the input record).
  void begin_input() {
    written_for_input_ = 0;
    failed_for_input_ = false;
    failure_code_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  size_t written_for_input() const { return written_for_input_; }
  bool failed_for_input() const { return failed_for_input_; }
  const std::string& failure() const { return failure_; }
  // librdkafka's code for the last failure: __STATE means the transaction, not the record,
  // failed (it became abortable), __FATAL that the producer is unusable.
  rd_kafka_resp_err_t failure_code() const { return failure_code_; }

 private:
  rd_kafka_t* producer_;
  rd_kafka_topic_t* default_topic_;
  std::unordered_map<std::string_view, rd_kafka_topic_t*> allowed_;
  std::vector<rd_kafka_topic_t*> handles_;
  size_t written_for_input_ = 0;
  bool failed_for_input_ = false;
  std::string failure_;
  rd_kafka_resp_err_t failure_code_ = RD_KAFKA_RESP_ERR_NO_ERROR;
};

}  // namespace txform::engine
