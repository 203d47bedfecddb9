#include "app/pipeline.hpp"

#include <google/protobuf/util/message_differencer.h>

#include <exception>
#include <memory>
#include <vector>

#include "app/logging_setup.hpp"
#include "app/metrics_options.hpp"
#include "app/plugin_dir_watcher.hpp"
#include "app/plugin_reloader.hpp"
#include "app/plugin_source.hpp"
#include "app/worker_options.hpp"
#include "engine/exit_codes.hpp"
#include "engine/workers.hpp"
#include "metrics/endpoint.hpp"
#include "versions.hpp"

namespace txform::app {
namespace {

// Starts the metrics endpoint; nullptr when metrics are off. Throws what the endpoint throws.
std::unique_ptr<metrics::MetricsEndpoint> start_metrics(
    const config::v1::Config& config, const std::vector<engine::EngineOptions>& workers,
    const plugin::LoadedChain& chain, const std::shared_ptr<spdlog::logger>& log) {
  if (!config.metrics().enabled()) return nullptr;
  auto endpoint =
      std::make_unique<metrics::MetricsEndpoint>(metrics_options(config, workers, chain));
  log->info("metrics endpoint listening on port {} (/metrics, /healthz, /readyz)",
            endpoint->port());
  return endpoint;
}

// What a reload takes from the config file: its plugins: section, validated like a start (the
// whole file loads, every ${...} resolves). The plugin directory and everything else keep their
// running values: changing them takes a restart, which the log says.
PluginReloader::SourceReader plugin_settings_reader(const config::LoadedConfig& running,
                                                    const PluginSource& source,
                                                    const std::shared_ptr<spdlog::logger>& log) {
  return [file = running.file, config = running.config, source, log] {
    const config::LoadedConfig fresh = config::load_file(file);
    PluginSource next = plugin_source(fresh.config, log);
    next.dir = source.dir;
    next.allow_insecure = source.allow_insecure;
    next.logger = source.logger;
    config::v1::Config others = fresh.config;
    config::v1::Config running_others = config;
    others.clear_plugins();
    running_others.clear_plugins();
    if (!google::protobuf::util::MessageDifferencer::Equals(others, running_others)) {
      log->warn(
          "plugin reload: {} changed outside its plugins: section; a reload takes only "
          "plugins:, restart txform for the rest",
          file);
    }
    return next;
  };
}

}  // namespace

int run_pipeline(const config::LoadedConfig& loaded, const RunOptions& options) {
  // Before any thread exists (librdkafka's included): only run_workers() receives signals.
  engine::block_stop_signals();
  const auto& config = loaded.config;
  auto log = setup_logging(config);
  for (const auto& warning : loaded.warnings)
    log->warn("{}", config::to_string(warning));
  log->info(
      "{}: group {}, output {}, {} worker(s), {}", version_line(), config.group_id(),
      config.output_topic(), config.workers(),
      config.processing_guarantee() == config::v1::EXACTLY_ONCE ? "exactly-once" : "at-least-once");

  const PluginSource source = plugin_source(config, log);
  LoadedPlugins plugins = load_plugins(source, config.workers());
  log->info("plugin chain: {}", plugin::join_labels(plugins.loaded.labels(), " -> "));

  const auto workers = worker_options(loaded);
  std::unique_ptr<metrics::MetricsEndpoint> endpoint;
  try {
    endpoint = start_metrics(config, workers, plugins.loaded, log);
  } catch (const std::exception& error) {
    log->error("{}; change metrics.listen or set metrics.enabled: false", error.what());
    return kExitConfigError;
  }
  // SIGHUP (or, with watch_plugin_dir, a changed plugin file) reloads the plugins in process.
  PluginReloader reloader(source, plugins.loaded, static_cast<int>(workers.size()), log,
                          endpoint ? &endpoint->reload() : nullptr,
                          options.reread_plugin_settings
                              ? plugin_settings_reader(loaded, source, log)
                              : PluginReloader::SourceReader{});
  std::vector<std::unique_ptr<engine::RecordProcessor>> processors;
  for (size_t i = 0; i < workers.size(); ++i) {
    processors.push_back(reloader.processor(static_cast<int>(i), std::move(plugins.chains.at(i))));
  }
  std::unique_ptr<PluginDirWatcher> watcher;
  if (config.watch_plugin_dir()) {
    try {
      watcher = std::make_unique<PluginDirWatcher>(
          config.plugin_dir(), std::chrono::milliseconds(config.watch_plugin_dir_settle_ms()), log);
    } catch (const std::exception& error) {
      log->error("{}", error.what());
      return kExitConfigError;
    }
  }
  return engine::run_workers(
      workers, [&](int worker) { return std::move(processors.at(worker)); },
      endpoint ? endpoint->observers() : std::vector<engine::LoopObserver*>{},
      [&] { reloader.reload(); });
}

}  // namespace txform::app
