// Records taken from the consumer queue in one call, freed together when the loop is done with
// them (or when a Stop unwinds past them).
#pragma once

#include <librdkafka/rdkafka.h>

#include <array>
#include <cstddef>

namespace txform::engine {

class ConsumedBatch {
 public:
  // Enough to amortise the call, the clock read and the producer poll over many records, few
  // enough that a batch is a few milliseconds of work at most.
  static constexpr size_t kCapacity = 512;

  ConsumedBatch() = default;
  ~ConsumedBatch() { release(); }
  ConsumedBatch(const ConsumedBatch&) = delete;
  ConsumedBatch& operator=(const ConsumedBatch&) = delete;

  // Appends up to `limit` records (and consumer errors) from `queue`, waiting up to `timeout_ms`
  // for them; librdkafka serves callbacks (rebalances, errors, statistics) inside the call.
  void fill(rd_kafka_queue_t* queue, int timeout_ms, size_t limit = kCapacity) {
    const size_t room = kCapacity - size_;
    const ssize_t got = rd_kafka_consume_batch_queue(queue, timeout_ms, messages_.data() + size_,
                                                     limit < room ? limit : room);
    if (got > 0) size_ += static_cast<size_t>(got);
  }

  void release() {
    for (size_t i = 0; i < size_; ++i)
      rd_kafka_message_destroy(messages_[i]);
    size_ = 0;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const rd_kafka_message_t* operator[](size_t i) const { return messages_[i]; }

 private:
  std::array<rd_kafka_message_t*, kCapacity> messages_{};
  size_t size_ = 0;
};

}  // namespace txform::engine
