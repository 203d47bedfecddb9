// The currencies bank-enrich accepts, with their ISO 4217 minor-unit digits.
#pragma once

#include <optional>
#include <string_view>

namespace bank_enrich {

// Minor-unit digits of an ISO 4217 code (2 for EUR, 0 for JPY, 3 for KWD); nullopt if unknown.
std::optional<unsigned> currency_exponent(std::string_view code);

}  // namespace bank_enrich
