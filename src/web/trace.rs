//! The widget's message trace (widget config `trace: true`): one entry per
//! message the widget receives or sends, with its peer, origin, type, size
//! and, for a dropped one, why. Names and sizes only: never a message's
//! contents, so no token, credential or phone number is ever traced.
//!
//! Entries go to the host on the private port as `{t: "trace", entry}`
//! (outside the event outbox and its `seq`); before a host is attached
//! they wait in a bounded buffer.

use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::VecDeque;
use web_sys::MessagePort;

/// Entries kept while no host is attached (the oldest are forgotten first).
const BUFFERED: usize = 256;

/// Who the widget talked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// The host page on the private port.
    Host,
    /// The window (handshakes, CRM Connector envelopes, forged frames).
    Window,
    /// The contact centre (WebSocket frames, REST calls).
    Cc,
}

impl Peer {
    fn as_str(self) -> &'static str {
        match self {
            Peer::Host => "host",
            Peer::Window => "window",
            Peer::Cc => "cc",
        }
    }
}

/// One traced message.
pub(crate) struct Entry<'a> {
    pub dir: &'static str,
    pub peer: Peer,
    pub origin: Option<&'a str>,
    pub kind: &'a str,
    pub bytes: usize,
    pub dropped: Option<&'a str>,
}

/// The trace: off unless the widget's configuration turns it on.
#[derive(Default)]
pub(crate) struct Tracer {
    on: bool,
    port: RefCell<Option<MessagePort>>,
    buffer: RefCell<VecDeque<Value>>,
}

impl Tracer {
    /// A tracer; `on: false` records nothing.
    pub fn new(on: bool) -> Self {
        Tracer {
            on,
            ..Tracer::default()
        }
    }

    /// Whether entries are recorded.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Attaches the host's port and sends what was buffered.
    pub fn attach(&self, port: Option<MessagePort>) {
        *self.port.borrow_mut() = port;
        if !self.on {
            return;
        }
        let buffered: Vec<Value> = self.buffer.borrow_mut().drain(..).collect();
        for entry in buffered {
            self.post(entry);
        }
    }

    /// Records one entry.
    pub fn record(&self, entry: Entry<'_>) {
        if !self.on {
            return;
        }
        let mut value = json!({
            "at": js_sys::Date::now(),
            "dir": entry.dir,
            "peer": entry.peer.as_str(),
            "type": entry.kind,
        });
        if let Some(map) = value.as_object_mut() {
            if let Some(origin) = entry.origin {
                map.insert("origin".into(), json!(origin));
            }
            if entry.bytes > 0 {
                map.insert("bytes".into(), json!(entry.bytes));
            }
            if let Some(reason) = entry.dropped {
                map.insert("dropped".into(), json!(reason));
            }
        }
        self.post(value);
    }

    fn post(&self, entry: Value) {
        let port = self.port.borrow();
        let Some(port) = port.as_ref() else {
            let mut buffer = self.buffer.borrow_mut();
            if buffer.len() >= BUFFERED {
                buffer.pop_front();
            }
            buffer.push_back(entry);
            return;
        };
        super::widget::post_text(
            port,
            &crate::channel::WidgetMessage::Trace { entry: &entry },
        );
    }
}

/// A short type name for a vendor frame: its event or message type field.
pub(crate) fn frame_type(frame: &Value) -> String {
    const FIELDS: [&str; 6] = ["msgType", "eventType", "command", "type", "action", "claz"];
    let Some(map) = frame.as_object() else {
        return "frame".into();
    };
    for field in FIELDS {
        if let Some(name) = map.get(field).and_then(Value::as_str) {
            return name.chars().take(64).collect();
        }
    }
    "frame".into()
}
