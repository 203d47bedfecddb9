#include "config/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <string>

#include "config/locked_properties.hpp"
#include "config/properties.hpp"

namespace txform::config {
namespace {

// Kafka's broker-side topic limit.
constexpr std::size_t kMaxTopicLength = 249;
// The broker default of transaction.max.timeout.ms; a longer timeout fails at InitTransactions.
constexpr std::uint32_t kBrokerMaxTransactionTimeoutMs = 900000;

// Collects findings with a key path each.
class Checker {
 public:
  explicit Checker(const v1::Config& config) : config_(config) {}

  Findings run() {
    check_bounds();
    check_topics();
    check_error_policy();
    check_plugins();
    check_kafka_maps();
    check_metrics();
    return std::move(findings_);
  }

 private:
  void error(std::string path, std::string message) {
    findings_.errors.push_back({"", std::move(path), 0, 0, std::move(message)});
  }
  void warn(std::string path, std::string message) {
    findings_.warnings.push_back({"", std::move(path), 0, 0, std::move(message)});
  }

  // Numeric bounds and timeouts.
  void check_bounds() {
    if (config_.workers() < 1) error("workers", "must be at least 1");
    if (config_.commit().interval_ms() == 0) error("commit.interval_ms", "must be greater than 0");
    if (config_.commit().max_records() == 0) error("commit.max_records", "must be greater than 0");
    if (config_.commit().max_bytes() == 0) error("commit.max_bytes", "must be greater than 0");
    if (config_.shutdown_timeout_ms() == 0) error("shutdown_timeout_ms", "must be greater than 0");
    if (config_.processing_guarantee() != v1::EXACTLY_ONCE) {
      warn("processing_guarantee",
           "at_least_once: no transactions; output may be duplicated after a failure");
      return;
    }
    // A transaction must be able to stay open for a full commit interval, with room to spare.
    if (config_.transaction_timeout_ms() <= config_.commit().interval_ms()) {
      error("transaction_timeout_ms",
            fmt::format("must be greater than commit.interval_ms ({} <= {}); raise it or lower "
                        "commit.interval_ms",
                        config_.transaction_timeout_ms(), config_.commit().interval_ms()));
    }
    // librdkafka refuses a request timeout above the transaction's (at producer creation,
    // without the key path): say where it was set.
    for (const auto& [section, map] : {std::pair{"kafka.common", &config_.kafka().common()},
                                       std::pair{"kafka.producer", &config_.kafka().producer()}}) {
      const auto found = map->find("socket.timeout.ms");
      std::uint64_t socket_timeout = 0;
      if (found == map->end() ||
          std::from_chars(found->second.data(), found->second.data() + found->second.size(),
                          socket_timeout)
                  .ec != std::errc()) {
        continue;
      }
      if (socket_timeout > std::uint64_t{config_.transaction_timeout_ms()} + 100) {
        error(std::string(section) + ".socket.timeout.ms",
              fmt::format("{} exceeds transaction_timeout_ms ({}) + 100, which librdkafka refuses "
                          "for a transactional producer; lower it or raise transaction_timeout_ms",
                          socket_timeout, config_.transaction_timeout_ms()));
      }
    }
    if (config_.transaction_timeout_ms() > kBrokerMaxTransactionTimeoutMs) {
      warn("transaction_timeout_ms",
           fmt::format("{} exceeds the broker default transaction.max.timeout.ms ({}); the "
                       "producer will fail to start unless the broker allows it",
                       config_.transaction_timeout_ms(), kBrokerMaxTransactionTimeoutMs));
    }
  }

  // A topic name Kafka accepts, or an error at `path`.
  void check_topic_name(const std::string& path, const std::string& topic) {
    const bool legal_chars = std::all_of(topic.begin(), topic.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-';
    });
    if (topic.empty() || topic.size() > kMaxTopicLength || !legal_chars || topic == "." ||
        topic == "..") {
      error(path, "'" + topic + "' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
    }
  }

  // An output-side topic must not feed back into the input.
  void check_not_input(const std::string& path, const std::string& topic) {
    if (inputs_.count(topic) != 0) {
      error(path, "'" + topic + "' is also an input topic; records would loop through txform");
    }
  }

  // Topic names and their relations.
  void check_topics() {
    for (int i = 0; i < config_.input_topics_size(); ++i) {
      const std::string& topic = config_.input_topics(i);
      const std::string path = fmt::format("input_topics[{}]", i);
      // `^...` subscribes by regular expression; librdkafka validates the pattern itself.
      if (topic.empty() || topic[0] != '^') check_topic_name(path, topic);
      if (!inputs_.insert(topic).second) error(path, "'" + topic + "' is listed twice");
    }
    if (!config_.output_topic().empty()) {
      check_topic_name("output_topic", config_.output_topic());
      check_not_input("output_topic", config_.output_topic());
    }
    for (int i = 0; i < config_.allowed_output_topics_size(); ++i) {
      const std::string path = fmt::format("allowed_output_topics[{}]", i);
      check_topic_name(path, config_.allowed_output_topics(i));
      check_not_input(path, config_.allowed_output_topics(i));
    }
  }

  // Dead-letter settings agree with the policy.
  void check_error_policy() {
    const auto& policy = config_.error_policy();
    const std::string& topic = policy.dead_letter_topic();
    if (policy.on_record_error() == v1::DEAD_LETTER && topic.empty()) {
      error("error_policy.dead_letter_topic",
            "required when on_record_error is dead_letter; name the topic for rejected records");
    }
    if (topic.empty()) return;
    check_topic_name("error_policy.dead_letter_topic", topic);
    check_not_input("error_policy.dead_letter_topic", topic);
    if (topic == config_.output_topic()) {
      warn("error_policy.dead_letter_topic", "is the output topic; dead letters mix with output");
    }
    if (policy.on_record_error() != v1::DEAD_LETTER) {
      warn("error_policy.dead_letter_topic", "is set but on_record_error is not dead_letter");
    }
  }

  // Plugin directory and entries.
  void check_plugins() {
    if (config_.plugin_dir().empty() || config_.plugin_dir()[0] != '/') {
      error("plugin_dir", "must be an absolute path");
    }
    if (config_.allow_insecure_plugin_dir()) {
      warn("allow_insecure_plugin_dir",
           "plugins may be loaded from a directory other users can write to");
    }
    for (int i = 0; i < config_.plugins_size(); ++i) {
      const auto& plugin = config_.plugins(i);
      const std::string path = fmt::format("plugins[{}]", i);
      if (plugin.name().find('/') != std::string::npos) {
        error(path + ".name", "is a file name, not a path; put the directory in plugin_dir");
      }
      for (const auto& [key, value] : plugin.secret_config()) {
        if (plugin.config().count(key) != 0) {
          error(path + ".secret_config." + key, "is also in config; keep it in one of the two");
        }
      }
    }
  }

  // Locked properties and risky overrides in the kafka.* maps.
  void check_kafka_map(const google::protobuf::Map<std::string, std::string>& map,
                       const std::string& section) {
    std::vector<std::string> names;
    for (const auto& [name, value] : map)
      names.push_back(name);
    std::sort(names.begin(), names.end());  // deterministic error order
    for (const std::string& name : names) {
      const std::string path = section + "." + name;
      if (auto lock = find_locked(name)) {
        std::string fix = lock->own_key.empty()
                              ? "remove it"
                              : "remove it and set '" + std::string(lock->own_key) + "' instead";
        std::string value =
            lock->forced.empty() ? "" : " (txform sets " + std::string(lock->forced) + ")";
        error(path, fmt::format("{} is locked{}: {}; {}", name, value, lock->why, fix));
      }
      if (section != "kafka.producer") check_group_protocol_property(path, name);
    }
  }

  // Consumer properties the KIP-848 protocol moved to the broker (librdkafka refuses them too,
  // but without the key path).
  void check_group_protocol_property(const std::string& path, const std::string& name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kClassicOnly = {{
        {"partition.assignment.strategy",
         "the group coordinator assigns; choose its assignor with group.remote.assignor "
         "(uniform | range)"},
        {"session.timeout.ms", "set the broker's group.consumer.session.timeout.ms instead"},
        {"heartbeat.interval.ms", "set the broker's group.consumer.heartbeat.interval.ms instead"},
        {"group.protocol.type", "it has no meaning under the consumer protocol"},
    }};
    const bool consumer_protocol = config_.group_protocol() == v1::CONSUMER;
    if (!consumer_protocol) {
      if (name == "group.remote.assignor") {
        warn(path, "has no effect with group_protocol classic (it is a KIP-848 setting)");
      }
      return;
    }
    for (const auto& [classic_only, fix] : kClassicOnly) {
      if (name == classic_only) {
        error(path, fmt::format("{} is not used with group_protocol consumer (KIP-848): {}; "
                                "remove it, or set group_protocol: classic",
                                name, fix));
      }
    }
  }

  void check_kafka_maps() {
    check_kafka_map(config_.kafka().common(), "kafka.common");
    check_kafka_map(config_.kafka().consumer(), "kafka.consumer");
    check_kafka_map(config_.kafka().producer(), "kafka.producer");
    check_producer_queue();
  }

  // librdkafka answers QUEUE_FULL, for ever, to a record larger than the whole producer queue:
  // refuse a queue that cannot hold one record of message.max.bytes.
  void check_producer_queue() {
    for (const auto& [section, map] : {std::pair{"kafka.producer", &config_.kafka().producer()},
                                       std::pair{"kafka.common", &config_.kafka().common()}}) {
      const auto found = map->find("queue.buffering.max.kbytes");
      if (found == map->end()) continue;
      std::uint64_t kbytes = 0;
      const std::string& text = found->second;
      if (std::from_chars(text.data(), text.data() + text.size(), kbytes).ec != std::errc()) return;
      const std::uint64_t largest = producer_message_max_bytes(config_);
      if (kbytes * 1024 < largest) {
        error(std::string(section) + ".queue.buffering.max.kbytes",
              fmt::format("{} KB cannot hold one record of message.max.bytes ({} bytes): such a "
                          "record could never be produced; raise it to at least {}",
                          kbytes, largest, (largest + 1023) / 1024));
      }
      return;  // kafka.producer wins over kafka.common
    }
  }

  // metrics.listen is host:port (port 0: any free port, logged at startup).
  void check_metrics() {
    if (!config_.metrics().enabled()) return;
    const std::string& listen = config_.metrics().listen();
    const std::size_t colon = listen.rfind(':');
    unsigned port = 0;
    bool ok = colon != std::string::npos && colon > 0;
    if (ok) {
      const char* begin = listen.data() + colon + 1;
      const char* end = listen.data() + listen.size();
      const auto [ptr, ec] = std::from_chars(begin, end, port);
      ok = ec == std::errc() && ptr == end && begin != end && port <= 65535;
    }
    if (!ok) {
      error("metrics.listen", "'" + listen + "' is not host:port (e.g. 0.0.0.0:9464)");
    }
  }

  const v1::Config& config_;
  std::set<std::string> inputs_;
  Findings findings_;
};

}  // namespace

Findings validate(const v1::Config& config) {
  return Checker(config).run();
}

}  // namespace txform::config
