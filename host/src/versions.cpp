#include "versions.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "txform/plugin.h"
#include "txform/version.hpp"

namespace txform {

std::string version_line() {
  // rd_kafka_version_str() is the library loaded at run time, which may differ from the headers.
  return fmt::format("txform {} (plugin ABI {}.{}, librdkafka {})", kVersion,
                     TXFORM_ABI_VERSION_MAJOR, TXFORM_ABI_VERSION_MINOR, rd_kafka_version_str());
}

}  // namespace txform
