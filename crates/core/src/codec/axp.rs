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

use super::{as_object, discriminator, extras, extras_of, typed};
use crate::error::DecodeError;
use crate::lenient;
use crate::model::{
    AgentStateKind, ConnectionStatus, Decoded, Direction, Envelope, EventBody, InteractionPhase,
    ParticipantRole,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The 13 notification body events, in the order of the AsyncAPI document.
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

const BODY_KEYS: [&str; 13] = [
    "AGENTSTATE",
    "AGENTPARTICIPANT",
    "AUTOMATIONPARTICIPANT",
    "EXTERNALPARTICIPANT",
    "ENGAGEMENTPREROUTED",
    "INBOUNDENGAGEMENTCREATED",
    "MATCHOFFERED",
    "OUTBOUNDENGAGEMENTCREATED",
    "SINGLESTEPTRANSFER",
    "SINGLESTEPTRANSFERERROR",
    "CHANNELREADY",
    "AFTERCONTACTWORKACTIVATED",
    "AFTERCONTACTWORKCOMPLETED",
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthenticationResponse {
    #[serde(deserialize_with = "lenient::string")]
    status: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    subscription_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    ping_interval: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    expires_interval: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pong {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    subscription_id: Option<String>,
}

/// The notification envelope; every field is optional.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationEnvelope {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    correlation_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    subscription_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    family: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    sent_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    account_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    initiating_login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    destination_login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    observed_login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    observing_login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    coached_login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    coaching_login_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    barging_login_id: Option<String>,
}

impl NotificationEnvelope {
    /// The fields in [`ENVELOPE_FIELDS`] order.
    fn into_fields(self) -> [Option<String>; 13] {
        [
            self.correlation_id,
            self.subscription_id,
            self.family,
            self.sent_at,
            self.account_id,
            self.login_id,
            self.initiating_login_id,
            self.destination_login_id,
            self.observed_login_id,
            self.observing_login_id,
            self.coached_login_id,
            self.coaching_login_id,
            self.barging_login_id,
        ]
    }
}

/// Fields every body may carry. `timestamp` is a string in the schema but a
/// number (beyond `i64`) in the examples: both are kept as text.
#[derive(Deserialize)]
struct BodyMeta {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentState {
    #[serde(deserialize_with = "lenient::string")]
    state: String,
    /// A string in the schema, the number 514 in the example.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    reason_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    cause: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentParticipant {
    #[serde(deserialize_with = "lenient::string")]
    engagement_id: String,
    #[serde(deserialize_with = "lenient::string")]
    action: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    channel_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    observing_agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    coaching_agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    barging_agent_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtherParticipant {
    #[serde(deserialize_with = "lenient::string")]
    engagement_id: String,
    #[serde(deserialize_with = "lenient::string")]
    action: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    automation_participant_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    external_participant_id: Option<String>,
}

/// The fields shared by engagement life-cycle bodies (created, prerouted,
/// offered, after-contact work).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Engagement {
    #[serde(deserialize_with = "lenient::string")]
    engagement_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    channel_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    calling_number: Option<String>,
    #[serde(
        default,
        alias = "dialedNumber",
        deserialize_with = "lenient::opt_string"
    )]
    dialled_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    source_address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    destination_address: Option<String>,
    #[serde(default)]
    queue: Option<QueueRef>,
    /// A list of strings per the schema; a single string is accepted too.
    #[serde(default)]
    attribute_list: Option<Value>,
    #[serde(default)]
    offered_queue: Option<Offered>,
    #[serde(default)]
    offered_service: Option<Offered>,
    #[serde(default)]
    offered_specified_agent: Option<SpecifiedAgent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    queue_id: Option<String>,
}

/// `offeredQueue` / `offeredService` of a MatchOffered.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Offered {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    queue_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    channel_id: Option<String>,
    #[serde(default)]
    offered_agent_data: Option<OfferedAgent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpecifiedAgent {
    #[serde(default)]
    offered_specified_agent_data: Option<OfferedAgent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OfferedAgent {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    channel_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transfer {
    #[serde(deserialize_with = "lenient::string")]
    engagement_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    transfer_to: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    destination: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    error_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    detail: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelReady {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    agent_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    channel_id: Option<String>,
}

/// Decodes one server frame.
pub fn decode(raw: &Value) -> Result<Decoded, DecodeError> {
    let map = as_object(raw)?;
    match (map.get("event"), map.get("body")) {
        (Some(event), _) if !event.is_null() => control_frame(raw, map),
        (_, Some(_)) => notification(raw, map),
        _ if NOTIFICATION_ONLY_FIELDS
            .iter()
            .any(|f| map.contains_key(*f)) =>
        {
            Err(DecodeError::MissingField("body"))
        }
        _ => Err(DecodeError::MissingField("event")),
    }
}

/// `authenticationResponse` and `pong` (and a notification wrapped with a
/// top-level `event: notification`).
fn control_frame(raw: &Value, map: &Map<String, Value>) -> Result<Decoded, DecodeError> {
    let name = discriminator(map, "event")?;
    let frame = lenient::match_event(name, &FRAME_KEYS).ok_or_else(|| DecodeError::Unknown {
        what: "AXP frame",
        name: name.to_owned(),
    })?;
    let body = match frame {
        0 => {
            let r: AuthenticationResponse = typed(raw, "authenticationResponse")?;
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
        1 => {
            let p: Pong = typed(raw, "pong")?;
            EventBody::Connection {
                status: ConnectionStatus::Pong,
                detail: None,
                subscription_id: p.subscription_id,
                ping_interval: None,
                expires_interval: None,
            }
        }
        _ if map.contains_key("body") => return notification(raw, map),
        _ => return Err(DecodeError::MissingField("body")),
    };
    Ok(Decoded::one(body))
}

/// A notification: envelope plus one body.
fn notification(raw: &Value, map: &Map<String, Value>) -> Result<Decoded, DecodeError> {
    let body = match map.get("body") {
        None | Some(Value::Null) => return Err(DecodeError::MissingField("body")),
        Some(body) => body,
    };
    let body_map = as_object(body).map_err(|e| DecodeError::invalid("body", e.to_string()))?;
    let name = match body_map.get("event") {
        None | Some(Value::Null) => return Err(DecodeError::MissingField("body.event")),
        Some(_) => discriminator(body_map, "event")
            .map_err(|e| DecodeError::invalid("body", e.to_string()))?,
    };
    let index = lenient::match_event(name, &BODY_KEYS).ok_or_else(|| DecodeError::Unknown {
        what: "AXP notification event",
        name: name.to_owned(),
    })?;
    let event = BODY_EVENTS.get(index).copied().unwrap_or("notification");

    let envelope: NotificationEnvelope = typed(raw, "notification envelope")?;
    let meta: BodyMeta = typed(body, &format!("{event} body"))?;
    let mut fields = Envelope::new();
    for (key, value) in ENVELOPE_FIELDS.iter().zip(envelope.into_fields()) {
        if let Some(value) = value {
            fields.insert((*key).to_owned(), Value::String(value));
        }
    }
    let event_id = meta.id.or_else(|| {
        fields
            .get("correlationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if let Some(timestamp) = meta.timestamp {
        fields.insert("timestamp".into(), Value::String(timestamp));
    }

    let decoded = decode_body(index, event, body, body_map)?;
    Ok(Decoded {
        bodies: vec![decoded],
        envelope: fields,
        event_id,
    })
}

/// Decodes the body of notification event number `index` of [`BODY_EVENTS`].
fn decode_body(
    index: usize,
    event: &str,
    body: &Value,
    body_map: &Map<String, Value>,
) -> Result<EventBody, DecodeError> {
    let context = format!("{event} body");
    match index {
        0 => {
            let s: AgentState = typed(body, &context)?;
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
        1 => agent_participant(typed(body, &context)?, body_map),
        2 | 3 => {
            let p: OtherParticipant = typed(body, &context)?;
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
            let t: Transfer = typed(body, &context)?;
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
            let c: ChannelReady = typed(body, &context)?;
            Ok(EventBody::ChannelReady {
                agent_id: c.agent_id,
                channel: c.channel_id,
            })
        }
        _ => engagement(index, event, typed(body, &context)?, body_map),
    }
}

/// AgentParticipant: the agent's own leg of an engagement, or a supervisor
/// observing, coaching or barging in.
fn agent_participant(
    p: AgentParticipant,
    body_map: &Map<String, Value>,
) -> Result<EventBody, DecodeError> {
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
        data: extra(
            body_map,
            &["engagementId", "action", "agentId", "channelId"],
        ),
    })
}

/// The engagement life-cycle bodies: prerouted, created, offered, after-contact work.
fn engagement(
    index: usize,
    event: &str,
    e: Engagement,
    body_map: &Map<String, Value>,
) -> Result<EventBody, DecodeError> {
    let mut interaction = Interaction::new(e.engagement_id, e.channel_id);
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
            &["sourceAddress", "destinationAddress", "channelId"]
        }
        5 => {
            interaction.phase = InteractionPhase::Created;
            interaction.direction = Some(Direction::Inbound);
            interaction.from = e.calling_number;
            interaction.to = e.dialled_number;
            &[
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
            &[]
        }
        7 => {
            interaction.phase = InteractionPhase::Dialing;
            interaction.direction = Some(Direction::Outbound);
            interaction.to = e.destination_address;
            interaction.agent_id = e.agent_id;
            &["destinationAddress", "agentId", "channelId"]
        }
        11 | 12 => {
            interaction.phase = if index == 11 {
                InteractionPhase::WrapUp
            } else {
                InteractionPhase::Done
            };
            interaction.agent_id = e.agent_id;
            &["agentId", "channelId"]
        }
        _ => {
            return Err(DecodeError::Unknown {
                what: "AXP notification event",
                name: event.to_owned(),
            })
        }
    };
    let mut data = extra(body_map, consumed);
    data.remove("engagementId");
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

/// The body fields not mapped to a normalized field (dialogId, connectionId,
/// customerIdentifiers ...), kept as sent; `event`, `id` and `timestamp`
/// travel elsewhere.
fn extra(body_map: &Map<String, Value>, consumed: &[&str]) -> Map<String, Value> {
    body_map
        .iter()
        .filter(|(k, _)| {
            !matches!(k.as_str(), "event" | "id" | "timestamp") && !consumed.contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
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
