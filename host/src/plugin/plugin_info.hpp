// What the host records about one loaded plugin: identity, ABI, and which file exactly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace txform::plugin {

struct PluginInfo {
  std::string name;     // from the descriptor; how pipeline configs refer to it
  std::string version;  // the plugin's own version
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::filesystem::path file;
  std::string sha256;  // of the file, lower-case hex
  std::string label;   // name@version, for logs, dead letters and offset metadata
};

}  // namespace txform::plugin
