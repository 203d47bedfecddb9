// The rules a BankTransaction must pass before bank-enrich emits anything for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "txform/bank.pb.h"

namespace bank_enrich {

struct Limits {
  int64_t max_amount_minor = 0;  // 0: no limit
};

// Why `tx` is invalid (naming the field and the value), or nullopt when it is valid.
std::optional<std::string> invalid_reason(const txform::bank::v1::BankTransaction& tx,
                                          const Limits& limits);

}  // namespace bank_enrich
