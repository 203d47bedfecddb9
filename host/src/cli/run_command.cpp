#include "cli/run_command.hpp"

#include <spdlog/logger.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/plugin_dir_watcher.hpp"
#include "app/plugin_processor.hpp"
#include "app/plugin_reloader.hpp"
#include "app/worker_options.hpp"
#include "cli/pipeline_setup.hpp"
#include "config/diagnostic.hpp"
#include "config/dump.hpp"
#include "config/properties.hpp"
#include "engine/exit_codes.hpp"
#include "engine/workers.hpp"
#include "kafka/client.hpp"
#include "metrics/endpoint.hpp"
#include "versions.hpp"

namespace txform::cli {
namespace {

// /healthz fails at half the consumer's max.poll.interval.ms: well before the group evicts it.
std::chrono::milliseconds max_poll_silence(const config::PropertyList& consumer_properties) {
  long interval_ms = 300000;  // librdkafka's default
  if (const auto* property = config::find_property(consumer_properties, "max.poll.interval.ms")) {
    interval_ms = std::stol(property->value);
  }
  return std::chrono::milliseconds(interval_ms / 2);
}

// Starts the metrics endpoint when configured; nullptr when metrics are off.
std::unique_ptr<metrics::MetricsEndpoint> start_metrics(
    const config::v1::Config& config, const std::vector<engine::EngineOptions>& workers,
    const plugin::LoadedChain& chain, const std::shared_ptr<spdlog::logger>& log) {
  if (!config.metrics().enabled()) return nullptr;
  metrics::EndpointOptions options;
  options.listen = config.metrics().listen();
  options.workers = static_cast<int>(workers.size());
  for (const auto& label : chain.labels())
    options.chain += (options.chain.empty() ? "" : ",") + label;
  options.plugins = app::plugin_labels(chain);
  options.max_poll_silence = max_poll_silence(workers.at(0).consumer_properties);
  try {
    auto endpoint = std::make_unique<metrics::MetricsEndpoint>(std::move(options));
    log->info("metrics endpoint listening on port {} (/metrics, /healthz, /readyz)",
              endpoint->port());
    return endpoint;
  } catch (const std::exception& error) {
    log->error("{}; change metrics.listen or set metrics.enabled: false", error.what());
    throw CLI::RuntimeError(kExitConfigError);
  }
}

int run(const std::string& config_path) {
  // Before any thread exists (librdkafka's included): only run_workers() receives signals.
  engine::block_stop_signals();
  const auto loaded = load_config_or_exit(config_path);
  const auto& config = loaded.config;
  auto log = setup_logging(config);
  for (const auto& warning : loaded.warnings)
    log->warn("{}", config::to_string(warning));
  log->info(
      "{}: group {}, output {}, {} worker(s), {}", version_line(), config.group_id(),
      config.output_topic(), config.workers(),
      config.processing_guarantee() == config::v1::EXACTLY_ONCE ? "exactly-once" : "at-least-once");

  auto plugins = load_plugins_or_exit(config, config.workers(), log);
  std::string chain;
  for (const auto& label : plugins.loaded.labels())
    chain += (chain.empty() ? "" : " -> ") + label;
  log->info("plugin chain: {}", chain);

  const auto workers = app::worker_options(loaded);
  const auto endpoint = start_metrics(config, workers, plugins.loaded, log);
  // SIGHUP (or, with watch_plugin_dir, a changed plugin file) reloads the plugins in process.
  app::PluginReloader reloader(plugin_source(config, log), plugins.loaded,
                               static_cast<int>(workers.size()), log,
                               endpoint ? &endpoint->reload() : nullptr);
  std::vector<std::unique_ptr<engine::RecordProcessor>> processors;
  for (size_t i = 0; i < workers.size(); ++i) {
    processors.push_back(reloader.processor(static_cast<int>(i), std::move(plugins.chains.at(i))));
  }
  std::unique_ptr<app::PluginDirWatcher> watcher;
  if (config.watch_plugin_dir()) {
    try {
      watcher = std::make_unique<app::PluginDirWatcher>(
          config.plugin_dir(), std::chrono::milliseconds(config.watch_plugin_dir_settle_ms()), log);
    } catch (const std::exception& error) {
      log->error("{}", error.what());
      throw CLI::RuntimeError(kExitConfigError);
    }
  }
  return engine::run_workers(
      workers, [&](int worker) { return std::move(processors.at(worker)); },
      endpoint ? endpoint->observers() : std::vector<engine::LoopObserver*>{},
      [&] { reloader.reload(); });
}

// Asks the brokers for every topic the pipeline names; returns the problems found.
std::vector<std::string> probe_topics(const config::v1::Config& config) {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  config::apply_properties(conf.get(), config::producer_properties(config, 0));
  char errstr[512];
  // A plain producer handle: it asks for metadata without joining the group or fencing anyone.
  rd_kafka_conf_set(conf.get(), "transactional.id", nullptr, errstr, sizeof errstr);
  // rd_kafka_new takes the conf only when it succeeds: new_client frees it otherwise.
  std::string error;
  kafka::KafkaPtr client = kafka::new_client(RD_KAFKA_PRODUCER, std::move(conf), error);
  if (!client) return {"cannot create a client: " + error};
  const rd_kafka_metadata_t* metadata = nullptr;
  if (auto err = rd_kafka_metadata(client.get(), 1, nullptr, &metadata, 10000)) {
    return {"brokers " + config.bootstrap_servers() + " did not answer: " + rd_kafka_err2str(err)};
  }
  std::vector<std::string> wanted(config.input_topics().begin(), config.input_topics().end());
  wanted.push_back(config.output_topic());
  wanted.insert(wanted.end(), config.allowed_output_topics().begin(),
                config.allowed_output_topics().end());
  if (config.error_policy().on_record_error() == config::v1::DEAD_LETTER) {
    wanted.push_back(config.error_policy().dead_letter_topic());
  }
  std::vector<std::string> problems;
  for (const auto& topic : wanted) {
    if (!topic.empty() && topic[0] == '^') continue;  // a pattern: nothing to look up
    bool found = false;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      found = found || (topic == metadata->topics[i].topic && metadata->topics[i].err == 0);
    }
    if (!found) problems.push_back("topic '" + topic + "' does not exist");
  }
  rd_kafka_metadata_destroy(metadata);
  return problems;
}

int check(const std::string& config_path, bool connect) {
  const auto loaded = load_config_or_exit(config_path);
  const auto& config = loaded.config;
  auto log = setup_logging(config);
  for (const auto& warning : loaded.warnings) {
    std::cout << "warning: " << config::to_string(warning) << "\n";
  }
  std::cout << "# effective configuration (" << config_path << ")\n"
            << config::redacted_dump(loaded) << "\n";
  for (unsigned i = 0; i < config.workers(); ++i) {
    std::cout << "# worker " << i << " consumer\n"
              << config::format_properties(config::consumer_properties(config, i)) << "\n"
              << "# worker " << i << " producer\n"
              << config::format_properties(config::producer_properties(config, i)) << "\n";
  }
  auto plugins = load_plugins_or_exit(config, 1, log);
  for (const auto& info : plugins.loaded.plugins()) {
    std::cout << "plugin " << info.label << " (ABI " << info.abi_major << "." << info.abi_minor
              << ") " << info.file.string() << " sha256 " << info.sha256 << "\n";
  }
  if (connect) {
    const auto problems = probe_topics(config);
    for (const auto& problem : problems)
      std::cerr << "txform check: " << problem << "\n";
    if (!problems.empty()) return kExitConfigError;
    std::cout << "brokers answered; every topic exists\n";
  }
  std::cout << "configuration OK\n";
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("run", "Run the pipeline described by a config file");
  cmd->add_option("-c,--config", *config_path, "Pipeline config (YAML)")->required();
  cmd->callback([config_path] {
    const int code = run(*config_path);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

void add_check_command(CLI::App& app) {
  auto config_path = std::make_shared<std::string>();
  auto connect = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("check", "Validate a config file and its plugins");
  cmd->add_option("-c,--config", *config_path, "Pipeline config (YAML)")->required();
  cmd->add_flag("--connect", *connect, "Also ask the brokers for the topics the pipeline uses");
  cmd->callback([config_path, connect] {
    const int code = check(*config_path, *connect);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace txform::cli
