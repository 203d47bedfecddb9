// The librdkafka property lists for each worker's consumer and producer, built from the config.
#pragma once

#include <cstdint>

#include "config/property_list.hpp"
#include "txform/config.pb.h"

namespace txform::config {

// Worker `worker_index`'s consumer: defaults, then kafka.common, then kafka.consumer, then the
// values of txform's own fields and the locked values (which always win).
PropertyList consumer_properties(const v1::Config& config, unsigned worker_index);

// Worker `worker_index`'s producer, built like consumer_properties(); transactional only in
// exactly_once mode.
PropertyList producer_properties(const v1::Config& config, unsigned worker_index);

// message.max.bytes as the producer will see it (kafka.producer over kafka.common over
// librdkafka's default); unparsable values are left to librdkafka to refuse.
std::uint64_t producer_message_max_bytes(const v1::Config& config);

// txform's queue.buffering.max.kbytes: 2 MB, or two of the largest records if that is more.
std::uint64_t default_producer_queue_kbytes(const v1::Config& config);

}  // namespace txform::config
