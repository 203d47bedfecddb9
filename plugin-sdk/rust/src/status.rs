//! What a call tells the host: the status of plugin.h, and the error a plugin returns.
use crate::ffi;
use std::fmt;

/// The four answers of plugin.h (see `docs/plugins.md` for what the host does with each).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Done; the record's outputs are what was emitted.
    Ok = ffi::TXFORM_STATUS_OK,
    /// This input is bad: the host applies its error policy (fail, skip, dead-letter). If the
    /// record already emitted outputs, the host takes them back by aborting the transaction and
    /// replaying, and applies the policy when the record comes round (without calling process()
    /// for it again).
    RecordError = ffi::TXFORM_STATUS_RECORD_ERROR,
    /// Transient failure: the host aborts the transaction and replays from the committed offsets.
    Retry = ffi::TXFORM_STATUS_RETRY,
    /// Unrecoverable: the host stops without committing.
    Fatal = ffi::TXFORM_STATUS_FATAL,
}

impl Status {
    /// The status for an ABI value; anything unknown is FATAL, as the header says.
    pub fn from_raw(raw: ffi::txform_status) -> Status {
        match raw {
            ffi::TXFORM_STATUS_OK => Status::Ok,
            ffi::TXFORM_STATUS_RECORD_ERROR => Status::RecordError,
            ffi::TXFORM_STATUS_RETRY => Status::Retry,
            _ => Status::Fatal,
        }
    }

    /// The ABI value.
    pub fn raw(self) -> ffi::txform_status {
        self as ffi::txform_status
    }
}

/// A failed call: its status and, for the host's log and dead letters, why.
///
/// `Error::record("...")` rejects one input record, `Error::retry("...")` asks for a replay,
/// `Error::fatal("...")` stops the host. An error from [`crate::Emitter::emit`] carries the
/// status the host answered and no message (the host already knows why): return it with `?`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: Option<String>,
}

impl Error {
    /// This input record is bad.
    pub fn record(message: impl Into<String>) -> Error {
        Error::new(Status::RecordError, message)
    }
    /// A transient failure: abort and replay.
    pub fn retry(message: impl Into<String>) -> Error {
        Error::new(Status::Retry, message)
    }
    /// Stop the host.
    pub fn fatal(message: impl Into<String>) -> Error {
        Error::new(Status::Fatal, message)
    }
    /// An error with any status; `Status::Ok` is taken as FATAL (an error must not say ok).
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status: if status == Status::Ok { Status::Fatal } else { status },
            message: Some(message.into()),
        }
    }
    /// The host's answer to an emit, which it explains itself.
    pub(crate) fn from_host(status: Status) -> Error {
        Error { status, message: None }
    }

    pub fn status(&self) -> Status {
        self.status
    }
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{:?}: {}", self.status, message),
            None => write!(f, "{:?} (answered by the host)", self.status),
        }
    }
}

impl std::error::Error for Error {}

/// What every plugin call returns.
pub type Result<T = ()> = std::result::Result<T, Error>;
