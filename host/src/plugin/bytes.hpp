// The host's one byte view and its one NULL rule: data() == nullptr is absent (a Kafka null key
// or value, a tombstone), which is not the same as empty. plugin.h's txform_bytes says the same.
#pragma once

#include <cstddef>
#include <string_view>

#include "plugin/abi.hpp"

namespace txform::plugin {

// A view of `size` bytes at `data`; absent (data() == nullptr, size 0) when `data` is NULL,
// whatever `size` says.
inline std::string_view bytes_view(const void* data, size_t size) noexcept {
  return std::string_view(static_cast<const char*>(data), data == nullptr ? 0 : size);
}

inline std::string_view bytes_view(const txform_bytes& bytes) noexcept {
  return bytes_view(bytes.data, bytes.size);
}

// The ABI's bytes over a view, absent when the view is.
inline txform_bytes abi_bytes(std::string_view view) noexcept {
  return {view.data(), view.size()};
}

}  // namespace txform::plugin
