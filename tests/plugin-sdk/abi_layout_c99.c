/* plugin.h compiled as strict C99: the build fails if the header stops being C99, and the
 * layout it reports is compared with the C++ compiler's in abi_guard_test.cpp. */
#include <stddef.h>
#include <txform/plugin.h>

/* C99 has no _Static_assert: a negative array size fails the build instead. */
#define ABI_C99_ASSERT(name, condition) typedef char abi_c99_assert_##name[(condition) ? 1 : -1]

#if defined(__x86_64__)
ABI_C99_ASSERT(record_size, sizeof(txform_record) == 96);
ABI_C99_ASSERT(output_size, sizeof(txform_output) == 88);
ABI_C99_ASSERT(plugin_size, sizeof(txform_plugin) == 80);
ABI_C99_ASSERT(host_api_size, sizeof(txform_host_api) == 32);
#endif

/* Writes the sizes and offsets this C compiler gives the ABI structs; returns how many. */
size_t txform_abi_c99_layout(size_t* out, size_t capacity);

size_t txform_abi_c99_layout(size_t* out, size_t capacity) {
  const size_t layout[] = {
      sizeof(txform_bytes),
      sizeof(txform_header),
      sizeof(txform_config_entry),
      sizeof(txform_record),
      offsetof(txform_record, topic),
      offsetof(txform_record, key),
      offsetof(txform_record, value),
      offsetof(txform_record, headers),
      offsetof(txform_record, header_count),
      offsetof(txform_record, timestamp_ms),
      offsetof(txform_record, offset),
      offsetof(txform_record, partition),
      sizeof(txform_output),
      offsetof(txform_output, topic),
      offsetof(txform_output, key),
      offsetof(txform_output, value),
      offsetof(txform_output, headers),
      offsetof(txform_output, header_count),
      offsetof(txform_output, timestamp_ms),
      offsetof(txform_output, partition),
      sizeof(txform_host_api),
      offsetof(txform_host_api, emit),
      offsetof(txform_host_api, log),
      offsetof(txform_host_api, set_error),
      sizeof(txform_plugin),
      offsetof(txform_plugin, abi_major),
      offsetof(txform_plugin, abi_minor),
      offsetof(txform_plugin, name),
      offsetof(txform_plugin, version),
      offsetof(txform_plugin, create),
      offsetof(txform_plugin, process),
      offsetof(txform_plugin, destroy),
      offsetof(txform_plugin, flush),
      offsetof(txform_plugin, on_commit),
      offsetof(txform_plugin, on_abort),
  };
  const size_t count = sizeof layout / sizeof layout[0];
  size_t i;
  for (i = 0; i < count && i < capacity; ++i)
    out[i] = layout[i];
  return count;
}
