#include "app/topic_check.hpp"

#include <exception>

#include "app/admin_client.hpp"

namespace txform::app {
namespace {

// Every topic the pipeline reads or may write.
std::vector<std::string> named_topics(const config::v1::Config& config) {
  std::vector<std::string> topics(config.input_topics().begin(), config.input_topics().end());
  topics.push_back(config.output_topic());
  topics.insert(topics.end(), config.allowed_output_topics().begin(),
                config.allowed_output_topics().end());
  if (config.error_policy().on_record_error() == config::v1::DEAD_LETTER) {
    topics.push_back(config.error_policy().dead_letter_topic());
  }
  return topics;
}

}  // namespace

std::vector<std::string> check_topics(const config::v1::Config& config) {
  kafka::KafkaPtr client;
  try {
    client = admin_client(&config, "");
  } catch (const std::exception& error) {
    return {error.what()};
  }
  const rd_kafka_metadata_t* metadata = nullptr;
  if (auto err = rd_kafka_metadata(client.get(), 1, nullptr, &metadata, 10000)) {
    return {"brokers " + config.bootstrap_servers() + " did not answer: " + rd_kafka_err2str(err)};
  }
  std::vector<std::string> problems;
  for (const auto& topic : named_topics(config)) {
    if (!topic.empty() && topic[0] == '^') continue;  // a pattern: nothing to look up
    bool found = false;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      found = found || (topic == metadata->topics[i].topic && metadata->topics[i].err == 0);
    }
    if (!found) problems.push_back("topic '" + topic + "' does not exist");
  }
  rd_kafka_metadata_destroy(metadata);
  return problems;
}

}  // namespace txform::app
