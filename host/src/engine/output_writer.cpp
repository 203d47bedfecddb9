#include "engine/output_writer.hpp"

namespace txform::engine {

OutputWriter::OutputWriter(rd_kafka_t* producer, const std::string& default_topic,
                           const std::vector<std::string>& allowed_topics)
    : producer_(producer), default_topic_(nullptr) {
  // Not in the initialiser list: topic_handle() appends to handles_, declared (so constructed)
  // after default_topic_.
  default_topic_ = topic_handle(default_topic);
  for (const auto& name : allowed_topics) {
    rd_kafka_topic_t* handle = topic_handle(name);
    // The map's key views the handle's own name, which lives as long as the handle.
    allowed_.emplace(rd_kafka_topic_name(handle), handle);
  }
  allowed_.emplace(rd_kafka_topic_name(default_topic_), default_topic_);
}

OutputWriter::~OutputWriter() {
  for (rd_kafka_topic_t* handle : handles_)
    rd_kafka_topic_destroy(handle);
}

rd_kafka_topic_t* OutputWriter::topic_handle(const std::string& name) {
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_, name.c_str(), nullptr);
  handles_.push_back(handle);
  return handle;
}

bool OutputWriter::write(const OutputRecord& record) {
  rd_kafka_topic_t* topic = default_topic_;
  if (!record.topic.empty()) {
    auto found = allowed_.find(record.topic);
    if (found == allowed_.end()) {
      if (record.headers != nullptr) rd_kafka_headers_destroy(record.headers);
      failed_for_input_ = true;
      failure_code_ = RD_KAFKA_RESP_ERR__INVALID_ARG;
      failure_ = "output topic '" + std::string(record.topic) +
                 "' is neither output_topic nor in allowed_output_topics";
      return false;
    }
    topic = found->second;
  }
  return write_to(topic, record);
}

bool OutputWriter::write_to(rd_kafka_topic_t* topic, const OutputRecord& record) {
  for (;;) {
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(producer_, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(record.partition),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_KEY(const_cast<void*>(record.key), record.key_len),
                          RD_KAFKA_V_VALUE(const_cast<void*>(record.value), record.value_len),
                          RD_KAFKA_V_TIMESTAMP(record.timestamp_ms),
                          RD_KAFKA_V_HEADERS(record.headers), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {  // the producer now owns the headers
      ++written_for_input_;
      return true;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Back-pressure: delivery reports free queue space; never drop, never spin.
      rd_kafka_poll(producer_, 100);
      continue;
    }
    if (record.headers != nullptr) rd_kafka_headers_destroy(record.headers);
    failed_for_input_ = true;
    failure_code_ = err;
    failure_ =
        std::string("producing to ") + rd_kafka_topic_name(topic) + ": " + rd_kafka_err2str(err);
    return false;
  }
}

}  // namespace txform::engine
