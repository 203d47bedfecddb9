#include "example_plugin_test.hpp"
#include "txform/bank.pb.h"

namespace txform::plugin {
namespace {

using bank::v1::BankTransaction;
using bank::v1::EnrichedTransaction;

// A valid transfer of 12.34 EUR from NL-001 to DE-002.
BankTransaction transfer() {
  BankTransaction tx;
  tx.set_transaction_id("tx-1");
  tx.set_from_account("NL-001");
  tx.set_to_account("DE-002");
  tx.set_amount_minor(1234);
  tx.set_currency("EUR");
  tx.set_timestamp_ms(1700000000000);
  tx.set_description("rent");
  return tx;
}

class BankEnrichTest : public ExamplePluginTest {
 protected:
  void SetUp() override { load("bank-enrich"); }

  // Processes `tx` serialized as the record value.
  ProcessResult process_tx(const BankTransaction& tx) {
    value_ = tx.SerializeAsString();
    return process(plugin_testing::input("ignored", value_));
  }
  EnrichedTransaction output(size_t i) {
    EnrichedTransaction out;
    EXPECT_TRUE(out.ParseFromString(sink_.records.at(i).value.value_or("")));
    return out;
  }

  std::string value_;
};

TEST_F(BankEnrichTest, EmitsADebitAndACreditKeyedByAccount) {
  ASSERT_TRUE(process_tx(transfer()).ok());
  ASSERT_EQ(sink_.records.size(), 2u);
  EXPECT_EQ(sink_.records[0].key, "NL-001");
  EXPECT_EQ(sink_.records[1].key, "DE-002");
  EXPECT_EQ(sink_.records[0].timestamp_ms, 1700000000000);

  const EnrichedTransaction debit = output(0);
  EXPECT_EQ(debit.account(), "NL-001");
  EXPECT_EQ(debit.counterparty(), "DE-002");
  EXPECT_EQ(debit.direction(), bank::v1::DIRECTION_DEBIT);
  EXPECT_EQ(debit.amount(), "-12.34");
  EXPECT_EQ(debit.currency_exponent(), 2u);
  EXPECT_EQ(debit.transaction_id(), "tx-1");
  EXPECT_EQ(debit.description(), "rent");
  EXPECT_EQ(debit.source_topic(), "in");
  EXPECT_EQ(debit.source_partition(), 2);
  EXPECT_EQ(debit.source_offset(), 7);
  EXPECT_EQ(debit.enriched_by(), "bank-enrich@1.0.0");
  EXPECT_FALSE(debit.high_value());

  const EnrichedTransaction credit = output(1);
  EXPECT_EQ(credit.direction(), bank::v1::DIRECTION_CREDIT);
  EXPECT_EQ(credit.amount(), "12.34");
}

TEST_F(BankEnrichTest, FormatsAmountsInTheCurrencysMinorUnits) {
  BankTransaction tx = transfer();
  tx.set_currency("JPY");
  tx.set_amount_minor(500);
  ASSERT_TRUE(process_tx(tx).ok());
  EXPECT_EQ(output(1).amount(), "500");
  tx.set_currency("KWD");
  tx.set_amount_minor(5);
  ASSERT_TRUE(process_tx(tx).ok());
  EXPECT_EQ(output(3).amount(), "0.005");
}

TEST_F(BankEnrichTest, FlagsHighValueTransfersFromItsConfig) {
  load("bank-enrich", {{"high_value_minor", "1000"}});
  ASSERT_TRUE(process_tx(transfer()).ok());
  EXPECT_TRUE(output(0).high_value());
}

struct InvalidCase {
  const char* name;
  void (*mutate)(BankTransaction&);
  const char* reason;
};

class BankEnrichInvalidTest : public BankEnrichTest,
                              public ::testing::WithParamInterface<InvalidCase> {};

TEST_P(BankEnrichInvalidTest, IsARecordErrorWithTheReasonAndEmitsNothing) {
  BankTransaction tx = transfer();
  GetParam().mutate(tx);
  const ProcessResult result = process_tx(tx);
  EXPECT_EQ(result.status, Status::record_error);
  EXPECT_EQ(result.message, GetParam().reason);
  EXPECT_EQ(result.plugin, "bank-enrich@1.0.0");
  EXPECT_TRUE(sink_.records.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Validation, BankEnrichInvalidTest,
    ::testing::Values(
        InvalidCase{"NoId", [](BankTransaction& tx) { tx.clear_transaction_id(); },
                    "transaction '': transaction_id is empty"},
        InvalidCase{"BadFrom", [](BankTransaction& tx) { tx.set_from_account("NL 001"); },
                    "transaction 'tx-1': from_account 'NL 001' is not 1-34 letters, digits or "
                    "'-'"},
        InvalidCase{"NoTo", [](BankTransaction& tx) { tx.clear_to_account(); },
                    "transaction 'tx-1': to_account '' is not 1-34 letters, digits or '-'"},
        InvalidCase{"SameAccount", [](BankTransaction& tx) { tx.set_to_account("NL-001"); },
                    "transaction 'tx-1': from_account and to_account are both 'NL-001'"},
        InvalidCase{"NegativeAmount", [](BankTransaction& tx) { tx.set_amount_minor(-5); },
                    "transaction 'tx-1': amount_minor must be positive, got -5"},
        InvalidCase{"ZeroAmount", [](BankTransaction& tx) { tx.set_amount_minor(0); },
                    "transaction 'tx-1': amount_minor must be positive, got 0"},
        InvalidCase{"LowerCaseCurrency", [](BankTransaction& tx) { tx.set_currency("eur"); },
                    "transaction 'tx-1': currency 'eur' is not an ISO 4217 code (three "
                    "upper-case letters)"},
        InvalidCase{"UnknownCurrency", [](BankTransaction& tx) { tx.set_currency("XYZ"); },
                    "transaction 'tx-1': currency 'XYZ' is not supported"},
        InvalidCase{"NoTimestamp", [](BankTransaction& tx) { tx.clear_timestamp_ms(); },
                    "transaction 'tx-1': timestamp_ms must be positive, got 0"}),
    [](const ::testing::TestParamInfo<InvalidCase>& param_info) { return param_info.param.name; });

TEST_F(BankEnrichTest, RejectsAValueThatIsNotABankTransaction) {
  const ProcessResult garbage = process(plugin_testing::input("k", "\xff\xff\xff not protobuf"));
  EXPECT_EQ(garbage.status, Status::record_error);
  EXPECT_NE(std::string(garbage.message).find("is not a txform.bank.v1.BankTransaction"),
            std::string::npos);
  const ProcessResult empty = process(plugin_testing::input("k", {}));
  EXPECT_EQ(empty.status, Status::record_error);
  EXPECT_EQ(empty.message, "empty value: expected a txform.bank.v1.BankTransaction");
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(BankEnrichTest, RejectsAmountsOverTheConfiguredLimit) {
  load("bank-enrich", {{"max_amount_minor", "1000"}});
  const ProcessResult result = process_tx(transfer());
  EXPECT_EQ(result.status, Status::record_error);
  EXPECT_EQ(result.message, "transaction 'tx-1': amount_minor 1234 is over the limit of 1000");
}

}  // namespace
}  // namespace txform::plugin
