//! The exported descriptor through its C function pointers, with a fake host that records what
//! the plugin emits, logs and reports: statuses, error messages, panics caught at the boundary.
use ::txform_plugin::ffi::{
    txform_bytes, txform_config_entry, txform_emitter, txform_header, txform_host, txform_host_api,
    txform_log_level, txform_output, txform_plugin, txform_plugin_instance, txform_record,
    txform_status, TXFORM_ABI_VERSION_MAJOR, TXFORM_ABI_VERSION_MINOR, TXFORM_LOG_INFO,
    TXFORM_LOG_WARN, TXFORM_PARTITION_UNSET, TXFORM_STATUS_FATAL, TXFORM_STATUS_OK,
    TXFORM_STATUS_RECORD_ERROR, TXFORM_STATUS_RETRY, TXFORM_TIMESTAMP_UNSET,
};
use ::txform_plugin::{
    export_plugin, Config, Emitter, Error, Host, Output, Plugin, Record, Result,
};
use std::cell::RefCell;
use std::os::raw::c_char;
use std::ptr;

/// A plugin that does what each record's value says.
struct Probe {
    host: Host,
    seen: usize,
    loud: Vec<u8>,
}

impl Plugin for Probe {
    fn create(config: &Config, host: Host) -> Result<Self> {
        config.expect_only(&["fail_create", "panic_create"])?;
        if config.get("panic_create").is_some() {
            panic!("asked to panic in create");
        }
        if let Some(why) = config.get("fail_create") {
            return Err(Error::fatal(format!("refusing: {}", why)));
        }
        host.info("probe created");
        Ok(Probe { host, seen: 0, loud: Vec::new() })
    }

    fn process(&mut self, input: &Record<'_>, out: &mut Emitter<'_>) -> Result {
        self.seen += 1;
        match input.value() {
            Some(b"panic") => panic!("boom at offset {}", input.offset()),
            Some(b"bad") => Err(Error::record(format!("bad record at offset {}", input.offset()))),
            Some(b"retry") => Err(Error::retry("try again")),
            Some(b"twice") => {
                out.emit(&input.to_output())?;
                out.emit(&Output::new().with_key(b"k2").with_topic("elsewhere").with_partition(3))
            }
            value => {
                self.loud.clear();
                self.loud.extend(value.unwrap_or(&[]).iter().map(u8::to_ascii_uppercase));
                out.emit(&input.to_output().with_value(&self.loud))
            }
        }
    }

    fn flush(&mut self, out: &mut Emitter<'_>) -> Result {
        let count = self.seen.to_string();
        out.emit(&Output::new().with_value(count.as_bytes()))
    }

    fn on_abort(&mut self) -> Result {
        self.host.warn("aborted");
        self.seen = 0;
        Ok(())
    }

    fn on_commit(&mut self) -> Result {
        panic!("commit hook panics");
    }
}

export_plugin!(Probe, "probe", "0.3.1");

/// An owned copy of one emitted output.
#[derive(Debug, PartialEq)]
struct Emitted {
    topic: Option<Vec<u8>>,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    timestamp_ms: i64,
    partition: i32,
}

#[derive(Default)]
struct FakeHost {
    emitted: Vec<Emitted>,
    logs: Vec<(i32, String)>,
    errors: Vec<String>,
    emit_answer: txform_status,
}

thread_local! {
    static HOST: RefCell<FakeHost> = RefCell::new(FakeHost::default());
}

unsafe fn owned(bytes: &txform_bytes) -> Option<Vec<u8>> {
    if bytes.data.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(bytes.data as *const u8, bytes.size).to_vec())
    }
}

unsafe fn text(data: *const c_char, size: usize) -> String {
    String::from_utf8(std::slice::from_raw_parts(data as *const u8, size).to_vec()).unwrap()
}

unsafe extern "C" fn fake_emit(_: *mut txform_emitter, out: *const txform_output) -> txform_status {
    let out = &*out;
    assert_eq!(out.struct_size, std::mem::size_of::<txform_output>());
    let headers = (0..out.header_count)
        .map(|i| {
            let h = &*out.headers.add(i);
            (owned(&h.key).unwrap(), owned(&h.value))
        })
        .collect();
    let emitted = Emitted {
        topic: owned(&out.topic),
        key: owned(&out.key),
        value: owned(&out.value),
        headers,
        timestamp_ms: out.timestamp_ms,
        partition: out.partition,
    };
    HOST.with(|h| {
        let mut h = h.borrow_mut();
        h.emitted.push(emitted);
        h.emit_answer
    })
}

unsafe extern "C" fn fake_log(
    _: *mut txform_host,
    level: txform_log_level,
    m: *const c_char,
    n: usize,
) {
    let line = text(m, n);
    HOST.with(|h| h.borrow_mut().logs.push((level, line)));
}

unsafe extern "C" fn fake_set_error(_: *mut txform_host, m: *const c_char, n: usize) {
    let message = text(m, n);
    HOST.with(|h| h.borrow_mut().errors.push(message));
}

static API: txform_host_api = txform_host_api {
    struct_size: std::mem::size_of::<txform_host_api>(),
    emit: Some(fake_emit),
    log: Some(fake_log),
    set_error: Some(fake_set_error),
};

fn descriptor() -> &'static txform_plugin {
    unsafe { &*txform_plugin_entry_v1(TXFORM_ABI_VERSION_MAJOR, TXFORM_ABI_VERSION_MINOR) }
}

fn bytes(b: &[u8]) -> txform_bytes {
    txform_bytes { data: b.as_ptr() as *const c_char, size: b.len() }
}

fn create(config: &[(&str, &str)]) -> *mut txform_plugin_instance {
    let entries: Vec<txform_config_entry> = config
        .iter()
        .map(|(k, v)| txform_config_entry { key: bytes(k.as_bytes()), value: bytes(v.as_bytes()) })
        .collect();
    unsafe { descriptor().create.unwrap()(&API, ptr::null_mut(), entries.as_ptr(), entries.len()) }
}

/// Processes one record (key "k", headers h1=x and a null h2, timestamp 1000, offset 7).
fn process(instance: *mut txform_plugin_instance, value: &[u8]) -> txform_status {
    let headers = [
        txform_header { key: bytes(b"h1"), value: bytes(b"x") },
        txform_header { key: bytes(b"h2"), value: txform_bytes { data: ptr::null(), size: 0 } },
    ];
    let record = txform_record {
        struct_size: std::mem::size_of::<txform_record>(),
        topic: bytes(b"in"),
        key: bytes(b"k"),
        value: bytes(value),
        headers: headers.as_ptr(),
        header_count: headers.len(),
        timestamp_ms: 1000,
        offset: 7,
        partition: 2,
        reserved: 0,
    };
    unsafe { descriptor().process.unwrap()(instance, &record, ptr::null_mut()) }
}

fn take_host() -> FakeHost {
    HOST.with(|h| std::mem::take(&mut *h.borrow_mut()))
}

#[test]
fn descriptor_carries_abi_name_version_and_every_hook() {
    let d = descriptor();
    assert_eq!(d.struct_size, 80);
    assert_eq!((d.abi_major, d.abi_minor), (1, 0));
    let name = unsafe { std::ffi::CStr::from_ptr(d.name) };
    let version = unsafe { std::ffi::CStr::from_ptr(d.version) };
    assert_eq!(name.to_str().unwrap(), "probe");
    assert_eq!(version.to_str().unwrap(), "0.3.1");
    assert!(d.create.is_some() && d.process.is_some() && d.destroy.is_some());
    assert!(d.flush.is_some() && d.on_commit.is_some() && d.on_abort.is_some());
}

#[test]
fn emits_a_transformed_copy_with_key_headers_and_timestamp() {
    take_host();
    let instance = create(&[]);
    assert!(!instance.is_null());
    assert_eq!(process(instance, b"hello"), TXFORM_STATUS_OK);
    let host = take_host();
    assert_eq!(host.logs, vec![(TXFORM_LOG_INFO, "probe created".to_string())]);
    assert_eq!(
        host.emitted,
        vec![Emitted {
            topic: None,
            key: Some(b"k".to_vec()),
            value: Some(b"HELLO".to_vec()),
            headers: vec![(b"h1".to_vec(), Some(b"x".to_vec())), (b"h2".to_vec(), None)],
            timestamp_ms: 1000,
            partition: TXFORM_PARTITION_UNSET,
        }]
    );
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn an_output_built_from_nothing_has_topic_partition_and_no_headers() {
    take_host();
    let instance = create(&[]);
    assert_eq!(process(instance, b"twice"), TXFORM_STATUS_OK);
    let host = take_host();
    assert_eq!(host.emitted.len(), 2);
    assert_eq!(host.emitted[0].value, Some(b"twice".to_vec()));
    let second = &host.emitted[1];
    assert_eq!(second.topic, Some(b"elsewhere".to_vec()));
    assert_eq!(second.key, Some(b"k2".to_vec()));
    assert_eq!(second.value, None);
    assert!(second.headers.is_empty());
    assert_eq!((second.partition, second.timestamp_ms), (3, TXFORM_TIMESTAMP_UNSET));
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn errors_become_their_status_and_message() {
    take_host();
    let instance = create(&[]);
    assert_eq!(process(instance, b"bad"), TXFORM_STATUS_RECORD_ERROR);
    assert_eq!(process(instance, b"retry"), TXFORM_STATUS_RETRY);
    let host = take_host();
    assert_eq!(host.errors, vec!["bad record at offset 7".to_string(), "try again".to_string()]);
    assert!(host.emitted.is_empty());
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn a_panic_in_process_is_fatal_with_its_message() {
    take_host();
    let instance = create(&[]);
    assert_eq!(process(instance, b"panic"), TXFORM_STATUS_FATAL);
    assert_eq!(take_host().errors, vec!["panicked in process(): boom at offset 7".to_string()]);
    // The instance is still usable afterwards: the panic did not unwind into the host.
    assert_eq!(process(instance, b"ok"), TXFORM_STATUS_OK);
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn a_panic_in_a_hook_is_fatal_with_its_message() {
    take_host();
    let instance = create(&[]);
    assert_eq!(unsafe { descriptor().on_commit.unwrap()(instance) }, TXFORM_STATUS_FATAL);
    assert_eq!(take_host().errors, vec!["panicked in on_commit(): commit hook panics".to_string()]);
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn an_emit_the_host_refuses_is_returned_without_a_message_of_its_own() {
    take_host();
    let instance = create(&[]);
    HOST.with(|h| h.borrow_mut().emit_answer = TXFORM_STATUS_FATAL);
    assert_eq!(process(instance, b"twice"), TXFORM_STATUS_FATAL);
    let host = take_host();
    assert_eq!(host.emitted.len(), 1, "the second emit must not run after a refusal");
    assert!(host.errors.is_empty(), "the host explains its own refusal: {:?}", host.errors);
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn flush_and_on_abort_reach_the_plugin() {
    take_host();
    let instance = create(&[]);
    process(instance, b"a");
    process(instance, b"b");
    assert_eq!(unsafe { descriptor().flush.unwrap()(instance, ptr::null_mut()) }, TXFORM_STATUS_OK);
    assert_eq!(unsafe { descriptor().on_abort.unwrap()(instance) }, TXFORM_STATUS_OK);
    assert_eq!(unsafe { descriptor().flush.unwrap()(instance, ptr::null_mut()) }, TXFORM_STATUS_OK);
    let host = take_host();
    let flushed: Vec<_> = host.emitted[2..].iter().map(|e| e.value.clone().unwrap()).collect();
    assert_eq!(flushed, vec![b"2".to_vec(), b"0".to_vec()]);
    assert!(host.logs.contains(&(TXFORM_LOG_WARN, "aborted".to_string())));
    unsafe { descriptor().destroy.unwrap()(instance) };
}

#[test]
fn create_failures_return_null_with_the_reason() {
    take_host();
    assert!(create(&[("fail_create", "no broker")]).is_null());
    assert!(create(&[("panic_create", "1")]).is_null());
    assert!(create(&[("typo", "1")]).is_null());
    assert_eq!(
        take_host().errors,
        vec![
            "refusing: no broker".to_string(),
            "panicked in create(): asked to panic in create".to_string(),
            "unknown config key 'typo' (known keys: fail_create, panic_create)".to_string(),
        ]
    );
}

#[test]
fn config_that_is_not_utf8_is_refused_naming_the_key() {
    take_host();
    let entry = txform_config_entry { key: bytes(b"fail_create"), value: bytes(b"\xff") };
    let instance = unsafe { descriptor().create.unwrap()(&API, ptr::null_mut(), &entry, 1) };
    assert!(instance.is_null());
    assert_eq!(
        take_host().errors,
        vec!["the value of config key 'fail_create' is not UTF-8".to_string()]
    );
}
