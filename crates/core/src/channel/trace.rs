//! The message trace (widget config `trace: true`): one entry per message in
//! and out, with its peer, origin, kind and size, never its content.

use serde_json::Value;

/// Who a traced message was exchanged with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum Peer {
    /// The host page, on the private port.
    Host,
    /// Any window, with `postMessage` (the handshake, Client Applications, strangers).
    Window,
    /// The contact centre (socket frames and REST calls).
    Cc,
}

/// One trace entry, as the host receives it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
pub struct TraceEntry {
    /// When, in ms since the epoch.
    pub at: u64,
    /// `in` or `out`.
    pub dir: &'static str,
    /// The peer.
    pub peer: Peer,
    /// The message kind (`request setAgentState`, `event agentState`, a frame's type).
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "type"))]
    pub kind: String,
    /// The peer's origin, when known.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub origin: Option<String>,
    /// Size in bytes, when known.
    #[cfg_attr(any(test, feature = "ts"), serde(skip_serializing_if = "is_zero"))]
    pub bytes: usize,
    /// Why the message was dropped, if it was.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub dropped: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A frame's type for the trace: its first naming field, at most 64 characters.
pub fn frame_type(frame: &Value) -> String {
    const FIELDS: [&str; 6] = ["msgType", "eventType", "command", "type", "action", "claz"];
    let Some(map) = frame.as_object() else {
        return "frame".into();
    };
    FIELDS
        .iter()
        .find_map(|field| map.get(*field).and_then(Value::as_str))
        .map_or_else(|| "frame".into(), |name| name.chars().take(64).collect())
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonWriter, ToJson};

json_names!(Peer { Host => "host", Window => "window", Cc => "cc" });

impl ToJson for TraceEntry {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("at", &self.at)
                .field("dir", self.dir)
                .field("peer", &self.peer)
                .field("type", &self.kind)
                .opt("origin", &self.origin);
            if !is_zero(&self.bytes) {
                o.field("bytes", &self.bytes);
            }
            o.opt("dropped", &self.dropped);
        });
    }
}
