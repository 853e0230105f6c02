//! The widget's log: a bounded ring of redacted entries for support
//! (`bridge.logs()`, `bridge.exportLogs()`).
//!
//! Bounded twice: at most [`LOG_CAPACITY`] entries (the oldest go first) and
//! each message at most [`MAX_MESSAGE`] characters, so memory stays flat
//! however long the widget runs. Every message is scrubbed by
//! [`redact_text`] when it is recorded: nothing unredacted is ever held.

use super::redact::redact_text;
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error;
use serde::Deserialize;
use serde_json::Value;
use std::collections::VecDeque;

/// Entries kept (the newest).
pub const LOG_CAPACITY: usize = 2_000;
/// Longest message kept, in characters (longer ones are cut, with `…`).
pub const MAX_MESSAGE: usize = 512;
/// Longest source name kept, in characters.
const MAX_SOURCE: usize = 32;

/// How severe an entry is; a query gives the minimum it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "LogEntryLevel"))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum LogLevel {
    /// Detail for a developer.
    Debug,
    /// Something happened as expected.
    Info,
    /// Something needs attention.
    Warn,
    /// Something failed.
    Error,
}

/// One log entry, as `bridge.logs()` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct LogEntry {
    /// When, in milliseconds since the Unix epoch.
    pub at: u64,
    /// How severe.
    pub level: LogLevel,
    /// Which part of the widget (`channel`, `axp`, `xuc`, `diagnose` ...).
    pub source: String,
    /// What happened (redacted).
    pub message: String,
}

const LEVEL_NAMES: &[&str] = &["debug", "info", "warn", "error"];
const LEVELS: [LogLevel; 4] = [
    LogLevel::Debug,
    LogLevel::Info,
    LogLevel::Warn,
    LogLevel::Error,
];

crate::codec::fields::by_name!(LogLevel, LEVEL_NAMES, &LEVELS);

/// A query of the log: entries at or after `since` with at least `level`.
/// Unknown keys are refused; read by hand ([`fields`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct LogQuery {
    /// Milliseconds since the Unix epoch (default: everything kept).
    pub since: Option<u64>,
    /// The minimum level (default `debug`: all).
    pub level: Option<LogLevel>,
}

impl Wire for LogQuery {
    const EXPECTED: &'static str = "struct LogQuery";
    fn read(o: Fields) -> Result<Self, Error> {
        o.only(&["since", "level"])?;
        let level = |v: &Value| fields::name(v, LEVEL_NAMES, &LEVELS);
        Ok(LogQuery {
            since: o
                .get(&["since"], |v| fields::opt(v, fields::unsigned))?
                .flatten(),
            level: o.get(&["level"], |v| fields::opt(v, level))?.flatten(),
        })
    }
}

impl<'de> Deserialize<'de> for LogQuery {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

/// The bounded, redacted log.
#[derive(Debug, Clone)]
pub struct LogRing {
    entries: VecDeque<LogEntry>,
    capacity: usize,
    /// Entries pushed out by newer ones so far.
    evicted: u64,
}

impl Default for LogRing {
    fn default() -> Self {
        LogRing::with_capacity(LOG_CAPACITY)
    }
}

impl LogRing {
    /// A ring keeping the newest `capacity` entries (at least one).
    pub fn with_capacity(capacity: usize) -> LogRing {
        let capacity = capacity.max(1);
        LogRing {
            entries: VecDeque::with_capacity(capacity),
            capacity,
            evicted: 0,
        }
    }

    /// Records one entry: the message is redacted and cut to [`MAX_MESSAGE`].
    pub fn push(&mut self, at: u64, level: LogLevel, source: &str, message: &str) {
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
            self.evicted += 1;
        }
        self.entries.push_back(LogEntry {
            at,
            level,
            source: cut(source, MAX_SOURCE),
            message: cut(&redact_text(&cut(message, MAX_MESSAGE * 2)), MAX_MESSAGE),
        });
    }

    /// The entries matching `query`, oldest first.
    pub fn query(&self, query: LogQuery) -> impl Iterator<Item = &LogEntry> {
        let since = query.since.unwrap_or(0);
        let level = query.level.unwrap_or(LogLevel::Debug);
        self.entries
            .iter()
            .filter(move |e| e.at >= since && e.level >= level)
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries newer ones pushed out.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The memory the ring's slots hold (entries, not their text), for tests.
    pub fn slots(&self) -> usize {
        self.entries.capacity()
    }
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => {
            let mut s = text.get(..at).unwrap_or_default().to_owned();
            s.push('…');
            s
        }
        None => text.to_owned(),
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonWriter, ToJson};

json_names!(LogLevel { Debug => "debug", Info => "info", Warn => "warn", Error => "error" });

impl ToJson for LogEntry {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("at", &self.at)
                .field("level", &self.level)
                .field("source", &self.source)
                .field("message", &self.message);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_lines_keep_the_ring_bounded() {
        let mut ring = LogRing::default();
        let slots = ring.slots();
        let long = "x".repeat(10_000);
        for n in 0..1_000_000u64 {
            let message = if n % 1000 == 0 { long.as_str() } else { "line" };
            ring.push(n, LogLevel::Info, "test", message);
        }
        assert_eq!(ring.len(), LOG_CAPACITY);
        assert_eq!(ring.slots(), slots, "the ring never grew");
        assert_eq!(ring.evicted(), 1_000_000 - LOG_CAPACITY as u64);
        let bytes: usize = ring
            .query(LogQuery::default())
            .map(|e| e.message.len())
            .sum();
        assert!(bytes <= LOG_CAPACITY * (MAX_MESSAGE + 3), "{bytes}");
        // The newest are kept, in order.
        let first = ring.query(LogQuery::default()).next().map(|e| e.at);
        assert_eq!(first, Some(1_000_000 - LOG_CAPACITY as u64));
    }

    #[test]
    fn queries_filter_by_time_and_minimum_level() {
        let mut ring = LogRing::with_capacity(10);
        ring.push(1, LogLevel::Debug, "a", "one");
        ring.push(2, LogLevel::Info, "a", "two");
        ring.push(3, LogLevel::Warn, "a", "three");
        ring.push(4, LogLevel::Error, "a", "four");
        let at = |q: LogQuery| ring.query(q).map(|e| e.at).collect::<Vec<_>>();
        assert_eq!(at(LogQuery::default()), [1, 2, 3, 4]);
        let warn = LogQuery {
            since: None,
            level: Some(LogLevel::Warn),
        };
        assert_eq!(at(warn), [3, 4]);
        let since = LogQuery {
            since: Some(2),
            level: Some(LogLevel::Info),
        };
        assert_eq!(at(since), [2, 3, 4]);
        assert!(serde_json::from_str::<LogQuery>(r#"{"level":"loud"}"#).is_err());
        assert!(serde_json::from_str::<LogQuery>(r#"{"since":1,"x":1}"#).is_err());
    }

    #[test]
    fn entries_are_redacted_when_recorded() {
        let mut ring = LogRing::with_capacity(4);
        ring.push(
            1,
            LogLevel::Info,
            "axp",
            "dial +33 6 12 34 56 78 with Bearer canary-0f9e8d7c6b5a",
        );
        let entry = ring.query(LogQuery::default()).next().cloned();
        let text = entry.map(|e| e.message).unwrap_or_default();
        assert!(!text.contains("canary"), "{text}");
        assert!(!text.contains("12 34 56"), "{text}");
        assert!(text.ends_with("with [redacted]"), "{text}");
    }
}

#[cfg(test)]
mod query_tests {
    use super::{LogLevel, LogQuery};
    use serde_json::{from_value, json};

    fn err(v: serde_json::Value) -> String {
        from_value::<LogQuery>(v).unwrap_err().to_string()
    }

    #[test]
    fn a_query_is_read_with_its_defaults() {
        assert_eq!(
            from_value::<LogQuery>(json!({})).unwrap(),
            LogQuery::default()
        );
        let q: LogQuery = from_value(json!({"since": 5, "level": "warn"})).unwrap();
        assert_eq!((q.since, q.level), (Some(5), Some(LogLevel::Warn)));
        let q: LogQuery = from_value(json!({"since": null, "level": null})).unwrap();
        assert_eq!(q, LogQuery::default());
        assert_eq!(
            from_value::<LogLevel>(json!("debug")).unwrap(),
            LogLevel::Debug
        );
        assert_eq!(
            from_value::<LogLevel>(json!("error")).unwrap(),
            LogLevel::Error
        );
    }

    #[test]
    fn a_bad_query_is_refused_naming_the_field() {
        assert_eq!(
            err(json!({"from": 1})),
            "unknown field `from`, expected `since` or `level`"
        );
        assert_eq!(
            err(json!({"level": "loud"})),
            "level: unknown variant `loud`, expected one of `debug`, `info`, `warn`, `error`"
        );
        assert_eq!(
            err(json!({"since": "1"})),
            "since: invalid type: string \"1\", expected u64"
        );
        assert_eq!(
            err(json!(3)),
            "invalid type: integer `3`, expected struct LogQuery"
        );
        assert!(from_value::<LogLevel>(json!(1)).is_err());
    }

    /// The channel reads `logs` params by hand (`fields::opt` + `wire`,
    /// the error through `fields::located`): the same result and text as
    /// `Option::<LogQuery>::deserialize`, which it replaced.
    #[test]
    fn the_hand_read_of_optional_params_is_the_derived_one() {
        use crate::codec::fields;
        use serde::Deserialize;
        for v in [
            json!(null),
            json!({}),
            json!({"since": 5, "level": "warn"}),
            json!({"since": null, "level": null}),
            json!({"from": 1}),
            json!({"level": "loud"}),
            json!({"level": 2}),
            json!({"since": "1"}),
            json!({"since": -1}),
            json!({"since": 1.5}),
            json!({"since": "\u{e9}t\u{e9}"}),
            json!(3),
            json!("x"),
            json!([1, 2]),
            json!(true),
        ] {
            let derived = Option::<LogQuery>::deserialize(&v).map_err(|e| e.to_string());
            let read = fields::opt(&v, fields::wire::<LogQuery>).map_err(|e| fields::located(&e));
            assert_eq!(read, derived, "{v}");
        }
    }
}
