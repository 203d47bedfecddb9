// What one call into a plugin chain came to: a status, its reason, and which plugin said so.
#pragma once

#include <string_view>

namespace txform::plugin {

// The ABI's statuses; any other value a plugin returns is reported as fatal.
enum class Status { ok, record_error, retry, fatal };

// The status name as plugin.h spells it (OK, RECORD_ERROR, RETRY, FATAL).
constexpr std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "OK";
    case Status::record_error:
      return "RECORD_ERROR";
    case Status::retry:
      return "RETRY";
    case Status::fatal:
      return "FATAL";
  }
  return "FATAL";
}

// The outcome of process / flush / on_commit / on_abort on a chain. The views stay valid until
// the next call on the same chain: copy them to keep them.
struct ProcessResult {
  Status status = Status::ok;
  std::string_view message;  // the plugin's reason; empty when status is ok
  std::string_view plugin;   // name@version of the plugin that failed; empty when status is ok

  bool ok() const noexcept { return status == Status::ok; }
};

}  // namespace txform::plugin
