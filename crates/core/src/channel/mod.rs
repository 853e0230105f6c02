//! The host <-> widget channel protocol (pure: no browser types).
//!
//! After a handshake on the window (`connect` with a transferred
//! `MessagePort`), every message travels on the private port as JSON text:
//! the widget checks its size and nesting before parsing, and decodes it into
//! a typed [`HostMessage`]. The widget keeps a bounded [`Outbox`] of the events
//! it sent, so a host that re-attaches (or a reloaded widget that restored its
//! outbox) resumes from the last `seq` it saw: none lost, none twice. What it
//! cannot replay (events its outbox forgot, numbers a widget restored from an
//! older save passed over) it names first, one `gap` notice per range.
//!
//! Bursts travel as one port message (protocol 2): what one side produces
//! within one task goes as `{"t":"batch","m":[message, ...]}` (at most
//! [`MAX_BATCH_BYTES`] of text each), unpacked in order by the other side;
//! a lone message travels as itself, never waiting for company. Every event
//! in a batch keeps its own `seq`, so resume, replay and gaps work per event.

use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::codec::JsonParser;
use serde::de::Error as _;
use serde::Deserialize;
use serde_json::Value;

mod outbox;
mod trace;
mod widget;
mod widget_event;

pub use outbox::{EventText, Outbox, OUTBOX_CAPACITY};
pub use trace::{frame_type, Peer, TraceEntry};
pub use widget::{
    credentials_from, default_storage_key, login_credentials, Ask, Call, ChannelCore,
    CredentialsUrl, Effect, HostView, RestoreError, Saved, WidgetChannel, WidgetOptions,
    WindowInput, ANSWERS_KEPT, ASKS_KEPT, PERSISTED_EVENTS, SAVE_DELAY_MS, SAVE_EVERY_MS,
    TRACE_BUFFERED,
};
pub use widget_event::{Dropped, LinkStatus, WidgetEvent};

/// Version of the channel protocol this widget speaks: 2 adds batches.
pub const PROTOCOL_VERSION: u32 = 2;

/// The oldest host protocol still accepted: a version-1 host (an older
/// drop-in) gets one message per post and never a batch.
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// Largest batch the widget posts, in bytes of JSON text (a message bigger
/// than this travels alone). The host keeps its batches under
/// [`MAX_CHANNEL_MESSAGE`], the widget's inbound limit.
pub const MAX_BATCH_BYTES: usize = 64 * 1024;

/// Largest accepted channel message, in bytes of JSON text.
pub const MAX_CHANNEL_MESSAGE: usize = 64 * 1024;

/// An exact web origin (`scheme://host[:port]`), compared as a whole string.
///
/// Parsing is strict: no path, query, fragment, credentials or wildcard, and
/// only `http` / `https`. Matching is exact, so `https://crm.example.com`
/// never admits `https://crm.example.com.evil.test`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
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
        // A loop, not `collect` into a `Result` (an iterator adapter in the wasm).
        let mut list = Vec::new();
        for origin in origins {
            list.push(Origin::parse(origin)?);
        }
        Ok(AllowList(list))
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

/// Host -> widget, on the private port. Read by hand ([`Wire`]): a derived
/// internally tagged enum cost about 18 KB of wasm, and serde's buffering of
/// tagged content about 34 KB more (bench/README.md).
#[derive(Debug, Clone, PartialEq)]
pub enum HostMessage {
    /// A call with an id; answered by a [`WidgetMessage::Response`].
    Request {
        /// Chosen by the host; the response carries it back.
        id: u64,
        /// Method name (`snapshot`, `setAgentState`, `setPresence`, `setMode`, `ccCommand` ...).
        method: String,
        /// The method's parameters (`null` when absent).
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
        value: Value,
        /// Why the host's provider gave nothing.
        error: Option<String>,
    },
    /// A liveness check: the widget answers [`WidgetMessage::Pong`] with `n`.
    Ping {
        /// Chosen by the host.
        n: u64,
    },
    /// Several messages sent within one task of the host page, in order
    /// (protocol 2). Each is decoded on its own; a batch in a batch is refused.
    Batch {
        /// The messages.
        m: Vec<Value>,
    },
}

impl<'de> Deserialize<'de> for HostMessage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

impl Wire for HostMessage {
    const EXPECTED: &'static str = "internally tagged enum HostMessage";
    fn read(o: Fields) -> Result<Self, FieldError> {
        let mut message = HostMessage::shape(o)?;
        message.fill(|name| o.map().get(name).cloned());
        Ok(message)
    }
}

/// A [`HostMessage`] read without the values it carries ([`HostMessage::shape`]).
struct Shape(HostMessage);

impl Wire for Shape {
    const EXPECTED: &'static str = HostMessage::EXPECTED;
    fn read(o: Fields) -> Result<Self, FieldError> {
        HostMessage::shape(o).map(Shape)
    }
}

impl HostMessage {
    /// Reads a parsed port message, moving the values it carries (`params`,
    /// `msg`, `value`, a batch's messages) out of it instead of copying them.
    /// The error reads as serde's did (`invalid channel message: id: ...`).
    pub fn from_value(value: Value) -> Result<HostMessage, String> {
        let mut message = match fields::wire::<Shape>(&value) {
            Ok(Shape(message)) => message,
            Err(e) => {
                return Err(format!("invalid channel message: {}", fields::located(&e)));
            }
        };
        if let Value::Object(mut map) = value {
            // Taken in place, not removed: the map is dropped next, and
            // `BTreeMap::remove` (its rebalancing, ~5 KB of wasm) is then
            // needed nowhere else.
            message.fill(|name| map.get_mut(name).map(Value::take));
        }
        Ok(message)
    }

    /// The message's tag and fields, checked; the values it carries are
    /// left `null` (a batch empty) for [`HostMessage::fill`].
    fn shape(o: Fields) -> Result<HostMessage, FieldError> {
        let t = o.text(&["t"])?;
        let id = || o.req(&["id"], fields::unsigned);
        let present = |_: &Value| Ok(());
        Ok(match t.as_str() {
            "request" => {
                o.only(&["t", "id", "method", "params"])?;
                HostMessage::Request {
                    id: id()?,
                    method: o.text(&["method"])?,
                    params: Value::Null,
                }
            }
            "crm" => {
                o.only(&["t", "msg"])?;
                o.req(&["msg"], present)?;
                HostMessage::Crm { msg: Value::Null }
            }
            "answer" => {
                o.only(&["t", "id", "value", "error"])?;
                HostMessage::Answer {
                    id: id()?,
                    value: Value::Null,
                    error: o
                        .get(&["error"], |v| fields::opt(v, fields::text))?
                        .flatten(),
                }
            }
            "ping" => {
                o.only(&["t", "n"])?;
                HostMessage::Ping {
                    n: o.req(&["n"], fields::unsigned)?,
                }
            }
            "batch" => {
                o.only(&["t", "m"])?;
                o.req(&["m"], |v| fields::list(v, present))?;
                HostMessage::Batch { m: Vec::new() }
            }
            other => {
                return Err(FieldError::unknown_variant(
                    other,
                    &["request", "crm", "answer", "ping", "batch"],
                ))
            }
        })
    }

    /// Puts in the values a [`HostMessage::shape`] left out, each taken by
    /// its field name (absent: `null`).
    fn fill(&mut self, mut take: impl FnMut(&'static str) -> Option<Value>) {
        match self {
            HostMessage::Request { params, .. } => *params = take("params").unwrap_or_default(),
            HostMessage::Crm { msg } => *msg = take("msg").unwrap_or_default(),
            HostMessage::Answer { value, .. } => *value = take("value").unwrap_or_default(),
            HostMessage::Batch { m } => {
                if let Some(Value::Array(items)) = take("m") {
                    *m = items;
                }
            }
            HostMessage::Ping { .. } => {}
        }
    }
}

/// Why a request failed, as a stable code for the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct RequestError {
    /// Stable code for programs.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

/// Widget -> host, on the private port.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(tag = "t", rename_all = "camelCase"))]
pub enum WidgetMessage<'a> {
    /// Handshake done: who the widget is and what it knows.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
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
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        result: Option<Value>,
        /// Why it failed.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
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
        entry: &'a TraceEntry,
    },
    /// An event for this host only, outside the numbered stream (a `gap`).
    Notice {
        /// The event ([`WidgetEvent`], already serialized).
        event: &'a Value,
    },
    /// The answer to [`HostMessage::Ping`]: the widget is alive.
    Pong {
        /// The ping's `n`.
        n: u64,
    },
}

/// Parses one port message (JSON text) within the limits, with `parser`:
/// the size and nesting are checked before parsing, the shape after.
pub fn parse_host_message_with(text: &str, parser: JsonParser) -> Result<HostMessage, String> {
    if text.len() > MAX_CHANNEL_MESSAGE {
        return Err(format!(
            "message is {} bytes, over the {MAX_CHANNEL_MESSAGE}-byte limit",
            text.len()
        ));
    }
    let value = crate::codec::parse_text(text, parser).map_err(|e| e.to_string())?;
    HostMessage::from_value(value)
}

/// [`parse_host_message_with`] serde_json (feature `json-text`).
#[cfg(feature = "json-text")]
pub fn parse_host_message(text: &str) -> Result<HostMessage, String> {
    parse_host_message_with(text, JsonParser::SERDE_JSON)
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonWriter, ToJson};

impl ToJson for Origin {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(&self.0);
    }
}

json_names!(ErrorCode {
    UnknownMethod => "unknownMethod",
    InvalidParams => "invalidParams",
    Rejected => "rejected",
    Forbidden => "forbidden",
    NotSupported => "notSupported",
});

impl ToJson for RequestError {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("code", &self.code).field("message", &self.message);
        });
    }
}

impl WidgetMessage<'_> {
    /// The message's `t`.
    fn tag(&self) -> &'static str {
        match self {
            WidgetMessage::Ready { .. } => "ready",
            WidgetMessage::Event { .. } => "event",
            WidgetMessage::Response { .. } => "response",
            WidgetMessage::Crm { .. } => "crm",
            WidgetMessage::Bye => "bye",
            WidgetMessage::Ask { .. } => "ask",
            WidgetMessage::Trace { .. } => "trace",
            WidgetMessage::Notice { .. } => "notice",
            WidgetMessage::Pong { .. } => "pong",
        }
    }
}

impl ToJson for WidgetMessage<'_> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            // `t` first, written once for every kind.
            o.field("t", self.tag());
            match self {
                WidgetMessage::Ready {
                    v,
                    epoch,
                    last_seq,
                    snapshot,
                } => {
                    o.field("v", v)
                        .field("epoch", epoch)
                        .field("lastSeq", last_seq)
                        .field("snapshot", snapshot);
                }
                WidgetMessage::Event { seq, event } => {
                    o.field("seq", seq).field("event", event);
                }
                WidgetMessage::Response { id, result, error } => {
                    o.field("id", id).opt("result", result).opt("error", error);
                }
                WidgetMessage::Crm { msg } => {
                    o.field("msg", msg);
                }
                WidgetMessage::Bye => {}
                WidgetMessage::Ask { id, what } => {
                    o.field("id", id).field("what", what);
                }
                WidgetMessage::Trace { entry } => {
                    o.field("entry", entry);
                }
                WidgetMessage::Notice { event } => {
                    o.field("event", event);
                }
                WidgetMessage::Pong { n } => {
                    o.field("n", n);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_message_read_from_its_value_keeps_what_it_carries_and_serdes_errors() {
        let request = serde_json::json!({"t": "request", "id": 3, "method": "inject",
            "params": {"source": "xuc", "msg": {"msgType": "AgentStateEvent", "ctiMessage": {"name": "AgentReady"}}}});
        let batch =
            serde_json::json!({"t": "batch", "m": [request.clone(), {"t": "ping", "n": 1}]});
        let Ok(HostMessage::Batch { m }) = HostMessage::from_value(batch) else {
            panic!("not a batch");
        };
        assert_eq!(
            m,
            vec![request.clone(), serde_json::json!({"t": "ping", "n": 1})]
        );
        assert_eq!(
            HostMessage::from_value(request.clone()).unwrap(),
            HostMessage::Request {
                id: 3,
                method: "inject".into(),
                params: request["params"].clone(),
            }
        );
        assert_eq!(
            HostMessage::from_value(serde_json::json!({"t": "crm", "msg": {"type": "x"}})).unwrap(),
            HostMessage::Crm {
                msg: serde_json::json!({"type": "x"})
            }
        );
        // The same values and errors as the serde path (`Deserialize` through `Wire::read`).
        for text in [
            r#"{"t":"answer","id":1,"value":{"token":"t"}}"#,
            r#"{"t":"answer","id":1,"error":"no"}"#,
            r#"{"t":"request","id":-1,"method":"x"}"#,
            r#"{"t":"crm"}"#,
            r#"{"t":"batch","m":{}}"#,
            r#"{"t":"ping","n":1,"x":2}"#,
            r#"[1]"#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            let serde = HostMessage::deserialize(&value)
                .map_err(|e| format!("invalid channel message: {e}"));
            assert_eq!(HostMessage::from_value(value), serde, "{text}");
        }
    }
}
