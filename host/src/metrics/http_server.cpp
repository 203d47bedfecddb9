#include "metrics/http_server.hpp"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <future>
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

// Opens and closes a TCP connection to 127.0.0.1:port; errors are of no interest.
void poke(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::close(fd);
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
  if (context_ == nullptr) return;
  // civetweb's master thread sees the stop flag only when its poll() of the listening socket
  // returns, after up to 2 s without connections: that made every stop (and every restart to
  // upgrade a plugin) ~1.5 s longer. A connection wakes it; repeat until the stop is done, as one
  // arriving just before the flag is set is served like any other.
  auto stopped = std::async(std::launch::async, [context = context_] { mg_stop(context); });
  while (stopped.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (port_ > 0) poke(port_);
  }
}

}  // namespace txform::metrics
