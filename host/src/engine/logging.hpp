// Loggers: one per worker, named after its transactional.id, sharing one stderr sink.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace txform::engine {

enum class LogFormat { kText, kJson };

// Sets the level and format every logger made afterwards uses. `level` is an spdlog name
// (trace, debug, info, warn, error); false when it is not one.
bool configure_logging(const std::string& level, LogFormat format);

// A logger whose lines carry `name` (e.g. the worker's transactional.id).
std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

}  // namespace txform::engine
