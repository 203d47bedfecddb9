// `txform check --connect`: asks the brokers for every topic the pipeline names.
#pragma once

#include <string>
#include <vector>

#include "txform/config.pb.h"

namespace txform::app {

// The problems found: brokers that did not answer, or topics that do not exist (patterns,
// ^..., are not looked up). Empty when every topic exists.
std::vector<std::string> check_topics(const config::v1::Config& config);

}  // namespace txform::app
