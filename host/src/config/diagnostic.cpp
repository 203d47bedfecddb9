#include "config/diagnostic.hpp"

#include <fmt/format.h>

#include <utility>

namespace txform::config {
namespace {

// All diagnostics joined by newlines, the text of ConfigError::what().
std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!text.empty()) text += '\n';
    text += to_string(diagnostic);
  }
  return text;
}

}  // namespace

std::string to_string(const Diagnostic& diagnostic) {
  // The compiler-style prefix lets editors and CI annotate the line directly.
  std::string text;
  if (!diagnostic.file.empty()) text += diagnostic.file + ":";
  if (diagnostic.line > 0) text += fmt::format("{}:{}:", diagnostic.line, diagnostic.column);
  if (!text.empty()) text += ' ';
  if (!diagnostic.key_path.empty()) text += diagnostic.key_path + ": ";
  return text + diagnostic.message;
}

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace txform::config
