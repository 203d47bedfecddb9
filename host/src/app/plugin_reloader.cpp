#include "app/plugin_reloader.hpp"

#include <algorithm>
#include <exception>

#include "app/metrics_options.hpp"
#include "app/reloading_processor.hpp"

namespace txform::app {
namespace {

std::string chain_text(const plugin::LoadedChain& chain) {
  return plugin::join_labels(chain.labels(), " -> ");
}

double milliseconds(GenerationHandoff::Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

}  // namespace

PluginReloader::PluginReloader(PluginSource source, plugin::LoadedChain first, int workers,
                               std::shared_ptr<spdlog::logger> log, metrics::ReloadMetrics* metrics,
                               SourceReader reread)
    : source_(std::move(source)),
      reread_(std::move(reread)),
      log_(std::move(log)),
      metrics_(metrics),
      current_(std::move(first)),
      running_(static_cast<size_t>(workers), 1) {
  for (int i = 0; i < workers; ++i)
    handoffs_.push_back(std::make_shared<GenerationHandoff>());
}

std::unique_ptr<engine::RecordProcessor> PluginReloader::processor(
    int worker, std::unique_ptr<plugin::PluginChain> chain) {
  return std::make_unique<ReloadingProcessor>(
      std::make_unique<PluginProcessor>(std::move(chain)), handoffs_.at(worker), worker,
      [this](int w, uint64_t generation, Clock::time_point requested) {
        switched(w, generation, requested);
      });
}

bool PluginReloader::reload() {
  const auto requested = Clock::now();
  log_->info("plugin reload: {}loading {} again", reread_ ? "reading the plugin settings and " : "",
             source_.dir.string());
  PluginSource source = source_;
  plugin::LoadedChain next;
  std::vector<std::unique_ptr<plugin::PluginChain>> chains;
  try {
    // New settings are validated like new code, and refused with it as a whole.
    if (reread_) source = reread_();
    next =
        plugin::load_plugin_chain(source.dir, source.specs, source.allow_insecure, source.logger);
    // Validation is the workers' real create(): a plugin that refuses its config fails here.
    for (size_t i = 0; i < handoffs_.size(); ++i)
      chains.push_back(next.make_chain());
  } catch (const std::exception& error) {
    // PluginError names the file and the reason; anything else (I/O, memory) is refused too:
    // the signal thread must survive a bad reload.
    log_->error("plugin reload failed, still running {}: {}", chain_text(current_), error.what());
    if (metrics_ != nullptr) metrics_->failed();
    return false;
  }
  source_ = std::move(source);  // reload() runs on the signal thread only
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    generation = ++generation_;
    current_ = next;
  }
  log_->info(
      "plugin reload: generation {} ({}) validated in {:.1f} ms; each worker switches at "
      "its next transaction boundary",
      generation, chain_text(next), milliseconds(Clock::now() - requested));
  if (metrics_ != nullptr) metrics_->validated(plugin_labels(next));
  for (size_t i = 0; i < handoffs_.size(); ++i) {
    handoffs_[i]->offer(
        {std::make_unique<PluginProcessor>(std::move(chains[i])), generation, requested});
  }
  return true;
}

void PluginReloader::switched(int worker, uint64_t generation, Clock::time_point requested) {
  const auto now = Clock::now();
  bool everyone = false;
  {
    std::lock_guard lock(mutex_);
    running_.at(worker) = generation;
    everyone = generation == generation_ &&
               std::all_of(running_.begin(), running_.end(),
                           [&](uint64_t running) { return running == generation; });
  }
  log_->info("plugin reload: worker {} runs generation {}, {:.1f} ms after the request", worker,
             generation, milliseconds(now - requested));
  if (!everyone) return;
  log_->info("plugin reload: generation {} live in every worker, {:.1f} ms after the request",
             generation, milliseconds(now - requested));
  if (metrics_ != nullptr) metrics_->switched(now - requested);
}

}  // namespace txform::app
