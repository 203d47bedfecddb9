/* txform plugin ABI v1: the stable C contract between the txform host and a plugin.
 *
 * Names say direction: txform_* are shared types, txform_plugin_* is what a plugin implements,
 * txform_host_* is what the host implements. Pure C99; also valid C++.
 *
 * Versioning. A plugin exports one symbol, txform_plugin_entry_v1, returning its descriptor.
 * The entry symbol and the first five fields of txform_plugin (struct_size, abi_major, abi_minor,
 * name, version) are frozen for every ABI major, so any host can read any plugin's version and
 * refuse it by name. The host refuses a plugin whose major differs from its own. Within a major,
 * structs only grow at the end: a reader uses a field only when the writer's struct_size covers
 * it, and a behaviour change gets a new entry (say emit_v2), never an edited one. Any change to a
 * declaration needs a version bump; comments and whitespace do not (plugin-sdk/abi/plugin.h.sha256
 * records the hash of each version's declarations).
 *
 * Threading. The host creates one instance per worker thread. One instance is never called
 * concurrently, but successive calls may come from different threads. create() and destroy() of
 * different instances may run at the same time: guard any state shared between instances.
 *
 * Memory. Nothing allocated on one side is freed on the other. Every pointer type below has an
 * OWNERSHIP line. In short: what the host passes in is borrowed until the call returns (input
 * records point straight into librdkafka's buffers); what the plugin passes to the host is copied
 * by the host before the host call returns.
 */
#ifndef TXFORM_PLUGIN_H
#define TXFORM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define TXFORM_ABI_VERSION_MAJOR 1
#define TXFORM_ABI_VERSION_MINOR 0

/* The name of the one symbol a plugin exports. */
#define TXFORM_PLUGIN_ENTRY_SYMBOL "txform_plugin_entry_v1"

#if defined(__GNUC__) || defined(__clang__)
#define TXFORM_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define TXFORM_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Shared types ------------------------------------------------------------------------- */

/* What a call tells the host. Any value not listed here is treated as TXFORM_STATUS_FATAL. */
typedef int32_t txform_status;
enum {
  TXFORM_STATUS_OK = 0,           /* done; the record's outputs are what was emitted */
  TXFORM_STATUS_RECORD_ERROR = 1, /* this input is bad: the host applies its error policy (e.g.
                                     dead-letter) and moves on. Outputs already emitted for it
                                     are taken back: the host aborts the transaction, replays
                                     from the committed offsets (calling on_abort) and applies
                                     the policy when the record comes round, without calling
                                     process() for it again. Reject before emitting: cheaper. */
  TXFORM_STATUS_RETRY = 2,        /* transient failure: the host aborts the transaction, calls
                                     on_abort, and replays from the last committed offsets */
  TXFORM_STATUS_FATAL = 3         /* unrecoverable: the host stops cleanly without committing */
};

typedef int32_t txform_log_level;
enum {
  TXFORM_LOG_TRACE = 0,
  TXFORM_LOG_DEBUG = 1,
  TXFORM_LOG_INFO = 2,
  TXFORM_LOG_WARN = 3,
  TXFORM_LOG_ERROR = 4
};

/* An output partition the producer picks, and a timestamp the host picks. */
#define TXFORM_PARTITION_UNSET (-1)
#define TXFORM_TIMESTAMP_UNSET (-1)

/* A run of bytes. data == NULL means absent (a Kafka null key or value, a tombstone), which is
 * distinct from empty (data != NULL, size == 0). Not NUL-terminated unless stated.
 * OWNERSHIP: whoever built the enclosing struct; see that struct. */
typedef struct txform_bytes {
  const char* data;
  size_t size;
} txform_bytes;

/* A Kafka record header. The key is never absent; the value may be.
 * OWNERSHIP: as the enclosing record. */
typedef struct txform_header {
  txform_bytes key;
  txform_bytes value;
} txform_header;

/* One configuration entry from the pipeline config, e.g. {"drop_key_prefix", "test-"}.
 * Both key and value are NUL-terminated (data[size] == '\0') for C convenience.
 * OWNERSHIP: host; borrowed until create() returns. Copy what you keep. */
typedef struct txform_config_entry {
  txform_bytes key;
  txform_bytes value;
} txform_config_entry;

/* An input record.
 * OWNERSHIP: host (zero-copy onto the consumer's buffers, or onto the previous plugin's output
 * in a chain); every pointer is borrowed until process() returns. Copy what you keep. */
typedef struct txform_record {
  size_t struct_size;
  txform_bytes topic; /* the source topic; never absent */
  txform_bytes key;
  txform_bytes value;
  const txform_header* headers; /* header_count entries, in record order */
  size_t header_count;
  int64_t timestamp_ms; /* TXFORM_TIMESTAMP_UNSET when the record has none */
  int64_t offset;       /* the source offset */
  int32_t partition;    /* the source partition */
  uint32_t reserved;    /* zero; keeps the struct free of padding so it can grow */
} txform_record;

/* An output record handed to txform_host_api.emit.
 * OWNERSHIP: plugin; the host copies everything it needs before emit returns. */
typedef struct txform_output {
  size_t struct_size;
  txform_bytes topic; /* data == NULL: the pipeline's default output topic (or, in a chain,
                         the topic an earlier plugin chose) */
  txform_bytes key;
  txform_bytes value;
  const txform_header* headers;
  size_t header_count;
  int64_t timestamp_ms; /* TXFORM_TIMESTAMP_UNSET: inherited in a chain, else the host decides */
  int32_t partition;    /* TXFORM_PARTITION_UNSET: inherited in a chain, else the partitioner */
  uint32_t reserved;    /* zero */
} txform_output;

/* ---- What the host implements ------------------------------------------------------------- */

/* One plugin instance's link to the host (its log and error slot).
 * OWNERSHIP: host; valid from create() until destroy() returns. */
typedef struct txform_host txform_host;

/* Where process() and flush() send their outputs.
 * OWNERSHIP: host; valid only until the process() or flush() call that received it returns. */
typedef struct txform_emitter txform_emitter;

/* Sends one output record. Returns TXFORM_STATUS_OK, or another status that the calling
 * process() or flush() should return at once (the host remembers it either way). */
typedef txform_status (*txform_host_emit_fn)(txform_emitter* emitter, const txform_output* record);

/* Writes a log line through the host's logger. message need not be NUL-terminated. */
typedef void (*txform_host_log_fn)(txform_host* host, txform_log_level level, const char* message,
                                   size_t message_size);

/* Explains the status the current call is about to return (create() returning NULL, or a
 * process(), flush(), on_commit() or on_abort() returning anything but OK). The last call wins. */
typedef void (*txform_host_set_error_fn)(txform_host* host, const char* message,
                                         size_t message_size);

/* The host's function table. Append-only: check struct_size before using any entry added after
 * v1.0 (state store, custom metrics, ...).
 * OWNERSHIP: host; static, valid for as long as the plugin is loaded. */
typedef struct txform_host_api {
  size_t struct_size;
  txform_host_emit_fn emit;
  txform_host_log_fn log;
  txform_host_set_error_fn set_error;
} txform_host_api;

/* ---- What the plugin implements ----------------------------------------------------------- */

/* A plugin's per-worker state.
 * OWNERSHIP: plugin; made by create(), freed by destroy(). The host only passes it back. */
typedef struct txform_plugin_instance txform_plugin_instance;

/* Makes an instance from its configuration, or returns NULL after calling api->set_error. */
typedef txform_plugin_instance* (*txform_plugin_create_fn)(const txform_host_api* api,
                                                           txform_host* host,
                                                           const txform_config_entry* config,
                                                           size_t config_count);

/* Transforms one input record, calling api->emit zero or more times. */
typedef txform_status (*txform_plugin_process_fn)(txform_plugin_instance* instance,
                                                  const txform_record* record,
                                                  txform_emitter* emitter);

/* Emits anything the instance buffered; called before each transaction commits. */
typedef txform_status (*txform_plugin_flush_fn)(txform_plugin_instance* instance,
                                                txform_emitter* emitter);

/* Transaction hooks: the transaction holding everything emitted since the last hook committed
 * (keep the in-memory state) or aborted (roll it back: those inputs will be replayed). */
typedef txform_status (*txform_plugin_on_commit_fn)(txform_plugin_instance* instance);
typedef txform_status (*txform_plugin_on_abort_fn)(txform_plugin_instance* instance);

/* Frees an instance. Never fails. */
typedef void (*txform_plugin_destroy_fn)(txform_plugin_instance* instance);

/* The plugin's descriptor. Required: everything up to destroy. Optional (NULL, or beyond
 * struct_size): flush, on_commit, on_abort.
 * OWNERSHIP: plugin; static, valid until the library is unloaded. */
typedef struct txform_plugin {
  size_t struct_size;  /* sizeof(txform_plugin) as the plugin was compiled */
  uint32_t abi_major;  /* TXFORM_ABI_VERSION_MAJOR as the plugin was compiled */
  uint32_t abi_minor;  /* TXFORM_ABI_VERSION_MINOR as the plugin was compiled */
  const char* name;    /* NUL-terminated; how pipeline configs name the plugin */
  const char* version; /* NUL-terminated; the plugin's own version, e.g. "1.2.0" */
  txform_plugin_create_fn create;
  txform_plugin_process_fn process;
  txform_plugin_destroy_fn destroy;
  txform_plugin_flush_fn flush;
  txform_plugin_on_commit_fn on_commit;
  txform_plugin_on_abort_fn on_abort;
} txform_plugin;

/* The entry point: given the host's ABI version, returns the descriptor, or NULL to refuse to
 * run with this host. Called once per load, before anything else. */
typedef const txform_plugin* (*txform_plugin_entry_fn)(uint32_t host_abi_major,
                                                       uint32_t host_abi_minor);

TXFORM_PLUGIN_EXPORT const txform_plugin* txform_plugin_entry_v1(uint32_t host_abi_major,
                                                                 uint32_t host_abi_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TXFORM_PLUGIN_H */
