// The versions txform reports: its own, and the librdkafka it runs with.
#pragma once

#include <string>

namespace txform {

// One line naming txform's version and the librdkafka linked at run time.
std::string version_line();

}  // namespace txform
