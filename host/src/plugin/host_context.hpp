// The host's half of the ABI: what txform_host and txform_emitter are, and the host's table.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "plugin/abi.hpp"
#include "plugin/logger.hpp"

namespace txform::plugin {
class PluginChain;
}

// What a plugin instance's txform_host* points at: its error slot and its logger.
struct txform_host {
  std::string error;       // set_error's slot, its capacity reused
  bool error_set = false;  // set_error was called since the slot was last cleared
  std::shared_ptr<const txform::plugin::PluginLogger> logger;
  std::string label;  // name@version, the source of the instance's log lines
};

// What a txform_emitter* points at: the chain and the stage whose outputs it receives.
struct txform_emitter {
  txform::plugin::PluginChain* chain = nullptr;
  size_t stage = 0;
};

namespace txform::plugin {

// The function table every plugin instance receives (static; never changes while loaded).
const txform_host_api* host_api() noexcept;

// The table's emit entry; defined with PluginChain, which routes the record.
txform_status emit_from_plugin(txform_emitter* emitter, const txform_output* record) noexcept;

}  // namespace txform::plugin
