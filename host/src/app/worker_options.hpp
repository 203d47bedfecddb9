// Turns a loaded configuration into the options of each worker's loop.
#pragma once

#include <vector>

#include "engine/options.hpp"
#include "txform/config.pb.h"

namespace txform::app {

// One EngineOptions per configured worker, with its own transactional.id and property lists.
std::vector<engine::EngineOptions> worker_options(const config::v1::Config& config);

}  // namespace txform::app
