//! The C ABI of `plugin.h`, declaration for declaration. Ownership and lifetimes are as the
//! header's `OWNERSHIP:` lines say; the safe types of this crate encode them. A change here must
//! follow plugin.h; `tests/layout.rs` compares every size and offset with a C compiler's.
#![allow(non_camel_case_types)]

use std::os::raw::c_char;

pub const TXFORM_ABI_VERSION_MAJOR: u32 = 1;
pub const TXFORM_ABI_VERSION_MINOR: u32 = 0;
pub const TXFORM_PLUGIN_ENTRY_SYMBOL: &str = "txform_plugin_entry_v1";

pub type txform_status = i32;
pub const TXFORM_STATUS_OK: txform_status = 0;
pub const TXFORM_STATUS_RECORD_ERROR: txform_status = 1;
pub const TXFORM_STATUS_RETRY: txform_status = 2;
pub const TXFORM_STATUS_FATAL: txform_status = 3;

pub type txform_log_level = i32;
pub const TXFORM_LOG_TRACE: txform_log_level = 0;
pub const TXFORM_LOG_DEBUG: txform_log_level = 1;
pub const TXFORM_LOG_INFO: txform_log_level = 2;
pub const TXFORM_LOG_WARN: txform_log_level = 3;
pub const TXFORM_LOG_ERROR: txform_log_level = 4;

pub const TXFORM_PARTITION_UNSET: i32 = -1;
pub const TXFORM_TIMESTAMP_UNSET: i64 = -1;

/// A run of bytes; `data` null means absent, distinct from empty.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_bytes {
    pub data: *const c_char,
    pub size: usize,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_header {
    pub key: txform_bytes,
    pub value: txform_bytes,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_config_entry {
    pub key: txform_bytes,
    pub value: txform_bytes,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_record {
    pub struct_size: usize,
    pub topic: txform_bytes,
    pub key: txform_bytes,
    pub value: txform_bytes,
    pub headers: *const txform_header,
    pub header_count: usize,
    pub timestamp_ms: i64,
    pub offset: i64,
    pub partition: i32,
    pub reserved: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_output {
    pub struct_size: usize,
    pub topic: txform_bytes,
    pub key: txform_bytes,
    pub value: txform_bytes,
    pub headers: *const txform_header,
    pub header_count: usize,
    pub timestamp_ms: i64,
    pub partition: i32,
    pub reserved: u32,
}

/// Opaque: one instance's link to the host.
#[repr(C)]
pub struct txform_host {
    _private: [u8; 0],
}

/// Opaque: where one process() or flush() call sends its outputs.
#[repr(C)]
pub struct txform_emitter {
    _private: [u8; 0],
}

/// Opaque to the host: a plugin's per-worker state.
#[repr(C)]
pub struct txform_plugin_instance {
    _private: [u8; 0],
}

pub type txform_host_emit_fn =
    Option<unsafe extern "C" fn(*mut txform_emitter, *const txform_output) -> txform_status>;
pub type txform_host_log_fn =
    Option<unsafe extern "C" fn(*mut txform_host, txform_log_level, *const c_char, usize)>;
pub type txform_host_set_error_fn =
    Option<unsafe extern "C" fn(*mut txform_host, *const c_char, usize)>;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_host_api {
    pub struct_size: usize,
    pub emit: txform_host_emit_fn,
    pub log: txform_host_log_fn,
    pub set_error: txform_host_set_error_fn,
}

pub type txform_plugin_create_fn = Option<
    unsafe extern "C" fn(
        *const txform_host_api,
        *mut txform_host,
        *const txform_config_entry,
        usize,
    ) -> *mut txform_plugin_instance,
>;
pub type txform_plugin_process_fn = Option<
    unsafe extern "C" fn(
        *mut txform_plugin_instance,
        *const txform_record,
        *mut txform_emitter,
    ) -> txform_status,
>;
pub type txform_plugin_flush_fn =
    Option<unsafe extern "C" fn(*mut txform_plugin_instance, *mut txform_emitter) -> txform_status>;
pub type txform_plugin_on_commit_fn =
    Option<unsafe extern "C" fn(*mut txform_plugin_instance) -> txform_status>;
pub type txform_plugin_on_abort_fn =
    Option<unsafe extern "C" fn(*mut txform_plugin_instance) -> txform_status>;
pub type txform_plugin_destroy_fn = Option<unsafe extern "C" fn(*mut txform_plugin_instance)>;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct txform_plugin {
    pub struct_size: usize,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub create: txform_plugin_create_fn,
    pub process: txform_plugin_process_fn,
    pub destroy: txform_plugin_destroy_fn,
    pub flush: txform_plugin_flush_fn,
    pub on_commit: txform_plugin_on_commit_fn,
    pub on_abort: txform_plugin_on_abort_fn,
}

pub type txform_plugin_entry_fn = Option<unsafe extern "C" fn(u32, u32) -> *const txform_plugin>;

/// The sizes and offsets of every ABI struct as this crate lays them out, one `(name, value)`
/// each (`"txform_record"` is a size, `"txform_record.key"` an offset). `tests/layout.rs`
/// compares them with what a C compiler makes of plugin.h.
pub fn layout() -> Vec<(&'static str, usize)> {
    use std::mem::{size_of, MaybeUninit};
    macro_rules! offset {
        ($ty:ident, $field:ident) => {{
            let value = MaybeUninit::<$ty>::uninit();
            let base = value.as_ptr();
            // addr_of! takes the field's address without reading the uninitialised value.
            let field = unsafe { std::ptr::addr_of!((*base).$field) };
            (concat!(stringify!($ty), ".", stringify!($field)), field as usize - base as usize)
        }};
    }
    macro_rules! size {
        ($ty:ident) => {
            (stringify!($ty), size_of::<$ty>())
        };
    }
    vec![
        size!(txform_bytes),
        offset!(txform_bytes, data),
        offset!(txform_bytes, size),
        size!(txform_header),
        offset!(txform_header, key),
        offset!(txform_header, value),
        size!(txform_config_entry),
        offset!(txform_config_entry, key),
        offset!(txform_config_entry, value),
        size!(txform_record),
        offset!(txform_record, struct_size),
        offset!(txform_record, topic),
        offset!(txform_record, key),
        offset!(txform_record, value),
        offset!(txform_record, headers),
        offset!(txform_record, header_count),
        offset!(txform_record, timestamp_ms),
        offset!(txform_record, offset),
        offset!(txform_record, partition),
        offset!(txform_record, reserved),
        size!(txform_output),
        offset!(txform_output, struct_size),
        offset!(txform_output, topic),
        offset!(txform_output, key),
        offset!(txform_output, value),
        offset!(txform_output, headers),
        offset!(txform_output, header_count),
        offset!(txform_output, timestamp_ms),
        offset!(txform_output, partition),
        offset!(txform_output, reserved),
        size!(txform_host_api),
        offset!(txform_host_api, struct_size),
        offset!(txform_host_api, emit),
        offset!(txform_host_api, log),
        offset!(txform_host_api, set_error),
        size!(txform_plugin),
        offset!(txform_plugin, struct_size),
        offset!(txform_plugin, abi_major),
        offset!(txform_plugin, abi_minor),
        offset!(txform_plugin, name),
        offset!(txform_plugin, version),
        offset!(txform_plugin, create),
        offset!(txform_plugin, process),
        offset!(txform_plugin, destroy),
        offset!(txform_plugin, flush),
        offset!(txform_plugin, on_commit),
        offset!(txform_plugin, on_abort),
    ]
}
