// The records loadgen writes and verify checks: key = zero-padded sequence number, value carries
// the sequence number and a checksum of itself, so a reader can tell a real input from garbage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace txform::tools {

// Key of record `seq`: ten digits, so keys sort like numbers.
std::string sequence_key(int64_t seq);
// The sequence number in a key, or -1 when it is not a sequence_key().
int64_t parse_sequence_key(std::string_view key);

// Value of record `seq`: "[<poison_prefix>]seq=<seq> pad=<filler> sum=<16 hex digits>", where the
// sum is FNV-1a 64 over everything before " sum=". `pad_bytes` sets the filler length.
std::string sequence_value(int64_t seq, size_t pad_bytes, std::string_view poison_prefix);

struct ParsedValue {
  int64_t seq = -1;
  bool poison = false;
};
// Parses and checksums a sequence_value(); nullopt when it is malformed or its sum is wrong.
std::optional<ParsedValue> parse_sequence_value(std::string_view value,
                                                std::string_view poison_prefix);

// Whether record `seq` is poison for a run with this seed and fraction (deterministic).
bool is_poison(int64_t seq, uint64_t seed, double fraction);

uint64_t fnv1a64(std::string_view bytes);

}  // namespace txform::tools
