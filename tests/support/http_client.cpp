#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>

namespace txform::testing {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

HttpReply http_get(int port, const std::string& target) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  const timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const sockaddr_in address = loopback(port);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return {};
  }
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return {};
  }
  std::string response;
  char buffer[8192];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;)
    response.append(buffer, static_cast<size_t>(n));
  close(fd);
  const auto body = response.find("\r\n\r\n");
  if (response.compare(0, 5, "HTTP/") != 0 || response.size() < 12 || body == std::string::npos) {
    return {};
  }
  HttpReply reply{std::stoi(response.substr(9, 3)), response.substr(body + 4)};
  // Prometheus answers with chunked encoding: join the chunks.
  if (response.substr(0, body).find("Transfer-Encoding: chunked") != std::string::npos) {
    std::string joined;
    size_t at = 0;
    while (at < reply.body.size()) {
      const size_t line_end = reply.body.find("\r\n", at);
      if (line_end == std::string::npos) break;
      const size_t size = std::stoul(reply.body.substr(at, line_end - at), nullptr, 16);
      if (size == 0) break;
      joined += reply.body.substr(line_end + 2, size);
      at = line_end + 2 + size + 2;
    }
    reply.body = joined;
  }
  return reply;
}

std::string url_encode(const std::string& text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return encoded;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace txform::testing
