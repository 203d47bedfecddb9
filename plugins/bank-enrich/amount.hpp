// Minor units to a decimal string, exactly (no floating point near money).
#pragma once

#include <cstdint>
#include <string>

namespace bank_enrich {

// `minor` (> 0) in major units with `exponent` decimals, negated when `negative`:
// (1234, 2, true) -> "-12.34"; (5, 2, false) -> "0.05"; (700, 0, false) -> "700".
std::string decimal_amount(int64_t minor, unsigned exponent, bool negative);

}  // namespace bank_enrich
