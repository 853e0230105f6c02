//! Commands the sync engine asks a side to carry out, and their wire form.

use crate::model::{Side, Source};
use serde::Deserialize;
use serde_json::Value;
use std::cell::OnceCell;
use std::rc::Rc;

/// The state a command asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum Desired {
    /// Ready for work: CRM presence available, agent Ready.
    Ready,
    /// Not Ready: CRM presence not available, agent paused.
    NotReady,
}

// By name (a derived implementation cost about 1 KB of wasm).
crate::codec::fields::by_name!(
    Desired,
    &["ready", "notReady"],
    &[Desired::Ready, Desired::NotReady]
);

/// Life cycle of a requested change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CommandStatus {
    /// Sent; the side has not reported the new state yet.
    Pending,
    /// The side reported the requested state.
    Confirmed,
    /// The side refused (an error answer, or no confirmation in time).
    Rejected,
    /// Overtaken: a newer command for the same side, or the side moved elsewhere.
    Superseded,
    /// The protocol has no way to set this state (AXP notifications, OpenFrame
    /// AWA presence): the wire shows what the bridge can do instead, if anything.
    NotSupported,
}

impl CommandStatus {
    /// Whether the command is still waiting for an outcome.
    pub fn is_open(self) -> bool {
        self == CommandStatus::Pending
    }
}

/// Why the engine asked for a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Cause {
    /// Synchronized mode: follow the other side's state.
    Follow,
    /// Complementary mode: the other side became Ready.
    Complement,
    /// Work started on the other side.
    Work,
    /// Work on the other side is over: put back the state the bridge changed.
    Restore,
    /// Asked for by the host (API call).
    Host,
}

/// One requested change of a side's state.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(rename_all = "camelCase", tag = "kind", rename = "command")
)]
pub struct Command {
    /// Unique per bridge instance; status updates repeat the same id.
    pub id: u64,
    /// The side the change is asked of.
    pub target: Side,
    /// The protocol the command is sent over (`null` when none is known).
    #[cfg_attr(feature = "ts", ts(optional = false))]
    pub source: Option<Source>,
    /// The state asked for.
    pub state: Desired,
    /// Why the engine asked.
    pub cause: Cause,
    /// The exact vendor message (`null` when there is none).
    #[cfg_attr(feature = "ts", ts(as = "Value"))]
    pub wire: Wire,
    /// Where the command stands; updates are output again under the same `id`.
    pub status: CommandStatus,
    /// Why it was rejected, superseded or not supported.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub detail: Option<String>,
    /// When it was sent (milliseconds, from the input clock), for time-outs.
    #[cfg_attr(any(test, feature = "ts"), serde(skip))]
    pub sent_at: Option<u64>,
}

/// Agent details the wire encoders may need.
#[derive(Debug, Clone, Default)]
pub struct WireContext<'a> {
    /// The contact-centre agent id (xuc `agentid`).
    pub agent_id: Option<&'a str>,
    /// Pause reason / sub-state code for Not Ready.
    pub not_ready_reason: Option<&'a str>,
    /// CRM status id for Ready.
    pub crm_ready_status: &'a str,
    /// CRM status id for Not Ready.
    pub crm_not_ready_status: &'a str,
}

/// A command's vendor message as JSON text: written once when the command
/// is issued, shared by its status updates (a clone counts a reference) and
/// copied as it is into the JSON out. Read as a [`Value`] (parsed on first
/// use, through `Deref`) only where an edge sends it.
#[derive(Clone)]
pub struct Wire(Rc<WireText>);

struct WireText {
    text: String,
    value: OnceCell<Value>,
}

impl Wire {
    /// `null`: no vendor message.
    pub fn null() -> Wire {
        Wire::text("null".to_owned())
    }

    /// JSON text as the core's writer wrote it.
    fn text(text: String) -> Wire {
        Wire(Rc::new(WireText {
            text,
            value: OnceCell::new(),
        }))
    }

    /// Written by `write` (one JSON value).
    fn written(write: impl FnOnce(&mut JsonWriter)) -> Wire {
        let mut w = JsonWriter::text(String::with_capacity(96));
        write(&mut w);
        Wire::text(w.into_text())
    }

    /// The message as JSON text (serde_json's text of [`Wire::value`]).
    pub fn as_text(&self) -> &str {
        &self.0.text
    }

    /// The message as a JSON value.
    pub fn value(&self) -> &Value {
        self.0
            .value
            .get_or_init(|| crate::json_parse::parse(&self.0.text).unwrap_or(Value::Null))
    }
}

impl From<Value> for Wire {
    fn from(value: Value) -> Wire {
        Wire::text(crate::json_write::to_string(&value))
    }
}

impl std::ops::Deref for Wire {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
    }
}

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_text())
    }
}

/// Same text (the writer's text is one per value: keys sorted as
/// `serde_json::Map` keeps them).
impl PartialEq for Wire {
    fn eq(&self, other: &Wire) -> bool {
        self.as_text() == other.as_text()
    }
}

impl PartialEq<Value> for Wire {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

#[cfg(any(test, feature = "ts"))]
impl serde::Serialize for Wire {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

impl ToJson for Wire {
    fn write_json(&self, w: &mut JsonWriter) {
        w.raw(self.as_text());
    }
}

/// The wire message that asks `source` for `state`, or `Err(reason)` with the
/// display-only fallback when the protocol cannot set it. The CRM
/// Connector's and xuc's messages are written straight as text by their
/// codecs (`write_request_sync_omnichannel`, `write_pause_agent`: the text
/// of the `Value` the codec's builders make; tested).
pub fn encode(
    source: Source,
    state: Desired,
    ctx: &WireContext<'_>,
) -> Result<Wire, (String, Wire)> {
    match (source, state) {
        (Source::CrmConnector, state) => {
            let status = match state {
                Desired::Ready => ctx.crm_ready_status,
                Desired::NotReady => ctx.crm_not_ready_status,
            };
            Ok(Wire::written(|w| {
                crate::codec::crm_connector::write_request_sync_omnichannel(w, status)
            }))
        }
        #[cfg(feature = "xuc")]
        (Source::Xuc, state) => {
            let pause = state == Desired::NotReady;
            Ok(Wire::written(|w| {
                crate::codec::xuc::write_pause_agent(w, pause, ctx.agent_id, ctx.not_ready_reason)
            }))
        }
        #[cfg(any(feature = "openframe", feature = "agentdesktop"))]
        (Source::Agentdesktop, Desired::Ready) => {
            Ok(crate::codec::agentdesktop::agent_ready().into())
        }
        #[cfg(any(feature = "openframe", feature = "agentdesktop"))]
        (Source::Agentdesktop, Desired::NotReady) => {
            Ok(crate::codec::agentdesktop::agent_pause(ctx.not_ready_reason).into())
        }
        (Source::Openframe, state) => Err((
            "OpenFrame has no call to set AWA presence; showing the state instead".into(),
            // `setPresenceIndicator(text, color)`, keys in serde_json's order.
            Wire::text(
                match state {
                    Desired::Ready => r#"{"args":["Ready","green"],"method":"setPresenceIndicator"}"#,
                    Desired::NotReady => {
                        r#"{"args":["Not Ready","red"],"method":"setPresenceIndicator"}"#
                    }
                }
                .to_owned(),
            ),
        )),
        (Source::Axp, _) => Err((
            "AXP Agent & Engagement events are read-only; the agent state is set in the agent client"
                .into(),
            Wire::null(),
        )),
        #[allow(unreachable_patterns)]
        (other, _) => Err((
            format!("{} is not in this build", other.as_str()),
            Wire::null(),
        )),
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, key, JsonWriter, Name, ToJson};

json_names!(Desired { Ready => "ready", NotReady => "notReady" });
json_names!(CommandStatus {
    Pending => "pending",
    Confirmed => "confirmed",
    Rejected => "rejected",
    Superseded => "superseded",
    NotSupported => "notSupported",
});
json_names!(Cause {
    Follow => "follow",
    Complement => "complement",
    Work => "work",
    Restore => "restore",
    Host => "host",
});

impl ToJson for Command {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field(key!("kind"), &Name("\"command\""))
                .field(key!("id"), &self.id)
                .field(key!("target"), &self.target)
                .field(key!("source"), &self.source)
                .field(key!("state"), &self.state)
                .field(key!("cause"), &self.cause)
                .field(key!("wire"), &self.wire)
                .field(key!("status"), &self.status)
                .opt(key!("detail"), &self.detail);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wires written as text are the text of the `Value`s the codecs
    /// build, for every state and for ids and reasons that need care.
    #[test]
    fn written_wires_are_the_codecs_messages() {
        let texts = [
            "",
            "0N1;Online",
            "quote \" \\ \u{1} é",
            "19",
            "+19",
            "-7",
            "x19",
        ];
        for a in texts {
            for b in texts {
                for agent_id in [None, Some(a)] {
                    for reason in [None, Some(b)] {
                        let ctx = WireContext {
                            agent_id,
                            not_ready_reason: reason,
                            crm_ready_status: a,
                            crm_not_ready_status: b,
                        };
                        let crm = |s| crate::codec::crm_connector::request_sync_omnichannel(s);
                        let expected = [
                            (Source::CrmConnector, Desired::Ready, crm(a)),
                            (Source::CrmConnector, Desired::NotReady, crm(b)),
                            #[cfg(feature = "xuc")]
                            (
                                Source::Xuc,
                                Desired::Ready,
                                crate::codec::xuc::unpause_agent(agent_id),
                            ),
                            #[cfg(feature = "xuc")]
                            (
                                Source::Xuc,
                                Desired::NotReady,
                                crate::codec::xuc::pause_agent(agent_id, reason),
                            ),
                        ];
                        for (source, state, value) in expected {
                            let wire = encode(source, state, &ctx).expect("settable");
                            assert_eq!(wire.as_text(), serde_json::to_string(&value).unwrap());
                            assert_eq!(wire.value(), &value);
                            assert_eq!(wire, Wire::from(value));
                        }
                    }
                }
            }
        }
        assert_eq!(Wire::null().as_text(), "null");
        assert_eq!(*Wire::null(), Value::Null);
    }

    /// OpenFrame cannot set AWA presence: the fallback wire is the documented
    /// `setPresenceIndicator(text, color)` call, as serde_json writes it.
    #[test]
    fn the_openframe_fallback_is_the_presence_indicator_call() {
        use serde_json::json;
        for (state, text, color) in [
            (Desired::Ready, "Ready", "green"),
            (Desired::NotReady, "Not Ready", "red"),
        ] {
            let (reason, wire) =
                encode(Source::Openframe, state, &WireContext::default()).expect_err("display");
            assert_eq!(
                reason,
                "OpenFrame has no call to set AWA presence; showing the state instead"
            );
            let expected = json!({"method": "setPresenceIndicator", "args": [text, color]});
            assert_eq!(wire.as_text(), serde_json::to_string(&expected).unwrap());
            assert_eq!(wire.value(), &expected);
        }
    }
}
