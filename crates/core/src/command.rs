//! Commands the sync engine asks a side to carry out, and their wire form.

use crate::model::{Side, Source};
use serde::Deserialize;
use serde_json::{json, Value};

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
    pub wire: Value,
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

/// The wire message that asks `source` for `state`, or `Err(reason)` with the
/// display-only fallback when the protocol cannot set it.
pub fn encode(
    source: Source,
    state: Desired,
    ctx: &WireContext<'_>,
) -> Result<Value, (String, Value)> {
    match (source, state) {
        (Source::CrmConnector, Desired::Ready) => Ok(crate::codec::crm_connector::request_sync_omnichannel(
            ctx.crm_ready_status,
        )),
        (Source::CrmConnector, Desired::NotReady) => Ok(
            crate::codec::crm_connector::request_sync_omnichannel(ctx.crm_not_ready_status),
        ),
        #[cfg(feature = "xuc")]
        (Source::Xuc, Desired::Ready) => Ok(crate::codec::xuc::unpause_agent(ctx.agent_id)),
        #[cfg(feature = "xuc")]
        (Source::Xuc, Desired::NotReady) => Ok(crate::codec::xuc::pause_agent(
            ctx.agent_id,
            ctx.not_ready_reason,
        )),
        #[cfg(any(feature = "openframe", feature = "agentdesktop"))]
        (Source::Agentdesktop, Desired::Ready) => Ok(crate::codec::agentdesktop::agent_ready()),
        #[cfg(any(feature = "openframe", feature = "agentdesktop"))]
        (Source::Agentdesktop, Desired::NotReady) => {
            Ok(crate::codec::agentdesktop::agent_pause(ctx.not_ready_reason))
        }
        (Source::Openframe, state) => {
            let (text, color) = match state {
                Desired::Ready => ("Ready", "green"),
                Desired::NotReady => ("Not Ready", "red"),
            };
            Err((
                "OpenFrame has no call to set AWA presence; showing the state instead".into(),
                json!({"method": "setPresenceIndicator", "args": [text, color]}),
            ))
        }
        (Source::Axp, _) => Err((
            "AXP Agent & Engagement events are read-only; the agent state is set in the agent client"
                .into(),
            Value::Null,
        )),
        #[allow(unreachable_patterns)]
        (other, _) => Err((
            format!("{} is not in this build", other.as_str()),
            Value::Null,
        )),
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonWriter, ToJson};

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
            o.field("kind", "command")
                .field("id", &self.id)
                .field("target", &self.target)
                .field("source", &self.source)
                .field("state", &self.state)
                .field("cause", &self.cause)
                .field("wire", &self.wire)
                .field("status", &self.status)
                .opt("detail", &self.detail);
        });
    }
}
