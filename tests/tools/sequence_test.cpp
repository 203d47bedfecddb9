// The record format loadgen writes and verify trusts: a wrong checksum, a swapped value or a
// foreign key must be refused, or verify could count garbage as a delivered record.
#include "sequence.hpp"

#include <gtest/gtest.h>

namespace txform::tools {
namespace {

TEST(Sequence, KeyRoundTrips) {
  EXPECT_EQ(sequence_key(42), "0000000042");
  EXPECT_EQ(parse_sequence_key(sequence_key(1234567)), 1234567);
  EXPECT_EQ(parse_sequence_key("12345"), -1);
  EXPECT_EQ(parse_sequence_key("00000000x1"), -1);
}

TEST(Sequence, ValueRoundTripsWithPoisonFlag) {
  const auto clean = parse_sequence_value(sequence_value(7, 24, ""), "poison ");
  ASSERT_TRUE(clean);
  EXPECT_EQ(clean->seq, 7);
  EXPECT_FALSE(clean->poison);
  const auto bad = parse_sequence_value(sequence_value(8, 24, "poison "), "poison ");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->seq, 8);
  EXPECT_TRUE(bad->poison);
}

TEST(Sequence, CorruptValueIsRefused) {
  std::string value = sequence_value(9, 24, "");
  value[value.find("pad=") + 5] ^= 1;  // one flipped bit in the filler
  EXPECT_FALSE(parse_sequence_value(value, "poison "));
  EXPECT_FALSE(parse_sequence_value("out:" + sequence_value(9, 24, ""), "poison "));
  EXPECT_FALSE(parse_sequence_value("", "poison "));
  // Another record's value carries another seq: verify compares it with the key.
  EXPECT_EQ(parse_sequence_value(sequence_value(10, 24, ""), "")->seq, 10);
}

TEST(Sequence, PoisonIsDeterministicAndNearTheFraction) {
  int64_t poison = 0;
  for (int64_t seq = 0; seq < 100000; ++seq) {
    EXPECT_EQ(is_poison(seq, 5, 0.01), is_poison(seq, 5, 0.01));
    poison += is_poison(seq, 5, 0.01) ? 1 : 0;
  }
  EXPECT_GT(poison, 800);
  EXPECT_LT(poison, 1200);
  EXPECT_FALSE(is_poison(3, 5, 0));
}

}  // namespace
}  // namespace txform::tools
