// The plugin chain stamped on committed offsets: length bound and ownership.
#include "engine/offset_metadata.hpp"

#include <gtest/gtest.h>

#include "kafka/handles.hpp"

namespace txform::engine {
namespace {

TEST(OffsetMetadata, ShortChainIsKeptAsIs) {
  EXPECT_EQ(offset_metadata("a@1.0,b@2.1"), "a@1.0,b@2.1");
}

TEST(OffsetMetadata, LongChainIsCutAndMarked) {
  const std::string cut = offset_metadata(std::string(5000, 'x'));
  EXPECT_EQ(cut.size(), kMaxOffsetMetadata);
  EXPECT_TRUE(cut.ends_with("..."));
}

TEST(OffsetMetadata, ListOwnsTheCopyAndReplacingFreesTheOld) {
  kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  auto* partition = rd_kafka_topic_partition_list_add(list.get(), "in", 0);
  set_offset_metadata(*partition, "a@1.0");
  set_offset_metadata(*partition, "a@2.0");  // the first copy is freed (ASan would see a leak)
  ASSERT_EQ(partition->metadata_size, 5u);
  EXPECT_EQ(std::string(static_cast<const char*>(partition->metadata), partition->metadata_size),
            "a@2.0");
  set_offset_metadata(*partition, "");
  EXPECT_EQ(partition->metadata, nullptr);
  EXPECT_EQ(partition->metadata_size, 0u);
}

}  // namespace
}  // namespace txform::engine
