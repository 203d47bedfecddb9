#include "config/properties.hpp"

#include <algorithm>

#include "config/identity.hpp"
#include "config/locked_properties.hpp"
#include "config/schema.hpp"
#include "config/secrets.hpp"

namespace txform::config {
namespace {

constexpr std::string_view kDefault = "txform default";
constexpr std::string_view kLockedSource = "txform (locked)";

// Builds a list where setting a name again replaces its value in place.
class ListBuilder {
 public:
  // Sets `name`; a later call for the same name wins.
  void set(std::string name, std::string value, std::string source) {
    const bool secret = is_secret_name(name);
    auto found =
        std::find_if(list_.begin(), list_.end(), [&](const Property& p) { return p.name == name; });
    if (found != list_.end()) {
      *found = {std::move(name), std::move(value), std::move(source), secret};
    } else {
      list_.push_back({std::move(name), std::move(value), std::move(source), secret});
    }
  }

  // Sets every entry of a kafka.* map, in name order so the list is deterministic.
  void set_all(const google::protobuf::Map<std::string, std::string>& map,
               const std::string& path) {
    std::vector<std::pair<std::string, std::string>> sorted(map.begin(), map.end());
    std::sort(sorted.begin(), sorted.end());
    for (auto& [name, value] : sorted)
      set(name, value, path + "." + name);
  }

  // Sets the locked values that apply to `client`.
  void set_locked(Client client) {
    for (const LockedProperty& lock : locked_properties()) {
      if (lock.forced.empty()) continue;
      if (lock.client == client || lock.client == Client::kBoth) {
        set(std::string(lock.name), std::string(lock.forced), std::string(kLockedSource));
      }
    }
  }

  PropertyList take() { return std::move(list_); }

 private:
  PropertyList list_;
};

}  // namespace

PropertyList consumer_properties(const v1::Config& config, unsigned worker_index) {
  const std::string id = worker_id(config, worker_index);
  ListBuilder list;
  list.set("bootstrap.servers", config.bootstrap_servers(), "bootstrap_servers");
  // Broker logs and quotas then name the worker, not "rdkafka".
  list.set("client.id", id, std::string(kDefault));
  list.set_all(config.kafka().common(), "kafka.common");
  list.set_all(config.kafka().consumer(), "kafka.consumer");
  list.set("group.id", config.group_id(), "group_id");
  // Only set when chosen, so a classic pipeline's property list is what it always was.
  if (config.group_protocol() == v1::CONSUMER)
    list.set("group.protocol", "consumer", "group_protocol");
  // The engine starts never-committed partitions itself (auto_offset_reset) and handles an
  // out-of-range offset itself: librdkafka resetting a committed partition to its beginning would
  // process its records twice.
  list.set("auto.offset.reset", "error", "auto_offset_reset");
  if (config.static_membership()) list.set("group.instance.id", id, "static_membership");
  list.set_locked(Client::kConsumer);
  return list.take();
}

PropertyList producer_properties(const v1::Config& config, unsigned worker_index) {
  const std::string id = worker_id(config, worker_index);
  ListBuilder list;
  list.set("bootstrap.servers", config.bootstrap_servers(), "bootstrap_servers");
  list.set("client.id", id, std::string(kDefault));
  // Java's default partitioner, so keys land where Java producers would put them.
  list.set("partitioner", "murmur2_random", std::string(kDefault));
  // librdkafka 2.14 holds a transactional call (send_offsets_to_transaction, abort) until its
  // request times out, whatever timeout the call was given, when a coordinator stops answering:
  // its 60 s default stalled the loop a minute in the soak. 30 s is txform's own call timeout
  // and Java's request.timeout.ms; librdkafka wants it no longer than the transaction timeout.
  list.set("socket.timeout.ms",
           std::to_string(std::min<std::uint32_t>(30000, config.transaction_timeout_ms())),
           std::string(kDefault));
  list.set_all(config.kafka().common(), "kafka.common");
  list.set_all(config.kafka().producer(), "kafka.producer");
  list.set("transaction.timeout.ms", std::to_string(config.transaction_timeout_ms()),
           "transaction_timeout_ms");
  // at_least_once has no transactions: without transactional.id the producer is only idempotent.
  if (config.processing_guarantee() == v1::EXACTLY_ONCE) {
    list.set("transactional.id", id, "transactional_id");
  }
  list.set_locked(Client::kProducer);
  return list.take();
}

}  // namespace txform::config
