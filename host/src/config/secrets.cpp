#include "config/secrets.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace txform::config {
namespace {

// Name fragments that mark a secret anywhere in a name. Over-redacting costs a less useful dump;
// under-redacting leaks a credential, so the list errs on the wide side.
constexpr std::array<std::string_view, 5> kSecretFragments = {"password", "secret", "token",
                                                              "credential", "private"};

// librdkafka properties flagged sensitive in its CONFIGURATION.md whose names do not contain one
// of the fragments above.
constexpr std::array<std::string_view, 3> kSecretProperties = {"ssl.key.pem", "ssl_key",
                                                               "sasl.oauthbearer.config"};

// The last component of a dotted or snake_case name: `hmac_key` -> `key`.
std::string_view last_component(std::string_view name) {
  const std::size_t cut = name.find_last_of("._-");
  return cut == std::string_view::npos ? name : name.substr(cut + 1);
}

}  // namespace

bool is_secret_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view fragment : kSecretFragments) {
    if (lower.find(fragment) != std::string::npos) return true;
  }
  for (std::string_view property : kSecretProperties) {
    if (lower == property) return true;
  }
  // `api_key`, `hmac-key`: a name ending in "key" is key material; `ssl.key.location` (a path)
  // ends in "location" and stays visible.
  const std::string_view last = last_component(lower);
  return last == "key" || last == "apikey";
}

std::string scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kRedacted.size())) {
    text.replace(at, secret.size(), kRedacted);
  }
  return text;
}

}  // namespace txform::config
