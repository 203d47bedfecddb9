// Checks of meaning that types alone cannot express: bounds, topic relations, locked properties.
#pragma once

#include <vector>

#include "config/diagnostic.hpp"
#include "txform/config.pb.h"

namespace txform::config {

// What validate() found; diagnostics carry key paths but no file or line (the loader adds them).
struct Findings {
  std::vector<Diagnostic> errors;    // the config must not be used
  std::vector<Diagnostic> warnings;  // usable, but the operator should know
};

// Checks a typed config with defaults applied.
Findings validate(const v1::Config& config);

}  // namespace txform::config
