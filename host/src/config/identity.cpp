#include "config/identity.hpp"

#include <unistd.h>

#include <array>
#include <stdexcept>

namespace txform::config {
namespace {

// The host name, from $HOSTNAME first because containers set it to the stable pod name.
std::string host_name(const EnvLookup& env) {
  if (auto value = env("HOSTNAME"); value && !value->empty()) return *value;
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return "localhost";
  return buffer.data();
}

}  // namespace

std::string default_transactional_id(const std::string& group_id, const EnvLookup& env) {
  return group_id + "-" + host_name(env);
}

std::string worker_id(const v1::Config& config, unsigned worker_index) {
  if (worker_index >= config.workers()) {
    throw std::out_of_range("worker index " + std::to_string(worker_index) + " >= workers " +
                            std::to_string(config.workers()));
  }
  // One worker keeps the bare id, so scaling a single-worker deployment does not change it.
  if (config.workers() == 1) return config.transactional_id();
  return config.transactional_id() + "-" + std::to_string(worker_index);
}

}  // namespace txform::config
