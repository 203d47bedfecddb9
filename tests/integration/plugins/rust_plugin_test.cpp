// The Rust example plugin (plugins/rust-uppercase) in a real exactly-once pipeline on the broker:
// every record upper-cased exactly once, and its RECORD_ERRORs dead-lettered with their message.
#include <signal.h>

#include <set>

#include "../engine/pipeline_fixture.hpp"
#include "txform/dead_letter.pb.h"

namespace txform::testing {
namespace {

class RustPlugin : public PipelineTest {};

std::string value_of(int64_t seq) {
  return seq % 50 == 3 ? "reject-" + std::to_string(seq) : "value-" + std::to_string(seq);
}

TEST_F(RustPlugin, UppercaseRunsExactlyOnceAndDeadLettersWhatItRejects) {
  create_topics(3);
  constexpr int64_t kCount = 3000;
  produce_sequence(input_, partitions_, kCount, value_of);
  auto txform = start(
      config("uppercase", {{"reject_prefix", "reject-"}},
             "error_policy: {on_record_error: dead_letter, dead_letter_topic: " + dlq_ + "}\n"));
  expect_all_committed();
  txform->signal(SIGTERM);
  EXPECT_EQ(txform->wait(), 0) << txform->output();

  constexpr int64_t kRejected = kCount / 50;
  const auto outputs = expect_exactly_once_output(kCount, kCount - kRejected);
  for (const auto& record : outputs) {
    const int64_t seq = parse_sequence_key(record.key);
    ASSERT_EQ(record.value, "VALUE-" + std::to_string(seq)) << record.key;
  }
  const auto letters = read_topic(dlq_, 1, "read_committed");
  ASSERT_EQ(static_cast<int64_t>(letters.size()), kRejected);
  std::set<int64_t> seen;
  for (const auto& record : letters) {
    txform::v1::DeadLetter letter;
    ASSERT_TRUE(letter.ParseFromString(record.value));
    const int64_t seq = parse_sequence_key(letter.key());
    EXPECT_EQ(seq % 50, 3) << letter.key();
    EXPECT_TRUE(seen.insert(seq).second) << "dead-lettered twice: " << seq;
    EXPECT_EQ(letter.value(), "reject-" + std::to_string(seq));
    EXPECT_EQ(letter.status(), "RECORD_ERROR");
    EXPECT_EQ(letter.message(), "value starts with 'reject-'");
    EXPECT_EQ(letter.plugin(), "uppercase@1.0.0");
  }
}

}  // namespace
}  // namespace txform::testing
