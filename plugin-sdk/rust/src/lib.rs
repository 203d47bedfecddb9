//! Write txform plugins in Rust, on the C ABI of `plugin.h` (ABI 1.0), with nothing but `std`.
//!
//! A plugin is a type implementing [`Plugin`], exported with [`export_plugin!`] from a crate
//! built as a `cdylib`:
//!
//! ```
//! use txform_plugin::{export_plugin, Config, Emitter, Host, Plugin, Record, Result};
//!
//! struct Upper { value: Vec<u8> }
//!
//! impl Plugin for Upper {
//!     fn create(_config: &Config, _host: Host) -> Result<Self> {
//!         Ok(Upper { value: Vec::new() })
//!     }
//!     fn process(&mut self, input: &Record<'_>, out: &mut Emitter<'_>) -> Result {
//!         self.value.clear(); // reused: no allocation per record once it has grown
//!         self.value.extend(input.value().unwrap_or(&[]).iter().map(u8::to_ascii_uppercase));
//!         out.emit(&input.to_output().with_value(&self.value))
//!     }
//! }
//!
//! export_plugin!(Upper, "upper", "1.0.0");
//! ```
//!
//! - **Errors**: return [`Error::record`] for a bad record (the host applies its error policy,
//!   e.g. dead-letters it), [`Error::retry`] for a transient failure (the host aborts and
//!   replays), [`Error::fatal`] to stop. An error from [`Emitter::emit`] is the host's answer:
//!   return it with `?`.
//! - **Panics** never cross the C boundary: a panic in `process()` is reported as
//!   [`Plugin::PANIC_STATUS`] (FATAL unless you choose RECORD_ERROR), anywhere else as FATAL
//!   (`create()` fails), with the panic's message. Do not build plugins with `panic = "abort"`.
//! - **Lifetimes**: a [`Record<'a>`] and everything read from it is borrowed for one
//!   `process()` call; an [`Output<'a>`] borrows what it points at. The compiler refuses a plugin
//!   that keeps either, or emits bytes that would not live long enough:
//!
//! ```compile_fail,E0521
//! use txform_plugin::{Config, Emitter, Host, Plugin, Record, Result};
//! struct Keeper { last: &'static [u8] }
//! impl Plugin for Keeper {
//!     fn create(_: &Config, _: Host) -> Result<Self> { Ok(Keeper { last: &[] }) }
//!     fn process(&mut self, input: &Record<'_>, _: &mut Emitter<'_>) -> Result {
//!         self.last = input.value().unwrap_or(&[]); // error: the record does not live that long
//!         Ok(())
//!     }
//! }
//! ```
//!
//! ```compile_fail,E0515
//! use txform_plugin::{Output, Record};
//! fn shout<'a>(input: &Record<'a>) -> Output<'a> {
//!     let loud = input.value().unwrap_or(&[]).to_ascii_uppercase();
//!     input.to_output().with_value(&loud) // error: returns a value referencing `loud`
//! }
//! ```
//!
//! Threading is plugin.h's: one instance per worker, never called concurrently, but successive
//! calls may come from different threads (so a plugin is `Send`).

pub mod boundary;
mod config;
pub mod ffi;
mod host;
mod record;
mod status;

pub use config::Config;
pub use host::{Emitter, Host, LogLevel};
pub use record::{Header, Output, Record};
pub use status::{Error, Result, Status};

/// A plugin: one value per worker, made by `create` from the pipeline's `plugins[].config`.
pub trait Plugin: Send + Sized + 'static {
    /// How a panic in `process()` is reported: FATAL (a bug stops the pipeline) unless you set
    /// `Status::RecordError` (the record goes to the error policy with the panic's message).
    const PANIC_STATUS: Status = Status::Fatal;

    /// Makes an instance from its configuration; an error fails the host's startup or reload
    /// with the message. `host` is valid for as long as the instance: keep it to log.
    fn create(config: &Config, host: Host) -> Result<Self>;

    /// Transforms one input record, emitting zero or more outputs.
    fn process(&mut self, input: &Record<'_>, out: &mut Emitter<'_>) -> Result;

    /// Emits anything buffered; called before each transaction commits.
    fn flush(&mut self, _out: &mut Emitter<'_>) -> Result {
        Ok(())
    }

    /// The transaction holding everything emitted since the last hook committed.
    fn on_commit(&mut self) -> Result {
        Ok(())
    }

    /// The transaction aborted: roll in-memory state back, those inputs will be replayed.
    fn on_abort(&mut self) -> Result {
        Ok(())
    }
}

/// Exports plugin type `$plugin` as `$name` at `$version` (string literals): defines the entry
/// symbol `txform_plugin_entry_v1`. Use it once per library.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty, $name:literal, $version:literal) => {
        /// The txform plugin entry point (plugin.h).
        #[no_mangle]
        pub extern "C" fn txform_plugin_entry_v1(
            host_abi_major: u32,
            host_abi_minor: u32,
        ) -> *const $crate::ffi::txform_plugin {
            static DESCRIPTOR: $crate::boundary::Descriptor =
                $crate::boundary::Descriptor::new::<$plugin>(
                    concat!($name, "\0"),
                    concat!($version, "\0"),
                );
            $crate::boundary::entry(&DESCRIPTOR, host_abi_major, host_abi_minor)
        }
    };
}
