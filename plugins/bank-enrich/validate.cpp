#include "validate.hpp"

#include <string_view>

#include "currency.hpp"

namespace bank_enrich {
namespace {

// An account id: 1-34 letters, digits or '-' (34 is the longest IBAN).
bool valid_account(std::string_view id) {
  if (id.empty() || id.size() > 34) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Three upper-case ASCII letters, the shape of every ISO 4217 code.
bool iso4217_shape(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> invalid_reason(const txform::bank::v1::BankTransaction& tx,
                                          const Limits& limits) {
  if (tx.transaction_id().empty()) return "transaction_id is empty";
  if (!valid_account(tx.from_account())) {
    return "from_account '" + tx.from_account() + "' is not 1-34 letters, digits or '-'";
  }
  if (!valid_account(tx.to_account())) {
    return "to_account '" + tx.to_account() + "' is not 1-34 letters, digits or '-'";
  }
  if (tx.from_account() == tx.to_account()) {
    return "from_account and to_account are both '" + tx.from_account() + "'";
  }
  if (tx.amount_minor() <= 0) {
    return "amount_minor must be positive, got " + std::to_string(tx.amount_minor());
  }
  if (limits.max_amount_minor > 0 && tx.amount_minor() > limits.max_amount_minor) {
    return "amount_minor " + std::to_string(tx.amount_minor()) + " is over the limit of " +
           std::to_string(limits.max_amount_minor);
  }
  if (!iso4217_shape(tx.currency())) {
    return "currency '" + tx.currency() + "' is not an ISO 4217 code (three upper-case letters)";
  }
  if (!currency_exponent(tx.currency())) {
    return "currency '" + tx.currency() + "' is not supported";
  }
  if (tx.timestamp_ms() <= 0) {
    return "timestamp_ms must be positive, got " + std::to_string(tx.timestamp_ms());
  }
  return std::nullopt;
}

}  // namespace bank_enrich
