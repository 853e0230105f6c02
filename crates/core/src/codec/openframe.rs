//! ServiceNow OpenFrame AWA events (docs/protocols.md#openframe-awa-events).
//!
//! Raw message: `{"event": "<subscribed name>", "data": <handler argument>}`.
//! The handler argument wraps its body in `result`, except the rejected
//! event's, which uses `payload`; both wrappers are accepted for every event,
//! as is an unwrapped body.

use super::fields::{self, Fields, Wire};
use super::path_de::Error;
use super::{as_object, discriminator, read_by};
use crate::error::{DecodeError, Fault};
use crate::lenient;
use crate::model::{
    Decoded, DocumentRef, EventBody, InteractionPhase, PresenceChannel, WorkItemPhase,
};
use serde_json::{Map, Value};

/// The five AWA event names, as passed to `openFrameAPI.subscribe`.
pub const EVENTS: [&str; 5] = [
    "openframe_awa_agent_presence",
    "openframe_awa_workitem_offered",
    "openframe_awa_workitem_accepted",
    "openframe_awa_workitem_rejected",
    OFF_INTERACTION,
];

/// The last of [`EVENTS`]: the interaction event's `vendorEvent`.
const OFF_INTERACTION: &str = "openframe_agent_off_interaction";

const KEYS: [&str; 5] = [
    "OPENFRAMEAWAAGENTPRESENCE",
    "OPENFRAMEAWAWORKITEMOFFERED",
    "OPENFRAMEAWAWORKITEMACCEPTED",
    "OPENFRAMEAWAWORKITEMREJECTED",
    "OPENFRAMEAGENTOFFINTERACTION",
];

// The bodies, read by hand (`codec::fields`) straight into their event.

/// `{presence}`: the presence event.
fn presence_body(o: Fields) -> Result<EventBody, Error> {
    o.req(&["presence"], |v| {
        let o = fields::fields_of(v, "struct Presence")?;
        Ok(EventBody::Presence {
            name: o.string(&["name"])?,
            status_id: o.opt_string(&["sys_id"])?,
            available: o.boolean(&["available"])?,
            channels: o.opt_list(&["channels"], channel)?.unwrap_or_default(),
            success: None,
        })
    })
}

fn channel(value: &Value) -> Result<PresenceChannel, Error> {
    let o = fields::fields_of(value, "struct Channel")?;
    Ok(PresenceChannel {
        name: o.string(&["name"])?,
        available: o.boolean(&["available"])?,
        id: o.opt_string(&["sys_id"])?,
    })
}

/// `{workItem}` of the offered, accepted and rejected events, in [`EVENTS`] order.
const WORK_ITEM_BODIES: [fn(Fields) -> Result<EventBody, Error>; 3] = [
    |o| work_item_body(o, WorkItemPhase::Offered),
    |o| work_item_body(o, WorkItemPhase::Accepted),
    |o| work_item_body(o, WorkItemPhase::Rejected),
];

fn work_item_body(o: Fields, phase: WorkItemPhase) -> Result<EventBody, Error> {
    o.req(&["workItem", "workitem", "work_item"], |v| {
        let o = fields::fields_of(v, "struct WorkItem")?;
        let id = o.string(&["sys_id"])?;
        let size = o.opt_int(&["size"])?;
        let channel: Option<NamedRef> = o.opt_wire(&["serviceChannel", "service_channel"])?;
        let document: Option<Document> = o.opt_wire(&["document"])?;
        let rejection: Option<Rejection> = o.opt_wire(&["rejection"])?;
        Ok(EventBody::WorkItem {
            id,
            phase,
            channel: channel.and_then(|c| c.name),
            document: document.map(|d| DocumentRef {
                table: d.table,
                id: d.sys_id,
            }),
            reason: rejection.and_then(|r| r.reason),
            size,
        })
    })
}

struct NamedRef {
    name: Option<String>,
}

impl Wire for NamedRef {
    const EXPECTED: &'static str = "struct NamedRef";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            name: o.opt_string(&["name"])?,
        })
    }
}

struct Document {
    sys_id: String,
    table: String,
}

impl Wire for Document {
    const EXPECTED: &'static str = "struct Document";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            sys_id: o.string(&["sys_id"])?,
            table: o.string(&["table"])?,
        })
    }
}

struct Rejection {
    reason: Option<String>,
}

impl Wire for Rejection {
    const EXPECTED: &'static str = "struct Rejection";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            reason: o.opt_string(&["reason"])?,
        })
    }
}

/// `{interaction}`: the agent left an interaction.
fn interaction_body(o: Fields) -> Result<EventBody, Error> {
    o.req(&["interaction"], |v| {
        let o = fields::fields_of(v, "struct Interaction")?;
        let id = o.string(&["sys_id"])?;
        let number = o.opt_string(&["number"])?;
        let media = o.opt_string(&["type"])?;
        let reason = o.opt_string(&["reason"])?;
        let mut data = Map::new();
        if let Some(number) = number {
            data.insert("number".into(), Value::String(number));
        }
        Ok(EventBody::Interaction {
            id,
            phase: InteractionPhase::Done,
            media,
            direction: None,
            from: None,
            to: None,
            queue: None,
            agent_id: None,
            reason,
            vendor_event: Some(OFF_INTERACTION.to_owned()),
            data,
        })
    })
}

/// Finds the event body inside the handler argument: `result`, `payload`, or
/// the argument itself when it already holds the `inner` key.
fn unwrap_body<'a>(data: &'a Value, inner: &str) -> Result<&'a Value, Fault> {
    let map = as_object(data).map_err(|e| DecodeError::invalid("data", e.to_string()))?;
    if map.contains_key(inner) {
        return Ok(data);
    }
    for wrapper in ["result", "payload"] {
        if let Some(body) = map.get(wrapper) {
            return Ok(body);
        }
    }
    Err(Box::new(DecodeError::invalid(
        "data",
        format!("expected `result`, `payload` or `{inner}`"),
    )))
}

/// Decodes one OpenFrame message `{"event", "data"}`.
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
    decode_in(raw).map_err(|fault| *fault)
}

/// [`decode`] with its error behind one pointer ([`Fault`]), as
/// `codec::decode` calls it.
pub(crate) fn decode_in(raw: &Value) -> Result<Decoded, Fault> {
    let map = as_object(raw)?;
    let name = discriminator(map, "event")?;
    let index = lenient::match_event(name, &KEYS).ok_or_else(|| DecodeError::Unknown {
        what: "OpenFrame event",
        name: name.to_owned(),
    })?;
    let data = map.get("data").ok_or(DecodeError::MissingField("data"))?;
    let event = EVENTS[index % EVENTS.len()];
    let body = match index {
        0 => read_by(
            unwrap_body(data, "presence")?,
            event,
            "struct PresenceBody",
            presence_body,
        )?,
        1..=3 => read_by(
            unwrap_body(data, "workItem")?,
            event,
            "struct WorkItemBody",
            WORK_ITEM_BODIES[(index - 1) % WORK_ITEM_BODIES.len()],
        )?,
        _ => read_by(
            unwrap_body(data, "interaction")?,
            event,
            "struct InteractionBody",
            interaction_body,
        )?,
    };
    Ok(Decoded::one(body))
}
