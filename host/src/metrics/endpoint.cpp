#include "metrics/endpoint.hpp"

#include <librdkafka/rdkafka.h>
#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

#include "metrics/names.hpp"
#include "txform/plugin.h"
#include "txform/version.hpp"

namespace txform::metrics {
namespace {

void register_build_info(prometheus::Registry& registry) {
  prometheus::BuildGauge()
      .Name(names::kBuildInfo.name)
      .Help(names::kBuildInfo.help)
      .Register(registry)
      .Add({{"version", kVersion},
            {"abi", std::to_string(TXFORM_ABI_VERSION_MAJOR) + "." +
                        std::to_string(TXFORM_ABI_VERSION_MINOR)},
            {"librdkafka", rd_kafka_version_str()}})
      .Set(1);
}

HttpResponse health_response(const HealthAnswer& answer) {
  return {answer.status, "text/plain; charset=utf-8", answer.reason + "\n"};
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(EndpointOptions options)
    : options_(std::move(options)),
      registry_(std::make_shared<prometheus::Registry>()),
      process_(*registry_) {
  register_build_info(*registry_);
  reload_ = std::make_unique<ReloadMetrics>(*registry_, options_.plugins);
  for (int i = 0; i < options_.workers; ++i) {
    // One worker: no `worker` label, the series read like any single-process exporter's.
    workers_.push_back(std::make_unique<WorkerMetrics>(*registry_, options_.workers > 1 ? i : -1));
  }
  server_ = std::make_unique<HttpServer>(
      options_.listen,
      std::map<std::string, HttpServer::Handler>{
          {"/metrics",
           [this] {
             return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", scrape()};
           }},
          {"/healthz", [this] { return health_response(healthz()); }},
          {"/readyz", [this] { return health_response(readyz()); }}});
}

std::vector<engine::LoopObserver*> MetricsEndpoint::observers() {
  std::vector<engine::LoopObserver*> list;
  for (auto& worker : workers_)
    list.push_back(worker.get());
  return list;
}

std::string MetricsEndpoint::scrape() {
  // Two scrapes at once would refresh the same gauges: one at a time (scrapes are rare).
  std::lock_guard lock(scraping_);
  const auto now = engine::LoopObserver::Clock::now();
  for (auto& worker : workers_)
    worker->refresh(now);
  process_.refresh();
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

std::vector<const WorkerHealth*> MetricsEndpoint::health() const {
  std::vector<const WorkerHealth*> list;
  for (const auto& worker : workers_)
    list.push_back(&worker->health());
  return list;
}

HealthAnswer MetricsEndpoint::healthz() const {
  return liveness(health(), std::chrono::steady_clock::now(), options_.max_poll_silence);
}

HealthAnswer MetricsEndpoint::readyz() const {
  return readiness(health());
}

}  // namespace txform::metrics
