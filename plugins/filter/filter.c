/* filter: drops records by key prefix or by header, and passes the rest through unchanged.
 * Written in C99 against plugin.h alone, to prove the ABI needs no C++.
 *
 * Config (at least one rule):
 *   drop_key_prefix    drop records whose key starts with this
 *   drop_header        drop records carrying this header...
 *   drop_header_value  ...only when its value equals this (default: any value)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <txform/plugin.h>

typedef struct filter {
  const txform_host_api* api;
  txform_host* host;
  txform_bytes key_prefix;   /* owned copy; data == NULL when the rule is off */
  txform_bytes header;       /* owned copy; data == NULL when the rule is off */
  txform_bytes header_value; /* owned copy; data == NULL: any value matches */
  uint64_t dropped;
} filter;

/* Reports `message` as the reason create() or process() failed. */
static void set_error(const txform_host_api* api, txform_host* host, const char* message) {
  api->set_error(host, message, strlen(message));
}

/* A heap copy of bytes, or data == NULL when out of memory. */
static txform_bytes copy_bytes(txform_bytes in) {
  txform_bytes out = {NULL, in.size};
  char* data = (char*)malloc(in.size + 1);
  if (data != NULL) {
    memcpy(data, in.data, in.size);
    data[in.size] = '\0';
  }
  out.data = data;
  return out;
}

/* True when two byte runs are present and equal. */
static int bytes_equal(txform_bytes a, txform_bytes b) {
  return a.data != NULL && b.data != NULL && a.size == b.size &&
         memcmp(a.data, b.data, a.size) == 0;
}

static void filter_destroy(txform_plugin_instance* instance) {
  filter* self = (filter*)instance;
  char line[96];
  int n =
      snprintf(line, sizeof line, "filter dropped %llu records", (unsigned long long)self->dropped);
  if (n > 0) self->api->log(self->host, TXFORM_LOG_INFO, line, (size_t)n);
  free((char*)self->key_prefix.data);
  free((char*)self->header.data);
  free((char*)self->header_value.data);
  free(self);
}

/* Stores one config entry; returns 0 and sets the error for an unknown key or no memory. */
static int filter_configure(filter* self, const txform_config_entry* entry) {
  txform_bytes* slot = NULL;
  if (strcmp(entry->key.data, "drop_key_prefix") == 0) {
    slot = &self->key_prefix;
  } else if (strcmp(entry->key.data, "drop_header") == 0) {
    slot = &self->header;
  } else if (strcmp(entry->key.data, "drop_header_value") == 0) {
    slot = &self->header_value;
  } else {
    char message[256];
    snprintf(message, sizeof message,
             "unknown config key '%.100s' (known keys: drop_key_prefix, drop_header, "
             "drop_header_value)",
             entry->key.data);
    set_error(self->api, self->host, message);
    return 0;
  }
  *slot = copy_bytes(entry->value);
  if (slot->data == NULL) set_error(self->api, self->host, "out of memory");
  return slot->data != NULL;
}

static txform_plugin_instance* filter_create(const txform_host_api* api, txform_host* host,
                                             const txform_config_entry* config,
                                             size_t config_count) {
  size_t i;
  filter* self = (filter*)calloc(1, sizeof(filter));
  if (self == NULL) {
    set_error(api, host, "out of memory");
    return NULL;
  }
  self->api = api;
  self->host = host;
  for (i = 0; i < config_count; ++i) {
    if (!filter_configure(self, &config[i])) {
      filter_destroy((txform_plugin_instance*)self);
      return NULL;
    }
  }
  if (self->key_prefix.data == NULL && self->header.data == NULL) {
    set_error(api, host, "filter needs drop_key_prefix or drop_header (or both)");
    filter_destroy((txform_plugin_instance*)self);
    return NULL;
  }
  if (self->header_value.data != NULL && self->header.data == NULL) {
    set_error(api, host, "drop_header_value needs drop_header");
    filter_destroy((txform_plugin_instance*)self);
    return NULL;
  }
  return (txform_plugin_instance*)self;
}

/* True when the record matches a drop rule. */
static int filter_drops(const filter* self, const txform_record* record) {
  size_t i;
  if (self->key_prefix.data != NULL && record->key.data != NULL &&
      record->key.size >= self->key_prefix.size &&
      memcmp(record->key.data, self->key_prefix.data, self->key_prefix.size) == 0) {
    return 1;
  }
  if (self->header.data == NULL) return 0;
  for (i = 0; i < record->header_count; ++i) {
    const txform_header* h = &record->headers[i];
    if (!bytes_equal(h->key, self->header)) continue;
    if (self->header_value.data == NULL || bytes_equal(h->value, self->header_value)) return 1;
  }
  return 0;
}

static txform_status filter_process(txform_plugin_instance* instance, const txform_record* record,
                                    txform_emitter* emitter) {
  filter* self = (filter*)instance;
  txform_output out;
  if (filter_drops(self, record)) {
    ++self->dropped;
    return TXFORM_STATUS_OK;
  }
  /* Pass the record through by pointing at the input: the host copies before emit returns.
   * Field by field: whole-struct copies of memory the host just wrote stall store forwarding. */
  out.struct_size = sizeof out;
  out.topic.data = NULL;
  out.topic.size = 0;
  out.key.data = record->key.data;
  out.key.size = record->key.size;
  out.value.data = record->value.data;
  out.value.size = record->value.size;
  out.headers = record->headers;
  out.header_count = record->header_count;
  out.timestamp_ms = record->timestamp_ms;
  out.partition = TXFORM_PARTITION_UNSET;
  out.reserved = 0;
  return self->api->emit(emitter, &out);
}

static const txform_plugin filter_descriptor = {sizeof(txform_plugin),
                                                TXFORM_ABI_VERSION_MAJOR,
                                                TXFORM_ABI_VERSION_MINOR,
                                                "filter",
                                                "1.0.0",
                                                filter_create,
                                                filter_process,
                                                filter_destroy,
                                                NULL,
                                                NULL,
                                                NULL};

const txform_plugin* txform_plugin_entry_v1(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &filter_descriptor;
}
