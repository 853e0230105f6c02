//! AgentDesktop widget SDK events (docs/protocols.md#agentdesktop; Enghouse Interactive Italy, formerly Reitek).
//!
//! Raw message: the SDK's event object `{"event": "<NAME>", id, uuid, chat_id, type,
//! media_type, content_type, content_description, job_type, job_state, service, ani,
//! dnis, queue, reason, isACD, startTime, endTime, offlineStartTime, offlineEndTime,
//! CallData: [{name, value}]}`; every field but `event` is optional.
//!
//! Event names are matched case- and separator-insensitively, with a vendor
//! prefix tolerated. Three names may carry a qualifier: `PAUSESUBSTATE [1701]`
//! (the sub-state code), `JOBCHANGED - Setup` / `JOBCHANGED - Offline` (the
//! phase) and `JOBSTARTED - Online`.
//!
//! Judgement calls (the vendor documentation gives no samples):
//! - `CONNECTIONSTARTED` (the media is seized for a contact, before `RINGING`
//!   or `DIALING`) is phase `created`: it happens in both directions, so it
//!   is not `alerting`.
//! - `JOBSCHEDULED` (the ACD assigned the contact to this agent) is phase
//!   `offered`, like `JOBCHANGED - Setup` (the Accept / Reject popup);
//!   `vendorEvent` tells them apart.
//! - `JOBCHANGED` is `wrapUp` when its name or `job_state` / `phase` says
//!   `offline`, and `offered` for `setup`, `online` or nothing (the documented
//!   `job_state` has only `online | offline`; the Online phase itself is
//!   announced by `JOBSTARTED`). The name's qualifier wins over the field.
//! - `ani` / `dnis` are the caller / called party in both directions (the
//!   documented definition, docs/protocols.md#agentdesktop-event-fields), so they map to `from` / `to` without swapping.
//! - `CallData` goes to `data.callData` rather than flat into `data`, so a
//!   call-data name can never overwrite a contact field.
//!
//! The module also builds the outbound SDK command descriptions the bridge
//! sends back ([`agent_ready`], [`agent_pause`], [`make_call`], [`hangup`],
//! [`hold`], [`answer`]).

use super::fields::{self, Fields};
use super::path_de::Error;
use super::{as_object, discriminator, extras, read, type_name};
use crate::error::{DecodeError, Fault};
use crate::lenient;
use crate::model::{AgentStateKind, Decoded, Direction, EventBody, InteractionPhase, PopField};
use serde_json::{json, Map, Value};

/// The documented event names (docs/protocols.md#agentdesktop-events), as AgentDesktop spells them.
/// In the order of [`KINDS`] and [`KEYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ConnectionStarted,
    Ringing,
    Dialing,
    DataChanged,
    Established,
    Held,
    Retrieved,
    ConnectionCleared,
    JobScheduled,
    JobChanged,
    JobStarted,
    JobFinished,
    Popup,
    LoggedIn,
    Pause,
    PauseSubstate,
    Forced,
    LoggedOut,
}

const KINDS: [Kind; 18] = [
    Kind::ConnectionStarted,
    Kind::Ringing,
    Kind::Dialing,
    Kind::DataChanged,
    Kind::Established,
    Kind::Held,
    Kind::Retrieved,
    Kind::ConnectionCleared,
    Kind::JobScheduled,
    Kind::JobChanged,
    Kind::JobStarted,
    Kind::JobFinished,
    Kind::Popup,
    Kind::LoggedIn,
    Kind::Pause,
    Kind::PauseSubstate,
    Kind::Forced,
    Kind::LoggedOut,
];

/// Canonical keys (see [`lenient::event_key`]), parallel to [`KINDS`].
const KEYS: [&str; 18] = [
    "CONNECTIONSTARTED",
    "RINGING",
    "DIALING",
    "DATACHANGED",
    "ESTABLISHED",
    "HELD",
    "RETRIEVED",
    "CONNECTIONCLEARED",
    "JOBSCHEDULED",
    "JOBCHANGED",
    "JOBSTARTED",
    "JOBFINISHED",
    "POPUP",
    "LOGGEDIN",
    "PAUSE",
    "PAUSESUBSTATE",
    "FORCED",
    "LOGGEDOUT",
];

/// The names that may carry a qualifier after them (code or phase).
const QUALIFIABLE: [Kind; 3] = [Kind::PauseSubstate, Kind::JobChanged, Kind::JobStarted];

impl Kind {
    /// The event name as the vendor documentation writes it (its canonical
    /// key: [`KEYS`] is in the order of the variants).
    fn name(self) -> &'static str {
        KEYS.get(self as usize).copied().unwrap_or_default()
    }
}

/// A received event name: which event, and the qualifier written after it.
struct Name {
    kind: Kind,
    qualifier: Option<String>,
}

/// What is left of `name` after its first `count` ASCII letters and digits.
fn tail_after(name: &str, count: usize) -> &str {
    let mut seen = 0usize;
    for (i, c) in name.char_indices() {
        if seen == count {
            return name.get(i..).unwrap_or_default();
        }
        if c.is_ascii_alphanumeric() {
            seen = seen.saturating_add(1);
        }
    }
    ""
}

/// Parses a received event name: `RINGING`, `ringing`, `AD_RINGING`,
/// `PAUSESUBSTATE [1701]`, `PAUSESUBSTATE 1701`, `JOBCHANGED - Setup` ...
fn parse_name(name: &str) -> Result<Name, Fault> {
    let key = lenient::event_key(name);
    // A qualified name first, so that a qualifier which happens to end like
    // another event name (`PAUSESUBSTATE HELD`) is not taken for that event.
    for kind in QUALIFIABLE {
        let base = kind.name();
        let Some(pos) = key.find(base) else { continue };
        let end = pos.saturating_add(base.len());
        if end >= key.len() {
            continue;
        }
        let qualifier = tail_after(name, end).trim_matches(|c: char| !c.is_alphanumeric());
        if !qualifier.is_empty() {
            return Ok(Name {
                kind,
                qualifier: Some(qualifier.to_owned()),
            });
        }
    }
    lenient::match_event(name, &KEYS)
        .and_then(|i| KINDS.get(i).copied())
        .map(|kind| Name {
            kind,
            qualifier: None,
        })
        .ok_or_else(|| unknown_event(name))
}

fn unknown_event(name: &str) -> Fault {
    Box::new(DecodeError::Unknown {
        what: "AgentDesktop event",
        name: name.to_owned(),
    })
}

/// The two documented phases of `JOBCHANGED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobPhase {
    /// Engagement: AgentDesktop shows the Accept / Reject popup.
    Setup,
    /// After-call work.
    Offline,
}

/// `setup` and `online` (the job is not offline yet) mean the setup phase;
/// `offline` means after-call work. Case and separators do not matter.
fn job_phase(word: &str) -> Option<JobPhase> {
    match lenient::event_key(word).as_str() {
        "SETUP" | "ONLINE" => Some(JobPhase::Setup),
        "OFFLINE" => Some(JobPhase::Offline),
        _ => None,
    }
}

/// The SDK event object. Unknown fields land in `extra`. Read by hand
/// (`codec::fields`).
struct Wire {
    id: Option<String>,
    uuid: Option<String>,
    chat_id: Option<String>,
    contact_type: Option<String>,
    media_type: Option<String>,
    content_type: Option<String>,
    content_description: Option<String>,
    job_type: Option<String>,
    job_state: Option<String>,
    phase: Option<String>,
    service: Option<String>,
    ani: Option<String>,
    dnis: Option<String>,
    queue: Option<String>,
    reason: Option<String>,
    /// Pause sub-state code (PAUSESUBSTATE), when sent as a field.
    code: Option<String>,
    substate: Option<String>,
    is_acd: Option<bool>,
    start_time: Option<Value>,
    end_time: Option<Value>,
    offline_start_time: Option<Value>,
    offline_end_time: Option<Value>,
    call_data: Option<Value>,
    agent_id: Option<String>,
    extra: Map<String, Value>,
}

/// Every name and alias [`Wire`] reads; the other fields are its `extra`.
const WIRE_NAMES: [&str; 43] = [
    "id",
    "uuid",
    "chat_id",
    "chatId",
    "type",
    "media_type",
    "mediaType",
    "content_type",
    "contentType",
    "content_description",
    "contentDescription",
    "job_type",
    "jobType",
    "job_state",
    "jobState",
    "phase",
    "job_phase",
    "jobPhase",
    "service",
    "ani",
    "dnis",
    "queue",
    "reason",
    "code",
    "substate",
    "subState",
    "sub_state",
    "substate_code",
    "isACD",
    "isAcd",
    "is_acd",
    "isacd",
    "startTime",
    "start_time",
    "endTime",
    "end_time",
    "offlineStartTime",
    "offline_start_time",
    "offlineEndTime",
    "offline_end_time",
    "agent_id",
    "agentId",
    "agentid",
];

/// `CallData` and its aliases (also read by [`Wire`]).
const CALL_DATA_NAMES: [&str; 4] = ["CallData", "callData", "call_data", "calldata"];

impl fields::Wire for Wire {
    const EXPECTED: &'static str = "struct Wire";
    fn read(o: Fields) -> Result<Self, Error> {
        let s = |names: &[&'static str]| o.opt_string(names);
        let v = |names: &[&'static str]| -> Result<Option<Value>, Error> {
            Ok(o.get(names, |v| fields::opt(v, fields::any))?.flatten())
        };
        Ok(Self {
            id: s(&["id"])?,
            uuid: s(&["uuid"])?,
            chat_id: s(&["chat_id", "chatId"])?,
            contact_type: s(&["type"])?,
            media_type: s(&["media_type", "mediaType"])?,
            content_type: s(&["content_type", "contentType"])?,
            content_description: s(&["content_description", "contentDescription"])?,
            job_type: s(&["job_type", "jobType"])?,
            job_state: s(&["job_state", "jobState"])?,
            phase: s(&["phase", "job_phase", "jobPhase"])?,
            service: s(&["service"])?,
            ani: s(&["ani"])?,
            dnis: s(&["dnis"])?,
            queue: s(&["queue"])?,
            reason: s(&["reason"])?,
            code: s(&["code"])?,
            substate: s(&["substate", "subState", "sub_state", "substate_code"])?,
            is_acd: o.opt_boolean(&["isACD", "isAcd", "is_acd", "isacd"])?,
            start_time: v(&["startTime", "start_time"])?,
            end_time: v(&["endTime", "end_time"])?,
            offline_start_time: v(&["offlineStartTime", "offline_start_time"])?,
            offline_end_time: v(&["offlineEndTime", "offline_end_time"])?,
            call_data: v(&CALL_DATA_NAMES)?,
            agent_id: s(&["agent_id", "agentId", "agentid"])?,
            extra: super::map_of(
                o.map()
                    .iter()
                    .filter(|(k, _)| {
                        !WIRE_NAMES.contains(&k.as_str()) && !CALL_DATA_NAMES.contains(&k.as_str())
                    })
                    .map(|(k, v)| (k.clone(), v.clone())),
            ),
        })
    }
}

/// One `{name, value}` entry of `CallData`, as a pair.
fn call_datum(item: &Value) -> Result<(String, Value), Error> {
    let o = fields::fields_of(item, "struct CallDatum")?;
    let name = o.string(&["name", "Name", "key"])?;
    let value = o.get(&["value", "Value"], |v| fields::opt(v, fields::any))?;
    Ok((name, value.flatten().unwrap_or(Value::Null)))
}

/// `CallData` as `[{name, value}]` (documented), `{name: value}` or the
/// `"A=1;B=2"` string MakeCall uses; entries in order.
fn call_data(context: &str, raw: Option<Value>) -> Result<Vec<(String, Value)>, Fault> {
    match raw {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            // A loop, not `collect` into a `Result` (an iterator adapter in
            // the wasm).
            let mut data = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                data.push(call_datum(item).map_err(|e| {
                    Box::new(DecodeError::invalid(
                        format!("{context} at CallData[{i}]"),
                        e.to_string(),
                    ))
                })?);
            }
            Ok(data)
        }
        Some(Value::Object(map)) => Ok(map.into_iter().collect()),
        Some(Value::String(text)) => Ok(text
            .split(';')
            .filter(|part| !part.trim().is_empty())
            .map(|part| match part.split_once('=') {
                Some((k, v)) => (k.trim().to_owned(), Value::String(v.to_owned())),
                None => (part.trim().to_owned(), Value::String(String::new())),
            })
            .collect()),
        Some(other) => Err(Box::new(DecodeError::invalid(
            format!("{context} at CallData"),
            format!(
                "expected an array of {{name, value}}, an object or a string, got {}",
                type_name(&other)
            ),
        ))),
    }
}

/// A timestamp (milliseconds since the Unix epoch): numbers and numeric
/// strings become numbers; any other non-empty string is kept as sent.
fn timestamp(context: &str, field: &str, raw: Option<Value>) -> Result<Option<Value>, Fault> {
    match raw {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_err() => {
            Ok((!s.trim().is_empty()).then_some(Value::String(s)))
        }
        Some(other) => fields::opt_int(&other)
            .map(|n| n.map(Value::from))
            .map_err(|e| {
                Box::new(DecodeError::invalid(
                    format!("{context} at {field}"),
                    e.to_string(),
                ))
            }),
    }
}

/// `type` -> direction: `callTask` (a scheduled call-back the agent places) is outbound.
fn direction_of_type(contact_type: &str) -> Option<Direction> {
    match lenient::event_key(contact_type).as_str() {
        "INBOUND" => Some(Direction::Inbound),
        "OUTBOUND" | "CALLTASK" => Some(Direction::Outbound),
        "INTERNAL" => Some(Direction::Internal),
        _ => None,
    }
}

/// `job_type` -> direction, used when `type` is absent (`manual` says nothing).
fn direction_of_job(job_type: &str) -> Option<Direction> {
    match lenient::event_key(job_type).as_str() {
        "INBOUND" => Some(Direction::Inbound),
        "OUTBOUND" | "PREVIEWAGENT" | "PREVIEWQUEUE" | "PREDICTIVE" => Some(Direction::Outbound),
        _ => None,
    }
}

/// The value of a call-data entry as text (for screen-pop fields).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        // The JSON writer's text, as `Display` writes it (serde_json's
        // formatter would be in the wasm for this alone).
        other => crate::json_write::to_string(other),
    }
}

/// The fields of a contact, decoded from the wire object.
struct Contact {
    id: Option<String>,
    media: Option<String>,
    direction: Option<Direction>,
    ani: Option<String>,
    dnis: Option<String>,
    queue: Option<String>,
    reason: Option<String>,
    agent_id: Option<String>,
    call_data: Vec<(String, Value)>,
    data: Map<String, Value>,
}

impl Contact {
    fn from_wire(context: &str, w: Wire) -> Result<Contact, Fault> {
        let mut data = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                data.insert(key.to_owned(), v);
            }
        };
        // uuid is the unique id; the CT7 id is kept in data when both are sent.
        let id = match (w.uuid, w.id) {
            (Some(uuid), ct7) => {
                put("id", ct7.map(Value::String));
                Some(uuid)
            }
            (None, ct7) => ct7,
        };
        let media = match (w.media_type, w.content_type) {
            (Some(media), Some(content)) if media.eq_ignore_ascii_case("channel") => {
                put("media_type", Some(Value::String(media)));
                Some(content)
            }
            (Some(media), content) => {
                put("content_type", content.map(Value::String));
                Some(media)
            }
            (None, Some(content)) => Some(content),
            (None, None) => w.chat_id.as_ref().map(|_| "chat".to_owned()),
        };
        let direction = match &w.contact_type {
            Some(t) => direction_of_type(t),
            None => w.job_type.as_deref().and_then(direction_of_job),
        };
        if let Some(t) = w.contact_type {
            if !matches!(
                lenient::event_key(&t).as_str(),
                "INBOUND" | "OUTBOUND" | "INTERNAL"
            ) {
                put("type", Some(Value::String(t)));
            }
        }
        put("chat_id", w.chat_id.map(Value::String));
        put(
            "content_description",
            w.content_description.map(Value::String),
        );
        put("job_type", w.job_type.map(Value::String));
        put("job_state", w.job_state.map(Value::String));
        put("service", w.service.map(Value::String));
        put("isACD", w.is_acd.map(Value::Bool));
        put("startTime", timestamp(context, "startTime", w.start_time)?);
        put("endTime", timestamp(context, "endTime", w.end_time)?);
        put(
            "offlineStartTime",
            timestamp(context, "offlineStartTime", w.offline_start_time)?,
        );
        put(
            "offlineEndTime",
            timestamp(context, "offlineEndTime", w.offline_end_time)?,
        );
        let call_data = call_data(context, w.call_data)?;
        for (key, value) in w.extra {
            if key != "event" && !data.contains_key(&key) {
                data.insert(key, value);
            }
        }
        Ok(Contact {
            id,
            media,
            direction,
            ani: w.ani,
            dnis: w.dnis,
            queue: w.queue,
            reason: w.reason,
            agent_id: w.agent_id,
            call_data,
            data,
        })
    }

    fn into_interaction(
        self,
        context: &str,
        phase: InteractionPhase,
        vendor_event: &str,
    ) -> Result<EventBody, Fault> {
        let id = self
            .id
            .ok_or_else(|| DecodeError::invalid(context, "missing field `uuid` (or `id`)"))?;
        let mut data = self.data;
        if !self.call_data.is_empty() {
            data.insert(
                "callData".to_owned(),
                Value::Object(super::map_of(self.call_data)),
            );
        }
        Ok(EventBody::Interaction {
            id,
            phase,
            media: self.media,
            direction: self.direction,
            from: self.ani,
            to: self.dnis,
            queue: self.queue,
            agent_id: self.agent_id,
            reason: self.reason,
            vendor_event: Some(vendor_event.to_owned()),
            data,
        })
    }

    fn into_screen_pop(self, data: Map<String, Value>) -> EventBody {
        EventBody::ScreenPop {
            data,
            interaction_id: self.id,
            ani: self.ani.into_iter().collect(),
            dnis: self.dnis,
            media: self.media,
            queue: self.queue,
            fields: self
                .call_data
                .into_iter()
                .map(|(name, value)| PopField {
                    value: text(&value),
                    name,
                    field_type: "text".to_owned(),
                    order: None,
                })
                .collect(),
        }
    }
}

/// Decodes one AgentDesktop SDK event object.
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
    decode_in(raw).map_err(|fault| *fault)
}

/// [`decode`] with its error behind one pointer ([`Fault`]), as
/// `codec::decode` calls it.
pub(crate) fn decode_in(raw: &Value) -> Result<Decoded, Fault> {
    let map = as_object(raw)?;
    let name = parse_name(discriminator(map, "event")?)?;
    let context = name.kind.name();
    let wire: Wire = read(raw, context)?;
    let phase = |p: InteractionPhase| (p, context);
    let (phase, vendor_event) = match name.kind {
        Kind::ConnectionStarted => phase(InteractionPhase::Created),
        Kind::Ringing => phase(InteractionPhase::Alerting),
        Kind::Dialing => phase(InteractionPhase::Dialing),
        Kind::DataChanged => phase(InteractionPhase::Updated),
        Kind::Established => phase(InteractionPhase::Connected),
        Kind::Held => phase(InteractionPhase::Held),
        Kind::Retrieved => phase(InteractionPhase::Resumed),
        // A manual contact (not handled by the ACD) has no Offline phase and
        // no JOBFINISHED: its CONNECTIONCLEARED is the end of it.
        Kind::ConnectionCleared if wire.is_acd == Some(false) => phase(InteractionPhase::Done),
        Kind::ConnectionCleared => phase(InteractionPhase::Ended),
        Kind::JobScheduled => phase(InteractionPhase::Offered),
        Kind::JobFinished => phase(InteractionPhase::Done),
        Kind::JobStarted => match &name.qualifier {
            Some(q) if lenient::event_key(q) != "ONLINE" => {
                return Err(unknown_event(context_name(raw)));
            }
            _ => phase(InteractionPhase::Connected),
        },
        Kind::JobChanged => {
            let job = match (&name.qualifier, &wire.job_state, &wire.phase) {
                (Some(word), _, _) => job_phase(word).ok_or_else(|| DecodeError::Unknown {
                    what: "AgentDesktop JOBCHANGED phase",
                    name: word.clone(),
                })?,
                (None, Some(word), _) | (None, None, Some(word)) => {
                    job_phase(word).ok_or_else(|| DecodeError::Unknown {
                        what: "AgentDesktop job_state",
                        name: word.clone(),
                    })?
                }
                (None, None, None) => JobPhase::Setup,
            };
            match job {
                JobPhase::Setup => (InteractionPhase::Offered, "JOBCHANGED - Setup"),
                JobPhase::Offline => (InteractionPhase::WrapUp, "JOBCHANGED - Offline"),
            }
        }
        Kind::Popup => {
            let contact = Contact::from_wire(context, wire)?;
            // Fields the pop has no slot for (service, timestamps, the CT7 id ...).
            let data = extras(
                raw,
                &[
                    "event",
                    "uuid",
                    "ani",
                    "dnis",
                    "media_type",
                    "queue",
                    "CallData",
                    "callData",
                ],
            );
            return Ok(Decoded::one(contact.into_screen_pop(data)));
        }
        Kind::LoggedIn | Kind::Pause | Kind::PauseSubstate | Kind::Forced | Kind::LoggedOut => {
            let data = extras(
                raw,
                &[
                    "event", "code", "substate", "subState", "reason", "agentId", "agent_id",
                ],
            );
            return Ok(Decoded::one(agent_state(name, wire, data)));
        }
    };
    let contact = Contact::from_wire(context, wire)?;
    Ok(Decoded::one(contact.into_interaction(
        context,
        phase,
        vendor_event,
    )?))
}

/// The received event name (for an error about the whole name).
fn context_name(raw: &Value) -> &str {
    raw.get("event").and_then(Value::as_str).unwrap_or_default()
}

/// An operator event as an agent state.
fn agent_state(name: Name, wire: Wire, data: Map<String, Value>) -> EventBody {
    let (state, cause) = match name.kind {
        Kind::LoggedIn => (AgentStateKind::Ready, None),
        Kind::LoggedOut => (AgentStateKind::LoggedOut, None),
        Kind::Forced => (AgentStateKind::NotReady, Some("forced".to_owned())),
        _ => (AgentStateKind::NotReady, None),
    };
    EventBody::AgentState {
        state,
        reason: name
            .qualifier
            .or(wire.code)
            .or(wire.substate)
            .or(wire.reason),
        cause,
        agent_id: wire.agent_id,
        vendor_state: Some(name.kind.name().to_owned()),
        phone_number: None,
        queues: Vec::new(),
        data,
    }
}

// ---------------------------------------------------------------------------
// Outbound SDK commands
// ---------------------------------------------------------------------------

/// A command for the widget edge: call
/// `AGENTDESKTOP[namespace][method](...args)`. JSON has no `undefined`, so
/// an optional argument that must be skipped before a later one is `null`.
fn command(namespace: &str, method: &str, args: Vec<Value>) -> Value {
    json!({"namespace": namespace, "method": method, "args": args})
}

/// Makes the agent Ready: `AGENTDESKTOP.AGENT.Ready()`.
///
/// The AGENT namespace's method names are not documented publicly (the vendor
/// only says it manages the operator's state and schedulability); `Ready`
/// is our assumption (docs/protocols.md#unconfirmed) and must be checked against the SDK in use.
pub fn agent_ready() -> Value {
    command("AGENT", "Ready", Vec::new())
}

/// Puts the agent in pause: `AGENTDESKTOP.AGENT.Pause(substate?)`, with the
/// pause sub-state code (e.g. `"1701"`) when given.
///
/// Like [`agent_ready`], the method name `Pause` is an assumption: the
/// AGENT namespace is not documented publicly.
pub fn agent_pause(substate: Option<&str>) -> Value {
    command(
        "AGENT",
        "Pause",
        substate
            .map(|s| Value::String(s.to_owned()))
            .into_iter()
            .collect(),
    )
}

/// Places a call: `AGENTDESKTOP.CONTACT.MakeCall(dest, resourceType?,
/// serviceId?, callProfileId?, callData?)`. Call data is sent as
/// `"A=1;B=2"` in the fifth argument (the three before it `null`); the
/// format has no escaping, so names and values should not hold `;` or `=`.
pub fn make_call(dest: &str, call_data: &[(String, String)]) -> Value {
    let mut args = vec![Value::String(dest.to_owned())];
    if !call_data.is_empty() {
        let joined = call_data
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(";");
        args.extend([Value::Null, Value::Null, Value::Null, Value::String(joined)]);
    }
    command("CONTACT", "MakeCall", args)
}

/// Hangs up: `AGENTDESKTOP.CONTACT.Hangup(contactId?)` (the current contact
/// when no id is given).
pub fn hangup(contact_id: Option<&str>) -> Value {
    command(
        "CONTACT",
        "Hangup",
        contact_id
            .map(|s| Value::String(s.to_owned()))
            .into_iter()
            .collect(),
    )
}

/// Puts the current call on hold: `AGENTDESKTOP.CONTACT.Hold()`.
pub fn hold() -> Value {
    command("CONTACT", "Hold", Vec::new())
}

/// Answers the ringing contact: `AGENTDESKTOP.CONTACT.Answer()`.
pub fn answer() -> Value {
    command("CONTACT", "Answer", Vec::new())
}

/// Sends a text message on a chat contact: `AGENTDESKTOP.CHAT.SendMessage(contactId, text)`.
///
/// The vendor documents the CHAT namespace ("handling a chat contact, sending
/// a text message") but not its method: the name `SendMessage` and the
/// argument order (contact id first, as in CONTACT) are assumptions
/// (docs/protocols.md#unconfirmed). The bridge checks at start-up that the
/// SDK on the page has the function when chat is enabled.
pub fn chat_send(contact_id: &str, text: &str) -> Value {
    command(
        "CHAT",
        "SendMessage",
        vec![
            Value::String(contact_id.to_owned()),
            Value::String(text.to_owned()),
        ],
    )
}

/// The event among a contact callback's arguments.
///
/// AgentDesktop documents the event as a JSON object with an `event`
/// property (docs/protocols.md#agentdesktop-events); the callback convention
/// of the vendor's CT toolbar SDK, seen in integrations in the field, is
/// `(eventType, data)` with `data` an object *or* JSON text. So: the last
/// argument that is an object with `event` (JSON text must be parsed by the
/// caller first). No such argument: a typed error, never a silent drop.
pub fn pick_event(args: &[Value]) -> Result<&Value, Fault> {
    if let Some(event) = args
        .iter()
        .rev()
        .find(|a| a.as_object().is_some_and(|m| m.contains_key("event")))
    {
        return Ok(event);
    }
    match args.iter().find(|a| a.is_object()) {
        Some(_) => Err(Box::new(DecodeError::MissingField("event"))),
        None => Err(Box::new(DecodeError::invalid(
            "AgentDesktop contact callback",
            format!(
                "no event object among its {} argument(s) ({})",
                args.len(),
                args.iter().map(type_name).collect::<Vec<_>>().join(", ")
            ),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keys_and_variants_are_in_one_order() {
        for (i, kind) in KINDS.iter().enumerate() {
            assert_eq!(*kind as usize, i);
            assert_eq!(kind.name(), KEYS[i]);
        }
        assert_eq!(Kind::ConnectionStarted.name(), "CONNECTIONSTARTED");
        assert_eq!(Kind::JobChanged.name(), "JOBCHANGED");
        assert_eq!(Kind::PauseSubstate.name(), "PAUSESUBSTATE");
        assert_eq!(Kind::LoggedOut.name(), "LOGGEDOUT");
    }
}
