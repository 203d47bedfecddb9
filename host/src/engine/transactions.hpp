// The producer's transactional calls, behind an interface: librdkafka's mock cluster keeps no
// transaction outcome, so its tests stand in their own (tests/unit/engine/mock_harness.hpp).
// Each call is made once per transaction step, never per record.
#pragma once

#include <librdkafka/rdkafka.h>

namespace txform::engine {

class Transactions {
 public:
  virtual ~Transactions() = default;

  // librdkafka's calls of the same names; each returns an error the caller owns, or NULL.
  virtual rd_kafka_error_t* init(rd_kafka_t* producer, int timeout_ms) {
    return rd_kafka_init_transactions(producer, timeout_ms);
  }
  virtual rd_kafka_error_t* begin(rd_kafka_t* producer) {
    return rd_kafka_begin_transaction(producer);
  }
  // The consumer's group metadata, owned by the caller: fetched again for every commit.
  virtual rd_kafka_consumer_group_metadata_t* group_metadata(rd_kafka_t* consumer) {
    return rd_kafka_consumer_group_metadata(consumer);
  }
  virtual rd_kafka_error_t* send_offsets(rd_kafka_t* producer,
                                         const rd_kafka_topic_partition_list_t* offsets,
                                         const rd_kafka_consumer_group_metadata_t* group,
                                         int timeout_ms) {
    return rd_kafka_send_offsets_to_transaction(producer, offsets, group, timeout_ms);
  }
  virtual rd_kafka_error_t* commit(rd_kafka_t* producer, int timeout_ms) {
    return rd_kafka_commit_transaction(producer, timeout_ms);
  }
  virtual rd_kafka_error_t* abort(rd_kafka_t* producer, int timeout_ms) {
    return rd_kafka_abort_transaction(producer, timeout_ms);
  }
};

}  // namespace txform::engine
