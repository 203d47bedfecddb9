// Plugin reload in process: load the plugin directory again as a new generation, validate it,
// and hand it to every worker, which switches at its next transaction boundary.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "app/generation_handoff.hpp"
#include "app/plugin_source.hpp"
#include "engine/record_processor.hpp"
#include "metrics/reload_metrics.hpp"
#include "plugin/plugin_loader.hpp"

namespace txform::app {

class PluginReloader {
 public:
  // Reads the plugin settings again for a reload (the config file's plugins: section); throws,
  // with a message naming the file and the key paths, when they cannot be used.
  using SourceReader = std::function<PluginSource()>;

  // `first` is the generation the workers start with; `metrics` may be null (metrics off) and
  // outlives the reloader. Without `reread` every reload loads the same chain from `source`.
  PluginReloader(PluginSource source, plugin::LoadedChain first, int workers,
                 std::shared_ptr<spdlog::logger> log, metrics::ReloadMetrics* metrics,
                 SourceReader reread = {});
  PluginReloader(const PluginReloader&) = delete;
  PluginReloader& operator=(const PluginReloader&) = delete;

  // Worker `worker`'s processor, running `chain` (made from the first generation) until a
  // reload hands it another. The reloader must outlive it.
  std::unique_ptr<engine::RecordProcessor> processor(int worker,
                                                     std::unique_ptr<plugin::PluginChain> chain);

  // Reads the plugin settings again (with a SourceReader), scans the plugin directory again and
  // validates the result: every file the chain names loads (ELF, entry symbol, ABI) and every
  // worker's create() succeeds with its config. Then each worker is offered its new chain. On
  // any failure, settings included, the running generation and settings keep running, and the
  // error is logged and counted (txform_plugin_reload_failures_total); returns false.
  bool reload();

 private:
  using Clock = GenerationHandoff::Clock;
  // A worker runs `generation` now (called on its thread).
  void switched(int worker, uint64_t generation, Clock::time_point requested);

  PluginSource source_;  // the running generation's settings
  SourceReader reread_;
  std::shared_ptr<spdlog::logger> log_;
  metrics::ReloadMetrics* metrics_;
  std::vector<std::shared_ptr<GenerationHandoff>> handoffs_;  // one per worker

  std::mutex mutex_;  // reload() runs on the signal thread, switched() on the workers'
  plugin::LoadedChain current_;
  uint64_t generation_ = 1;
  std::vector<uint64_t> running_;  // the generation each worker runs
};

}  // namespace txform::app
