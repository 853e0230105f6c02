//! The host <-> widget channel protocol (pure: no browser types).
//!
//! After a handshake on the window (`connect` with a transferred
//! `MessagePort`), every message travels on the private port as JSON text:
//! the widget checks its size and nesting before parsing, and decodes it into
//! a typed [`HostMessage`]. The widget keeps a bounded [`Outbox`] of the events
//! it sent, so a host that re-attaches (or a reloaded widget that restored its
//! outbox) resumes from the last `seq` it saw: none lost, none twice.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

/// Version of the channel protocol; both sides must agree.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest accepted channel message, in bytes of JSON text.
pub const MAX_CHANNEL_MESSAGE: usize = 64 * 1024;

/// How many sent events the widget keeps for a host that re-attaches.
pub const OUTBOX_CAPACITY: usize = 2048;

/// An exact web origin (`scheme://host[:port]`), compared as a whole string.
///
/// Parsing is strict: no path, query, fragment, credentials or wildcard, and
/// only `http` / `https`. Matching is exact, so `https://crm.example.com`
/// never admits `https://crm.example.com.evil.test`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin(String);

impl Origin {
    /// Parses an origin as it appears in `MessageEvent.origin`.
    pub fn parse(text: &str) -> Result<Origin, String> {
        let lower = text.trim().to_ascii_lowercase();
        let (scheme, rest) = if let Some(r) = lower.strip_prefix("https://") {
            ("https://", r)
        } else if let Some(r) = lower.strip_prefix("http://") {
            ("http://", r)
        } else {
            return Err(format!("`{text}` is not an http(s) origin"));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty()
            || rest
                .chars()
                .any(|c| matches!(c, '/' | '?' | '#' | '@' | '*' | '\\' | ' '))
        {
            return Err(format!(
                "`{text}` is not a bare origin (scheme://host[:port])"
            ));
        }
        if let Some((_, port)) = rest.rsplit_once(':').filter(|_| !rest.ends_with(']')) {
            if port.is_empty() || port.parse::<u16>().is_err() {
                return Err(format!("`{text}` has an invalid port"));
            }
        }
        Ok(Origin(format!("{scheme}{rest}")))
    }

    /// The origin text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A set of allowed origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Origin>);

impl AllowList {
    /// Builds the list; every entry must be an exact origin (no `"*"`).
    pub fn new<'a>(origins: impl IntoIterator<Item = &'a str>) -> Result<AllowList, String> {
        origins
            .into_iter()
            .map(Origin::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(AllowList)
    }

    /// Whether `origin` (from `MessageEvent.origin`) is allowed: exact match only.
    pub fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.0 == origin)
    }

    /// The allowed origins.
    pub fn origins(&self) -> impl Iterator<Item = &Origin> {
        self.0.iter()
    }

    /// Whether the list is empty (nothing allowed).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Host -> widget, on the private port.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase", deny_unknown_fields)]
pub enum HostMessage {
    /// A call with an id; answered by a [`WidgetMessage::Response`].
    #[serde(rename_all = "camelCase")]
    Request {
        /// Chosen by the host; the response carries it back.
        id: u64,
        /// Method name (`snapshot`, `setAgentState`, `setPresence`, `setMode`, `ccCommand` ...).
        method: String,
        /// The method's parameters (`null` when absent).
        #[serde(default)]
        params: Value,
    },
    /// A CRM Connector "Client Application" envelope from the host page.
    Crm {
        /// The envelope `{type, action, data}`, as posted.
        msg: Value,
    },
    /// The answer to [`WidgetMessage::Ask`]: the token or credentials the
    /// widget's contact-centre client needs (kept inside the widget).
    Answer {
        /// The `id` of the [`WidgetMessage::Ask`] answered.
        id: u64,
        /// The token (AXP) or `{login, password}` (xuc).
        #[serde(default)]
        value: Value,
        /// Why the host's provider gave nothing.
        #[serde(default)]
        error: Option<String>,
    },
}

/// Why a request failed, as a stable code for the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The method does not exist.
    UnknownMethod,
    /// The parameters are wrong.
    InvalidParams,
    /// The side refused the change (or it was superseded / not supported).
    Rejected,
    /// Not allowed by the widget's configuration.
    Forbidden,
    /// The protocol cannot do it (e.g. a command on a read-only contact centre).
    NotSupported,
}

/// A request's error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestError {
    /// Stable code for programs.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

/// Widget -> host, on the private port.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum WidgetMessage<'a> {
    /// Handshake done: who the widget is and what it knows.
    #[serde(rename_all = "camelCase")]
    Ready {
        /// Channel protocol version ([`PROTOCOL_VERSION`]).
        v: u32,
        /// Random id of the widget's event numbering: a new epoch starts a new `seq` series.
        epoch: &'a str,
        /// The last `seq` the widget issued (0 before any).
        last_seq: u64,
        /// The sync engine's state ([`crate::Snapshot`]).
        snapshot: Value,
    },
    /// One normalized event or command (already serialized), with its `seq`.
    Event {
        /// Position in the widget's numbering; the host drops what it has seen.
        seq: u64,
        /// The event or command, as JSON.
        event: &'a Value,
    },
    /// The answer to a request.
    Response {
        /// The request's `id`.
        id: u64,
        /// What the method returned, on success.
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<Value>,
        /// Why it failed.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<RequestError>,
    },
    /// A CRM Connector envelope for the host page's Client Application.
    Crm {
        /// The envelope `{type, action, data}`.
        msg: &'a Value,
    },
    /// The widget page is going away (reload, navigation): queue until the next `ready`.
    Bye,
    /// The contact-centre client needs the host's `token` or `login` credentials.
    Ask {
        /// The host answers with a [`HostMessage::Answer`] carrying this id.
        id: u64,
        /// `token` (AXP access token) or `login` (xuc login and password).
        what: &'a str,
    },
    /// One entry of the message trace (widget config `trace: true`).
    Trace {
        /// Direction, peer, origin, message kind and size (never the content).
        entry: &'a Value,
    },
}

/// Parses one port message (JSON text) within the limits.
pub fn parse_host_message(text: &str) -> Result<HostMessage, String> {
    if text.len() > MAX_CHANNEL_MESSAGE {
        return Err(format!(
            "message is {} bytes, over the {MAX_CHANNEL_MESSAGE}-byte limit",
            text.len()
        ));
    }
    crate::codec::check_text_depth(text).map_err(|e| e.to_string())?;
    serde_json::from_str(text).map_err(|e| format!("invalid channel message: {e}"))
}

/// Validates a host message already parsed (by the browser's `JSON.parse`).
pub fn host_message_from_value(value: &Value) -> Result<HostMessage, String> {
    crate::codec::check_depth(value).map_err(|e| e.to_string())?;
    HostMessage::deserialize(value).map_err(|e| format!("invalid channel message: {e}"))
}

/// The events the widget sent, kept for replay after a re-attach (bounded:
/// the oldest are forgotten first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outbox {
    events: VecDeque<(u64, Value)>,
    next_seq: u64,
}

impl Outbox {
    /// An empty outbox whose first event gets `seq` 1.
    pub fn new() -> Self {
        Outbox {
            events: VecDeque::new(),
            next_seq: 1,
        }
    }

    /// Restores an outbox (e.g. from session storage after a reload).
    pub fn restore(next_seq: u64, events: Vec<(u64, Value)>) -> Self {
        let mut outbox = Outbox {
            events: events.into_iter().collect(),
            next_seq: next_seq.max(1),
        };
        while outbox.events.len() > OUTBOX_CAPACITY {
            outbox.events.pop_front();
        }
        outbox
    }

    /// Records an event; returns its `seq`.
    pub fn push(&mut self, event: Value) -> u64 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        if self.events.len() >= OUTBOX_CAPACITY {
            self.events.pop_front();
        }
        self.events.push_back((seq, event));
        seq
    }

    /// The last `seq` issued (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq.saturating_sub(1)
    }

    /// The `seq` the next event gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Renumbers the kept events to follow `last_seq` (a fresh widget whose
    /// events nobody has seen yet continues the numbering of the host it joins).
    pub fn rebase(&mut self, last_seq: u64) {
        let mut seq = last_seq;
        for (s, event) in self.events.iter_mut() {
            seq = seq.saturating_add(1);
            *s = seq;
            if let Some(map) = event.as_object_mut() {
                if map.contains_key("seq") {
                    map.insert("seq".into(), Value::from(seq));
                }
            }
        }
        self.next_seq = seq.saturating_add(1);
    }

    /// The newest event.
    pub fn last(&self) -> Option<&(u64, Value)> {
        self.events.back()
    }

    /// Events after `seq`, in order (what a re-attaching host has not seen).
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &(u64, Value)> {
        self.events.iter().filter(move |(s, _)| *s > seq)
    }

    /// Whether events after `seq` were already forgotten (the host missed some).
    pub fn has_gap_after(&self, seq: u64) -> bool {
        self.events
            .front()
            .is_some_and(|(first, _)| *first > seq.saturating_add(1))
    }

    /// All kept events, for persisting.
    pub fn events(&self) -> impl Iterator<Item = &(u64, Value)> {
        self.events.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn origins_match_exactly_never_by_prefix() {
        let list = AllowList::new(["https://crm.example.com", "http://127.0.0.1:8080/"]).unwrap();
        assert!(list.allows("https://crm.example.com"));
        assert!(list.allows("http://127.0.0.1:8080"));
        for forged in [
            "https://crm.example.com.evil.test",
            "https://crm.example.com:443.evil.test",
            "http://crm.example.com",
            "https://evil.test/https://crm.example.com",
            "http://127.0.0.1:80801",
            "http://127.0.0.1",
            "null",
            "*",
            "",
        ] {
            assert!(!list.allows(forged), "{forged} passed");
        }
    }

    #[test]
    fn allow_list_entries_must_be_bare_origins() {
        for bad in [
            "*",
            "https://*.example.com",
            "https://crm.example.com/path",
            "https://user@crm.example.com",
            "ftp://crm.example.com",
            "crm.example.com",
            "https://",
            "http://host:99999",
            "http://host:",
        ] {
            assert!(AllowList::new([bad]).is_err(), "{bad} accepted");
        }
        assert_eq!(
            Origin::parse("HTTPS://CRM.Example.com/").unwrap().as_str(),
            "https://crm.example.com"
        );
        assert_eq!(
            Origin::parse("http://[::1]:8080").unwrap().as_str(),
            "http://[::1]:8080"
        );
    }

    #[test]
    fn host_messages_are_typed_and_bounded() {
        assert_eq!(
            parse_host_message(r#"{"t":"request","id":7,"method":"snapshot"}"#).unwrap(),
            HostMessage::Request {
                id: 7,
                method: "snapshot".into(),
                params: Value::Null
            }
        );
        assert!(parse_host_message(r#"{"t":"request","id":-1,"method":"x"}"#).is_err());
        assert!(parse_host_message(r#"{"t":"teleport"}"#).is_err());
        assert!(parse_host_message(r#"{"t":"crm","msg":{},"__proto__":1}"#).is_err());
        let big = format!(
            r#"{{"t":"crm","msg":"{}"}}"#,
            "x".repeat(MAX_CHANNEL_MESSAGE)
        );
        assert!(parse_host_message(&big).unwrap_err().contains("limit"));
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_host_message(&deep).unwrap_err().contains("deeper"));
    }

    #[test]
    fn outbox_replays_what_the_host_missed_and_stays_bounded() {
        let mut outbox = Outbox::new();
        for i in 0..5 {
            assert_eq!(outbox.push(json!(i)), i + 1);
        }
        let missed: Vec<u64> = outbox.since(3).map(|(s, _)| *s).collect();
        assert_eq!(missed, [4, 5]);
        assert!(!outbox.has_gap_after(0));
        for i in 0..OUTBOX_CAPACITY as u64 {
            outbox.push(json!(i));
        }
        assert_eq!(outbox.events().count(), OUTBOX_CAPACITY);
        assert!(outbox.has_gap_after(0));
        assert_eq!(outbox.last_seq(), 5 + OUTBOX_CAPACITY as u64);
        let restored = Outbox::restore(outbox.next_seq(), outbox.events().cloned().collect());
        assert_eq!(restored, outbox);
    }

    #[test]
    fn a_fresh_outbox_continues_the_hosts_numbering() {
        let mut outbox = Outbox::new();
        outbox.push(json!({"kind": "presence", "seq": 1}));
        outbox.push(json!({"kind": "agentState", "seq": 2}));
        outbox.rebase(40);
        let seqs: Vec<(u64, Value)> = outbox.since(0).cloned().collect();
        assert_eq!(seqs[0], (41, json!({"kind": "presence", "seq": 41})));
        assert_eq!(seqs[1].0, 42);
        assert_eq!(outbox.push(json!({})), 43);
    }
}
