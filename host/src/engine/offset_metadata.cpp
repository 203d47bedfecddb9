#include "engine/offset_metadata.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace txform::engine {

std::string offset_metadata(std::string chain) {
  if (chain.size() > kMaxOffsetMetadata) {
    chain.resize(kMaxOffsetMetadata - 3);
    chain += "...";
  }
  return chain;
}

void set_offset_metadata(rd_kafka_topic_partition_t& partition, const std::string& metadata) {
  std::free(partition.metadata);
  partition.metadata = nullptr;
  partition.metadata_size = 0;
  if (metadata.empty()) return;
  // malloc, not new: rd_kafka_topic_partition_list_destroy() releases it with free().
  void* copy = std::malloc(metadata.size());
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, metadata.data(), metadata.size());
  partition.metadata = copy;
  partition.metadata_size = metadata.size();
}

}  // namespace txform::engine
