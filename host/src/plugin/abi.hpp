// The host's view of the C ABI: plugin.h, plus the sizes the host requires of what plugins give it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "txform/plugin.h"

namespace txform::plugin {

inline constexpr uint32_t kHostAbiMajor = TXFORM_ABI_VERSION_MAJOR;
inline constexpr uint32_t kHostAbiMinor = TXFORM_ABI_VERSION_MINOR;
inline constexpr const char* kEntrySymbol = TXFORM_PLUGIN_ENTRY_SYMBOL;

// The smallest descriptor the host accepts: every required field, up to destroy.
inline constexpr size_t kDescriptorMinSize =
    offsetof(txform_plugin, destroy) + sizeof(txform_plugin_destroy_fn);

// The smallest emitted record the host accepts: the v1.0 struct.
inline constexpr size_t kOutputMinSize = sizeof(txform_output);

// True when a struct of `struct_size` bytes holds the field ending at `field_end`.
constexpr bool covers(size_t struct_size, size_t field_end) {
  return struct_size >= field_end;
}

}  // namespace txform::plugin
