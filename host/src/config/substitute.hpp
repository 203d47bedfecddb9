// `${VAR}`, `${VAR:-default}` and `${file:/path}` substitution in one configuration value.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace txform::config {

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment, through std::getenv.
std::optional<std::string> process_env(const std::string& name);

// The outcome of expanding one value: the text, or an error that names what failed.
struct Substitution {
  std::string value;
  bool read_file = false;  // a `${file:...}` was used: treat the value as a secret
  std::string error;       // non-empty on failure; names the variable or path, never a value
};

// Expands every reference in `text`; `$${` stands for a literal `${`.
Substitution substitute(std::string_view text, const EnvLookup& env = process_env);

}  // namespace txform::config
