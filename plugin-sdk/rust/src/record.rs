//! Borrowed records: the input a plugin reads and the outputs it emits, as views whose lifetime
//! `'a` the compiler enforces. An input [`Record<'a>`] lives only for the process() call that
//! received it, so it cannot be kept in the plugin; an [`Output<'a>`] cannot outlive the bytes it
//! points at. Copy what you keep (`to_vec()`).
use crate::ffi;
use std::marker::PhantomData;
use std::os::raw::c_char;
use std::slice;

/// Bytes of an ABI run; `None` when absent (a Kafka null).
fn bytes_of<'a>(bytes: &ffi::txform_bytes) -> Option<&'a [u8]> {
    if bytes.data.is_null() {
        return None;
    }
    if bytes.size == 0 {
        return Some(&[]);
    }
    // SAFETY: the host guarantees data[0..size] is readable for the borrow ('a).
    Some(unsafe { slice::from_raw_parts(bytes.data as *const u8, bytes.size) })
}

/// An ABI run over `bytes` (present, possibly empty) or absent.
fn raw_of(bytes: Option<&[u8]>) -> ffi::txform_bytes {
    match bytes {
        // An empty slice's pointer is dangling but never null: present and empty.
        Some(b) => ffi::txform_bytes { data: b.as_ptr() as *const c_char, size: b.len() },
        None => ffi::txform_bytes { data: std::ptr::null(), size: 0 },
    }
}

/// A Kafka header, borrowed. The same memory layout as the ABI's, so a slice of them passes to
/// the host without copying.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Header<'a> {
    raw: ffi::txform_header,
    _borrow: PhantomData<&'a [u8]>,
}

impl<'a> Header<'a> {
    /// A header; `value` `None` is a null header value.
    pub fn new(key: &'a [u8], value: Option<&'a [u8]>) -> Header<'a> {
        Header {
            raw: ffi::txform_header { key: raw_of(Some(key)), value: raw_of(value) },
            _borrow: PhantomData,
        }
    }
    pub fn key(&self) -> &'a [u8] {
        bytes_of(&self.raw.key).unwrap_or(&[])
    }
    pub fn value(&self) -> Option<&'a [u8]> {
        bytes_of(&self.raw.value)
    }
}

impl std::fmt::Debug for Header<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Header")
            .field("key", &String::from_utf8_lossy(self.key()))
            .field("value", &self.value().map(String::from_utf8_lossy))
            .finish()
    }
}

/// An input record, borrowed from the host until the process() call returns.
#[derive(Clone, Copy)]
pub struct Record<'a> {
    raw: &'a ffi::txform_record,
}

impl<'a> Record<'a> {
    /// A view of an ABI record.
    ///
    /// # Safety
    /// Every pointer in `raw` must be valid for `'a`, as plugin.h promises during process().
    pub unsafe fn from_raw(raw: &'a ffi::txform_record) -> Record<'a> {
        Record { raw }
    }

    /// The source topic (Kafka topic names are ASCII).
    pub fn topic(&self) -> &'a str {
        std::str::from_utf8(bytes_of(&self.raw.topic).unwrap_or(&[])).unwrap_or("")
    }
    pub fn partition(&self) -> i32 {
        self.raw.partition
    }
    pub fn offset(&self) -> i64 {
        self.raw.offset
    }
    /// The record's timestamp, `None` when it has none.
    pub fn timestamp_ms(&self) -> Option<i64> {
        match self.raw.timestamp_ms {
            ffi::TXFORM_TIMESTAMP_UNSET => None,
            ms => Some(ms),
        }
    }
    /// The key; `None` for a null key.
    pub fn key(&self) -> Option<&'a [u8]> {
        bytes_of(&self.raw.key)
    }
    /// The value; `None` for a null value (a tombstone).
    pub fn value(&self) -> Option<&'a [u8]> {
        bytes_of(&self.raw.value)
    }
    /// The headers, in record order.
    pub fn headers(&self) -> &'a [Header<'a>] {
        if self.raw.headers.is_null() || self.raw.header_count == 0 {
            return &[];
        }
        // SAFETY: Header is repr(transparent) over txform_header; the host guarantees
        // header_count entries for 'a.
        unsafe {
            slice::from_raw_parts(self.raw.headers as *const Header<'a>, self.raw.header_count)
        }
    }
    /// The value of the first header named `key`; `None` when there is none or it is null.
    pub fn header(&self, key: &[u8]) -> Option<&'a [u8]> {
        self.headers().iter().find(|h| h.key() == key).and_then(|h| h.value())
    }

    /// An output with this record's key, value, headers and timestamp, to the default topic and
    /// the producer's partition: the start of most transforms (`record.to_output().with_value(..)`).
    pub fn to_output(&self) -> Output<'a> {
        Output::new()
            .with_optional_key(self.key())
            .with_optional_value(self.value())
            .with_headers(self.headers())
            .with_raw_timestamp(self.raw.timestamp_ms)
    }

    /// The ABI record.
    pub fn raw(&self) -> &'a ffi::txform_record {
        self.raw
    }
}

impl std::fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("topic", &self.topic())
            .field("partition", &self.partition())
            .field("offset", &self.offset())
            .field("key", &self.key().map(String::from_utf8_lossy))
            .field("value", &self.value().map(String::from_utf8_lossy))
            .field("headers", &self.headers())
            .finish()
    }
}

/// An output record for [`crate::Emitter::emit`], borrowing everything it points at; the host
/// copies it before emit returns. Built with `with_*` calls; the same layout as the ABI's, so
/// emitting it copies nothing.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Output<'a> {
    raw: ffi::txform_output,
    _borrow: PhantomData<&'a [u8]>,
}

impl Default for Output<'_> {
    fn default() -> Self {
        Output::new()
    }
}

impl<'a> Output<'a> {
    /// An output with a null key and value, no headers, the default topic, the producer's
    /// partition and the host's timestamp.
    pub fn new() -> Output<'a> {
        Output {
            raw: ffi::txform_output {
                struct_size: std::mem::size_of::<ffi::txform_output>(),
                topic: raw_of(None),
                key: raw_of(None),
                value: raw_of(None),
                headers: std::ptr::null(),
                header_count: 0,
                timestamp_ms: ffi::TXFORM_TIMESTAMP_UNSET,
                partition: ffi::TXFORM_PARTITION_UNSET,
                reserved: 0,
            },
            _borrow: PhantomData,
        }
    }
    pub fn with_key(self, key: &'a [u8]) -> Output<'a> {
        self.with_optional_key(Some(key))
    }
    /// `None`: a null key.
    pub fn with_optional_key(mut self, key: Option<&'a [u8]>) -> Output<'a> {
        self.raw.key = raw_of(key);
        self
    }
    pub fn with_value(self, value: &'a [u8]) -> Output<'a> {
        self.with_optional_value(Some(value))
    }
    /// `None`: a null value, a tombstone.
    pub fn with_optional_value(mut self, value: Option<&'a [u8]>) -> Output<'a> {
        self.raw.value = raw_of(value);
        self
    }
    pub fn with_headers(mut self, headers: &'a [Header<'a>]) -> Output<'a> {
        self.raw.headers = headers.as_ptr() as *const ffi::txform_header;
        self.raw.header_count = headers.len();
        self
    }
    /// Another topic than the pipeline's default output topic.
    pub fn with_topic(mut self, topic: &'a str) -> Output<'a> {
        self.raw.topic = raw_of(Some(topic.as_bytes()));
        self
    }
    pub fn with_partition(mut self, partition: i32) -> Output<'a> {
        self.raw.partition = partition;
        self
    }
    pub fn with_timestamp_ms(self, timestamp_ms: i64) -> Output<'a> {
        self.with_raw_timestamp(timestamp_ms)
    }
    fn with_raw_timestamp(mut self, timestamp_ms: i64) -> Output<'a> {
        self.raw.timestamp_ms = timestamp_ms;
        self
    }

    pub fn key(&self) -> Option<&'a [u8]> {
        bytes_of(&self.raw.key)
    }
    pub fn value(&self) -> Option<&'a [u8]> {
        bytes_of(&self.raw.value)
    }

    /// The ABI record the host receives.
    pub fn raw(&self) -> &ffi::txform_output {
        &self.raw
    }
}
