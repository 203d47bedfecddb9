//! The C ABI boundary: the functions the descriptor points at, for any [`Plugin`] type. Every
//! one of them catches panics, because unwinding into the host is undefined behaviour: a panic
//! becomes a status and a message through the host's error slot. Used by [`crate::export_plugin!`];
//! not meant to be called by hand.
use crate::config::Config;
use crate::ffi;
use crate::host::{Emitter, Host};
use crate::record::Record;
use crate::status::{Error, Result, Status};
use crate::Plugin;
use std::any::Any;
use std::collections::BTreeMap;
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};

/// A descriptor the library can keep in a `static` (its raw pointers point at static strings).
#[repr(transparent)]
pub struct Descriptor(pub ffi::txform_plugin);

// SAFETY: every pointer in the descriptor is to 'static immutable data or a function.
unsafe impl Sync for Descriptor {}

impl Descriptor {
    /// The descriptor of plugin type `T`; `name` and `version` end in "\0" (the macro adds it).
    pub const fn new<T: Plugin>(name: &'static str, version: &'static str) -> Descriptor {
        assert!(ends_with_nul(name) && ends_with_nul(version), "name and version must end in \\0");
        Descriptor(ffi::txform_plugin {
            struct_size: std::mem::size_of::<ffi::txform_plugin>(),
            abi_major: ffi::TXFORM_ABI_VERSION_MAJOR,
            abi_minor: ffi::TXFORM_ABI_VERSION_MINOR,
            name: name.as_ptr() as *const c_char,
            version: version.as_ptr() as *const c_char,
            create: Some(create::<T>),
            process: Some(process::<T>),
            destroy: Some(destroy::<T>),
            flush: Some(flush::<T>),
            on_commit: Some(on_commit::<T>),
            on_abort: Some(on_abort::<T>),
        })
    }
}

const fn ends_with_nul(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty() && bytes[bytes.len() - 1] == 0
}

/// The entry point's body. Like the C++ SDK it never refuses: the host compares ABI majors
/// itself and says so by name, which is a better message than a refusal.
pub fn entry(
    descriptor: &'static Descriptor,
    _host_major: u32,
    _host_minor: u32,
) -> *const ffi::txform_plugin {
    &descriptor.0
}

/// What the host's opaque instance pointer points at.
struct Instance<T> {
    host: Host,
    plugin: T,
}

/// The text of a panic's payload (`panic!("...")` gives a &str or a String).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Runs one hook with its errors and panics turned into a status and the host's error message.
fn guarded<F: FnOnce() -> Result>(
    host: &Host,
    hook: &str,
    on_panic: Status,
    f: F,
) -> ffi::txform_status {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => ffi::TXFORM_STATUS_OK,
        Ok(Err(error)) => {
            if let Some(message) = error.message() {
                host.set_error(message);
            }
            error.status().raw()
        }
        Err(payload) => {
            host.set_error(&format!("panicked in {}: {}", hook, panic_message(&*payload)));
            on_panic.raw()
        }
    }
}

/// The configuration entries as owned strings; not UTF-8 is an error naming the key.
///
/// # Safety
/// `entries` points at `count` entries valid for the call, as plugin.h promises.
unsafe fn config_of(entries: *const ffi::txform_config_entry, count: usize) -> Result<Config> {
    let mut map = BTreeMap::new();
    if entries.is_null() || count == 0 {
        return Ok(Config::new(map));
    }
    for entry in std::slice::from_raw_parts(entries, count) {
        let text = |bytes: &ffi::txform_bytes| -> &[u8] {
            if bytes.data.is_null() {
                &[]
            } else {
                std::slice::from_raw_parts(bytes.data as *const u8, bytes.size)
            }
        };
        let key = String::from_utf8(text(&entry.key).to_vec())
            .map_err(|_| Error::fatal("a config key is not UTF-8"))?;
        let value = String::from_utf8(text(&entry.value).to_vec())
            .map_err(|_| Error::fatal(format!("the value of config key '{}' is not UTF-8", key)))?;
        map.insert(key, value);
    }
    Ok(Config::new(map))
}

unsafe fn instance_of<'i, T>(instance: *mut ffi::txform_plugin_instance) -> &'i mut Instance<T> {
    &mut *(instance as *mut Instance<T>)
}

/// create(): builds the config and the plugin value; NULL with the reason on error or panic.
///
/// # Safety
/// Called by the host with the arguments plugin.h describes.
pub unsafe extern "C" fn create<T: Plugin>(
    api: *const ffi::txform_host_api,
    handle: *mut ffi::txform_host,
    config: *const ffi::txform_config_entry,
    config_count: usize,
) -> *mut ffi::txform_plugin_instance {
    let host = Host::from_raw(api, handle);
    let made = panic::catch_unwind(AssertUnwindSafe(|| -> Result<Box<Instance<T>>> {
        let config = config_of(config, config_count)?;
        let plugin = T::create(&config, host)?;
        Ok(Box::new(Instance { host, plugin }))
    }));
    match made {
        Ok(Ok(instance)) => Box::into_raw(instance) as *mut ffi::txform_plugin_instance,
        Ok(Err(error)) => {
            host.set_error(error.message().unwrap_or("create() failed"));
            std::ptr::null_mut()
        }
        Err(payload) => {
            host.set_error(&format!("panicked in create(): {}", panic_message(&*payload)));
            std::ptr::null_mut()
        }
    }
}

/// process(): one input record, borrowed for the call.
///
/// # Safety
/// Called by the host with an instance create() made and a record valid for the call.
pub unsafe extern "C" fn process<T: Plugin>(
    instance: *mut ffi::txform_plugin_instance,
    record: *const ffi::txform_record,
    emitter: *mut ffi::txform_emitter,
) -> ffi::txform_status {
    let instance = instance_of::<T>(instance);
    let host = instance.host;
    let record = Record::from_raw(&*record);
    let mut out = Emitter::from_raw(host.api(), emitter);
    guarded(&host, "process()", T::PANIC_STATUS, || instance.plugin.process(&record, &mut out))
}

/// flush(): before each commit.
///
/// # Safety
/// As process().
pub unsafe extern "C" fn flush<T: Plugin>(
    instance: *mut ffi::txform_plugin_instance,
    emitter: *mut ffi::txform_emitter,
) -> ffi::txform_status {
    let instance = instance_of::<T>(instance);
    let host = instance.host;
    let mut out = Emitter::from_raw(host.api(), emitter);
    guarded(&host, "flush()", Status::Fatal, || instance.plugin.flush(&mut out))
}

/// on_commit(): the transaction committed.
///
/// # Safety
/// As process().
pub unsafe extern "C" fn on_commit<T: Plugin>(
    instance: *mut ffi::txform_plugin_instance,
) -> ffi::txform_status {
    let instance = instance_of::<T>(instance);
    let host = instance.host;
    guarded(&host, "on_commit()", Status::Fatal, || instance.plugin.on_commit())
}

/// on_abort(): the transaction aborted; its inputs will be replayed.
///
/// # Safety
/// As process().
pub unsafe extern "C" fn on_abort<T: Plugin>(
    instance: *mut ffi::txform_plugin_instance,
) -> ffi::txform_status {
    let instance = instance_of::<T>(instance);
    let host = instance.host;
    guarded(&host, "on_abort()", Status::Fatal, || instance.plugin.on_abort())
}

/// destroy(): drops the plugin value; a panic in its Drop is logged, never propagated.
///
/// # Safety
/// Called once by the host with an instance create() made.
pub unsafe extern "C" fn destroy<T: Plugin>(instance: *mut ffi::txform_plugin_instance) {
    let host = instance_of::<T>(instance).host;
    let boxed = Box::from_raw(instance as *mut Instance<T>);
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(boxed))) {
        host.error(&format!("panicked while dropping the instance: {}", panic_message(&*payload)));
    }
}
