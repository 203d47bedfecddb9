// The effective configuration as text, with every secret shown as [redacted].
#pragma once

#include <set>
#include <string>

#include "config/load.hpp"
#include "txform/config.pb.h"

namespace txform::config {

// One "key.path = value" line per field, in schema order, for `txform check`. Secrets are
// fields marked (secret), map entries with a secret name, and the key paths in `secret_paths`.
std::string redacted_dump(const v1::Config& config, const std::set<std::string>& secret_paths = {});

// The same for a loaded config, including values read with ${file:...}.
std::string redacted_dump(const LoadedConfig& loaded);

}  // namespace txform::config
