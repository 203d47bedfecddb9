// What the metrics endpoint is told about the pipeline: from the config, the workers' options
// and the loaded plugin chain.
#pragma once

#include <vector>

#include "engine/options.hpp"
#include "metrics/endpoint.hpp"
#include "plugin/plugin_loader.hpp"
#include "txform/config.pb.h"

namespace txform::app {

// The metrics' view of a loaded chain: name, version and ABI of each plugin.
std::vector<metrics::PluginLabels> plugin_labels(const plugin::LoadedChain& chain);

// The endpoint's options: where it listens, one series per worker, the chain's labels, and
// when /healthz gives a silent worker up.
metrics::EndpointOptions metrics_options(const config::v1::Config& config,
                                         const std::vector<engine::EngineOptions>& workers,
                                         const plugin::LoadedChain& chain);

}  // namespace txform::app
