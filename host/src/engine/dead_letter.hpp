// The dead-letter envelope: the original record plus why txform could not process it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

#include "engine/record_processor.hpp"

namespace txform::engine {

// Why a record went to the error policy: the status its dead letter and log lines carry.
enum class RejectStatus {
  kRecordError,     // a plugin returned RECORD_ERROR
  kRetryExhausted,  // a plugin kept returning RETRY past max_retries
  kProduceFailed,   // one of the record's outputs could not be produced
};

// The status as the envelope spells it (see proto/txform/dead_letter.proto).
constexpr const char* to_string(RejectStatus status) noexcept {
  switch (status) {
    case RejectStatus::kRecordError:
      return "RECORD_ERROR";
    case RejectStatus::kRetryExhausted:
      return "RETRY_EXHAUSTED";
    case RejectStatus::kProduceFailed:
      break;
  }
  return "PRODUCE_FAILED";
}

// Serialises a txform.v1.DeadLetter for `input` (see proto/txform/dead_letter.proto).
std::string make_dead_letter(const rd_kafka_message_t& input, const ProcessOutcome& why,
                             RejectStatus status, unsigned attempt);

}  // namespace txform::engine
