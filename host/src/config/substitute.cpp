#include "config/substitute.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace txform::config {
namespace {

// True for a POSIX-style environment variable name.
bool is_variable_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The whole content of a file without trailing newlines; nullopt with `error` set on failure.
std::optional<std::string> read_secret_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read file '" + path + "' named by ${file:" + path +
            "}: " + std::strerror(errno) + "; mount the file or fix the path";
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  // Secret files are usually written with `echo`, whose newline is not part of the secret.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

// Expands the inside of one `${...}` into `out`; false with `result.error` set on failure.
bool expand_reference(std::string_view inner, const EnvLookup& env, Substitution& result,
                      std::string& out) {
  constexpr std::string_view kFilePrefix = "file:";
  if (inner.substr(0, kFilePrefix.size()) == kFilePrefix) {
    const std::string path(inner.substr(kFilePrefix.size()));
    if (path.empty()) {
      result.error = "${file:} needs a path, e.g. ${file:/run/secrets/kafka-password}";
      return false;
    }
    auto content = read_secret_file(path, result.error);
    if (!content) return false;
    out += *content;
    result.read_file = true;
    return true;
  }
  const std::size_t colon = inner.find(":-");
  const std::string_view name = inner.substr(0, colon);
  if (!is_variable_name(name)) {
    // The text inside is not echoed: in a secret value it could be part of the secret.
    result.error =
        "invalid '${...}' reference: use ${VAR}, ${VAR:-default} or ${file:/path} "
        "(write $${ for a literal ${)";
    return false;
  }
  const std::optional<std::string> value = env(std::string(name));
  // Like the shell's ${VAR:-x}, an empty variable also takes the default.
  if (colon != std::string_view::npos && (!value || value->empty())) {
    out += inner.substr(colon + 2);
    return true;
  }
  if (!value) {
    result.error = "environment variable " + std::string(name) +
                   " is not set; export it, or give a default with ${" + std::string(name) +
                   ":-value}";
    return false;
  }
  out += *value;
  return true;
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Substitution substitute(std::string_view text, const EnvLookup& env) {
  Substitution result;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      result.error = "unterminated '${' (missing '}'); write $${ for a literal ${";
      return result;
    }
    if (!expand_reference(text.substr(i + 2, close - i - 2), env, result, out)) return result;
    i = close + 1;
  }
  result.value = std::move(out);
  return result;
}

}  // namespace txform::config
