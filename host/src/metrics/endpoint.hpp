// The process's metrics endpoint: one registry, each worker's metrics, the process and build
// metrics, and the HTTP server for /metrics, /healthz and /readyz.
#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/loop_observer.hpp"
#include "metrics/http_server.hpp"
#include "metrics/process_metrics.hpp"
#include "metrics/reload_metrics.hpp"
#include "metrics/worker_health.hpp"
#include "metrics/worker_metrics.hpp"

namespace txform::metrics {

struct EndpointOptions {
  std::string listen = "0.0.0.0:9464";  // port 0: any free port (see port())
  int workers = 1;
  std::vector<PluginLabels> plugins;
  // /healthz fails when a worker has not polled for this long.
  std::chrono::milliseconds max_poll_silence{150000};
};

class MetricsEndpoint {
 public:
  // Registers every metric and starts serving; throws std::runtime_error when it cannot listen.
  explicit MetricsEndpoint(EndpointOptions options);

  // The observer of each worker, in worker order; they live as long as the endpoint.
  std::vector<engine::LoopObserver*> observers();
  int port() const { return server_ ? server_->port() : 0; }
  // Plugin reloads and txform_plugin_info; lives as long as the endpoint.
  ReloadMetrics& reload() { return *reload_; }

  // What the three paths answer (public for tests).
  std::string scrape();
  HealthAnswer healthz() const;
  HealthAnswer readyz() const;

 private:
  std::vector<const WorkerHealth*> health() const;

  EndpointOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::unique_ptr<WorkerMetrics>> workers_;
  ProcessMetrics process_;
  std::unique_ptr<ReloadMetrics> reload_;
  std::mutex scraping_;
  std::unique_ptr<HttpServer> server_;  // last: stopped first, before what it serves
};

}  // namespace txform::metrics
