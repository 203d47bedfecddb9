# Rust plugins and the Rust SDK (plugin-sdk/rust/), built by cargo offline (no crates.io: the SDK
# depends on std alone). Debian 12's cargo and rustc (deploy/install-deps.sh) are the reference
# toolchain: /usr/bin is searched first so a rustup toolchain on PATH does not replace them
# unnoticed; -DTXFORM_CARGO=/-DTXFORM_RUSTC= choose others.
find_program(TXFORM_CARGO cargo PATHS /usr/bin NO_DEFAULT_PATH)
find_program(TXFORM_CARGO cargo)
find_program(TXFORM_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH)
find_program(TXFORM_RUSTC rustc)
find_program(TXFORM_RUSTDOC rustdoc PATHS /usr/bin NO_DEFAULT_PATH)
find_program(TXFORM_RUSTDOC rustdoc)
if(NOT TXFORM_CARGO OR NOT TXFORM_RUSTC OR NOT TXFORM_RUSTDOC)
  message(FATAL_ERROR
    "cargo and rustc are needed for the Rust SDK and plugins (plugin-sdk/rust, plugins/rust-*): "
    "run deploy/install-deps.sh (Debian's cargo and rustc), or point -DTXFORM_CARGO= and "
    "-DTXFORM_RUSTC= (and -DTXFORM_RUSTDOC=) at a toolchain of Rust 1.63 or newer.")
endif()
# Every cargo call of this build shares one target directory, so the SDK compiles once.
set(TXFORM_CARGO_TARGET_DIR ${PROJECT_BINARY_DIR}/cargo)
# cargo with this build's rustc and target directory; --offline and --locked: never the network.
# TXFORM_WARNINGS_AS_ERRORS holds for Rust too (one RUSTFLAGS for every call, or cargo would
# rebuild the SDK each time it changes).
set(_txform_rustflags "")
if(TXFORM_WARNINGS_AS_ERRORS)
  set(_txform_rustflags "-Dwarnings")
endif()
set(TXFORM_CARGO_COMMAND ${CMAKE_COMMAND} -E env RUSTC=${TXFORM_RUSTC}
    RUSTDOC=${TXFORM_RUSTDOC} CARGO_TARGET_DIR=${TXFORM_CARGO_TARGET_DIR}
    "RUSTFLAGS=${_txform_rustflags}" -- ${TXFORM_CARGO})
set(TXFORM_CARGO_FLAGS --offline --locked)
message(STATUS "Rust: ${TXFORM_CARGO} with ${TXFORM_RUSTC}")

# txform_add_cargo_plugin(NAME CRATE_DIR dir [OUTPUT_DIRECTORY dir])
#
# Builds the cdylib crate in CRATE_DIR (release) into OUTPUT_DIRECTORY/NAME.so, as the target
# NAME; rebuilt when any file of the crate or of the Rust SDK changes.
function(txform_add_cargo_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "CRATE_DIR;OUTPUT_DIRECTORY" "")
  if(NOT ARG_CRATE_DIR)
    message(FATAL_ERROR "txform_add_cargo_plugin(${name}): CRATE_DIR is required")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  # cargo names the library after the crate, with '-' as '_'.
  file(STRINGS ${ARG_CRATE_DIR}/Cargo.toml _package_name REGEX "^name = " LIMIT_COUNT 1)
  string(REGEX REPLACE "^name = \"(.*)\"$" "\\1" _crate "${_package_name}")
  string(REPLACE "-" "_" _library "${_crate}")
  file(GLOB_RECURSE _sources CONFIGURE_DEPENDS
    ${ARG_CRATE_DIR}/Cargo.toml ${ARG_CRATE_DIR}/Cargo.lock ${ARG_CRATE_DIR}/src/*.rs
    ${PROJECT_SOURCE_DIR}/plugin-sdk/rust/Cargo.toml ${PROJECT_SOURCE_DIR}/plugin-sdk/rust/src/*.rs)
  set(_output ${ARG_OUTPUT_DIRECTORY}/${name}.so)
  add_custom_command(OUTPUT ${_output}
    COMMAND ${TXFORM_CARGO_COMMAND} build ${TXFORM_CARGO_FLAGS} --release --quiet
            --manifest-path ${ARG_CRATE_DIR}/Cargo.toml
    COMMAND ${CMAKE_COMMAND} -E copy
            ${TXFORM_CARGO_TARGET_DIR}/release/lib${_library}.so ${_output}
    DEPENDS ${_sources}
    COMMENT "cargo build ${_crate} -> ${name}.so"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${_output})
endfunction()
