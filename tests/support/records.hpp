// Sequence-numbered test records: write them, read them back, and check exactly-once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace txform::testing {

struct Record {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
};

// The key of record `seq`: zero-padded so keys sort like numbers.
std::string sequence_key(int64_t seq);
// Parses a sequence_key(); -1 when `key` is not one.
int64_t parse_sequence_key(const std::string& key);

// Produces records 0..count-1 (key = sequence_key(seq), value = value_of(seq)) with an
// idempotent producer, record seq into partition seq % partitions; fails the test on error.
void produce_sequence(const std::string& topic, int partitions, int64_t count,
                      const std::function<std::string(int64_t)>& value_of);

// Every record of every partition of `topic`, up to the end visible to `isolation_level`.
std::vector<Record> read_topic(const std::string& topic, int partitions,
                               const std::string& isolation_level = "read_committed");

// Waits until `group` has committed, for every partition of `topic`, the offset in `ends`
// (ends[p] = end offset of partition p); false on timeout.
bool wait_for_committed(const std::string& group, const std::string& topic,
                        const std::vector<int64_t>& ends,
                        std::chrono::seconds timeout = std::chrono::seconds(180));

// The end offset (high watermark, open transactions included) of every partition.
std::vector<int64_t> end_offsets(const std::string& topic, int partitions);

// What went wrong, if anything, with records 0..count-1 in `outputs`: missing, duplicated, and
// out of order (two records of one input partition in one output partition, wrong order).
struct ExactlyOnceReport {
  std::vector<int64_t> missing;
  std::vector<int64_t> duplicated;
  std::vector<int64_t> out_of_order;
  std::vector<std::string> unknown_keys;
  bool ok() const {
    return missing.empty() && duplicated.empty() && out_of_order.empty() && unknown_keys.empty();
  }
  std::string summary() const;
};
ExactlyOnceReport check_exactly_once(int64_t count, int input_partitions,
                                     const std::vector<Record>& outputs);

}  // namespace txform::testing
