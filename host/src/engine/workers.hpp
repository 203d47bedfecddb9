// Runs N independent workers (consumer + producer + plugin instances) and the signal handling.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "engine/loop_observer.hpp"
#include "engine/options.hpp"
#include "engine/record_processor.hpp"

namespace txform::engine {

using ProcessorFactory = std::function<std::unique_ptr<RecordProcessor>(int worker_index)>;

// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread it starts afterwards, so
// only the signal-waiting thread of run_workers() receives them. Call first thing in main().
void block_stop_signals();

// Runs one TransactionalLoop per entry of `workers` on its own thread until a signal stops
// them (first SIGTERM/SIGINT: commit and exit; second: abort and exit) or one fails (the
// others then stop cleanly). Returns the exit code: 0, or the first failure's code.
// observers[i], when given, watches worker i (metrics, health) and outlives the call.
// `on_reload` runs on the signal thread for each SIGHUP (ignored without one).
int run_workers(const std::vector<EngineOptions>& workers, const ProcessorFactory& make_processor,
                const std::vector<LoopObserver*>& observers = {},
                const std::function<void()>& on_reload = {});

}  // namespace txform::engine
