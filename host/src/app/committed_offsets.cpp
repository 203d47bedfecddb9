#include "app/committed_offsets.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "kafka/handles.hpp"
#include "plugin/bytes.hpp"

namespace txform::app {

std::vector<CommittedOffset> committed_offsets(rd_kafka_t* client, const std::string& group) {
  kafka::QueuePtr queue(rd_kafka_queue_new(client));
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);  // nullptr: all partitions
  rd_kafka_ListConsumerGroupOffsets(client, &request, 1, nullptr, queue.get());
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 30000));
  if (!event) throw std::runtime_error("the brokers did not answer within 30 s");
  if (rd_kafka_event_error(event.get()))
    throw std::runtime_error(rd_kafka_event_error_string(event.get()));
  const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
  size_t count = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count);
  std::vector<CommittedOffset> offsets;
  for (size_t g = 0; g < count; ++g) {
    if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[g])) {
      throw std::runtime_error(rd_kafka_error_string(error));
    }
    const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(groups[g]);
    for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
      const auto& p = partitions->elems[i];
      if (p.offset < 0) continue;  // nothing committed
      offsets.push_back({p.topic, p.partition, p.offset,
                         std::string(plugin::bytes_view(p.metadata, p.metadata_size))});
    }
  }
  std::sort(offsets.begin(), offsets.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return offsets;
}

}  // namespace txform::app
