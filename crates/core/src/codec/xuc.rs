//! XiVO xuc CTI WebSocket frames (docs/protocols.md#xuc-frames).
//!
//! Raw message: one WebSocket text frame parsed to JSON,
//! `{"msgType": "<type>", "ctiMessage": <payload>}`. Message types are
//! matched case- and prefix-tolerantly (`agentstateevent`,
//! `Cti.AgentStateEvent`). The login errors of `Cti.loginAgent` are also
//! accepted as a bare frame without the envelope
//! (`{"Error": "PhoneNumberUnknown"}`).

use super::{as_object, discriminator, extras, type_name, typed};
use crate::error::DecodeError;
use crate::lenient;
use crate::model::{
    AgentStateKind, CallbackAction, ConnectionStatus, Decoded, Direction, DirectoryEntry,
    DirectoryKind, EventBody, InteractionPhase, PopField, QueueMembership,
};
use serde::Deserialize;
use serde_json::{Map, Value};

/// What a `msgType` asks the decoder to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Msg {
    AgentStateEvent,
    Sheet,
    RightProfile,
    AgentDirectory,
    AgentConfig,
    AgentList,
    AgentListen,
    AgentGroupList,
    AgentStatistics,
    QueueMember,
    AgentError,
    LoggedOn,
    LinkStatusUpdate,
    Pong,
    Error,
    PhoneEvent,
    Callback(CallbackAction),
}

/// Known message types: canonical key (see [`lenient::event_key`]), the
/// vendor's spelling, and what it decodes to.
const MESSAGES: [(&str, &str, Msg); 22] = [
    ("AGENTSTATEEVENT", "AgentStateEvent", Msg::AgentStateEvent),
    ("SHEET", "Sheet", Msg::Sheet),
    ("RIGHTPROFILE", "RightProfile", Msg::RightProfile),
    ("AGENTDIRECTORY", "AgentDirectory", Msg::AgentDirectory),
    ("AGENTCONFIG", "AgentConfig", Msg::AgentConfig),
    ("AGENTLIST", "AgentList", Msg::AgentList),
    ("AGENTLISTEN", "AgentListen", Msg::AgentListen),
    ("AGENTGROUPLIST", "AgentGroupList", Msg::AgentGroupList),
    ("AGENTSTATISTICS", "AgentStatistics", Msg::AgentStatistics),
    ("QUEUEMEMBER", "QueueMember", Msg::QueueMember),
    ("AGENTERROR", "AgentError", Msg::AgentError),
    ("LOGGEDON", "LoggedOn", Msg::LoggedOn),
    (
        "LINKSTATUSUPDATE",
        "LinkStatusUpdate",
        Msg::LinkStatusUpdate,
    ),
    ("PONG", "Pong", Msg::Pong),
    ("ERROR", "Error", Msg::Error),
    ("PHONEEVENT", "PhoneEvent", Msg::PhoneEvent),
    (
        "CALLBACKLISTS",
        "CallbackLists",
        Msg::Callback(CallbackAction::Lists),
    ),
    (
        "CALLBACKTAKEN",
        "CallbackTaken",
        Msg::Callback(CallbackAction::Taken),
    ),
    (
        "CALLBACKSTARTED",
        "CallbackStarted",
        Msg::Callback(CallbackAction::Started),
    ),
    (
        "CALLBACKCLOTURED",
        "CallbackClotured",
        Msg::Callback(CallbackAction::Clotured),
    ),
    (
        "CALLBACKRELEASED",
        "CallbackReleased",
        Msg::Callback(CallbackAction::Released),
    ),
    (
        "CALLBACKREQUESTUPDATED",
        "CallbackRequestUpdated",
        Msg::Callback(CallbackAction::Updated),
    ),
];

/// Agent state names (`AgentStateEvent.name`) and their normalized state.
const AGENT_STATES: [(&str, &str, AgentStateKind); 11] = [
    ("AGENTLOGIN", "AgentLogin", AgentStateKind::LoggedIn),
    ("AGENTREADY", "AgentReady", AgentStateKind::Ready),
    ("AGENTONPAUSE", "AgentOnPause", AgentStateKind::NotReady),
    ("AGENTONWRAPUP", "AgentOnWrapup", AgentStateKind::WrapUp),
    ("AGENTRINGING", "AgentRinging", AgentStateKind::Busy),
    ("AGENTDIALING", "AgentDialing", AgentStateKind::Busy),
    ("AGENTONCALL", "AgentOnCall", AgentStateKind::Busy),
    (
        "AGENTONINCOMINGCALL",
        "AgentOnIncomingCall",
        AgentStateKind::Busy,
    ),
    (
        "AGENTONOUTGOINGCALL",
        "AgentOnOutgoingCall",
        AgentStateKind::Busy,
    ),
    ("AGENTONACDCALL", "AgentOnAcdCall", AgentStateKind::Busy),
    (
        "AGENTLOGGEDOUT",
        "AgentLoggedOut",
        AgentStateKind::LoggedOut,
    ),
];

/// Phone event types (`PhoneEvent.eventType`) and their interaction phase.
///
/// A released (or failed) call is `done`: xuc sends nothing more about it,
/// and the agent's wrap-up arrives as an agent state (`AgentOnWrapup`).
const PHONE_EVENTS: [(&str, &str, InteractionPhase); 6] = [
    ("EVENTRINGING", "EventRinging", InteractionPhase::Alerting),
    ("EVENTDIALING", "EventDialing", InteractionPhase::Dialing),
    (
        "EVENTESTABLISHED",
        "EventEstablished",
        InteractionPhase::Connected,
    ),
    ("EVENTONHOLD", "EventOnHold", InteractionPhase::Held),
    ("EVENTRELEASED", "EventReleased", InteractionPhase::Done),
    ("EVENTFAILURE", "EventFailure", InteractionPhase::Done),
];

/// Looks a vendor name up in a `(key, name, value)` table, tolerating case,
/// separators and a prefix; returns the vendor's spelling and the value.
fn lookup<T: Copy>(name: &str, table: &[(&str, &'static str, T)]) -> Option<(&'static str, T)> {
    let index = lenient::match_event_by(name, table, |(key, _, _)| key)?;
    table
        .get(index)
        .map(|(_, canonical, value)| (*canonical, *value))
}

/// A string that may arrive as a number (ids, queue ids, rights).
#[derive(Deserialize)]
struct Text(#[serde(deserialize_with = "lenient::string")] String);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentStateWire {
    #[serde(deserialize_with = "lenient::string")]
    name: String,
    #[serde(default, alias = "agentid", deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
    #[serde(
        default,
        alias = "phoneNumber",
        deserialize_with = "lenient::opt_string"
    )]
    phone_nb: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    cause: Option<String>,
    #[serde(default)]
    queues: Option<Vec<Text>>,
}

#[derive(Deserialize)]
struct AgentErrorWire {
    #[serde(
        rename = "Error",
        alias = "error",
        deserialize_with = "lenient::string"
    )]
    error: String,
    #[serde(
        default,
        rename = "phoneNb",
        alias = "phoneNumber",
        deserialize_with = "lenient::opt_string"
    )]
    phone_nb: Option<String>,
    #[serde(
        default,
        rename = "RequestedNb",
        alias = "requestedNb",
        alias = "requestedNumber",
        deserialize_with = "lenient::opt_string"
    )]
    requested_nb: Option<String>,
    #[serde(
        default,
        rename = "agentId",
        alias = "agentid",
        deserialize_with = "lenient::opt_string"
    )]
    agent_id: Option<String>,
}

#[derive(Deserialize)]
struct SheetWire {
    #[serde(default)]
    payload: Option<SheetPayload>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    channel: Option<String>,
}

#[derive(Deserialize)]
struct SheetPayload {
    #[serde(default)]
    profile: Option<SheetProfile>,
}

#[derive(Deserialize)]
struct SheetProfile {
    #[serde(default)]
    user: Option<SheetUser>,
}

#[derive(Deserialize)]
struct SheetUser {
    #[serde(default, rename = "sheetInfo", alias = "sheetinfo")]
    sheet_info: Option<Vec<SheetInfo>>,
}

#[derive(Deserialize)]
struct SheetInfo {
    #[serde(deserialize_with = "lenient::string")]
    name: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    value: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    order: Option<i64>,
}

#[derive(Deserialize)]
struct RightProfileWire {
    #[serde(deserialize_with = "lenient::string")]
    profile: String,
    #[serde(default)]
    rights: Option<Vec<Text>>,
}

/// An agent as listed by AgentDirectory, AgentList and AgentConfig (which
/// spells the name keys in lower case).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentWire {
    #[serde(deserialize_with = "lenient::string")]
    id: String,
    #[serde(default, alias = "firstname", deserialize_with = "lenient::opt_string")]
    first_name: Option<String>,
    #[serde(default, alias = "lastname", deserialize_with = "lenient::opt_string")]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    number: Option<String>,
    #[serde(default, alias = "groupid", deserialize_with = "lenient::opt_string")]
    group_id: Option<String>,
}

#[derive(Deserialize)]
struct DirectoryWire {
    directory: Vec<DirectoryItem>,
}

#[derive(Deserialize)]
struct DirectoryItem {
    agent: AgentWire,
    #[serde(default, rename = "agentState", alias = "agentstate")]
    agent_state: Option<AgentStateWire>,
}

#[derive(Deserialize)]
struct GroupWire {
    #[serde(deserialize_with = "lenient::string")]
    id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    name: Option<String>,
}

#[derive(Deserialize)]
struct AgentConfigWire {
    #[serde(deserialize_with = "lenient::string")]
    id: String,
    #[serde(default, alias = "firstName", deserialize_with = "lenient::opt_string")]
    firstname: Option<String>,
    #[serde(default, alias = "lastName", deserialize_with = "lenient::opt_string")]
    lastname: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    context: Option<String>,
    #[serde(default, alias = "members")]
    member: Option<Vec<MemberWire>>,
}

#[derive(Deserialize)]
struct MemberWire {
    #[serde(alias = "queueId", deserialize_with = "lenient::string")]
    queue_id: String,
    #[serde(default, alias = "queueName", deserialize_with = "lenient::opt_string")]
    queue_name: Option<String>,
    #[serde(deserialize_with = "lenient::int")]
    penalty: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueMemberWire {
    #[serde(
        alias = "agent_id",
        alias = "agentid",
        deserialize_with = "lenient::string"
    )]
    agent_id: String,
    #[serde(
        alias = "queue_id",
        alias = "queueid",
        deserialize_with = "lenient::string"
    )]
    queue_id: String,
    #[serde(
        default,
        alias = "queue_name",
        deserialize_with = "lenient::opt_string"
    )]
    queue_name: Option<String>,
    #[serde(deserialize_with = "lenient::int")]
    penalty: i64,
}

#[derive(Deserialize)]
struct StatisticsWire {
    #[serde(alias = "agentId", deserialize_with = "lenient::string")]
    id: String,
    statistics: Vec<StatWire>,
}

#[derive(Deserialize)]
struct StatWire {
    #[serde(deserialize_with = "lenient::string")]
    name: String,
    #[serde(default)]
    value: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListenWire {
    #[serde(deserialize_with = "lenient::boolean")]
    started: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    phone_number: Option<String>,
    #[serde(alias = "agentid", deserialize_with = "lenient::string")]
    agent_id: String,
}

#[derive(Deserialize)]
struct CallbackListWire {
    #[serde(deserialize_with = "lenient::string")]
    uuid: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackWire {
    #[serde(deserialize_with = "lenient::string")]
    uuid: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    list_uuid: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackStartedWire {
    #[serde(alias = "uuid", deserialize_with = "lenient::string")]
    request_uuid: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    ticket_uuid: Option<String>,
}

#[derive(Deserialize)]
struct PhoneEventWire {
    #[serde(rename = "eventType", deserialize_with = "lenient::string")]
    event_type: String,
    #[serde(
        default,
        rename = "DN",
        alias = "dn",
        deserialize_with = "lenient::opt_string"
    )]
    dn: Option<String>,
    #[serde(
        default,
        rename = "otherDN",
        alias = "otherDn",
        deserialize_with = "lenient::opt_string"
    )]
    other_dn: Option<String>,
    #[serde(
        default,
        rename = "linkedId",
        alias = "linkedid",
        deserialize_with = "lenient::opt_string"
    )]
    linked_id: Option<String>,
    #[serde(
        default,
        rename = "uniqueId",
        alias = "uniqueid",
        deserialize_with = "lenient::opt_string"
    )]
    unique_id: Option<String>,
    #[serde(
        default,
        rename = "queueName",
        alias = "queue",
        deserialize_with = "lenient::opt_string"
    )]
    queue_name: Option<String>,
    #[serde(
        default,
        rename = "callDirection",
        alias = "direction",
        deserialize_with = "lenient::opt_string"
    )]
    call_direction: Option<String>,
    #[serde(default, rename = "userData")]
    user_data: Option<Map<String, Value>>,
}

/// Decodes one xuc frame `{"msgType", "ctiMessage"}` (or a bare login error).
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
    let map = as_object(raw)?;
    let untyped = matches!(map.get("msgType"), None | Some(Value::Null));
    if untyped && (map.contains_key("Error") || map.contains_key("error")) {
        return agent_error(raw, "AgentError").map(Decoded::one);
    }
    let name = discriminator(map, "msgType")?;
    let (context, msg) = lookup(name, &MESSAGES).ok_or_else(|| DecodeError::Unknown {
        what: "xuc message type",
        name: name.to_owned(),
    })?;
    let cti = map.get("ctiMessage").filter(|v| !v.is_null());
    let required = || cti.ok_or(DecodeError::MissingField("ctiMessage"));
    let body = match msg {
        Msg::LoggedOn => connection(ConnectionStatus::Confirmed, None),
        Msg::Error => connection(ConnectionStatus::Error, error_detail(cti)),
        Msg::LinkStatusUpdate => link_status(required()?, context)?,
        // The answer to a `{"claz": "ping"}` heartbeat (the simulator's; a
        // real server's answer is unconfirmed, docs/protocols.md#xuc-heartbeat).
        Msg::Pong => connection(ConnectionStatus::Pong, None),
        Msg::AgentError => agent_error(required()?, context)?,
        Msg::AgentStateEvent => agent_state(required()?, context)?,
        Msg::PhoneEvent => phone_event(required()?, context)?,
        Msg::Sheet => sheet(required()?, context)?,
        Msg::RightProfile => {
            let r: RightProfileWire = typed(required()?, context)?;
            EventBody::Rights {
                profile: r.profile,
                rights: texts(r.rights),
            }
        }
        Msg::AgentDirectory => agent_directory(required()?, context)?,
        Msg::AgentList => {
            let agents: Vec<AgentWire> = typed(required()?, context)?;
            EventBody::Directory {
                list: DirectoryKind::AgentConfigs,
                entries: agents.into_iter().map(|a| agent_entry(a, None)).collect(),
            }
        }
        Msg::AgentGroupList => {
            let groups: Vec<GroupWire> = typed(required()?, context)?;
            EventBody::Directory {
                list: DirectoryKind::AgentGroups,
                entries: groups
                    .into_iter()
                    .map(|g| DirectoryEntry {
                        id: g.id,
                        name: g.name,
                        number: None,
                        email: None,
                        group: None,
                        state: None,
                    })
                    .collect(),
            }
        }
        Msg::AgentConfig => agent_config(required()?, context)?,
        Msg::QueueMember => {
            let q: QueueMemberWire = typed(required()?, context)?;
            EventBody::QueueMember(QueueMembership {
                agent_id: q.agent_id,
                queue_id: q.queue_id,
                queue_name: q.queue_name,
                penalty: q.penalty,
            })
        }
        Msg::AgentStatistics => {
            let s: StatisticsWire = typed(required()?, context)?;
            EventBody::Statistics {
                agent_id: s.id,
                values: s
                    .statistics
                    .into_iter()
                    .map(|v| (v.name, v.value))
                    .collect(),
            }
        }
        Msg::AgentListen => {
            let l: ListenWire = typed(required()?, context)?;
            EventBody::Listen {
                agent_id: l.agent_id,
                started: l.started,
                phone_number: l.phone_number,
            }
        }
        Msg::Callback(CallbackAction::Lists) => {
            return callback_lists(required()?, context).map(Decoded::many)
        }
        Msg::Callback(action) => callback(action, required()?, context)?,
    };
    Ok(Decoded::one(body))
}

fn connection(status: ConnectionStatus, detail: Option<String>) -> EventBody {
    EventBody::Connection {
        status,
        detail,
        subscription_id: None,
        ping_interval: None,
        expires_interval: None,
    }
}

/// The text of an `Error` frame: a string ctiMessage, or the `Error` /
/// `message` / `reason` field of an object, or the object itself as JSON.
fn error_detail(cti: Option<&Value>) -> Option<String> {
    match cti? {
        Value::String(s) => (!s.is_empty()).then(|| s.clone()),
        Value::Object(m) => ["Error", "error", "message", "reason", "detail"]
            .iter()
            .find_map(|k| match m.get(*k) {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .or_else(|| (!m.is_empty()).then(|| Value::Object(m.clone()).to_string())),
        other => Some(other.to_string()),
    }
}

/// `LinkStatusUpdate`: `{"status": "opened" | "closed"}` as xuc's `cti.js`
/// publishes it (docs/protocols.md#xuc-link-status), `"up"` / `"down"`, or the
/// bare status string.
fn link_status(cti: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let status = match cti {
        Value::String(s) => s.as_str(),
        Value::Object(m) => discriminator(m, "status")?,
        other => {
            return Err(DecodeError::invalid(
                context,
                format!("expected an object or a string, got {}", type_name(other)),
            ))
        }
    };
    let up = match lenient::match_event(status, &["UP", "DOWN", "OPENED", "CLOSED"]) {
        Some(0 | 2) => true,
        Some(_) => false,
        None => {
            return Err(DecodeError::Unknown {
                what: "xuc link status",
                name: status.to_owned(),
            })
        }
    };
    let status = if up {
        ConnectionStatus::Up
    } else {
        ConnectionStatus::Down
    };
    Ok(connection(status, None))
}

fn agent_error(value: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let e: AgentErrorWire = typed(value, context)?;
    Ok(EventBody::AgentError {
        code: e.error,
        phone_number: e.phone_nb,
        requested_number: e.requested_nb,
        agent_id: e.agent_id,
    })
}

/// The normalized state and vendor spelling of an agent state name.
fn state_of(name: &str) -> Result<(&'static str, AgentStateKind), DecodeError> {
    lookup(name, &AGENT_STATES).ok_or_else(|| DecodeError::Unknown {
        what: "xuc agent state",
        name: name.to_owned(),
    })
}

fn agent_state(value: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let s: AgentStateWire = typed(value, context)?;
    let (vendor, state) = state_of(&s.name)?;
    // On pause, xuc's `cause` is the pause reason given to `pauseAgent`.
    let (reason, cause) = if state == AgentStateKind::NotReady {
        (s.cause, None)
    } else {
        (None, s.cause)
    };
    Ok(EventBody::AgentState {
        state,
        reason,
        cause,
        agent_id: s.agent_id,
        vendor_state: Some(vendor.to_owned()),
        phone_number: s.phone_nb,
        queues: texts(s.queues),
        data: extras(value, &["name", "agentId", "phoneNb", "queues", "cause"]),
    })
}

fn texts(items: Option<Vec<Text>>) -> Vec<String> {
    items
        .unwrap_or_default()
        .into_iter()
        .map(|Text(s)| s)
        .collect()
}

/// "First Last" from whichever parts are present.
fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let parts: Vec<String> = first.into_iter().chain(last).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn phone_event(value: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let p: PhoneEventWire = typed(value, context)?;
    let (vendor, phase) =
        lookup(&p.event_type, &PHONE_EVENTS).ok_or_else(|| DecodeError::Unknown {
            what: "xuc phone event",
            name: p.event_type.clone(),
        })?;
    let id = match (&p.linked_id, &p.unique_id) {
        (Some(linked), _) => linked.clone(),
        (None, Some(unique)) => unique.clone(),
        (None, None) => {
            return Err(DecodeError::invalid(
                context,
                "missing field `linkedId` (or `uniqueId`)",
            ))
        }
    };
    let direction = p
        .call_direction
        .as_deref()
        .and_then(direction_of)
        .or(match phase {
            InteractionPhase::Alerting => Some(Direction::Inbound),
            InteractionPhase::Dialing => Some(Direction::Outbound),
            _ => None,
        });
    let mut data = p.user_data.unwrap_or_default();
    if let Some(unique) = p.unique_id.filter(|u| *u != id) {
        data.insert("uniqueId".into(), Value::String(unique));
    }
    let (from, to) = match direction {
        Some(Direction::Inbound) => (p.other_dn, p.dn),
        Some(Direction::Outbound) => (p.dn, p.other_dn),
        // Who called whom is unknown: keep both numbers as sent.
        _ => {
            if let Some(dn) = p.dn {
                data.insert("DN".into(), Value::String(dn));
            }
            if let Some(other) = p.other_dn {
                data.insert("otherDN".into(), Value::String(other));
            }
            (None, None)
        }
    };
    let reason = (vendor == "EventFailure").then(|| "failure".to_owned());
    Ok(EventBody::Interaction {
        id,
        phase,
        media: Some("voice".into()),
        direction,
        from,
        to,
        queue: p.queue_name,
        agent_id: None,
        reason,
        vendor_event: Some(vendor.to_owned()),
        data,
    })
}

/// xuc `callDirection` (`Incoming`, `Outgoing`, `DirectionUnknown` ...).
fn direction_of(text: &str) -> Option<Direction> {
    let key = lenient::event_key(text);
    if key.contains("INCOMING") || key.contains("INBOUND") {
        Some(Direction::Inbound)
    } else if key.contains("OUTGOING") || key.contains("OUTBOUND") {
        Some(Direction::Outbound)
    } else if key.contains("INTERNAL") {
        Some(Direction::Internal)
    } else {
        None
    }
}

fn sheet(value: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let s: SheetWire = typed(value, context)?;
    let mut fields: Vec<PopField> = s
        .payload
        .and_then(|p| p.profile)
        .and_then(|p| p.user)
        .and_then(|u| u.sheet_info)
        .unwrap_or_default()
        .into_iter()
        .map(|f| PopField {
            name: f.name,
            value: f.value.unwrap_or_default(),
            field_type: f.kind.unwrap_or_else(|| "text".into()),
            order: f.order,
        })
        .collect();
    // Display order; fields without one keep their place after the others.
    fields.sort_by_key(|f| (f.order.is_none(), f.order));
    Ok(EventBody::ScreenPop {
        interaction_id: s.channel,
        ani: Vec::new(),
        dnis: None,
        media: Some("voice".into()),
        queue: None,
        fields,
        data: extras(value, &["payload", "channel"]),
    })
}

fn agent_entry(agent: AgentWire, state: Option<AgentStateKind>) -> DirectoryEntry {
    DirectoryEntry {
        id: agent.id,
        name: full_name(agent.first_name, agent.last_name),
        number: agent.number,
        email: None,
        group: agent.group_id,
        state,
    }
}

fn agent_directory(value: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let d: DirectoryWire = typed(value, context)?;
    let entries = d
        .directory
        .into_iter()
        .map(|item| {
            let state = match item.agent_state {
                Some(s) => Some(state_of(&s.name)?.1),
                None => None,
            };
            Ok(agent_entry(item.agent, state))
        })
        .collect::<Result<Vec<_>, DecodeError>>()?;
    Ok(EventBody::Directory {
        list: DirectoryKind::Agents,
        entries,
    })
}

fn agent_config(value: &Value, context: &str) -> Result<EventBody, DecodeError> {
    let c: AgentConfigWire = typed(value, context)?;
    let queues = c
        .member
        .unwrap_or_default()
        .into_iter()
        .map(|m| QueueMembership {
            agent_id: c.id.clone(),
            queue_id: m.queue_id,
            queue_name: m.queue_name,
            penalty: m.penalty,
        })
        .collect();
    Ok(EventBody::AgentConfig {
        agent_id: c.id,
        name: full_name(c.firstname, c.lastname),
        number: c.number,
        context: c.context,
        queues,
    })
}

fn callback_body(
    action: CallbackAction,
    uuid: Option<String>,
    list_uuid: Option<String>,
    agent_id: Option<String>,
    data: Option<Value>,
) -> EventBody {
    EventBody::Callback {
        action,
        uuid,
        list_uuid,
        agent_id,
        ticket_uuid: None,
        data,
    }
}

/// `CallbackLists`: one list object (as in the seed) or an array of lists;
/// one event per list, each carrying the list as sent.
fn callback_lists(value: &Value, context: &str) -> Result<Vec<EventBody>, DecodeError> {
    let lists: Vec<&Value> = match value {
        Value::Array(items) if items.is_empty() => {
            return Ok(vec![callback_body(
                CallbackAction::Lists,
                None,
                None,
                None,
                Some(Value::Array(Vec::new())),
            )])
        }
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    lists
        .into_iter()
        .enumerate()
        .map(|(i, list)| {
            let at = if value.is_array() {
                format!("{context}[{i}]")
            } else {
                context.to_owned()
            };
            let l: CallbackListWire = typed(list, &at)?;
            Ok(callback_body(
                CallbackAction::Lists,
                None,
                Some(l.uuid),
                None,
                Some(list.clone()),
            ))
        })
        .collect()
}

fn callback(
    action: CallbackAction,
    value: &Value,
    context: &str,
) -> Result<EventBody, DecodeError> {
    match action {
        CallbackAction::Started => {
            let s: CallbackStartedWire = typed(value, context)?;
            Ok(EventBody::Callback {
                action,
                uuid: Some(s.request_uuid),
                list_uuid: None,
                agent_id: None,
                ticket_uuid: s.ticket_uuid,
                data: None,
            })
        }
        CallbackAction::Updated => {
            // `{"request": {...}}`; a bare request is accepted too.
            let request = match value.get("request") {
                Some(r) => r,
                None => value,
            };
            let context = format!("{context} request");
            let r: CallbackWire = typed(request, &context)?;
            Ok(callback_body(
                action,
                Some(r.uuid),
                r.list_uuid,
                r.agent_id,
                Some(request.clone()),
            ))
        }
        _ => {
            let c: CallbackWire = typed(value, context)?;
            Ok(callback_body(
                action,
                Some(c.uuid),
                c.list_uuid,
                c.agent_id,
                None,
            ))
        }
    }
}

/// The `pauseAgent` command: make the agent Not Ready (`reason` labels the pause).
pub fn pause_agent(agent_id: Option<&str>, reason: Option<&str>) -> Value {
    let mut cmd = serde_json::json!({"claz": "web", "command": "pauseAgent"});
    if let Some(map) = cmd.as_object_mut() {
        if let Some(id) = agent_id {
            map.insert("agentid".into(), agent_id_value(id));
        }
        if let Some(reason) = reason {
            map.insert("reason".into(), Value::String(reason.to_owned()));
        }
    }
    cmd
}

/// The `unpauseAgent` command: make the agent Ready.
pub fn unpause_agent(agent_id: Option<&str>) -> Value {
    let mut cmd = serde_json::json!({"claz": "web", "command": "unpauseAgent"});
    if let (Some(map), Some(id)) = (cmd.as_object_mut(), agent_id) {
        map.insert("agentid".into(), agent_id_value(id));
    }
    cmd
}

/// xuc agent ids are integers; send a number when the id is numeric.
fn agent_id_value(id: &str) -> Value {
    id.parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(id.to_owned()))
}
