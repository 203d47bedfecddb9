// Which configuration values are secrets, decided in one place; secrets are printed as kRedacted.
#pragma once

#include <string>
#include <string_view>

namespace txform::config {

// What every secret value is replaced with in logs, dumps and errors.
inline constexpr std::string_view kRedacted = "[redacted]";

// True when a librdkafka property or plugin config key names a secret by its name alone
// (`sasl.password`, `ssl.key.password`, `sasl.oauthbearer.client.secret`, `api_token`, ...).
bool is_secret_name(std::string_view name);

// `text` with every occurrence of `secret` replaced by kRedacted (for third-party messages that
// may echo a value, such as librdkafka's errstr).
std::string scrub(std::string text, std::string_view secret);

}  // namespace txform::config
