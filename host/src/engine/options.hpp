// Everything one worker's loop needs to know, resolved from the configuration file.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "config/property_list.hpp"
#include "engine/start_offsets.hpp"

namespace txform::engine {

// What happens to a record a plugin rejects or that cannot be produced.
enum class ErrorPolicy { kFail, kSkip, kDeadLetter };

struct EngineOptions {
  std::string transactional_id;  // also the worker's name in logs
  bool exactly_once = true;      // false: at-least-once, no transactions (benchmarks, comparison)

  std::vector<std::string> input_topics;
  std::string output_topic;
  std::vector<std::string> allowed_output_topics;  // topics a plugin may name besides the default

  ErrorPolicy on_record_error = ErrorPolicy::kFail;
  std::string dead_letter_topic;
  int max_retries = 3;  // plugin RETRY: aborts and replays this many times, then the policy
  std::chrono::milliseconds retry_backoff{100};

  // A transaction commits when the first of these bounds is reached.
  std::chrono::milliseconds commit_interval{100};
  std::size_t commit_max_records = 10000;
  std::size_t commit_max_bytes = 16u << 20;

  std::chrono::milliseconds shutdown_timeout{30000};

  // Where partitions the group never committed start (auto_offset_reset). librdkafka's own
  // auto.offset.reset is `error`: the engine decides every start (engine/start_offsets.hpp).
  StartPolicy start_policy = StartPolicy::kEarliest;
  // How long a partition whose log ends before the group's committed offset is waited for before
  // the worker stops (exit 3) rather than skip or re-read records.
  std::chrono::milliseconds behind_log_end_timeout{120000};

  // Full librdkafka property lists, locked EOS properties included; a value librdkafka rejects
  // stops the worker with its config key path (secrets scrubbed).
  config::PropertyList consumer_properties;
  config::PropertyList producer_properties;
};

}  // namespace txform::engine
