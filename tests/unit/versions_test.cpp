#include "versions.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "txform/plugin.h"
#include "txform/version.hpp"

TEST(Versions, LineNamesTxformAbiAndRuntimeLibrdkafka) {
  const std::string line = txform::version_line();
  EXPECT_NE(line.find(std::string("txform ") + txform::kVersion), std::string::npos) << line;
  EXPECT_NE(line.find(std::string("librdkafka ") + rd_kafka_version_str()), std::string::npos)
      << line;
  EXPECT_NE(line.find("plugin ABI " + std::to_string(TXFORM_ABI_VERSION_MAJOR) + "." +
                      std::to_string(TXFORM_ABI_VERSION_MINOR)),
            std::string::npos)
      << line;
}
