#include "engine/dead_letter.hpp"

#include <chrono>

#include "kafka/headers.hpp"
#include "txform/dead_letter.pb.h"

namespace txform::engine {

std::string make_dead_letter(const rd_kafka_message_t& input, const ProcessOutcome& why,
                             RejectStatus status, unsigned attempt) {
  txform::v1::DeadLetter letter;
  if (input.key != nullptr) letter.set_key(static_cast<const char*>(input.key), input.key_len);
  if (input.payload != nullptr) {
    letter.set_value(static_cast<const char*>(input.payload), input.len);
  }
  kafka::for_each_header(input, [&letter](const char* name, const void* value, size_t size) {
    auto* header = letter.add_headers();
    header->set_key(name);
    if (value != nullptr) header->set_value(static_cast<const char*>(value), size);
  });
  letter.set_timestamp_ms(rd_kafka_message_timestamp(&input, nullptr));
  letter.set_source_topic(rd_kafka_topic_name(input.rkt));
  letter.set_source_partition(input.partition);
  letter.set_source_offset(input.offset);
  letter.set_plugin(why.plugin);
  letter.set_status(to_string(status));
  letter.set_message(why.message);
  letter.set_attempt(attempt);
  letter.set_failed_at_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  return letter.SerializeAsString();
}

}  // namespace txform::engine
