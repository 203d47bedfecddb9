#include "config/properties.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "config/identity.hpp"
#include "config/locked_properties.hpp"
#include "config/schema.hpp"
#include "config/secrets.hpp"

namespace txform::config {
namespace {

constexpr std::string_view kDefault = "txform default";
constexpr std::string_view kLockedSource = "txform (locked)";

// Builds one client's list, where setting a name again replaces its value in place.
class ListBuilder {
 public:
  explicit ListBuilder(Client client) : client_(client) {}

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

  // Sets a locked property from the config field the lock table names as its home, so the
  // table says which field sets what.
  void set_from_field(std::string_view name, std::string value) {
    const auto lock = find_locked(name);
    if (!lock || lock->own_key.empty() || !lock->forced.empty() || !applies(*lock)) {
      throw std::logic_error("the lock table names no field for " + std::string(name));
    }
    set(std::string(lock->name), std::move(value), std::string(lock->own_key));
  }

  // Sets the forced values of the lock table that apply to this client.
  void set_locked() {
    for (const LockedProperty& lock : locked_properties()) {
      if (!lock.forced.empty() && applies(lock)) {
        set(std::string(lock.name), std::string(lock.forced), std::string(kLockedSource));
      }
    }
  }

  PropertyList take() { return std::move(list_); }

 private:
  bool applies(const LockedProperty& lock) const {
    return lock.client == client_ || lock.client == Client::kBoth;
  }

  Client client_;
  PropertyList list_;
};

}  // namespace

PropertyList consumer_properties(const v1::Config& config, unsigned worker_index) {
  const std::string id = worker_id(config, worker_index);
  ListBuilder list(Client::kConsumer);
  list.set_from_field("bootstrap.servers", config.bootstrap_servers());
  // Broker logs and quotas then name the worker, not "rdkafka".
  list.set("client.id", id, std::string(kDefault));
  // The prefetch limit queued.min.messages is checked against the whole consumer queue (the
  // partitions' queues forward to it), and each partition found over it waits
  // fetch.queue.backoff.ms before fetching again: librdkafka's 1 s default left the loop idle
  // most of each second once it had drained the queue (docs/perf/profile.md).
  list.set("fetch.queue.backoff.ms", "20", std::string(kDefault));
  list.set_all(config.kafka().common(), "kafka.common");
  list.set_all(config.kafka().consumer(), "kafka.consumer");
  list.set_from_field("group.id", config.group_id());
  // Only set when chosen, so a classic pipeline's property list is what it always was.
  if (config.group_protocol() == v1::CONSUMER) list.set_from_field("group.protocol", "consumer");
  if (config.static_membership()) list.set_from_field("group.instance.id", id);
  // auto.offset.reset is among them: the engine decides where partitions start.
  list.set_locked();
  return list.take();
}

std::uint64_t default_producer_queue_kbytes(const v1::Config& config) {
  return std::max<std::uint64_t>(2048, 2 * ((producer_message_max_bytes(config) + 1023) / 1024));
}

std::uint64_t producer_message_max_bytes(const v1::Config& config) {
  std::uint64_t bytes = 1000000;  // librdkafka's default
  for (const auto* map : {&config.kafka().common(), &config.kafka().producer()}) {
    const auto found = map->find("message.max.bytes");
    if (found == map->end()) continue;
    std::uint64_t value = 0;
    const auto [end, ec] =
        std::from_chars(found->second.data(), found->second.data() + found->second.size(), value);
    if (ec == std::errc() && end == found->second.data() + found->second.size()) bytes = value;
  }
  return bytes;
}

PropertyList producer_properties(const v1::Config& config, unsigned worker_index) {
  const std::string id = worker_id(config, worker_index);
  ListBuilder list(Client::kProducer);
  list.set_from_field("bootstrap.servers", config.bootstrap_servers());
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
  // A commit waits for every output still queued, so the producer queue's depth is the commit's
  // latency: librdkafka's 1 GB default let a saturated 1 KB pipeline queue about 100 MB and
  // commits took 300 ms at the median, 2 s at p99. 2 MB still keeps the broker busy on loopback
  // (docs/perf/profile.md has the sweep); it grows with message.max.bytes so the largest record
  // always fits.
  list.set("queue.buffering.max.kbytes", std::to_string(default_producer_queue_kbytes(config)),
           std::string(kDefault));
  list.set_all(config.kafka().common(), "kafka.common");
  list.set_all(config.kafka().producer(), "kafka.producer");
  list.set_from_field("transaction.timeout.ms", std::to_string(config.transaction_timeout_ms()));
  // at_least_once has no transactions: without transactional.id the producer is only idempotent.
  if (config.processing_guarantee() == v1::EXACTLY_ONCE) {
    list.set_from_field("transactional.id", id);
  }
  list.set_locked();
  return list.take();
}

}  // namespace txform::config
