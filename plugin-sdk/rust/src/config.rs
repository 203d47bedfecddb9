//! An instance's configuration: an owned copy of the pipeline config's `plugins[].config`.
use crate::status::{Error, Result};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Key/value settings; every accessor's error names the key, for the user who wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    entries: BTreeMap<String, String>,
}

impl Config {
    pub fn new(entries: BTreeMap<String, String>) -> Config {
        Config { entries }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }
    pub fn get_or<'a>(&'a self, key: &str, fallback: &'a str) -> &'a str {
        self.get(key).unwrap_or(fallback)
    }
    /// The value of `key`, or a FATAL error naming it.
    pub fn require(&self, key: &str) -> Result<&str> {
        self.get(key).ok_or_else(|| Error::fatal(format!("missing required config key '{}'", key)))
    }
    /// `key` parsed as `T` (an integer, a bool, ...), `fallback` when absent, a FATAL error
    /// naming the key and the value when it does not parse.
    pub fn parse_or<T: FromStr>(&self, key: &str, fallback: T) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(key) {
            None => Ok(fallback),
            Some(text) => text.parse().map_err(|e| {
                Error::fatal(format!(
                    "config key '{}' must be a {}, got '{}': {}",
                    key,
                    std::any::type_name::<T>(),
                    text,
                    e
                ))
            }),
        }
    }
    /// A FATAL error naming the first key not in `known` (catches typos in pipeline configs).
    pub fn expect_only(&self, known: &[&str]) -> Result {
        match self.entries.keys().find(|key| !known.contains(&key.as_str())) {
            None => Ok(()),
            Some(key) => Err(Error::fatal(format!(
                "unknown config key '{}' (known keys: {})",
                key,
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ))),
        }
    }
    pub fn entries(&self) -> &BTreeMap<String, String> {
        &self.entries
    }
}
