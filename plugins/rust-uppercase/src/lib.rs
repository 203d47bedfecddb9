//! uppercase: upper-cases each record's value (ASCII), keeping key, headers and timestamp.
//! A value starting with the configured `reject_prefix` is a bad record (RECORD_ERROR), so the
//! pipeline's error policy decides what happens to it; tombstones pass through.
use txform_plugin::{export_plugin, Config, Emitter, Error, Host, Plugin, Record, Result};

struct Uppercase {
    reject_prefix: Option<String>,
    value: Vec<u8>, // reused across records: no allocation once it has grown
}

impl Plugin for Uppercase {
    fn create(config: &Config, _host: Host) -> Result<Self> {
        config.expect_only(&["reject_prefix"])?;
        let reject_prefix = config.get("reject_prefix").map(str::to_string);
        if reject_prefix.as_deref() == Some("") {
            return Err(Error::fatal("config key 'reject_prefix' must not be empty"));
        }
        Ok(Uppercase { reject_prefix, value: Vec::new() })
    }

    fn process(&mut self, input: &Record<'_>, out: &mut Emitter<'_>) -> Result {
        let value = match input.value() {
            Some(value) => value,
            None => return out.emit(&input.to_output()), // a tombstone stays one
        };
        if let Some(prefix) = &self.reject_prefix {
            if value.starts_with(prefix.as_bytes()) {
                return Err(Error::record(format!("value starts with '{}'", prefix)));
            }
        }
        self.value.clear();
        self.value.extend(value.iter().map(u8::to_ascii_uppercase));
        out.emit(&input.to_output().with_value(&self.value))
    }
}

export_plugin!(Uppercase, "uppercase", "1.0.0");
