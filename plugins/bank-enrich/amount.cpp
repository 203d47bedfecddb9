#include "amount.hpp"

namespace bank_enrich {

std::string decimal_amount(int64_t minor, unsigned exponent, bool negative) {
  std::string digits = std::to_string(minor);
  if (exponent > 0) {
    // Left-pad so there is at least one digit before the point: 5 -> "005" -> "0.05".
    if (digits.size() <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
    digits.insert(digits.size() - exponent, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

}  // namespace bank_enrich
