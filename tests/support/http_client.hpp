// A minimal HTTP/1.1 GET for tests: txform's /metrics, /healthz, /readyz and Prometheus' API.
#pragma once

#include <string>

namespace txform::testing {

struct HttpReply {
  int status = -1;  // -1: no connection or no valid answer
  std::string body;
};

// GET http://127.0.0.1:<port><target> (target already URL-encoded).
HttpReply http_get(int port, const std::string& target);

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& text);

// A TCP port on loopback that was free a moment ago.
int free_port();

}  // namespace txform::testing
