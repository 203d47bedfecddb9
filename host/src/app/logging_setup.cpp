#include "app/logging_setup.hpp"

#include <cctype>
#include <string>

#include "engine/logging.hpp"

namespace txform::app {

std::shared_ptr<spdlog::logger> setup_logging(const config::v1::Config& config) {
  std::string level = config::v1::LogLevel_Name(config.log().level());
  for (char& c : level)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (level == "warn") level = "warning";
  engine::configure_logging(level, config.log().format() == config::v1::JSON
                                       ? engine::LogFormat::kJson
                                       : engine::LogFormat::kText);
  return engine::make_logger("txform");
}

}  // namespace txform::app
