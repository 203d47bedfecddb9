// A small HTTP server for /metrics, /healthz and /readyz on one port, on the civetweb that
// prometheus-cpp embeds (its Exposer serves /metrics only).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

struct mg_context;

namespace txform::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse()>;
  // Listens on `listen` ("host:port"; port 0 picks a free one) and serves GET on each path.
  // Throws std::runtime_error naming the address when it cannot listen.
  HttpServer(const std::string& listen, std::map<std::string, Handler> routes);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port actually listened on.
  int port() const { return port_; }

 private:
  std::map<std::string, Handler> routes_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace txform::metrics
