// Turns a loaded configuration into the options of each worker's loop.
#pragma once

#include <vector>

#include "config/load.hpp"
#include "engine/options.hpp"

namespace txform::app {

// One EngineOptions per configured worker, with its own transactional.id and property lists
// (values read from ${file:...} marked secret, like names that look secret).
std::vector<engine::EngineOptions> worker_options(const config::LoadedConfig& loaded);

}  // namespace txform::app
