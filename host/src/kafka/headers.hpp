// Reading a consumed message's headers without copying them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstddef>

namespace txform::kafka {

// Calls fn(name, value, size) for each header of `message`, in order; value is nullptr for a
// null header. The message keeps ownership: the pointers live as long as the message.
template <class Fn>
void for_each_header(const rd_kafka_message_t& message, Fn&& fn) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    fn(name, value, size);
  }
}

}  // namespace txform::kafka
