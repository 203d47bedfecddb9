// The configuration's log settings applied to the process's loggers.
#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "txform/config.pb.h"

namespace txform::app {

// Applies the config's log level and format to every logger made from now on; returns the
// process-wide logger.
std::shared_ptr<spdlog::logger> setup_logging(const config::v1::Config& config);

}  // namespace txform::app
