//! Avaya Experience Platform "Agent and Engagement" WebSocket frames (docs/protocols.md#axp-websocket).
//!
//! Raw message: one WebSocket text frame parsed to JSON. The server sends
//! three kinds of frame:
//! - `{"event": "authenticationResponse", "status", "subscriptionId",
//!   "pingInterval", "expiresInterval"}` after the client's `authentication`;
//! - `{"event": "pong"}` answering the client's `ping`;
//! - notifications: an envelope (`correlationId`, `subscriptionId`, `family`,
//!   `sentAt`, `accountId`, `loginId` ...) around a `body` whose `event` is one
//!   of the 13 [`BODY_EVENTS`].
//!
//! The subscription is account-wide: events of every agent arrive on the
//! socket, so each event carries the agent it is about where the vendor says.
//! The client's own frames are built by [`authentication`] and [`ping`].

use super::fields::{self, Fields, Wire};
use super::path_de::Error;
use super::{as_object, discriminator, extras, extras_of, read, read_by};
use crate::error::{DecodeError, Fault};
use crate::lenient;
use crate::model::{
    AgentStateKind, ConnectionStatus, Decoded, Direction, Envelope, EventBody, InteractionPhase,
    ParticipantRole,
};
use serde_json::{json, Map, Value};

/// The 13 notification body events, in the order of the AsyncAPI document
/// (also the keys matched, in any case: [`lenient::match_event`]).
pub const BODY_EVENTS: [&str; 13] = [
    "AgentState",
    "AgentParticipant",
    "AutomationParticipant",
    "ExternalParticipant",
    "EngagementPrerouted",
    "InboundEngagementCreated",
    "MatchOffered",
    "OutboundEngagementCreated",
    "SingleStepTransfer",
    "SingleStepTransferError",
    "ChannelReady",
    "AfterContactWorkActivated",
    "AfterContactWorkCompleted",
];

/// Top-level `event` values of server frames. `notification` is not sent by
/// the documented server but is the AsyncAPI message name; accepted as a wrapper.
const FRAME_KEYS: [&str; 3] = ["AUTHENTICATIONRESPONSE", "PONG", "NOTIFICATION"];

/// Envelope fields of a notification, kept (as strings) in [`Decoded::envelope`].
pub const ENVELOPE_FIELDS: [&str; 13] = [
    "correlationId",
    "subscriptionId",
    "family",
    "sentAt",
    "accountId",
    "loginId",
    "initiatingLoginId",
    "destinationLoginId",
    "observedLoginId",
    "observingLoginId",
    "coachedLoginId",
    "coachingLoginId",
    "bargingLoginId",
];

/// Envelope fields that only a notification has: a frame with one of them
/// and no `body` is a notification that lost its body.
const NOTIFICATION_ONLY_FIELDS: [&str; 5] =
    ["correlationId", "family", "sentAt", "accountId", "loginId"];

/// Authentication statuses as canonical keys: separators do not count, so
/// the document's misspelt `CONNECTIONFAILED_CONSTRAINT_VIOLATION` matches
/// `CONNECTION_FAILED_CONSTRAINT_VIOLATION`.
const STATUS_KEYS: [&str; 5] = [
    "CONNECTIONCONFIRMED",
    "CONNECTIONFAILEDINVALIDTOKEN",
    "CONNECTIONFAILEDUNKNOWNSUBSCRIPTION",
    "CONNECTIONFAILEDINTERNALSERVERERROR",
    "CONNECTIONFAILEDCONSTRAINTVIOLATION",
];
const STATUSES: [ConnectionStatus; 5] = [
    ConnectionStatus::Confirmed,
    ConnectionStatus::InvalidToken,
    ConnectionStatus::UnknownSubscription,
    ConnectionStatus::ServerError,
    ConnectionStatus::ConstraintViolation,
];

const AGENT_STATE_KEYS: [&str; 4] = ["LOGGEDIN", "LOGGEDOUT", "READY", "NOTREADY"];
const AGENT_STATES: [AgentStateKind; 4] = [
    AgentStateKind::LoggedIn,
    AgentStateKind::LoggedOut,
    AgentStateKind::Ready,
    AgentStateKind::NotReady,
];

/// AgentParticipant actions, as spelled in the document.
const AGENT_ACTIONS: [&str; 9] = [
    "ADDED",
    "HELD",
    "UNHELD",
    "INVITED",
    "REMOVED",
    "MOVED",
    "OBSERVING",
    "COACHING",
    "BARGEDIN",
];
/// Automation / external participant actions.
const PARTICIPANT_ACTIONS: [&str; 3] = ["ADDED", "REMOVED", "INVITED"];
const TRANSFER_TARGETS: [&str; 4] = ["QUEUE", "USER", "AUTOMATION", "EXTERNAL"];
const TRANSFER_ERRORS: [&str; 2] = ["CANCELLED", "FAILED"];

/// The client's first frame after connecting: authenticates the subscription.
pub fn authentication(subscription_id: &str, token: &str) -> Value {
    json!({"event": "authentication", "subscriptionId": subscription_id, "token": token})
}

/// The client's heartbeat frame (send at least every `pingInterval` seconds;
/// the document recommends every 30 s). The subscription id is optional.
pub fn ping(subscription_id: Option<&str>) -> Value {
    match subscription_id {
        Some(id) => json!({"event": "ping", "subscriptionId": id}),
        None => json!({"event": "ping"}),
    }
}

// The wire structs, read by hand (`codec::fields`): camelCase field names as
// the AXP schema spells them.

struct AuthenticationResponse {
    status: String,
    subscription_id: Option<String>,
    ping_interval: Option<i64>,
    expires_interval: Option<i64>,
}

impl Wire for AuthenticationResponse {
    const EXPECTED: &'static str = "struct AuthenticationResponse";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            status: o.string(&["status"])?,
            subscription_id: o.opt_string(&["subscriptionId"])?,
            ping_interval: o.opt_int(&["pingInterval"])?,
            expires_interval: o.opt_int(&["expiresInterval"])?,
        })
    }
}

/// `pong`, read straight into its event.
fn pong(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::Connection {
        status: ConnectionStatus::Pong,
        detail: None,
        subscription_id: o.opt_string(&["subscriptionId"])?,
        ping_interval: None,
        expires_interval: None,
    })
}

/// The notification envelope, read straight into [`Decoded::envelope`]:
/// every field is optional, kept as a string, in [`ENVELOPE_FIELDS`] order.
fn envelope(o: Fields) -> Result<Envelope, Error> {
    let mut fields = Envelope::new();
    for name in ENVELOPE_FIELDS {
        if let Some(value) = o.opt_string(&[name])? {
            fields.insert(name.to_owned(), Value::String(value));
        }
    }
    Ok(fields)
}

/// Fields every body may carry. `timestamp` is a string in the schema but a
/// number (beyond `i64`) in the examples: both are kept as text.
struct BodyMeta {
    id: Option<String>,
    timestamp: Option<String>,
}

impl Wire for BodyMeta {
    const EXPECTED: &'static str = "struct BodyMeta";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            id: o.opt_string(&["id"])?,
            timestamp: o.opt_string(&["timestamp"])?,
        })
    }
}

struct AgentState {
    state: String,
    /// A string in the schema, the number 514 in the example.
    reason_code: Option<String>,
    cause: Option<String>,
    agent_id: Option<String>,
}

impl Wire for AgentState {
    const EXPECTED: &'static str = "struct AgentState";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            state: o.string(&["state"])?,
            reason_code: o.opt_string(&["reasonCode"])?,
            cause: o.opt_string(&["cause"])?,
            agent_id: o.opt_string(&["agentId"])?,
        })
    }
}

struct AgentParticipant {
    engagement_id: String,
    action: String,
    agent_id: Option<String>,
    channel_id: Option<String>,
    observing_agent_id: Option<String>,
    coaching_agent_id: Option<String>,
    barging_agent_id: Option<String>,
}

impl Wire for AgentParticipant {
    const EXPECTED: &'static str = "struct AgentParticipant";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            engagement_id: o.string(&["engagementId"])?,
            action: o.string(&["action"])?,
            agent_id: o.opt_string(&["agentId"])?,
            channel_id: o.opt_string(&["channelId"])?,
            observing_agent_id: o.opt_string(&["observingAgentId"])?,
            coaching_agent_id: o.opt_string(&["coachingAgentId"])?,
            barging_agent_id: o.opt_string(&["bargingAgentId"])?,
        })
    }
}

struct OtherParticipant {
    engagement_id: String,
    action: String,
    automation_participant_id: Option<String>,
    external_participant_id: Option<String>,
}

impl Wire for OtherParticipant {
    const EXPECTED: &'static str = "struct OtherParticipant";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            engagement_id: o.string(&["engagementId"])?,
            action: o.string(&["action"])?,
            automation_participant_id: o.opt_string(&["automationParticipantId"])?,
            external_participant_id: o.opt_string(&["externalParticipantId"])?,
        })
    }
}

/// The fields shared by engagement life-cycle bodies (created, prerouted,
/// offered, after-contact work).
struct Engagement {
    engagement_id: String,
    agent_id: Option<String>,
    channel_id: Option<String>,
    calling_number: Option<String>,
    dialled_number: Option<String>,
    source_address: Option<String>,
    destination_address: Option<String>,
    queue: Option<QueueRef>,
    /// A list of strings per the schema; a single string is accepted too.
    attribute_list: Option<Value>,
    offered_queue: Option<Offered>,
    offered_service: Option<Offered>,
    offered_specified_agent: Option<SpecifiedAgent>,
}

impl Wire for Engagement {
    const EXPECTED: &'static str = "struct Engagement";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            engagement_id: o.string(&["engagementId"])?,
            agent_id: o.opt_string(&["agentId"])?,
            channel_id: o.opt_string(&["channelId"])?,
            calling_number: o.opt_string(&["callingNumber"])?,
            dialled_number: o.opt_string(&["dialledNumber", "dialedNumber"])?,
            source_address: o.opt_string(&["sourceAddress"])?,
            destination_address: o.opt_string(&["destinationAddress"])?,
            queue: o.opt_wire(&["queue"])?,
            attribute_list: o
                .get(&["attributeList"], |v| fields::opt(v, fields::any))?
                .flatten(),
            offered_queue: o.opt_wire(&["offeredQueue"])?,
            offered_service: o.opt_wire(&["offeredService"])?,
            offered_specified_agent: o.opt_wire(&["offeredSpecifiedAgent"])?,
        })
    }
}

struct QueueRef {
    queue_id: Option<String>,
}

impl Wire for QueueRef {
    const EXPECTED: &'static str = "struct QueueRef";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            queue_id: o.opt_string(&["queueId"])?,
        })
    }
}

/// `offeredQueue` / `offeredService` of a MatchOffered.
struct Offered {
    queue_id: Option<String>,
    channel_id: Option<String>,
    offered_agent_data: Option<OfferedAgent>,
}

impl Wire for Offered {
    const EXPECTED: &'static str = "struct Offered";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            queue_id: o.opt_string(&["queueId"])?,
            channel_id: o.opt_string(&["channelId"])?,
            offered_agent_data: o.opt_wire(&["offeredAgentData"])?,
        })
    }
}

struct SpecifiedAgent {
    offered_specified_agent_data: Option<OfferedAgent>,
}

impl Wire for SpecifiedAgent {
    const EXPECTED: &'static str = "struct SpecifiedAgent";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            offered_specified_agent_data: o.opt_wire(&["offeredSpecifiedAgentData"])?,
        })
    }
}

struct OfferedAgent {
    agent_id: Option<String>,
    channel_id: Option<String>,
}

impl Wire for OfferedAgent {
    const EXPECTED: &'static str = "struct OfferedAgent";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            agent_id: o.opt_string(&["agentId"])?,
            channel_id: o.opt_string(&["channelId"])?,
        })
    }
}

struct Transfer {
    engagement_id: String,
    transfer_to: Option<String>,
    destination: Option<String>,
    error_type: Option<String>,
    title: Option<String>,
    detail: Option<String>,
}

impl Wire for Transfer {
    const EXPECTED: &'static str = "struct Transfer";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            engagement_id: o.string(&["engagementId"])?,
            transfer_to: o.opt_string(&["transferTo"])?,
            destination: o.opt_string(&["destination"])?,
            error_type: o.opt_string(&["errorType"])?,
            title: o.opt_string(&["title"])?,
            detail: o.opt_string(&["detail"])?,
        })
    }
}

struct ChannelReady {
    agent_id: Option<String>,
    channel_id: Option<String>,
}

impl Wire for ChannelReady {
    const EXPECTED: &'static str = "struct ChannelReady";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            agent_id: o.opt_string(&["agentId"])?,
            channel_id: o.opt_string(&["channelId"])?,
        })
    }
}

/// Decodes one server frame.
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
    decode_in(raw).map_err(|fault| *fault)
}

/// [`decode`] with its error behind one pointer ([`Fault`]), as
/// `codec::decode` calls it.
pub(crate) fn decode_in(raw: &Value) -> Result<Decoded, Fault> {
    let map = as_object(raw)?;
    match (map.get("event"), map.get("body")) {
        (Some(event), _) if !event.is_null() => control_frame(raw, map),
        (_, Some(_)) => notification(raw, map),
        _ if NOTIFICATION_ONLY_FIELDS
            .iter()
            .any(|f| map.contains_key(*f)) =>
        {
            Err(Box::new(DecodeError::MissingField("body")))
        }
        _ => Err(Box::new(DecodeError::MissingField("event"))),
    }
}

/// `authenticationResponse` and `pong` (and a notification wrapped with a
/// top-level `event: notification`).
fn control_frame(raw: &Value, map: &Map<String, Value>) -> Result<Decoded, Fault> {
    let name = discriminator(map, "event")?;
    let frame = lenient::match_event(name, &FRAME_KEYS).ok_or_else(|| DecodeError::Unknown {
        what: "AXP frame",
        name: name.to_owned(),
    })?;
    let body = match frame {
        0 => {
            let r: AuthenticationResponse = read(raw, "authenticationResponse")?;
            let index = lenient::match_event(&r.status, &STATUS_KEYS).ok_or_else(|| {
                DecodeError::Unknown {
                    what: "AXP authentication status",
                    name: r.status.clone(),
                }
            })?;
            let status = STATUSES
                .get(index)
                .copied()
                .unwrap_or(ConnectionStatus::Error);
            EventBody::Connection {
                status,
                detail: Some(r.status),
                subscription_id: r.subscription_id,
                ping_interval: r.ping_interval,
                expires_interval: r.expires_interval,
            }
        }
        1 => read_by(raw, "pong", "struct Pong", pong)?,
        _ if map.contains_key("body") => return notification(raw, map),
        _ => return Err(Box::new(DecodeError::MissingField("body"))),
    };
    Ok(Decoded::one(body))
}

/// A notification: envelope plus one body.
fn notification(raw: &Value, map: &Map<String, Value>) -> Result<Decoded, Fault> {
    let body = match map.get("body") {
        None | Some(Value::Null) => return Err(Box::new(DecodeError::MissingField("body"))),
        Some(body) => body,
    };
    let body_map = as_object(body).map_err(|e| DecodeError::invalid("body", e.to_string()))?;
    let name = match body_map.get("event") {
        None | Some(Value::Null) => return Err(Box::new(DecodeError::MissingField("body.event"))),
        Some(_) => discriminator(body_map, "event")
            .map_err(|e| DecodeError::invalid("body", e.to_string()))?,
    };
    let index = lenient::match_event(name, &BODY_EVENTS).ok_or_else(|| DecodeError::Unknown {
        what: "AXP notification event",
        name: name.to_owned(),
    })?;
    let event = BODY_EVENTS.get(index).copied().unwrap_or("notification");

    let mut fields = read_by(
        raw,
        "notification envelope",
        "struct NotificationEnvelope",
        envelope,
    )?;
    let context = format!("{event} body");
    let meta: BodyMeta = read(body, &context)?;
    let event_id = meta.id.or_else(|| {
        fields
            .get("correlationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if let Some(timestamp) = meta.timestamp {
        fields.insert("timestamp".into(), Value::String(timestamp));
    }

    let decoded = decode_body(index, event, &context, body, body_map)?;
    Ok(Decoded {
        bodies: vec![decoded],
        envelope: fields,
        event_id,
    })
}

/// Decodes the body of notification event number `index` of [`BODY_EVENTS`].
/// (`context` names the body in errors: `<event> body`).
fn decode_body(
    index: usize,
    event: &str,
    context: &str,
    body: &Value,
    body_map: &Map<String, Value>,
) -> Result<EventBody, Fault> {
    match index {
        0 => {
            let s: AgentState = read(body, context)?;
            let state = lenient::match_event(&s.state, &AGENT_STATE_KEYS)
                .and_then(|i| AGENT_STATES.get(i).copied())
                .ok_or_else(|| DecodeError::Unknown {
                    what: "AXP agent state",
                    name: s.state.clone(),
                })?;
            Ok(EventBody::AgentState {
                state,
                reason: s.reason_code,
                cause: s.cause,
                agent_id: s.agent_id,
                vendor_state: Some(s.state),
                phone_number: None,
                queues: Vec::new(),
                data: extras(
                    body,
                    &[
                        "event",
                        "agentId",
                        "state",
                        "reasonCode",
                        "cause",
                        "id",
                        "timestamp",
                    ],
                ),
            })
        }
        1 => agent_participant(read(body, context)?, body_map),
        2 | 3 => {
            let p: OtherParticipant = read(body, context)?;
            let (role, participant_id) = if index == 2 {
                (ParticipantRole::Automation, p.automation_participant_id)
            } else {
                (ParticipantRole::External, p.external_participant_id)
            };
            Ok(EventBody::Participant {
                interaction_id: p.engagement_id,
                role,
                action: canonical(p.action, &PARTICIPANT_ACTIONS),
                participant_id,
                data: extras(
                    body,
                    &[
                        "event",
                        "engagementId",
                        "action",
                        "automationParticipantId",
                        "externalParticipantId",
                        "id",
                        "timestamp",
                    ],
                ),
            })
        }
        8 | 9 => {
            let t: Transfer = read(body, context)?;
            let error = if index == 9 {
                // An error event always means the transfer did not happen.
                Some(
                    t.error_type
                        .map_or_else(|| "FAILED".to_owned(), |e| canonical(e, &TRANSFER_ERRORS)),
                )
            } else {
                None
            };
            // Fields already carried elsewhere are not repeated in `data`:
            // `title` when it stands in for a missing `detail`, and `queueId`
            // when it is the destination (a transfer to a queue).
            let title_used = t.detail.is_none();
            let queue_is_destination =
                body.get("queueId").and_then(Value::as_str) == t.destination.as_deref();
            let mut consumed = vec![
                "event",
                "engagementId",
                "transferTo",
                "destination",
                "errorType",
                "detail",
                "id",
                "timestamp",
            ];
            if title_used {
                consumed.push("title");
            }
            if queue_is_destination {
                consumed.push("queueId");
            }
            Ok(EventBody::Transfer {
                interaction_id: t.engagement_id,
                to: t.transfer_to.map(|to| canonical(to, &TRANSFER_TARGETS)),
                destination: t.destination,
                error,
                detail: t.detail.or(t.title),
                data: extras(body, &consumed),
            })
        }
        10 => {
            let c: ChannelReady = read(body, context)?;
            Ok(EventBody::ChannelReady {
                agent_id: c.agent_id,
                channel: c.channel_id,
            })
        }
        _ => engagement(index, event, read(body, context)?, body_map),
    }
}

/// AgentParticipant: the agent's own leg of an engagement, or a supervisor
/// observing, coaching or barging in.
fn agent_participant(
    p: AgentParticipant,
    body_map: &Map<String, Value>,
) -> Result<EventBody, Fault> {
    let index =
        lenient::match_event(&p.action, &AGENT_ACTIONS).ok_or_else(|| DecodeError::Unknown {
            what: "AXP AgentParticipant action",
            name: p.action.clone(),
        })?;
    let action = AGENT_ACTIONS.get(index).copied().unwrap_or("ADDED");
    let phase = match index {
        0 => InteractionPhase::Connected,
        1 => InteractionPhase::Held,
        2 => InteractionPhase::Resumed,
        // Invited to join (a consult / conference leg ringing at the agent).
        3 => InteractionPhase::Alerting,
        4 => InteractionPhase::Ended,
        // Moved to another dialog of the same engagement: still connected.
        5 => InteractionPhase::Connected,
        _ => {
            let (key, supervisor) = match index {
                6 => ("observingAgentId", p.observing_agent_id),
                7 => ("coachingAgentId", p.coaching_agent_id),
                _ => ("bargingAgentId", p.barging_agent_id),
            };
            // The field that became `participantId` is not repeated in `data`.
            let key = if supervisor.is_some() { key } else { "agentId" };
            return Ok(EventBody::Participant {
                interaction_id: p.engagement_id,
                role: ParticipantRole::Supervisor,
                action: action.to_owned(),
                participant_id: supervisor.or(p.agent_id),
                data: extras_of(
                    body_map,
                    &["event", "engagementId", "action", "id", "timestamp", key],
                ),
            });
        }
    };
    Ok(EventBody::Interaction {
        id: p.engagement_id,
        phase,
        media: p.channel_id,
        direction: None,
        from: None,
        to: None,
        queue: None,
        agent_id: p.agent_id,
        reason: None,
        vendor_event: Some(format!("AgentParticipant.{action}")),
        data: extras_of(
            body_map,
            &[
                "event",
                "id",
                "timestamp",
                "engagementId",
                "action",
                "agentId",
                "channelId",
            ],
        ),
    })
}

/// The engagement life-cycle bodies: prerouted, created, offered, after-contact work.
fn engagement(
    index: usize,
    event: &str,
    e: Engagement,
    body_map: &Map<String, Value>,
) -> Result<EventBody, Fault> {
    let mut interaction = Interaction::new(e.engagement_id, e.channel_id);
    // The body fields not mapped to a normalized field (dialogId,
    // connectionId, customerIdentifiers ...) stay in `data`; `event`, `id`
    // and `timestamp` travel elsewhere, `engagementId` is the interaction's id.
    let consumed: &[&str] = match index {
        4 => {
            interaction.phase = InteractionPhase::Queued;
            interaction.from = e.source_address;
            interaction.to = e.destination_address;
            interaction.queue = e.queue.and_then(|q| q.queue_id);
            // The document: `System.Outbound` in attributeList marks a POM (outbound) call.
            let is_outbound = |a: &Value| {
                a.as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("System.Outbound"))
            };
            let outbound = match &e.attribute_list {
                Some(Value::Array(items)) => items.iter().any(is_outbound),
                Some(other) => is_outbound(other),
                None => false,
            };
            interaction.direction = outbound.then_some(Direction::Outbound);
            &[
                "event",
                "id",
                "timestamp",
                "engagementId",
                "sourceAddress",
                "destinationAddress",
                "channelId",
            ]
        }
        5 => {
            interaction.phase = InteractionPhase::Created;
            interaction.direction = Some(Direction::Inbound);
            interaction.from = e.calling_number;
            interaction.to = e.dialled_number;
            &[
                "event",
                "id",
                "timestamp",
                "engagementId",
                "callingNumber",
                "dialledNumber",
                "dialedNumber",
                "channelId",
            ]
        }
        6 => {
            interaction.phase = InteractionPhase::Offered;
            let queue = e.offered_queue;
            let service = e.offered_service;
            let agents = [
                queue.as_ref().and_then(|q| q.offered_agent_data.as_ref()),
                service.as_ref().and_then(|s| s.offered_agent_data.as_ref()),
                e.offered_specified_agent
                    .as_ref()
                    .and_then(|s| s.offered_specified_agent_data.as_ref()),
            ];
            interaction.agent_id = agents
                .iter()
                .flatten()
                .find_map(|a| a.agent_id.clone())
                .or(e.agent_id);
            interaction.media = agents
                .iter()
                .flatten()
                .find_map(|a| a.channel_id.clone())
                .or_else(|| queue.as_ref().and_then(|q| q.channel_id.clone()))
                .or(interaction.media);
            interaction.queue = queue.and_then(|q| q.queue_id);
            &["event", "id", "timestamp", "engagementId"]
        }
        7 => {
            interaction.phase = InteractionPhase::Dialing;
            interaction.direction = Some(Direction::Outbound);
            interaction.to = e.destination_address;
            interaction.agent_id = e.agent_id;
            &[
                "event",
                "id",
                "timestamp",
                "engagementId",
                "destinationAddress",
                "agentId",
                "channelId",
            ]
        }
        11 | 12 => {
            interaction.phase = if index == 11 {
                InteractionPhase::WrapUp
            } else {
                InteractionPhase::Done
            };
            interaction.agent_id = e.agent_id;
            &[
                "event",
                "id",
                "timestamp",
                "engagementId",
                "agentId",
                "channelId",
            ]
        }
        _ => {
            return Err(Box::new(DecodeError::Unknown {
                what: "AXP notification event",
                name: event.to_owned(),
            }))
        }
    };
    let data = extras_of(body_map, consumed);
    Ok(interaction.into_body(event, data))
}

/// An interaction being assembled from an engagement body.
struct Interaction {
    id: String,
    phase: InteractionPhase,
    media: Option<String>,
    direction: Option<Direction>,
    from: Option<String>,
    to: Option<String>,
    queue: Option<String>,
    agent_id: Option<String>,
}

impl Interaction {
    fn new(id: String, media: Option<String>) -> Self {
        Interaction {
            id,
            phase: InteractionPhase::Updated,
            media,
            direction: None,
            from: None,
            to: None,
            queue: None,
            agent_id: None,
        }
    }

    fn into_body(self, event: &str, data: Map<String, Value>) -> EventBody {
        EventBody::Interaction {
            id: self.id,
            phase: self.phase,
            media: self.media,
            direction: self.direction,
            from: self.from,
            to: self.to,
            queue: self.queue,
            agent_id: self.agent_id,
            reason: None,
            vendor_event: Some(event.to_owned()),
            data,
        }
    }
}

/// The document's spelling of a known value (`bargedIn` -> `BARGEDIN`), or
/// the value as sent when it is not one of `known`.
/// `known` holds canonical keys (see [`lenient::event_key`]).
fn canonical(value: String, known: &[&str]) -> String {
    lenient::match_event(&value, known)
        .and_then(|i| known.get(i))
        .map_or(value, |k| (*k).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_match_the_document() {
        assert_eq!(
            authentication("fdbec917-e76e-4645-8120-4eac46f29487", "tok"),
            json!({"event": "authentication",
                   "subscriptionId": "fdbec917-e76e-4645-8120-4eac46f29487", "token": "tok"})
        );
        assert_eq!(ping(None), json!({"event": "ping"}));
        assert_eq!(
            ping(Some("s1")),
            json!({"event": "ping", "subscriptionId": "s1"})
        );
    }

    #[test]
    fn canonical_spelling_is_restored() {
        assert_eq!(canonical("bargedIn".into(), &AGENT_ACTIONS), "BARGEDIN");
        assert_eq!(canonical("teleported".into(), &AGENT_ACTIONS), "teleported");
    }
}
