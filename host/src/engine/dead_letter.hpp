// The dead-letter envelope: the original record plus why txform could not process it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

#include "engine/record_processor.hpp"

namespace txform::engine {

// Serialises a txform.v1.DeadLetter for `input` (see proto/txform/dead_letter.proto).
std::string make_dead_letter(const rd_kafka_message_t& input, const ProcessOutcome& why,
                             const std::string& status, unsigned attempt);

}  // namespace txform::engine
