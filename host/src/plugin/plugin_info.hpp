// What the host records about one loaded plugin: identity, ABI, and which file exactly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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

// A chain's labels in order, joined by `separator` ("a@1.0,b@2.1" or "a@1.0 -> b@2.1").
inline std::string join_labels(const std::vector<std::string>& labels, std::string_view separator) {
  std::string text;
  for (const std::string& label : labels) {
    if (!text.empty()) text += separator;
    text += label;
  }
  return text;
}

}  // namespace txform::plugin
