// The librdkafka properties txform controls itself: the one table of property locks.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace txform::config {

// Which client a forced value is applied to.
enum class Client { kConsumer, kProducer, kBoth };

// One property a user may not set under `kafka.*`.
struct LockedProperty {
  std::string_view name;     // librdkafka property name
  Client client;             // where txform applies its value
  std::string_view forced;   // the value txform always sets; empty when a config field sets it
  std::string_view own_key;  // the config key to use instead, if any ("group_id"); when
                             // `forced` is empty, the field its value comes from
  std::string_view why;      // shown to the user when they try to override it
};

// Every locked property, in the order the forced values are applied.
std::span<const LockedProperty> locked_properties();

// The lock for `name` (compared case-insensitively), if it is locked.
std::optional<LockedProperty> find_locked(std::string_view name);

}  // namespace txform::config
