#include "engine/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>

namespace txform::engine {
namespace {

spdlog::level::level_enum g_level = spdlog::level::info;
LogFormat g_format = LogFormat::kText;

// One JSON object per line: {"ts","level","logger","msg"}, for log shippers.
class JsonLinesFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    const size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    fmt::format_to(std::back_inserter(dest), R"({{"ts":"{}.{:03}Z","level":"{}","logger":)",
                   std::string_view(stamp, n), ms % 1000, spdlog::level::to_string_view(msg.level));
    append_string(dest, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    fmt::format_to(std::back_inserter(dest), R"(,"msg":)");
    append_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.push_back('}');
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLinesFormatter>();
  }

 private:
  static void append_string(spdlog::memory_buf_t& dest, std::string_view text) {
    dest.push_back('"');
    for (const char c : text) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            fmt::format_to(std::back_inserter(dest), "\\u{:04x}", static_cast<int>(c));
          } else {
            dest.push_back(c);
          }
      }
    }
    dest.push_back('"');
  }
};

std::shared_ptr<spdlog::sinks::stderr_sink_mt> shared_sink() {
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}

}  // namespace

bool configure_logging(const std::string& level, LogFormat format) {
  const auto parsed = spdlog::level::from_str(level);
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off && level != "off") return false;
  g_level = parsed;
  g_format = format;
  return true;
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
  auto logger = std::make_shared<spdlog::logger>(name, shared_sink());
  if (g_format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonLinesFormatter>());
  } else {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v", spdlog::pattern_time_type::utc));
  }
  logger->set_level(g_level);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

}  // namespace txform::engine
