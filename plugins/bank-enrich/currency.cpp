#include "currency.hpp"

#include <array>
#include <utility>

namespace bank_enrich {
namespace {

// A deliberately short list: a bank pipeline names the currencies it settles in.
constexpr std::array<std::pair<std::string_view, unsigned>, 32> kCurrencies{{
    {"AUD", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2},
    {"CZK", 2}, {"DKK", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"HUF", 2}, {"INR", 2}, {"ISK", 0},
    {"JOD", 3}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"MXN", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3},
    {"PLN", 2}, {"RON", 2}, {"SEK", 2}, {"SGD", 2}, {"TND", 3}, {"TRY", 2}, {"USD", 2}, {"ZAR", 2},
}};

}  // namespace

std::optional<unsigned> currency_exponent(std::string_view code) {
  for (const auto& [name, exponent] : kCurrencies) {
    if (name == code) return exponent;
  }
  return std::nullopt;
}

}  // namespace bank_enrich
