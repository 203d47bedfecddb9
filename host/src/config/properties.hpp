// The librdkafka property lists for each worker's consumer and producer, built from the config.
#pragma once

#include "config/property_list.hpp"
#include "txform/config.pb.h"

namespace txform::config {

// Worker `worker_index`'s consumer: defaults, then kafka.common, then kafka.consumer, then the
// values of txform's own fields and the locked values (which always win).
PropertyList consumer_properties(const v1::Config& config, unsigned worker_index);

// Worker `worker_index`'s producer, built like consumer_properties(); transactional only in
// exactly_once mode.
PropertyList producer_properties(const v1::Config& config, unsigned worker_index);

}  // namespace txform::config
