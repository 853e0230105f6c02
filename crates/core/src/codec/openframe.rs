//! ServiceNow OpenFrame AWA events (docs/protocols.md#openframe-awa-events).
//!
//! Raw message: `{"event": "<subscribed name>", "data": <handler argument>}`.
//! The handler argument wraps its body in `result`, except the rejected
//! event's, which uses `payload`; both wrappers are accepted for every event,
//! as is an unwrapped body.

use super::fields::{self, Fields, Wire};
use super::path_de::Error;
use super::{as_object, discriminator, read};
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
    "openframe_agent_off_interaction",
];

const KEYS: [&str; 5] = [
    "OPENFRAMEAWAAGENTPRESENCE",
    "OPENFRAMEAWAWORKITEMOFFERED",
    "OPENFRAMEAWAWORKITEMACCEPTED",
    "OPENFRAMEAWAWORKITEMREJECTED",
    "OPENFRAMEAGENTOFFINTERACTION",
];

// The wire structs, read by hand (`codec::fields`).

struct PresenceBody {
    presence: Presence,
}

impl Wire for PresenceBody {
    const EXPECTED: &'static str = "struct PresenceBody";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            presence: o.req(&["presence"], fields::wire)?,
        })
    }
}

struct Presence {
    name: String,
    sys_id: Option<String>,
    available: bool,
    channels: Option<Vec<Channel>>,
}

impl Wire for Presence {
    const EXPECTED: &'static str = "struct Presence";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            name: o.string(&["name"])?,
            sys_id: o.opt_string(&["sys_id"])?,
            available: o.boolean(&["available"])?,
            channels: o.opt_list(&["channels"], fields::wire)?,
        })
    }
}

struct Channel {
    name: String,
    available: bool,
    sys_id: Option<String>,
}

impl Wire for Channel {
    const EXPECTED: &'static str = "struct Channel";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            name: o.string(&["name"])?,
            available: o.boolean(&["available"])?,
            sys_id: o.opt_string(&["sys_id"])?,
        })
    }
}

struct WorkItemBody {
    work_item: WorkItem,
}

impl Wire for WorkItemBody {
    const EXPECTED: &'static str = "struct WorkItemBody";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            work_item: o.req(&["workItem", "workitem", "work_item"], fields::wire)?,
        })
    }
}

struct WorkItem {
    sys_id: String,
    size: Option<i64>,
    service_channel: Option<NamedRef>,
    document: Option<Document>,
    rejection: Option<Rejection>,
}

impl Wire for WorkItem {
    const EXPECTED: &'static str = "struct WorkItem";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            sys_id: o.string(&["sys_id"])?,
            size: o.opt_int(&["size"])?,
            service_channel: o.opt_wire(&["serviceChannel", "service_channel"])?,
            document: o.opt_wire(&["document"])?,
            rejection: o.opt_wire(&["rejection"])?,
        })
    }
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

struct InteractionBody {
    interaction: Interaction,
}

impl Wire for InteractionBody {
    const EXPECTED: &'static str = "struct InteractionBody";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            interaction: o.req(&["interaction"], fields::wire)?,
        })
    }
}

struct Interaction {
    sys_id: String,
    number: Option<String>,
    kind: Option<String>,
    reason: Option<String>,
}

impl Wire for Interaction {
    const EXPECTED: &'static str = "struct Interaction";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            sys_id: o.string(&["sys_id"])?,
            number: o.opt_string(&["number"])?,
            kind: o.opt_string(&["type"])?,
            reason: o.opt_string(&["reason"])?,
        })
    }
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
        0 => {
            let p: PresenceBody = read(unwrap_body(data, "presence")?, event)?;
            EventBody::Presence {
                name: p.presence.name,
                status_id: p.presence.sys_id,
                available: p.presence.available,
                channels: p
                    .presence
                    .channels
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| PresenceChannel {
                        name: c.name,
                        available: c.available,
                        id: c.sys_id,
                    })
                    .collect(),
                success: None,
            }
        }
        1..=3 => {
            let w: WorkItemBody = read(unwrap_body(data, "workItem")?, event)?;
            let phase = match index {
                1 => WorkItemPhase::Offered,
                2 => WorkItemPhase::Accepted,
                _ => WorkItemPhase::Rejected,
            };
            let item = w.work_item;
            EventBody::WorkItem {
                id: item.sys_id,
                phase,
                channel: item.service_channel.and_then(|c| c.name),
                document: item.document.map(|d| DocumentRef {
                    table: d.table,
                    id: d.sys_id,
                }),
                reason: item.rejection.and_then(|r| r.reason),
                size: item.size,
            }
        }
        _ => {
            let i: InteractionBody = read(unwrap_body(data, "interaction")?, event)?;
            let mut extra = Map::new();
            if let Some(number) = i.interaction.number {
                extra.insert("number".into(), Value::String(number));
            }
            EventBody::Interaction {
                id: i.interaction.sys_id,
                phase: InteractionPhase::Done,
                media: i.interaction.kind,
                direction: None,
                from: None,
                to: None,
                queue: None,
                agent_id: None,
                reason: i.interaction.reason,
                vendor_event: Some(event.to_owned()),
                data: extra,
            }
        }
    };
    Ok(Decoded::one(body))
}
