#include "config/locked_properties.hpp"

#include <array>
#include <cctype>

namespace txform::config {
namespace {

// The table. An entry here is refused in every kafka.* map; its `why` is the error text.
// Aliases librdkafka accepts for the same property are listed too, or they would be a back door.
constexpr std::array<LockedProperty, 15> kLocked = {{
    // Offsets are committed inside the producer's transaction; an automatic commit would mark
    // input as done whose output may still be aborted.
    {"enable.auto.commit", Client::kConsumer, "false", "",
     "offsets are committed inside the transaction; an automatic commit would lose records whose "
     "transaction aborts"},
    {"auto.commit.enable", Client::kConsumer, "", "",
     "deprecated alias of enable.auto.commit, which txform sets to false"},
    // The engine decides which offsets go into the transaction; automatic storing would let a
    // stray commit advance past records not yet produced.
    {"enable.auto.offset.store", Client::kConsumer, "false", "",
     "txform stores offsets itself, only for records whose output is in the transaction"},
    // Reading another producer's aborted records would break exactly-once end to end.
    {"isolation.level", Client::kConsumer, "read_committed", "",
     "exactly-once needs read_committed so aborted upstream records are never processed"},
    // Transactions require idempotence; it also keeps at_least_once free of producer retries'
    // duplicates.
    {"enable.idempotence", Client::kProducer, "true", "",
     "transactions require the idempotent producer"},
    // Idempotence and transactions need every in-sync replica to acknowledge.
    {"acks", Client::kProducer, "all", "",
     "the idempotent, transactional producer requires acks=all"},
    {"request.required.acks", Client::kProducer, "", "", "alias of acks, which txform sets to all"},
    // The identity must be stable and per worker; it is derived from one field.
    {"transactional.id", Client::kProducer, "", "transactional_id",
     "it is derived per worker from the transactional_id field (<id>-<worker> with several "
     "workers)"},
    {"group.instance.id", Client::kConsumer, "", "static_membership",
     "it is derived per worker from transactional_id when static_membership is true; one shared "
     "value would make the workers fence each other"},
    {"group.id", Client::kConsumer, "", "group_id", "it is set by the group_id field"},
    {"bootstrap.servers", Client::kBoth, "", "bootstrap_servers",
     "it is set by the bootstrap_servers field"},
    {"metadata.broker.list", Client::kBoth, "", "bootstrap_servers",
     "alias of bootstrap.servers, set by the bootstrap_servers field"},
    // Must exceed the commit interval; validated against it, so it has one home.
    {"transaction.timeout.ms", Client::kProducer, "", "transaction_timeout_ms",
     "it is set by the transaction_timeout_ms field, which is checked against commit.interval_ms"},
    // librdkafka resetting a partition it cannot fetch (an out-of-range offset after an unclean
    // election) to its beginning would process committed records again: the engine decides every
    // start itself, a never-committed partition's from the auto_offset_reset field
    // (engine/start_offsets.hpp).
    {"auto.offset.reset", Client::kConsumer, "error", "auto_offset_reset",
     "txform decides where each partition starts (never-committed ones from the "
     "auto_offset_reset field) and restarts out-of-range fetches from the committed offsets"},
    // The rebalance callback and the property checks follow the protocol: one home for it.
    {"group.protocol", Client::kConsumer, "", "group_protocol",
     "it is set by the group_protocol field (classic | consumer)"},
}};

// ASCII case-insensitive equality.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::span<const LockedProperty> locked_properties() {
  return kLocked;
}

std::optional<LockedProperty> find_locked(std::string_view name) {
  for (const LockedProperty& lock : kLocked) {
    if (same_name(lock.name, name)) return lock;
  }
  return std::nullopt;
}

}  // namespace txform::config
