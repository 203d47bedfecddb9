/* Prints what a C compiler makes of plugin.h: "name value" per line, the same names as
 * txform_plugin::ffi::layout() ("txform_record" a size, "txform_record.key" an offset), then
 * the constants. tests/layout.rs compiles and runs it. */
#include <stddef.h>
#include <stdio.h>
#include <txform/plugin.h>

#define SIZE(type) printf("%s %zu\n", #type, sizeof(type))
#define OFFSET(type, field) printf("%s.%s %zu\n", #type, #field, offsetof(type, field))
#define CONSTANT(name) printf("%s %lld\n", #name, (long long)(name))

int main(void) {
  SIZE(txform_bytes);
  OFFSET(txform_bytes, data);
  OFFSET(txform_bytes, size);
  SIZE(txform_header);
  OFFSET(txform_header, key);
  OFFSET(txform_header, value);
  SIZE(txform_config_entry);
  OFFSET(txform_config_entry, key);
  OFFSET(txform_config_entry, value);
  SIZE(txform_record);
  OFFSET(txform_record, struct_size);
  OFFSET(txform_record, topic);
  OFFSET(txform_record, key);
  OFFSET(txform_record, value);
  OFFSET(txform_record, headers);
  OFFSET(txform_record, header_count);
  OFFSET(txform_record, timestamp_ms);
  OFFSET(txform_record, offset);
  OFFSET(txform_record, partition);
  OFFSET(txform_record, reserved);
  SIZE(txform_output);
  OFFSET(txform_output, struct_size);
  OFFSET(txform_output, topic);
  OFFSET(txform_output, key);
  OFFSET(txform_output, value);
  OFFSET(txform_output, headers);
  OFFSET(txform_output, header_count);
  OFFSET(txform_output, timestamp_ms);
  OFFSET(txform_output, partition);
  OFFSET(txform_output, reserved);
  SIZE(txform_host_api);
  OFFSET(txform_host_api, struct_size);
  OFFSET(txform_host_api, emit);
  OFFSET(txform_host_api, log);
  OFFSET(txform_host_api, set_error);
  SIZE(txform_plugin);
  OFFSET(txform_plugin, struct_size);
  OFFSET(txform_plugin, abi_major);
  OFFSET(txform_plugin, abi_minor);
  OFFSET(txform_plugin, name);
  OFFSET(txform_plugin, version);
  OFFSET(txform_plugin, create);
  OFFSET(txform_plugin, process);
  OFFSET(txform_plugin, destroy);
  OFFSET(txform_plugin, flush);
  OFFSET(txform_plugin, on_commit);
  OFFSET(txform_plugin, on_abort);
  CONSTANT(TXFORM_ABI_VERSION_MAJOR);
  CONSTANT(TXFORM_ABI_VERSION_MINOR);
  CONSTANT(TXFORM_STATUS_OK);
  CONSTANT(TXFORM_STATUS_RECORD_ERROR);
  CONSTANT(TXFORM_STATUS_RETRY);
  CONSTANT(TXFORM_STATUS_FATAL);
  CONSTANT(TXFORM_LOG_TRACE);
  CONSTANT(TXFORM_LOG_DEBUG);
  CONSTANT(TXFORM_LOG_INFO);
  CONSTANT(TXFORM_LOG_WARN);
  CONSTANT(TXFORM_LOG_ERROR);
  CONSTANT(TXFORM_PARTITION_UNSET);
  CONSTANT(TXFORM_TIMESTAMP_UNSET);
  printf("TXFORM_PLUGIN_ENTRY_SYMBOL %s\n", TXFORM_PLUGIN_ENTRY_SYMBOL);
  return 0;
}
