// What one call into a plugin chain came to: a status, its reason, and which plugin said so.
#pragma once

#include <string_view>

#include "txform/status.hpp"

namespace txform::plugin {

// The outcome of process / flush / on_commit / on_abort on a chain. The views stay valid until
// the next call on the same chain: copy them to keep them.
struct ProcessResult {
  Status status = Status::ok;
  std::string_view message;  // the plugin's reason; empty when status is ok
  std::string_view plugin;   // name@version of the plugin that failed; empty when status is ok

  bool ok() const noexcept { return status == Status::ok; }
};

}  // namespace txform::plugin
