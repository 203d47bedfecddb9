/* discard: takes every record and emits nothing. The profile's drop-all case
 * (tests/perf/profile.sh): the consume side of the loop with no output to produce. */
#include <stdlib.h>
#include <txform/plugin.h>

static txform_plugin_instance* discard_create(const txform_host_api* api, txform_host* host,
                                              const txform_config_entry* config,
                                              size_t config_count) {
  (void)api;
  (void)host;
  (void)config;
  (void)config_count;
  /* No state; the host only needs a non-NULL instance. */
  return (txform_plugin_instance*)malloc(1);
}

static void discard_destroy(txform_plugin_instance* instance) {
  free(instance);
}

static txform_status discard_process(txform_plugin_instance* instance, const txform_record* record,
                                     txform_emitter* emitter) {
  (void)instance;
  (void)record;
  (void)emitter;
  return TXFORM_STATUS_OK;
}

static const txform_plugin discard_descriptor = {sizeof(txform_plugin),
                                                 TXFORM_ABI_VERSION_MAJOR,
                                                 TXFORM_ABI_VERSION_MINOR,
                                                 "discard",
                                                 "1.0.0",
                                                 discard_create,
                                                 discard_process,
                                                 discard_destroy,
                                                 NULL,
                                                 NULL,
                                                 NULL};

const txform_plugin* txform_plugin_entry_v1(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &discard_descriptor;
}
