#include "authoring/templates.hpp"

namespace txform::authoring {
namespace {

// ---- shared by every language -------------------------------------------------------------

constexpr std::string_view kRecords = R"~({"key": "k1", "value": "hello, txform"}
{"key": "k2", "value": null, "headers": {"trace": "t-1"}}
{"key": "k3", "value": "bad: not for this pipeline"}
)~";

// What `txform plugin test --config reject_prefix=bad --on-record-error dead_letter` prints for
// kRecords; compared as JSON, line for line.
constexpr std::string_view kExpected =
    R"~({"line":1,"status":"OK","outputs":[{"key":"k1","value":"HELLO, TXFORM"}]}
{"line":2,"status":"OK","outputs":[{"key":"k2","value":null,"headers":[["trace","t-1"]]}]}
{"line":3,"status":"RECORD_ERROR","outputs":[],"plugin":"{{NAME}}@0.1.0","message":"value starts with 'bad'","then":"txform run writes it to the dead letter topic (on_record_error: dead_letter)"}
{"flush":true,"status":"OK","outputs":[]}
)~";

constexpr std::string_view kReadmeTop = R"~(# {{NAME}}

A txform plugin in {{LANGUAGE}}: it upper-cases each record's value (ASCII) and keeps its key,
headers and timestamp; a null value (a tombstone) stays null. A value that starts with the config key `reject_prefix` is a bad record (RECORD_ERROR): the
pipeline's `error_policy.on_record_error` decides whether txform stops, skips it or writes it to
the dead letter topic.

Change `process` in {{SOURCE}} to your transform, `test/records.jsonl` to your input and
`test/expected.jsonl` to what it should give (`txform plugin test` without `--expect` prints it).

)~";

constexpr std::string_view kReadmeBottom = R"~(
## The sample test

It runs the plugin without a broker:

```sh
txform plugin test --plugin-dir {{PLUGIN_DIR}} --plugins {{NAME}} --input test/records.jsonl \
  --config reject_prefix=bad --on-record-error dead_letter --expect test/expected.jsonl
```

which prints one JSON line per record (its outputs, its status and, if it failed, what `txform
run` would do) and exits non-zero when the output differs from `test/expected.jsonl`.

## Running it in a pipeline

```yaml
plugin_dir: {{PLUGIN_DIR}}   # must not be writable by group or others
plugins:
  - name: {{NAME}}
    config:
      reject_prefix: "bad"
error_policy:
  on_record_error: dead_letter
  dead_letter_topic: my-dead-letters
```

`txform check --config pipeline.yaml` validates it, `txform run --config pipeline.yaml` runs it.
The plugin contract (threading, ownership, statuses, transactions) is in txform's plugin guide,
`docs/plugins.md`.
)~";

// ---- C --------------------------------------------------------------------------------------

constexpr std::string_view kCMakeC =
    R"~(# {{NAME}}: a txform plugin in C, built against the installed txform plugin SDK.
cmake_minimum_required(VERSION 3.18)
project({{NAME}} LANGUAGES C)

find_package(txform-plugin-sdk 1 REQUIRED)
txform_add_plugin({{NAME}} SOURCES src/{{NAME}}.c OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins)
set_target_properties({{NAME}} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)

# The sample test: `txform plugin test` on test/records.jsonl must print test/expected.jsonl.
enable_testing()
find_program(TXFORM_EXECUTABLE txform REQUIRED)
add_test(NAME sample
  COMMAND ${TXFORM_EXECUTABLE} plugin test --plugin-dir ${CMAKE_BINARY_DIR}/plugins
          --plugins {{NAME}} --input ${CMAKE_CURRENT_SOURCE_DIR}/test/records.jsonl
          --config reject_prefix=bad --on-record-error dead_letter
          --expect ${CMAKE_CURRENT_SOURCE_DIR}/test/expected.jsonl)
)~";

constexpr std::string_view kSourceC =
    R"~(/* {{NAME}}: a txform plugin in C99 on the ABI header alone (txform/plugin.h).
 * Upper-cases each record's value (ASCII); a value starting with the config key reject_prefix is
 * a bad record (RECORD_ERROR). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <txform/plugin.h>

typedef struct instance {
  const txform_host_api* api;
  txform_host* host;
  char* reject_prefix; /* NULL: reject nothing */
  size_t reject_prefix_size;
  char* value;         /* reused across records: no allocation once it has grown */
  size_t capacity;
} instance;

/* Explains the status the current call returns. */
static void set_error(const instance* self, const char* message) {
  self->api->set_error(self->host, message, strlen(message));
}

static void destroy(txform_plugin_instance* handle) {
  instance* self = (instance*)handle;
  free(self->reject_prefix);
  free(self->value);
  free(self);
}

static txform_plugin_instance* create(const txform_host_api* api, txform_host* host,
                                      const txform_config_entry* config, size_t config_count) {
  instance* self = calloc(1, sizeof *self);
  size_t i;
  if (self == NULL) {
    api->set_error(host, "out of memory", strlen("out of memory"));
    return NULL;
  }
  self->api = api;
  self->host = host;
  for (i = 0; i < config_count; ++i) {
    /* Config keys and values are NUL-terminated (plugin.h). */
    if (strcmp(config[i].key.data, "reject_prefix") == 0 && config[i].value.size > 0) {
      self->reject_prefix = malloc(config[i].value.size + 1);
      if (self->reject_prefix == NULL) {
        set_error(self, "out of memory");
        destroy((txform_plugin_instance*)self);
        return NULL;
      }
      memcpy(self->reject_prefix, config[i].value.data, config[i].value.size + 1);
      self->reject_prefix_size = config[i].value.size;
    } else {
      char message[512];
      snprintf(message, sizeof message,
               strcmp(config[i].key.data, "reject_prefix") == 0
                   ? "config key '%s' must not be empty"
                   : "unknown config key '%s' (known keys: reject_prefix)",
               config[i].key.data);
      set_error(self, message);
      destroy((txform_plugin_instance*)self);
      return NULL;
    }
  }
  return (txform_plugin_instance*)self;
}

static txform_status process(txform_plugin_instance* handle, const txform_record* record,
                             txform_emitter* emitter) {
  instance* self = (instance*)handle;
  txform_output out;
  size_t i;
  memset(&out, 0, sizeof out);
  out.struct_size = sizeof out;
  out.topic.data = NULL; /* the pipeline's output topic */
  out.key = record->key;
  out.value = record->value; /* a tombstone stays one */
  out.headers = record->headers;
  out.header_count = record->header_count;
  out.timestamp_ms = record->timestamp_ms;
  out.partition = TXFORM_PARTITION_UNSET;
  if (record->value.data != NULL && record->value.size > 0) {
    if (self->reject_prefix != NULL && record->value.size >= self->reject_prefix_size &&
        memcmp(record->value.data, self->reject_prefix, self->reject_prefix_size) == 0) {
      char message[600];
      snprintf(message, sizeof message, "value starts with '%s'", self->reject_prefix);
      set_error(self, message);
      return TXFORM_STATUS_RECORD_ERROR; /* before emitting anything: nothing to take back */
    }
    if (record->value.size > self->capacity) {
      char* grown = realloc(self->value, record->value.size);
      if (grown == NULL) {
        set_error(self, "out of memory");
        return TXFORM_STATUS_FATAL;
      }
      self->value = grown;
      self->capacity = record->value.size;
    }
    for (i = 0; i < record->value.size; ++i) {
      const char c = record->value.data[i];
      self->value[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    out.value.data = self->value;
  }
  return self->api->emit(emitter, &out); /* the host copies the output before returning */
}

static const txform_plugin descriptor = {
    sizeof(txform_plugin), TXFORM_ABI_VERSION_MAJOR, TXFORM_ABI_VERSION_MINOR, "{{NAME}}", "0.1.0",
    create, process, destroy, NULL /* flush */, NULL /* on_commit */, NULL /* on_abort */};

TXFORM_PLUGIN_EXPORT const txform_plugin* txform_plugin_entry_v1(uint32_t host_abi_major,
                                                                 uint32_t host_abi_minor) {
  (void)host_abi_major; /* the host refuses a plugin of another ABI major itself */
  (void)host_abi_minor;
  return &descriptor;
}
)~";

// ---- C++ ------------------------------------------------------------------------------------

constexpr std::string_view kCMakeCpp =
    R"~(# {{NAME}}: a txform plugin in C++, built against the installed txform plugin SDK.
cmake_minimum_required(VERSION 3.18)
project({{NAME}} LANGUAGES CXX)

find_package(txform-plugin-sdk 1 REQUIRED)
txform_add_plugin({{NAME}} SOURCES src/{{NAME}}.cpp OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins)
set_target_properties({{NAME}} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON)

# The sample test: `txform plugin test` on test/records.jsonl must print test/expected.jsonl.
enable_testing()
find_program(TXFORM_EXECUTABLE txform REQUIRED)
add_test(NAME sample
  COMMAND ${TXFORM_EXECUTABLE} plugin test --plugin-dir ${CMAKE_BINARY_DIR}/plugins
          --plugins {{NAME}} --input ${CMAKE_CURRENT_SOURCE_DIR}/test/records.jsonl
          --config reject_prefix=bad --on-record-error dead_letter
          --expect ${CMAKE_CURRENT_SOURCE_DIR}/test/expected.jsonl)
)~";

constexpr std::string_view kSourceCpp =
    R"~(// {{NAME}}: a txform plugin in C++ on the header-only SDK (txform/plugin.hpp).
// Upper-cases each record's value (ASCII); a value starting with the config key reject_prefix is
// a bad record (RECORD_ERROR).
#include <string>
#include <txform/plugin.hpp>

class {{CLASS}} {
 public:
  // A bad config throws: the host refuses to start, naming the plugin and the message.
  explicit {{CLASS}}(const txform::Config& config)
      : reject_prefix_(config.get_or("reject_prefix", "")) {
    config.expect_only({"reject_prefix"});
  }

  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    if (!in.has_value()) return out.emit(in);  // a tombstone stays one
    if (!reject_prefix_.empty() && in.value().substr(0, reject_prefix_.size()) == reject_prefix_) {
      // Before emitting anything: nothing to take back.
      throw txform::RecordError("value starts with '" + reject_prefix_ + "'");
    }
    value_.assign(in.value());
    for (char& c : value_) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out.emit(in.with_value(value_));  // the host copies it before emit returns
  }

 private:
  std::string reject_prefix_;
  std::string value_;  // reused across records: no allocation once it has grown
};

TXFORM_PLUGIN({{CLASS}}, "{{NAME}}", "0.1.0")
)~";

constexpr std::string_view kReadmeBuildCMake = R"~(## Building

With the txform plugin SDK installed (the `txform-plugin-sdk-dev` package, or
`cmake --install <txform build> --component txform-plugin-sdk --prefix <prefix>`):

```sh
cmake -S . -B build            # add -DCMAKE_PREFIX_PATH=<prefix> for an SDK outside /usr
cmake --build build            # build/plugins/{{NAME}}.so
ctest --test-dir build --output-on-failure   # the sample test (needs txform on PATH)
txform plugins --dir build/plugins
```
)~";

// ---- Rust -----------------------------------------------------------------------------------

constexpr std::string_view kCargoToml =
    R"~(# {{NAME}}: a txform plugin in Rust, on the txform plugin SDK's Rust crate.
[package]
name = "{{NAME}}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
# cdylib: the plugin the host loads; rlib: lets tests and other crates use its code.
crate-type = ["cdylib", "rlib"]

[dependencies]
txform-plugin = { path = "{{RUST_SDK}}" }

# Panics must unwind to the SDK's boundary, which reports them to the host: never "abort".
[profile.release]
panic = "unwind"
strip = "debuginfo"
)~";

constexpr std::string_view kSourceRust =
    R"~(//! {{NAME}}: a txform plugin in Rust on the SDK crate (txform-plugin).
//! Upper-cases each record's value (ASCII); a value starting with the config key reject_prefix
//! is a bad record (RECORD_ERROR).
use txform_plugin::{export_plugin, Config, Emitter, Error, Host, Plugin, Record, Result};

pub struct {{CLASS}} {
    reject_prefix: Option<String>,
    value: Vec<u8>, // reused across records: no allocation once it has grown
}

impl Plugin for {{CLASS}} {
    // An Err fails the host's startup with the message.
    fn create(config: &Config, _host: Host) -> Result<Self> {
        config.expect_only(&["reject_prefix"])?;
        let reject_prefix = config.get("reject_prefix").map(str::to_string);
        if reject_prefix.as_deref() == Some("") {
            return Err(Error::fatal("config key 'reject_prefix' must not be empty"));
        }
        Ok({{CLASS}} { reject_prefix, value: Vec::new() })
    }

    fn process(&mut self, input: &Record<'_>, out: &mut Emitter<'_>) -> Result {
        let value = match input.value() {
            Some(value) => value,
            None => return out.emit(&input.to_output()), // a tombstone stays one
        };
        if let Some(prefix) = &self.reject_prefix {
            if value.starts_with(prefix.as_bytes()) {
                // Before emitting anything: nothing to take back.
                return Err(Error::record(format!("value starts with '{}'", prefix)));
            }
        }
        self.value.clear();
        self.value.extend(value.iter().map(u8::to_ascii_uppercase));
        out.emit(&input.to_output().with_value(&self.value)) // the host copies it
    }
}

export_plugin!({{CLASS}}, "{{NAME}}", "0.1.0");
)~";

constexpr std::string_view kSampleTestRust =
    R"~(//! The sample test: `txform plugin test` on test/records.jsonl must print test/expected.jsonl.
//! Needs txform on PATH, or TXFORM=/path/to/txform.
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn sample_records_give_the_expected_outputs() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // `cargo test` builds the library only as an rlib: build the cdylib the host loads, into
    // this test's own target directory (target/debug/deps/sample-* -> target/debug).
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("the target directory");
    let built = Command::new(env!("CARGO"))
        .args(["build", "--lib", "--manifest-path"])
        .arg(manifest.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", profile_dir.parent().expect("the target directory"))
        .status()
        .expect("run cargo build");
    assert!(built.success(), "cargo build --lib failed");
    let library = profile_dir.join("lib{{IDENT}}.so");
    assert!(library.is_file(), "{} was not built", library.display());
    // The host loads only plugins that neither group nor others can write.
    let plugin_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plugins");
    fs::create_dir_all(&plugin_dir).expect("create the plugin directory");
    fs::set_permissions(&plugin_dir, fs::Permissions::from_mode(0o755)).expect("chmod");
    let plugin = plugin_dir.join("{{NAME}}.so");
    fs::copy(&library, &plugin).expect("copy the plugin");
    fs::set_permissions(&plugin, fs::Permissions::from_mode(0o755)).expect("chmod");

    let txform = std::env::var("TXFORM").unwrap_or_else(|_| "txform".to_string());
    let output = Command::new(&txform)
        .args(["plugin", "test", "--plugin-dir"])
        .arg(&plugin_dir)
        .args(["--plugins", "{{NAME}}", "--input"])
        .arg(manifest.join("test/records.jsonl"))
        .args(["--config", "reject_prefix=bad", "--on-record-error", "dead_letter", "--expect"])
        .arg(manifest.join("test/expected.jsonl"))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run '{}' ({}): put txform on PATH or set TXFORM", txform, e)
        });
    assert!(
        output.status.success(),
        "txform plugin test failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
)~";

constexpr std::string_view kReadmeBuildRust = R"~(## Building

With the txform plugin SDK installed (the `txform-plugin-sdk-dev` package puts the Rust crate in
`/usr/share/txform-plugin-sdk/rust`; `Cargo.toml` points at it) and Rust 1.63 or newer:

```sh
cargo build --release          # target/release/lib{{IDENT}}.so
cargo test                     # the sample test (needs txform on PATH)
mkdir -p plugins && cp target/release/lib{{IDENT}}.so plugins/{{NAME}}.so
txform plugins --dir plugins
```
)~";

constexpr std::string_view kGitignore = R"~(/build/
/target/
/plugins/
)~";

constexpr std::string_view kGitignoreRust = R"~(/target/
/plugins/
)~";

}  // namespace

std::vector<TemplateFile> project_templates(Language language) {
  switch (language) {
    case Language::c:
      return {{"CMakeLists.txt", kCMakeC},
              {"src/{{NAME}}.c", kSourceC},
              {"test/records.jsonl", kRecords},
              {"test/expected.jsonl", kExpected},
              {".gitignore", kGitignore}};
    case Language::cpp:
      return {{"CMakeLists.txt", kCMakeCpp},
              {"src/{{NAME}}.cpp", kSourceCpp},
              {"test/records.jsonl", kRecords},
              {"test/expected.jsonl", kExpected},
              {".gitignore", kGitignore}};
    case Language::rust:
      return {{"Cargo.toml", kCargoToml},           {"src/lib.rs", kSourceRust},
              {"tests/sample.rs", kSampleTestRust}, {"test/records.jsonl", kRecords},
              {"test/expected.jsonl", kExpected},   {".gitignore", kGitignoreRust}};
  }
  return {};
}

std::string project_readme(Language language) {
  std::string readme(kReadmeTop);
  readme += language == Language::rust ? kReadmeBuildRust : kReadmeBuildCMake;
  readme += kReadmeBottom;
  return readme;
}

}  // namespace txform::authoring
