//! A plugin that chose `PANIC_STATUS = RecordError`: a panic in process() rejects the record
//! (with the panic's message) instead of stopping the host; panics elsewhere stay FATAL.
use ::txform_plugin::ffi::{
    txform_bytes, txform_emitter, txform_host, txform_host_api, txform_output, txform_plugin,
    txform_record, txform_status, TXFORM_STATUS_FATAL, TXFORM_STATUS_RECORD_ERROR,
};
use ::txform_plugin::{export_plugin, Config, Emitter, Host, Plugin, Record, Result, Status};
use std::os::raw::c_char;
use std::ptr;

struct Fragile;

impl Plugin for Fragile {
    const PANIC_STATUS: Status = Status::RecordError;
    fn create(_: &Config, _: Host) -> Result<Self> {
        Ok(Fragile)
    }
    fn process(&mut self, input: &Record<'_>, _: &mut Emitter<'_>) -> Result {
        panic!("cannot parse offset {}", input.offset());
    }
    fn on_abort(&mut self) -> Result {
        panic!("abort hook panics");
    }
}

export_plugin!(Fragile, "fragile", "1.0.0");

static mut LAST_ERROR: Option<String> = None;

unsafe extern "C" fn no_emit(_: *mut txform_emitter, _: *const txform_output) -> txform_status {
    TXFORM_STATUS_FATAL
}
unsafe extern "C" fn no_log(_: *mut txform_host, _: i32, _: *const c_char, _: usize) {}
unsafe extern "C" fn keep_error(_: *mut txform_host, message: *const c_char, size: usize) {
    let bytes = std::slice::from_raw_parts(message as *const u8, size);
    LAST_ERROR = Some(String::from_utf8(bytes.to_vec()).unwrap());
}

static API: txform_host_api = txform_host_api {
    struct_size: std::mem::size_of::<txform_host_api>(),
    emit: Some(no_emit),
    log: Some(no_log),
    set_error: Some(keep_error),
};

#[test]
fn a_panic_in_process_is_a_record_error_and_one_in_a_hook_is_fatal() {
    let d: &txform_plugin = unsafe { &*txform_plugin_entry_v1(1, 0) };
    let instance = unsafe { d.create.unwrap()(&API, ptr::null_mut(), ptr::null(), 0) };
    assert!(!instance.is_null());
    let none = txform_bytes { data: ptr::null(), size: 0 };
    let topic = txform_bytes { data: b"in".as_ptr() as *const c_char, size: 2 };
    let record = txform_record {
        struct_size: std::mem::size_of::<txform_record>(),
        topic,
        key: none,
        value: none,
        headers: ptr::null(),
        header_count: 0,
        timestamp_ms: -1,
        offset: 41,
        partition: 0,
        reserved: 0,
    };
    let status = unsafe { d.process.unwrap()(instance, &record, ptr::null_mut()) };
    assert_eq!(status, TXFORM_STATUS_RECORD_ERROR);
    let error = unsafe { LAST_ERROR.take() };
    assert_eq!(error.as_deref(), Some("panicked in process(): cannot parse offset 41"));
    assert_eq!(unsafe { d.on_abort.unwrap()(instance) }, TXFORM_STATUS_FATAL);
    let error = unsafe { LAST_ERROR.take() };
    assert_eq!(error.as_deref(), Some("panicked in on_abort(): abort hook panics"));
    unsafe { d.destroy.unwrap()(instance) };
}
