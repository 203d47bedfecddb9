//! The FFI declarations against the C header: compiles tests/c_layout.c with the system's C
//! compiler (`CC`, default `cc`) on plugin.h (`TXFORM_SDK_INCLUDE_DIR`, default the SDK's
//! `../include`), runs it, and compares every size, offset and constant with this crate's.
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use txform_plugin::ffi;

/// What the C compiler says, as name → value text. Each test compiles its own copy (`name`):
/// tests run on parallel threads, and one must not run the program while another writes it.
fn c_layout(name: &str) -> BTreeMap<String, String> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let include = std::env::var_os("TXFORM_SDK_INCLUDE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../include"));
    assert!(
        include.join("txform/plugin.h").is_file(),
        "no txform/plugin.h under {} (set TXFORM_SDK_INCLUDE_DIR)",
        include.display()
    );
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let program = out_dir.join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let compiled = Command::new(&cc)
        .arg("-std=c99")
        .arg("-Wall")
        .arg("-Werror")
        .arg("-I")
        .arg(&include)
        .arg(manifest.join("tests/c_layout.c"))
        .arg("-o")
        .arg(&program)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler '{}': {}", cc, e));
    assert!(compiled.success(), "{} failed on tests/c_layout.c", cc);
    let output = Command::new(&program).output().expect("run c_layout");
    assert!(output.status.success(), "c_layout failed");
    String::from_utf8(output.stdout)
        .expect("c_layout prints text")
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(' ').expect("'name value' lines");
            (name.to_string(), value.to_string())
        })
        .collect()
}

#[test]
fn every_struct_size_and_field_offset_matches_the_c_header() {
    let c = c_layout("c_layout_structs");
    let rust = ffi::layout();
    assert!(rust.len() > 40, "the Rust layout lists only {} entries", rust.len());
    for (name, value) in &rust {
        let c_value = c.get(*name).unwrap_or_else(|| panic!("c_layout.c does not print {}", name));
        assert_eq!(c_value, &value.to_string(), "{}: C says {}, Rust {}", name, c_value, value);
    }
    let struct_entries = c.keys().filter(|k| k.starts_with("txform_")).count();
    assert_eq!(struct_entries, rust.len(), "c_layout.c prints entries the Rust side lacks");
}

#[test]
fn every_constant_matches_the_c_header() {
    let c = c_layout("c_layout_constants");
    let expected: [(&str, i64); 13] = [
        ("TXFORM_ABI_VERSION_MAJOR", ffi::TXFORM_ABI_VERSION_MAJOR as i64),
        ("TXFORM_ABI_VERSION_MINOR", ffi::TXFORM_ABI_VERSION_MINOR as i64),
        ("TXFORM_STATUS_OK", ffi::TXFORM_STATUS_OK as i64),
        ("TXFORM_STATUS_RECORD_ERROR", ffi::TXFORM_STATUS_RECORD_ERROR as i64),
        ("TXFORM_STATUS_RETRY", ffi::TXFORM_STATUS_RETRY as i64),
        ("TXFORM_STATUS_FATAL", ffi::TXFORM_STATUS_FATAL as i64),
        ("TXFORM_LOG_TRACE", ffi::TXFORM_LOG_TRACE as i64),
        ("TXFORM_LOG_DEBUG", ffi::TXFORM_LOG_DEBUG as i64),
        ("TXFORM_LOG_INFO", ffi::TXFORM_LOG_INFO as i64),
        ("TXFORM_LOG_WARN", ffi::TXFORM_LOG_WARN as i64),
        ("TXFORM_LOG_ERROR", ffi::TXFORM_LOG_ERROR as i64),
        ("TXFORM_PARTITION_UNSET", ffi::TXFORM_PARTITION_UNSET as i64),
        ("TXFORM_TIMESTAMP_UNSET", ffi::TXFORM_TIMESTAMP_UNSET),
    ];
    for (name, value) in expected {
        assert_eq!(c.get(name), Some(&value.to_string()), "{}", name);
    }
    assert_eq!(
        c.get("TXFORM_PLUGIN_ENTRY_SYMBOL").map(String::as_str),
        Some(ffi::TXFORM_PLUGIN_ENTRY_SYMBOL)
    );
}
