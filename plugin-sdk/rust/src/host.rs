//! The host as one instance sees it: its logger ([`Host`]) and, during process() and flush(),
//! where outputs go ([`Emitter`]).
use crate::ffi;
use crate::record::Output;
use crate::status::{Error, Result, Status};
use std::marker::PhantomData;
use std::os::raw::c_char;

#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Trace = ffi::TXFORM_LOG_TRACE,
    Debug = ffi::TXFORM_LOG_DEBUG,
    Info = ffi::TXFORM_LOG_INFO,
    Warn = ffi::TXFORM_LOG_WARN,
    Error = ffi::TXFORM_LOG_ERROR,
}

/// One instance's link to the host: its log and error slot. Valid from create() until the
/// instance is dropped, which is exactly as long as the plugin value that keeps it.
#[derive(Clone, Copy)]
pub struct Host {
    api: *const ffi::txform_host_api,
    handle: *mut ffi::txform_host,
}

// SAFETY: the host's handle may be used from whichever thread calls the instance (plugin.h:
// successive calls may come from different threads, never two at once).
unsafe impl Send for Host {}

impl Host {
    /// # Safety
    /// `api` and `handle` must be what the host passed to create(), still valid.
    pub unsafe fn from_raw(
        api: *const ffi::txform_host_api,
        handle: *mut ffi::txform_host,
    ) -> Host {
        Host { api, handle }
    }

    /// Writes a log line through the host's logger.
    pub fn log(&self, level: LogLevel, message: &str) {
        // SAFETY: api is the host's static table (plugin.h); log is required in v1.0.
        unsafe {
            if let Some(log) = (*self.api).log {
                log(self.handle, level as i32, message.as_ptr() as *const c_char, message.len());
            }
        }
    }
    pub fn info(&self, message: &str) {
        self.log(LogLevel::Info, message)
    }
    pub fn warn(&self, message: &str) {
        self.log(LogLevel::Warn, message)
    }
    pub fn error(&self, message: &str) {
        self.log(LogLevel::Error, message)
    }

    /// Explains the status the current call returns (the SDK calls it for every Error).
    pub(crate) fn set_error(&self, message: &str) {
        // SAFETY: as log().
        unsafe {
            if let Some(set_error) = (*self.api).set_error {
                set_error(self.handle, message.as_ptr() as *const c_char, message.len());
            }
        }
    }

    pub(crate) fn api(&self) -> *const ffi::txform_host_api {
        self.api
    }
}

/// Where one process() or flush() call sends its outputs; it cannot outlive the call (`'e`).
pub struct Emitter<'e> {
    api: *const ffi::txform_host_api,
    handle: *mut ffi::txform_emitter,
    _call: PhantomData<&'e mut ffi::txform_emitter>,
}

impl<'e> Emitter<'e> {
    /// # Safety
    /// `api` must be the host's table and `handle` the emitter of the current call.
    pub unsafe fn from_raw(
        api: *const ffi::txform_host_api,
        handle: *mut ffi::txform_emitter,
    ) -> Emitter<'e> {
        Emitter { api, handle, _call: PhantomData }
    }

    /// Sends one output; the host copies it before this returns. An `Err` carries the status
    /// the host answered (e.g. FATAL after a produce error): return it at once, with `?`.
    pub fn emit(&mut self, output: &Output<'_>) -> Result {
        // SAFETY: the emitter is valid for 'e, and the output's pointers for its own borrow.
        let status = unsafe {
            match (*self.api).emit {
                Some(emit) => emit(self.handle, output.raw()),
                None => ffi::TXFORM_STATUS_FATAL,
            }
        };
        match Status::from_raw(status) {
            Status::Ok => Ok(()),
            other => Err(Error::from_host(other)),
        }
    }
}
