#include "app/worker_options.hpp"

#include "config/identity.hpp"
#include "config/properties.hpp"

namespace txform::app {
namespace {

engine::ErrorPolicy error_policy(config::v1::OnRecordError policy) {
  switch (policy) {
    case config::v1::SKIP:
      return engine::ErrorPolicy::kSkip;
    case config::v1::DEAD_LETTER:
      return engine::ErrorPolicy::kDeadLetter;
    default:
      return engine::ErrorPolicy::kFail;
  }
}

// librdkafka statistics feed the txform_kafka_* metrics: on by default when metrics are, unless
// the configuration sets an interval itself (0 turns them off).
void default_statistics_interval(config::PropertyList& properties) {
  if (config::find_property(properties, "statistics.interval.ms") != nullptr) return;
  properties.push_back({"statistics.interval.ms", "5000", "txform default (metrics.enabled)"});
}

// A worker's list of one client, secrets marked by name and by where their values came from.
config::PropertyList with_secrets_marked(config::PropertyList properties,
                                         const config::LoadedConfig& loaded) {
  config::mark_secret_paths(properties, loaded.secret_paths);
  return properties;
}

}  // namespace

std::vector<engine::EngineOptions> worker_options(const config::LoadedConfig& loaded) {
  const config::v1::Config& config = loaded.config;
  std::vector<engine::EngineOptions> workers;
  for (unsigned i = 0; i < config.workers(); ++i) {
    engine::EngineOptions options;
    options.transactional_id = config::worker_id(config, i);
    options.exactly_once = config.processing_guarantee() == config::v1::EXACTLY_ONCE;
    options.input_topics.assign(config.input_topics().begin(), config.input_topics().end());
    options.output_topic = config.output_topic();
    options.allowed_output_topics.assign(config.allowed_output_topics().begin(),
                                         config.allowed_output_topics().end());
    options.on_record_error = error_policy(config.error_policy().on_record_error());
    options.dead_letter_topic = config.error_policy().dead_letter_topic();
    options.max_retries = static_cast<int>(config.error_policy().max_retries());
    options.retry_backoff = std::chrono::milliseconds(config.error_policy().retry_backoff_ms());
    options.commit_interval = std::chrono::milliseconds(config.commit().interval_ms());
    options.commit_max_records = config.commit().max_records();
    options.commit_max_bytes = config.commit().max_bytes();
    options.shutdown_timeout = std::chrono::milliseconds(config.shutdown_timeout_ms());
    options.start_policy = config.auto_offset_reset() == config::v1::LATEST
                               ? engine::StartPolicy::kLatest
                               : engine::StartPolicy::kEarliest;
    options.consumer_properties =
        with_secrets_marked(config::consumer_properties(config, i), loaded);
    options.producer_properties =
        with_secrets_marked(config::producer_properties(config, i), loaded);
    if (config.metrics().enabled()) {
      default_statistics_interval(options.consumer_properties);
      default_statistics_interval(options.producer_properties);
    }
    workers.push_back(std::move(options));
  }
  return workers;
}

}  // namespace txform::app
