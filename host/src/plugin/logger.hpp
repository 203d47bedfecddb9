// The logging hook the engine supplies: plugins' log lines and the loader's warnings go through it.
#pragma once

#include <functional>
#include <string_view>

namespace txform::plugin {

enum class LogLevel { trace, debug, info, warn, error };

// `source` is the plugin's name@version, or "plugin-loader" for the loader's own messages. Every
// worker's chain calls the same logger, so it must be thread-safe (spdlog's loggers are).
using PluginLogger =
    std::function<void(LogLevel level, std::string_view source, std::string_view message)>;

inline constexpr std::string_view kLoaderSource = "plugin-loader";

}  // namespace txform::plugin
