#include "versions.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "txform/version.hpp"

TEST(Versions, LineNamesTxformAndRuntimeLibrdkafka) {
  const std::string line = txform::version_line();
  EXPECT_NE(line.find(std::string("txform ") + txform::kVersion), std::string::npos) << line;
  EXPECT_NE(line.find(std::string("librdkafka ") + rd_kafka_version_str()), std::string::npos)
      << line;
}
