#include "sequence.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace txform::tools {

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string sequence_key(int64_t seq) {
  char key[32];
  std::snprintf(key, sizeof key, "%010lld", static_cast<long long>(seq));
  return key;
}

int64_t parse_sequence_key(std::string_view key) {
  if (key.size() != 10 ||
      !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  int64_t seq = -1;
  std::from_chars(key.data(), key.data() + key.size(), seq);
  return seq;
}

std::string sequence_value(int64_t seq, size_t pad_bytes, std::string_view poison_prefix) {
  std::string body(poison_prefix);
  body += "seq=" + std::to_string(seq) + " pad=";
  // Filler that differs per record, so a value swapped between records fails its sum.
  for (size_t i = 0; i < pad_bytes; ++i) {
    body += static_cast<char>('a' + (static_cast<uint64_t>(seq) * 31 + i * 7) % 26);
  }
  char sum[32];
  std::snprintf(sum, sizeof sum, " sum=%016llx", static_cast<unsigned long long>(fnv1a64(body)));
  return body + sum;
}

std::optional<ParsedValue> parse_sequence_value(std::string_view value,
                                                std::string_view poison_prefix) {
  const auto sum_at = value.rfind(" sum=");
  if (sum_at == std::string_view::npos || value.size() - sum_at != 5 + 16) return std::nullopt;
  const std::string_view body = value.substr(0, sum_at);
  unsigned long long sum = 0;
  const char* digits = value.data() + sum_at + 5;
  if (std::from_chars(digits, digits + 16, sum, 16).ptr != digits + 16) return std::nullopt;
  if (sum != fnv1a64(body)) return std::nullopt;
  ParsedValue parsed;
  std::string_view rest = body;
  if (!poison_prefix.empty() && rest.substr(0, poison_prefix.size()) == poison_prefix) {
    parsed.poison = true;
    rest.remove_prefix(poison_prefix.size());
  }
  if (rest.substr(0, 4) != "seq=") return std::nullopt;
  rest.remove_prefix(4);
  const auto [end, err] = std::from_chars(rest.data(), rest.data() + rest.size(), parsed.seq);
  if (err != std::errc() || parsed.seq < 0) return std::nullopt;
  return parsed;
}

bool is_poison(int64_t seq, uint64_t seed, double fraction) {
  if (fraction <= 0) return false;
  // splitmix64 of (seed, seq): uniform enough, and the same on every run with this seed.
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(seq + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z % 1000000000ULL) < fraction * 1e9;
}

}  // namespace txform::tools
