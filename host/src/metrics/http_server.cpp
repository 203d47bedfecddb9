#include "metrics/http_server.hpp"

#include <civetweb.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

namespace txform::metrics {
namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

void send(mg_connection* connection, const HttpResponse& response, bool head) {
  mg_printf(connection,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            response.status, reason_phrase(response.status), response.content_type.c_str(),
            response.body.size());
  if (!head) mg_write(connection, response.body.data(), response.body.size());
}

int handle(mg_connection* connection, void* handler) {
  const mg_request_info* request = mg_get_request_info(connection);
  const bool head = std::strcmp(request->request_method, "HEAD") == 0;
  if (!head && std::strcmp(request->request_method, "GET") != 0) {
    send(connection, {405, "text/plain; charset=utf-8", "GET only\n"}, false);
    return 405;
  }
  HttpResponse response;
  try {
    response = (*static_cast<HttpServer::Handler*>(handler))();
  } catch (const std::exception& error) {
    response = {500, "text/plain; charset=utf-8", std::string(error.what()) + "\n"};
  }
  send(connection, response, head);
  return response.status;  // civetweb: handled, with this status
}

}  // namespace

HttpServer::HttpServer(const std::string& listen, std::map<std::string, Handler> routes)
    : routes_(std::move(routes)) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { mg_init_library(0); });
  const char* options[] = {"listening_ports",    listen.c_str(), "num_threads", "2",
                           "request_timeout_ms", "10000",        nullptr};
  mg_callbacks callbacks{};
  mg_init_data init{&callbacks, nullptr, options};
  char error_text[256] = "";
  mg_error_data error{nullptr, error_text, sizeof error_text};
  context_ = mg_start2(&init, &error);
  if (context_ == nullptr) {
    throw std::runtime_error("metrics.listen '" + listen + "': cannot listen: " + error_text);
  }
  for (auto& [path, handler] : routes_) {
    // "$": this path exactly, not everything below it.
    mg_set_request_handler(context_, (path + "$").c_str(), handle, &handler);
  }
  mg_server_port ports[1]{};
  if (mg_get_server_ports(context_, 1, ports) >= 1) port_ = ports[0].port;
}

HttpServer::~HttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

}  // namespace txform::metrics
