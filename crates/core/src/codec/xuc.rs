//! XiVO xuc CTI WebSocket frames (docs/protocols.md#xuc-frames).
//!
//! Raw message: one WebSocket text frame parsed to JSON,
//! `{"msgType": "<type>", "ctiMessage": <payload>}`. Message types are
//! matched case- and prefix-tolerantly (`agentstateevent`,
//! `Cti.AgentStateEvent`). The login errors of `Cti.loginAgent` are also
//! accepted as a bare frame without the envelope
//! (`{"Error": "PhoneNumberUnknown"}`).

use super::fields::{self, Fields, Wire};
use super::path_de::Error;
use super::{as_object, discriminator, extras, read, read_by, read_with, type_name};
use crate::error::{DecodeError, Fault};
use crate::json_write::JsonWriter;
use crate::lenient;
use crate::model::{
    AgentStateKind, CallbackAction, ConnectionStatus, Decoded, Direction, DirectoryEntry,
    DirectoryKind, EventBody, InteractionPhase, PopField, QueueMembership,
};
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

/// Known message types: the vendor's spelling (also the key matched, in any
/// case: [`lenient::match_event_by`]) and what it decodes to.
const MESSAGES: [(&str, Msg); 22] = [
    ("AgentStateEvent", Msg::AgentStateEvent),
    ("Sheet", Msg::Sheet),
    ("RightProfile", Msg::RightProfile),
    ("AgentDirectory", Msg::AgentDirectory),
    ("AgentConfig", Msg::AgentConfig),
    ("AgentList", Msg::AgentList),
    ("AgentListen", Msg::AgentListen),
    ("AgentGroupList", Msg::AgentGroupList),
    ("AgentStatistics", Msg::AgentStatistics),
    ("QueueMember", Msg::QueueMember),
    ("AgentError", Msg::AgentError),
    ("LoggedOn", Msg::LoggedOn),
    ("LinkStatusUpdate", Msg::LinkStatusUpdate),
    ("Pong", Msg::Pong),
    ("Error", Msg::Error),
    ("PhoneEvent", Msg::PhoneEvent),
    ("CallbackLists", Msg::Callback(CallbackAction::Lists)),
    ("CallbackTaken", Msg::Callback(CallbackAction::Taken)),
    ("CallbackStarted", Msg::Callback(CallbackAction::Started)),
    ("CallbackClotured", Msg::Callback(CallbackAction::Clotured)),
    ("CallbackReleased", Msg::Callback(CallbackAction::Released)),
    (
        "CallbackRequestUpdated",
        Msg::Callback(CallbackAction::Updated),
    ),
];

/// Agent state names (`AgentStateEvent.name`) and their normalized state.
const AGENT_STATES: [(&str, AgentStateKind); 11] = [
    ("AgentLogin", AgentStateKind::LoggedIn),
    ("AgentReady", AgentStateKind::Ready),
    ("AgentOnPause", AgentStateKind::NotReady),
    ("AgentOnWrapup", AgentStateKind::WrapUp),
    ("AgentRinging", AgentStateKind::Busy),
    ("AgentDialing", AgentStateKind::Busy),
    ("AgentOnCall", AgentStateKind::Busy),
    ("AgentOnIncomingCall", AgentStateKind::Busy),
    ("AgentOnOutgoingCall", AgentStateKind::Busy),
    ("AgentOnAcdCall", AgentStateKind::Busy),
    ("AgentLoggedOut", AgentStateKind::LoggedOut),
];

/// Phone event types (`PhoneEvent.eventType`) and their interaction phase.
///
/// A released (or failed) call is `done`: xuc sends nothing more about it,
/// and the agent's wrap-up arrives as an agent state (`AgentOnWrapup`).
const PHONE_EVENTS: [(&str, InteractionPhase); 6] = [
    ("EventRinging", InteractionPhase::Alerting),
    ("EventDialing", InteractionPhase::Dialing),
    ("EventEstablished", InteractionPhase::Connected),
    ("EventOnHold", InteractionPhase::Held),
    ("EventReleased", InteractionPhase::Done),
    ("EventFailure", InteractionPhase::Done),
];

/// Looks a vendor name up in a `(name, value)` table, tolerating case,
/// separators and a prefix; returns the vendor's spelling and the value.
fn lookup<T: Copy>(name: &str, table: &[(&'static str, T)]) -> Option<(&'static str, T)> {
    let index = lenient::match_event_by(name, table, |(vendor, _)| vendor)?;
    table.get(index).copied()
}

// The wire structs, read by hand (`codec::fields`): field names and aliases
// as the xuc server and its samples spell them.

struct AgentStateWire {
    name: String,
    agent_id: Option<String>,
    phone_nb: Option<String>,
    cause: Option<String>,
    queues: Option<Vec<String>>,
}

impl Wire for AgentStateWire {
    const EXPECTED: &'static str = "struct AgentStateWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            name: o.string(&["name"])?,
            agent_id: o.opt_string(&["agentId", "agentid"])?,
            phone_nb: o.opt_string(&["phoneNb", "phoneNumber"])?,
            cause: o.opt_string(&["cause"])?,
            queues: o.opt_list(&["queues"], fields::string)?,
        })
    }
}

/// `struct AgentErrorWire`, read straight into its event ([`read_by`]: no
/// wire struct moved into it).
fn agent_error_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::AgentError {
        code: o.string(&["Error", "error"])?,
        phone_number: o.opt_string(&["phoneNb", "phoneNumber"])?,
        requested_number: o.opt_string(&["RequestedNb", "requestedNb", "requestedNumber"])?,
        agent_id: o.opt_string(&["agentId", "agentid"])?,
    })
}

/// `struct SheetWire`, read straight into its screen pop ([`read_by`]):
/// the fields in display order (those without one keep their place after
/// the others), the message's other fields as its data.
fn sheet_wire(o: Fields) -> Result<EventBody, Error> {
    let payload: Option<SheetPayload> = o.opt_wire(&["payload"])?;
    let interaction_id = o.opt_string(&["channel"])?;
    let mut fields: Vec<PopField> = payload
        .and_then(|p| p.profile)
        .and_then(|p| p.user)
        .and_then(|u| u.sheet_info)
        .unwrap_or_default();
    fields.sort_by_key(|f| (f.order.is_none(), f.order));
    Ok(EventBody::ScreenPop {
        interaction_id,
        ani: Vec::new(),
        dnis: None,
        media: Some("voice".into()),
        queue: None,
        fields,
        data: super::extras_of(o.map(), &["payload", "channel"]),
    })
}

struct SheetPayload {
    profile: Option<SheetProfile>,
}

impl Wire for SheetPayload {
    const EXPECTED: &'static str = "struct SheetPayload";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            profile: o.opt_wire(&["profile"])?,
        })
    }
}

struct SheetProfile {
    user: Option<SheetUser>,
}

impl Wire for SheetProfile {
    const EXPECTED: &'static str = "struct SheetProfile";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            user: o.opt_wire(&["user"])?,
        })
    }
}

struct SheetUser {
    sheet_info: Option<Vec<PopField>>,
}

impl Wire for SheetUser {
    const EXPECTED: &'static str = "struct SheetUser";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            sheet_info: o
                .get(&["sheetInfo", "sheetinfo"], |v| {
                    fields::opt(v, |v| items(v, |f: SheetInfo| f.0))
                })?
                .flatten(),
        })
    }
}

/// A sheet field, read straight into its [`PopField`].
struct SheetInfo(PopField);

impl Wire for SheetInfo {
    const EXPECTED: &'static str = "struct SheetInfo";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self(PopField {
            name: o.string(&["name"])?,
            value: o.opt_string(&["value"])?.unwrap_or_default(),
            field_type: o.opt_string(&["type"])?.unwrap_or_else(|| "text".into()),
            order: o.opt_int(&["order"])?,
        }))
    }
}

/// Read straight into its event (`struct RightProfileWire`, [`read_by`]).
fn right_profile_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::Rights {
        profile: o.string(&["profile"])?,
        rights: texts(o.opt_list(&["rights"], fields::string)?),
    })
}

/// An agent as listed by AgentDirectory, AgentList and AgentConfig (which
/// spells the name keys in lower case).
/// Read straight into its directory entry (no state).
struct AgentWire(DirectoryEntry);

impl Wire for AgentWire {
    const EXPECTED: &'static str = "struct AgentWire";
    fn read(o: Fields) -> Result<Self, Error> {
        let id = o.string(&["id"])?;
        let first = o.opt_string(&["firstName", "firstname"])?;
        let last = o.opt_string(&["lastName", "lastname"])?;
        Ok(Self(DirectoryEntry {
            id,
            name: full_name(first, last),
            number: o.opt_string(&["number"])?,
            email: None,
            group: o.opt_string(&["groupId", "groupid"])?,
            state: None,
        }))
    }
}

struct DirectoryWire {
    directory: Vec<DirectoryItem>,
}

impl Wire for DirectoryWire {
    const EXPECTED: &'static str = "struct DirectoryWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            directory: o.req(&["directory"], |v| items(v, |d: DirectoryItem| d))?,
        })
    }
}

struct DirectoryItem {
    agent: AgentWire,
    agent_state: Option<AgentStateWire>,
}

impl Wire for DirectoryItem {
    const EXPECTED: &'static str = "struct DirectoryItem";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            agent: o.req(&["agent"], fields::wire)?,
            agent_state: o.opt_wire(&["agentState", "agentstate"])?,
        })
    }
}

/// A group, read straight into its directory entry.
struct GroupWire(DirectoryEntry);

impl Wire for GroupWire {
    const EXPECTED: &'static str = "struct GroupWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self(DirectoryEntry {
            id: o.string(&["id"])?,
            name: o.opt_string(&["name"])?,
            number: None,
            email: None,
            group: None,
            state: None,
        }))
    }
}

/// `struct AgentConfigWire`, read straight into its event ([`read_by`]);
/// each membership gets the agent's id.
fn agent_config_wire(o: Fields) -> Result<EventBody, Error> {
    let agent_id = o.string(&["id"])?;
    let first = o.opt_string(&["firstname", "firstName"])?;
    let last = o.opt_string(&["lastname", "lastName"])?;
    let number = o.opt_string(&["number"])?;
    let context = o.opt_string(&["context"])?;
    let mut queues = o
        .get(&["member", "members"], |v| {
            fields::opt(v, |v| items(v, |m: MemberWire| m.0))
        })?
        .flatten()
        .unwrap_or_default();
    for queue in &mut queues {
        queue.agent_id.clone_from(&agent_id);
    }
    Ok(EventBody::AgentConfig {
        agent_id,
        name: full_name(first, last),
        number,
        context,
        queues,
    })
}

/// A membership of `AgentConfig`, its agent id left empty (filled in by
/// [`agent_config_wire`]).
struct MemberWire(QueueMembership);

impl Wire for MemberWire {
    const EXPECTED: &'static str = "struct MemberWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self(QueueMembership {
            agent_id: String::new(),
            queue_id: o.string(&["queue_id", "queueId"])?,
            queue_name: o.opt_string(&["queue_name", "queueName"])?,
            penalty: o.int(&["penalty"])?,
        }))
    }
}

/// `struct QueueMemberWire`, read straight into its event ([`read_by`]).
fn queue_member_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::QueueMember(QueueMembership {
        agent_id: o.string(&["agentId", "agent_id", "agentid"])?,
        queue_id: o.string(&["queueId", "queue_id", "queueid"])?,
        queue_name: o.opt_string(&["queueName", "queue_name"])?,
        penalty: o.int(&["penalty"])?,
    }))
}

/// `struct StatisticsWire`, read straight into its event ([`read_by`]),
/// each statistic inserted as it is read (a later duplicate name wins).
fn statistics_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::Statistics {
        agent_id: o.string(&["id", "agentId"])?,
        values: o.req(&["statistics"], |v| {
            let mut values = Map::new();
            each(v, &mut |s| {
                let s: StatWire = fields::wire(s)?;
                values.insert(s.name, s.value);
                Ok(())
            })?;
            Ok(values)
        })?,
    })
}

struct StatWire {
    name: String,
    value: Value,
}

impl Wire for StatWire {
    const EXPECTED: &'static str = "struct StatWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            name: o.string(&["name"])?,
            value: o.get(&["value"], fields::any)?.unwrap_or_default(),
        })
    }
}

/// Read straight into its event (`struct ListenWire`, [`read_by`]).
fn listen_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::Listen {
        started: o.boolean(&["started"])?,
        phone_number: o.opt_string(&["phoneNumber"])?,
        agent_id: o.string(&["agentId", "agentid"])?,
    })
}

struct CallbackListWire {
    uuid: String,
}

impl Wire for CallbackListWire {
    const EXPECTED: &'static str = "struct CallbackListWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            uuid: o.string(&["uuid"])?,
        })
    }
}

struct CallbackWire {
    uuid: String,
    list_uuid: Option<String>,
    agent_id: Option<String>,
}

impl Wire for CallbackWire {
    const EXPECTED: &'static str = "struct CallbackWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            uuid: o.string(&["uuid"])?,
            list_uuid: o.opt_string(&["listUuid"])?,
            agent_id: o.opt_string(&["agentId"])?,
        })
    }
}

/// Read straight into its event (`struct CallbackStartedWire`, [`read_by`]).
fn callback_started_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::Callback {
        action: CallbackAction::Started,
        uuid: Some(o.string(&["requestUuid", "uuid"])?),
        list_uuid: None,
        agent_id: None,
        ticket_uuid: o.opt_string(&["ticketUuid"])?,
        data: None,
    })
}

struct PhoneEventWire {
    event_type: String,
    dn: Option<String>,
    other_dn: Option<String>,
    linked_id: Option<String>,
    unique_id: Option<String>,
    queue_name: Option<String>,
    call_direction: Option<String>,
    user_data: Option<Map<String, Value>>,
}

impl Wire for PhoneEventWire {
    const EXPECTED: &'static str = "struct PhoneEventWire";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            event_type: o.string(&["eventType"])?,
            dn: o.opt_string(&["DN", "dn"])?,
            other_dn: o.opt_string(&["otherDN", "otherDn"])?,
            linked_id: o.opt_string(&["linkedId", "linkedid"])?,
            unique_id: o.opt_string(&["uniqueId", "uniqueid"])?,
            queue_name: o.opt_string(&["queueName", "queue"])?,
            call_direction: o.opt_string(&["callDirection", "direction"])?,
            user_data: o
                .get(&["userData"], |v| fields::opt(v, fields::object))?
                .flatten(),
        })
    }
}

/// Decodes one xuc frame `{"msgType", "ctiMessage"}` (or a bare login error).
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
    decode_in(raw).map_err(|fault| *fault)
}

/// [`decode`] with its error behind one pointer ([`Fault`]), as
/// `codec::decode` calls it.
pub(crate) fn decode_in(raw: &Value) -> Result<Decoded, Fault> {
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
    let required = || required(cti);
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
        Msg::Sheet => read_by(required()?, context, "struct SheetWire", sheet_wire)?,
        Msg::RightProfile => read_by(
            required()?,
            context,
            "struct RightProfileWire",
            right_profile_wire,
        )?,
        Msg::AgentDirectory => agent_directory(required()?, context)?,
        // Each item read into its entry as it comes (one shared `each`, not
        // a list and a mapping per item type).
        Msg::AgentList => directory_list(required()?, context, DirectoryKind::AgentConfigs, |a| {
            Ok(fields::wire::<AgentWire>(a)?.0)
        })?,
        Msg::AgentGroupList => {
            directory_list(required()?, context, DirectoryKind::AgentGroups, |g| {
                Ok(fields::wire::<GroupWire>(g)?.0)
            })?
        }
        Msg::AgentConfig => agent_config(required()?, context)?,
        Msg::QueueMember => read_by(
            required()?,
            context,
            "struct QueueMemberWire",
            queue_member_wire,
        )?,
        Msg::AgentStatistics => read_by(
            required()?,
            context,
            "struct StatisticsWire",
            statistics_wire,
        )?,
        Msg::AgentListen => read_by(required()?, context, "struct ListenWire", listen_wire)?,
        Msg::Callback(CallbackAction::Lists) => {
            return callback_lists(required()?, context).map(Decoded::many)
        }
        Msg::Callback(action) => callback(action, required()?, context)?,
    };
    Ok(Decoded::one(body))
}

/// Each item of an array handed to `item`, as [`fields::list`] reads it
/// (not an array: `invalid type`; a failing item: its index on the path).
#[inline(never)]
fn each<'a>(
    value: &'a Value,
    item: &mut dyn FnMut(&'a Value) -> Result<(), Error>,
) -> Result<(), Error> {
    let Value::Array(items) = value else {
        return Err(fields::invalid_type(value, "a sequence"));
    };
    for (i, v) in items.iter().enumerate() {
        item(v).map_err(|e| e.at_index(i))?;
    }
    Ok(())
}

/// A list of wire structs, read through [`each`], each item taken out of
/// its wire struct by `into` (the struct's own value for most).
fn items<T: Wire, U>(value: &Value, into: fn(T) -> U) -> Result<Vec<U>, Error> {
    let mut out = Vec::new();
    each(value, &mut |v| {
        out.push(into(fields::wire(v)?));
        Ok(())
    })?;
    Ok(out)
}

/// The `ctiMessage` a message type needs, or its error, already a
/// [`Fault`]: one copy for every message type (not a boxing per call).
#[inline(never)]
fn required(cti: Option<&Value>) -> Result<&Value, Fault> {
    cti.ok_or_else(|| Box::new(DecodeError::MissingField("ctiMessage")))
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
                Some(Value::Number(n)) => Some(crate::text::number(n)),
                _ => None,
            })
            .or_else(|| (!m.is_empty()).then(|| crate::json_write::to_string(m))),
        other => Some(crate::json_write::to_string(other)),
    }
}

/// `LinkStatusUpdate`: `{"status": "opened" | "closed"}` as xuc's `cti.js`
/// publishes it (docs/protocols.md#xuc-link-status), `"up"` / `"down"`, or the
/// bare status string.
fn link_status(cti: &Value, context: &str) -> Result<EventBody, Fault> {
    let status = match cti {
        Value::String(s) => s.as_str(),
        Value::Object(m) => discriminator(m, "status")?,
        other => {
            return Err(Box::new(DecodeError::invalid(
                context,
                format!("expected an object or a string, got {}", type_name(other)),
            )))
        }
    };
    let up = match lenient::match_event(status, &["UP", "DOWN", "OPENED", "CLOSED"]) {
        Some(0 | 2) => true,
        Some(_) => false,
        None => {
            return Err(Box::new(DecodeError::Unknown {
                what: "xuc link status",
                name: status.to_owned(),
            }))
        }
    };
    let status = if up {
        ConnectionStatus::Up
    } else {
        ConnectionStatus::Down
    };
    Ok(connection(status, None))
}

fn agent_error(value: &Value, context: &str) -> Result<EventBody, Fault> {
    read_by(value, context, "struct AgentErrorWire", agent_error_wire)
}

/// The normalized state and vendor spelling of an agent state name.
fn state_of(name: &str) -> Result<(&'static str, AgentStateKind), Fault> {
    lookup(name, &AGENT_STATES).ok_or_else(|| {
        Box::new(DecodeError::Unknown {
            what: "xuc agent state",
            name: name.to_owned(),
        })
    })
}

/// The state and vendor spelling of an agent state name spelled exactly as
/// xuc does (`AgentReady`), without the lenient matching of [`state_of`]
/// (the text fast path, `codec::xuc_text`).
pub(super) fn exact_state(name: &str) -> Option<(&'static str, AgentStateKind)> {
    AGENT_STATES
        .iter()
        .find(|(vendor, _)| *vendor == name)
        .copied()
}

/// An agent state event from its read fields (here and in
/// `codec::xuc_text`).
pub(super) fn agent_state_event(
    (vendor, state): (&'static str, AgentStateKind),
    cause: Option<String>,
    agent_id: Option<String>,
    phone_number: Option<String>,
    queues: Vec<String>,
    data: Map<String, Value>,
) -> EventBody {
    // On pause, xuc's `cause` is the pause reason given to `pauseAgent`.
    let (reason, cause) = if state == AgentStateKind::NotReady {
        (cause, None)
    } else {
        (None, cause)
    };
    EventBody::AgentState {
        state,
        reason,
        cause,
        agent_id,
        vendor_state: Some(vendor.to_owned()),
        phone_number,
        queues,
        data,
    }
}

fn agent_state(value: &Value, context: &str) -> Result<EventBody, Fault> {
    let s: AgentStateWire = read(value, context)?;
    Ok(agent_state_event(
        state_of(&s.name)?,
        s.cause,
        s.agent_id,
        s.phone_nb,
        texts(s.queues),
        extras(value, &["name", "agentId", "phoneNb", "queues", "cause"]),
    ))
}

fn texts(items: Option<Vec<String>>) -> Vec<String> {
    items.unwrap_or_default()
}

/// "First Last" from whichever parts are present.
fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    match (first, last) {
        (Some(mut name), Some(last)) => {
            name.push(' ');
            name.push_str(&last);
            Some(name)
        }
        (first, last) => first.or(last),
    }
}

fn phone_event(value: &Value, context: &str) -> Result<EventBody, Fault> {
    let p: PhoneEventWire = read(value, context)?;
    let (vendor, phase) =
        lookup(&p.event_type, &PHONE_EVENTS).ok_or_else(|| DecodeError::Unknown {
            what: "xuc phone event",
            name: p.event_type.clone(),
        })?;
    // The id moved out, not copied; a unique id that is the id itself is
    // not repeated in the data.
    let (id, unique_id) = match (p.linked_id, p.unique_id) {
        (Some(linked), unique) => (linked, unique),
        (None, Some(unique)) => (unique, None),
        (None, None) => {
            return Err(Box::new(DecodeError::invalid(
                context,
                "missing field `linkedId` (or `uniqueId`)",
            )))
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
    if let Some(unique) = unique_id.filter(|u| *u != id) {
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

fn agent_directory(value: &Value, context: &str) -> Result<EventBody, Fault> {
    let d: DirectoryWire = read(value, context)?;
    // A loop, not `collect` into a `Result` (an iterator adapter per item
    // type in the wasm).
    let mut entries = Vec::with_capacity(d.directory.len());
    for item in d.directory {
        let state = match item.agent_state {
            Some(s) => Some(state_of(&s.name)?.1),
            None => None,
        };
        let mut entry = item.agent.0;
        entry.state = state;
        entries.push(entry);
    }
    Ok(EventBody::Directory {
        list: DirectoryKind::Agents,
        entries,
    })
}

/// A directory list of `kind` whose items `entry` reads, each into its
/// entry as it comes (one loop for the agent and the group lists).
fn directory_list(
    value: &Value,
    context: &str,
    kind: DirectoryKind,
    entry: fn(&Value) -> Result<DirectoryEntry, Error>,
) -> Result<EventBody, Fault> {
    let mut entries = Vec::new();
    read_with(value, context, |v| {
        each(v, &mut |item| {
            entries.push(entry(item)?);
            Ok(())
        })
    })?;
    Ok(EventBody::Directory {
        list: kind,
        entries,
    })
}

fn agent_config(value: &Value, context: &str) -> Result<EventBody, Fault> {
    read_by(value, context, "struct AgentConfigWire", agent_config_wire)
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
fn callback_lists(value: &Value, context: &str) -> Result<Vec<EventBody>, Fault> {
    // The lists borrowed in place (no vector of references).
    let lists: &[Value] = match value {
        Value::Array(items) if items.is_empty() => {
            return Ok(vec![callback_body(
                CallbackAction::Lists,
                None,
                None,
                None,
                Some(Value::Array(Vec::new())),
            )])
        }
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    };
    let mut bodies = Vec::with_capacity(lists.len());
    for (i, list) in lists.iter().enumerate() {
        let at = if value.is_array() {
            format!("{context}[{i}]")
        } else {
            context.to_owned()
        };
        let l: CallbackListWire = read(list, &at)?;
        bodies.push(callback_body(
            CallbackAction::Lists,
            None,
            Some(l.uuid),
            None,
            Some(list.clone()),
        ));
    }
    Ok(bodies)
}

fn callback(action: CallbackAction, value: &Value, context: &str) -> Result<EventBody, Fault> {
    match action {
        CallbackAction::Started => read_by(
            value,
            context,
            "struct CallbackStartedWire",
            callback_started_wire,
        ),
        CallbackAction::Updated => {
            // `{"request": {...}}`; a bare request is accepted too.
            let request = match value.get("request") {
                Some(r) => r,
                None => value,
            };
            let context = format!("{context} request");
            let r: CallbackWire = read(request, &context)?;
            Ok(callback_body(
                action,
                Some(r.uuid),
                r.list_uuid,
                r.agent_id,
                Some(request.clone()),
            ))
        }
        _ => {
            let c: CallbackWire = read(value, context)?;
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

/// [`pause_agent`] (`pause`) or [`unpause_agent`] written as JSON text
/// (serde_json's text of it, keys sorted, without building the value).
pub fn write_pause_agent(
    w: &mut JsonWriter,
    pause: bool,
    agent_id: Option<&str>,
    reason: Option<&str>,
) {
    w.raw("{");
    if let Some(id) = agent_id {
        w.raw(r#""agentid":"#);
        match agent_id_number(id) {
            Some(n) => w.i64(n),
            None => w.str(id),
        }
        w.raw(",");
    }
    w.raw(r#""claz":"web","command":"#);
    w.str(if pause { "pauseAgent" } else { "unpauseAgent" });
    if let (true, Some(reason)) = (pause, reason) {
        w.raw(r#","reason":"#);
        w.str(reason);
    }
    w.raw("}");
}

/// xuc agent ids are integers: the number an id spells, if it is one
/// (sent as a number, else as the string).
fn agent_id_number(id: &str) -> Option<i64> {
    id.parse().ok()
}

/// An agent id as a JSON value ([`agent_id_number`]).
fn agent_id_value(id: &str) -> Value {
    agent_id_number(id).map_or_else(|| Value::String(id.to_owned()), Value::from)
}

#[cfg(test)]
mod list_tests {
    use super::*;
    use serde_json::json;

    fn error(msg_type: &str, cti: Value) -> String {
        match decode(&json!({"msgType": msg_type, "ctiMessage": cti})) {
            Ok(_) => "read".to_owned(),
            Err(e) => e.to_string(),
        }
    }

    /// The lists read through `each`: not an array, a wrong item (its index
    /// on the path), `null` where optional, and a good one.
    #[test]
    fn each_list_says_which_item_is_wrong() {
        let cases = [
            ("AgentList", json!([{"id": 1}, {"id": []}])),
            ("AgentList", json!("x")),
            ("AgentGroupList", json!([{"id": 1}, 2])),
            ("AgentDirectory", json!({"directory": {"a": 1}})),
            (
                "AgentDirectory",
                json!({"directory": [{"agent": {"id": 1}}, {"agent": {}}]}),
            ),
            (
                "AgentDirectory",
                json!({"directory": [{"agent": {"id": 1}, "agentState": {"name": "AgentReady"}}]}),
            ),
            (
                "AgentStatistics",
                json!({"id": 1, "statistics": [{"name": "a", "value": 1}, {"value": 2}]}),
            ),
            ("AgentStatistics", json!({"id": 1, "statistics": null})),
            (
                "AgentConfig",
                json!({"id": 1, "member": [{"queue_id": 1, "penalty": 0}, {"queue_id": 2}]}),
            ),
            ("AgentConfig", json!({"id": 1, "members": null})),
            ("AgentConfig", json!({"id": 1, "member": 5})),
            (
                "Sheet",
                json!({"payload": {"profile": {"user": {"sheetInfo": [{"name": "a"}, {"value": "b"}]}}}}),
            ),
            (
                "Sheet",
                json!({"payload": {"profile": {"user": {"sheetinfo": null}}}}),
            ),
            (
                "Sheet",
                json!({"payload": {"profile": {"user": {"sheetInfo": true}}}}),
            ),
        ];
        // As the readers before `each` (`fields::list`) said it.
        let expected = [
            "AgentList at [1].id: invalid type: sequence, expected a string or a number",
            "AgentList: invalid type: string \"x\", expected a sequence",
            "AgentGroupList at [1]: invalid type: integer `2`, expected struct GroupWire",
            "AgentDirectory at directory: invalid type: map, expected a sequence",
            "AgentDirectory at directory[1].agent: missing field `id`",
            "read",
            "AgentStatistics at statistics[1]: missing field `name`",
            "AgentStatistics at statistics: invalid type: null, expected a sequence",
            "AgentConfig at member[1]: missing field `penalty`",
            "read",
            "AgentConfig at member: invalid type: integer `5`, expected a sequence",
            "Sheet at payload.profile.user.sheetInfo[1]: missing field `name`",
            "read",
            "Sheet at payload.profile.user.sheetInfo: invalid type: boolean `true`, expected a sequence",
        ];
        let got: Vec<String> = cases.iter().map(|(t, v)| error(t, v.clone())).collect();
        assert_eq!(got, expected);
    }
}
