// bank-enrich: decodes a BankTransaction, validates it, and emits one EnrichedTransaction per
// side of the transfer (the debit keyed by from_account, the credit keyed by to_account).
// An invalid input is a RECORD_ERROR with the reason; nothing is emitted for it.
//
// Config:
//   high_value_minor  amount_minor from which high_value is set (default 1000000)
//   max_amount_minor  larger amounts are rejected (default 0: no limit)
#include <string>
#include <txform/plugin.hpp>

#include "amount.hpp"
#include "currency.hpp"
#include "txform/bank.pb.h"
#include "validate.hpp"

namespace {

constexpr const char* kName = "bank-enrich";
constexpr const char* kVersion = "1.0.0";

using txform::bank::v1::BankTransaction;
using txform::bank::v1::Direction;
using txform::bank::v1::EnrichedTransaction;

class BankEnrich {
 public:
  explicit BankEnrich(const txform::Config& config)
      : high_value_minor_(config.get_int_or("high_value_minor", 1000000)),
        limits_{config.get_int_or("max_amount_minor", 0)} {
    config.expect_only({"high_value_minor", "max_amount_minor"});
  }

  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    if (!in.has_value() || in.value().empty()) {
      throw txform::RecordError("empty value: expected a txform.bank.v1.BankTransaction");
    }
    if (!input_.ParseFromArray(in.value().data(), static_cast<int>(in.value().size()))) {
      throw txform::RecordError("value is not a txform.bank.v1.BankTransaction (" +
                                std::to_string(in.value().size()) + " bytes did not parse)");
    }
    if (auto reason = invalid_reason(input_, limits_)) {
      throw txform::RecordError("transaction '" + input_.transaction_id() + "': " + *reason);
    }
    const txform::Status debit = emit_side(in, Direction::DIRECTION_DEBIT, out);
    if (debit != txform::Status::ok) return debit;
    return emit_side(in, Direction::DIRECTION_CREDIT, out);
  }

 private:
  // Emits the debit or credit side of input_, keyed by that side's account.
  txform::Status emit_side(const txform::RecordView& in, Direction direction,
                           txform::Emitter& out) {
    const bool debit = direction == Direction::DIRECTION_DEBIT;
    const unsigned exponent = *bank_enrich::currency_exponent(input_.currency());
    output_.Clear();
    output_.set_transaction_id(input_.transaction_id());
    output_.set_from_account(input_.from_account());
    output_.set_to_account(input_.to_account());
    output_.set_amount_minor(input_.amount_minor());
    output_.set_currency(input_.currency());
    output_.set_timestamp_ms(input_.timestamp_ms());
    output_.set_description(input_.description());
    output_.set_account(debit ? input_.from_account() : input_.to_account());
    output_.set_counterparty(debit ? input_.to_account() : input_.from_account());
    output_.set_direction(direction);
    output_.set_amount(bank_enrich::decimal_amount(input_.amount_minor(), exponent, debit));
    output_.set_currency_exponent(exponent);
    output_.set_high_value(input_.amount_minor() >= high_value_minor_);
    output_.set_source_topic(std::string(in.topic()));
    output_.set_source_partition(in.partition());
    output_.set_source_offset(in.offset());
    output_.set_enriched_by(std::string(kName) + "@" + kVersion);
    if (!output_.SerializeToString(&buffer_)) {
      throw txform::FatalError("cannot serialize EnrichedTransaction");
    }
    txform::Record record;
    record.key = output_.account();
    record.value = buffer_;
    record.timestamp_ms = input_.timestamp_ms();
    return out.emit(record);
  }

  int64_t high_value_minor_;
  bank_enrich::Limits limits_;
  BankTransaction input_;       // reused across records
  EnrichedTransaction output_;  // reused across records
  std::string buffer_;
};

}  // namespace

TXFORM_PLUGIN(BankEnrich, kName, kVersion)
