//! ServiceNow OpenFrame AWA events (docs/protocols.md#openframe-awa-events).
//!
//! Raw message: `{"event": "<subscribed name>", "data": <handler argument>}`.
//! The handler argument wraps its body in `result`, except the rejected
//! event's, which uses `payload`; both wrappers are accepted for every event,
//! as is an unwrapped body.

use super::{as_object, discriminator, typed};
use crate::error::DecodeError;
use crate::lenient;
use crate::model::{
    Decoded, DocumentRef, EventBody, InteractionPhase, PresenceChannel, WorkItemPhase,
};
use serde::Deserialize;
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

#[derive(Deserialize)]
struct PresenceBody {
    presence: Presence,
}

#[derive(Deserialize)]
struct Presence {
    #[serde(deserialize_with = "lenient::string")]
    name: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    sys_id: Option<String>,
    #[serde(deserialize_with = "lenient::boolean")]
    available: bool,
    #[serde(default)]
    channels: Option<Vec<Channel>>,
}

#[derive(Deserialize)]
struct Channel {
    #[serde(deserialize_with = "lenient::string")]
    name: String,
    #[serde(deserialize_with = "lenient::boolean")]
    available: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    sys_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorkItemBody {
    #[serde(alias = "workitem", alias = "work_item")]
    work_item: WorkItem,
}

#[derive(Deserialize)]
struct WorkItem {
    #[serde(deserialize_with = "lenient::string")]
    sys_id: String,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    size: Option<i64>,
    #[serde(default, rename = "serviceChannel", alias = "service_channel")]
    service_channel: Option<NamedRef>,
    #[serde(default)]
    document: Option<Document>,
    #[serde(default)]
    rejection: Option<Rejection>,
}

#[derive(Deserialize)]
struct NamedRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Document {
    #[serde(deserialize_with = "lenient::string")]
    sys_id: String,
    #[serde(deserialize_with = "lenient::string")]
    table: String,
}

#[derive(Deserialize)]
struct Rejection {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct InteractionBody {
    interaction: Interaction,
}

#[derive(Deserialize)]
struct Interaction {
    #[serde(deserialize_with = "lenient::string")]
    sys_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    number: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    reason: Option<String>,
}

/// Finds the event body inside the handler argument: `result`, `payload`, or
/// the argument itself when it already holds the `inner` key.
fn unwrap_body<'a>(data: &'a Value, inner: &str) -> Result<&'a Value, DecodeError> {
    let map = as_object(data).map_err(|e| DecodeError::invalid("data", e.to_string()))?;
    if map.contains_key(inner) {
        return Ok(data);
    }
    for wrapper in ["result", "payload"] {
        if let Some(body) = map.get(wrapper) {
            return Ok(body);
        }
    }
    Err(DecodeError::invalid(
        "data",
        format!("expected `result`, `payload` or `{inner}`"),
    ))
}

/// Decodes one OpenFrame message `{"event", "data"}`.
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
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
            let p: PresenceBody = typed(unwrap_body(data, "presence")?, event)?;
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
            let w: WorkItemBody = typed(unwrap_body(data, "workItem")?, event)?;
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
            let i: InteractionBody = typed(unwrap_body(data, "interaction")?, event)?;
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
