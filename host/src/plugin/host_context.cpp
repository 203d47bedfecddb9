#include "plugin/host_context.hpp"

#include <algorithm>
#include <exception>

namespace txform::plugin {
namespace {

// A plugin's log line, passed to the engine's logger; never lets an exception reach the plugin.
void log_from_plugin(txform_host* host, txform_log_level level, const char* message,
                     size_t message_size) noexcept {
  if (host == nullptr || !host->logger || !*host->logger) return;
  const auto clamped = std::clamp<txform_log_level>(level, TXFORM_LOG_TRACE, TXFORM_LOG_ERROR);
  try {
    (*host->logger)(
        static_cast<LogLevel>(clamped), host->label,
        std::string_view(message == nullptr ? "" : message, message == nullptr ? 0 : message_size));
  } catch (...) {
    // A failing logger must not take the plugin down: the line is lost, nothing else.
  }
}

// Stores the reason for the status the plugin's current call is about to return.
void set_error_from_plugin(txform_host* host, const char* message, size_t message_size) noexcept {
  if (host == nullptr) return;
  try {
    host->error.assign(message == nullptr ? "" : message, message == nullptr ? 0 : message_size);
    host->error_set = true;
  } catch (...) {
    host->error.clear();  // out of memory: the status still gets through, without its reason
  }
}

constexpr txform_host_api kHostApi{
    sizeof(txform_host_api),
    &emit_from_plugin,
    &log_from_plugin,
    &set_error_from_plugin,
};

}  // namespace

const txform_host_api* host_api() noexcept {
  return &kHostApi;
}

}  // namespace txform::plugin
