//! The normalized model: one vocabulary for every protocol the bridge speaks.
//!
//! Codecs turn vendor messages into [`EventBody`] values; the [`crate::Bridge`]
//! stamps them with a monotonic `seq` and their [`Source`] to make an [`Event`].
//! Everything serializes to camelCase JSON with a `kind` tag, which is the
//! shape the CLI prints and the widget hands to the host page.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The protocol a message came from (or a command is sent over).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// ServiceNow OpenFrame AWA events (CRM side).
    Openframe,
    /// Avaya Workspaces "CRM Connector" postMessage envelopes (CRM side).
    CrmConnector,
    /// AgentDesktop widget SDK events (contact-centre side).
    Agentdesktop,
    /// Avaya Experience Platform Agent & Engagement WebSocket frames (contact-centre side).
    Axp,
    /// XiVO xuc CTI WebSocket frames (contact-centre side).
    Xuc,
}

impl Source {
    /// Every source, in a stable order.
    pub const ALL: [Source; 5] = [
        Source::Openframe,
        Source::CrmConnector,
        Source::Agentdesktop,
        Source::Axp,
        Source::Xuc,
    ];

    /// The name used on the wire and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Openframe => "openframe",
            Source::CrmConnector => "crm-connector",
            Source::Agentdesktop => "agentdesktop",
            Source::Axp => "axp",
            Source::Xuc => "xuc",
        }
    }

    /// Parses a source name as written on the command line.
    pub fn parse(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Which side of the bridge this protocol belongs to.
    pub fn side(self) -> Side {
        match self {
            Source::Openframe | Source::CrmConnector => Side::Crm,
            Source::Agentdesktop | Source::Axp | Source::Xuc => Side::Cc,
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two sides the bridge keeps in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The CRM (user presence, work items).
    Crm,
    /// The contact centre (agent state, contacts).
    Cc,
}

/// One normalized event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Monotonic sequence number, unique per bridge instance.
    pub seq: u64,
    /// The protocol the event was decoded from.
    pub source: Source,
    /// What happened.
    #[serde(flatten)]
    pub body: EventBody,
    /// Envelope fields of the vendor frame (AXP `correlationId`, `loginId`, `sentAt` ...).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub envelope: Envelope,
}

/// Contact-centre agent state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum AgentStateKind {
    LoggedOut,
    LoggedIn,
    Ready,
    NotReady,
    Busy,
    WrapUp,
}

impl AgentStateKind {
    /// The camelCase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStateKind::LoggedOut => "loggedOut",
            AgentStateKind::LoggedIn => "loggedIn",
            AgentStateKind::Ready => "ready",
            AgentStateKind::NotReady => "notReady",
            AgentStateKind::Busy => "busy",
            AgentStateKind::WrapUp => "wrapUp",
        }
    }
}

/// One channel of a CRM presence (OpenFrame AWA service channels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PresenceChannel {
    pub name: String,
    pub available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Life-cycle phase of a CRM work item (OpenFrame AWA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum WorkItemPhase {
    Offered,
    Accepted,
    Rejected,
}

/// The CRM record a work item points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DocumentRef {
    pub table: String,
    pub id: String,
}

/// Life-cycle phase of an interaction (a contact or a CRM interaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum InteractionPhase {
    /// Created in the contact centre, not yet routed to this agent.
    Created,
    /// Waiting in a queue / being pre-routed.
    Queued,
    /// Offered to the agent (accept / reject possible).
    Offered,
    /// Ringing at the agent's device.
    Alerting,
    /// The agent is placing an outbound contact.
    Dialing,
    /// Agent and customer are connected.
    Connected,
    Held,
    Resumed,
    /// The conversation is over (after-contact work may follow).
    Ended,
    /// After-contact work.
    WrapUp,
    /// Fully finished, wrap-up included.
    Done,
    /// Data attached to the contact changed.
    Updated,
}

impl InteractionPhase {
    /// Whether the agent is occupied by the contact in this phase.
    pub fn is_working(self) -> bool {
        matches!(
            self,
            InteractionPhase::Connected
                | InteractionPhase::Held
                | InteractionPhase::Resumed
                | InteractionPhase::Dialing
        )
    }

    /// Whether the interaction is over for good.
    pub fn is_final(self) -> bool {
        matches!(self, InteractionPhase::Done)
    }
}

/// Direction of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Inbound,
    Outbound,
    Internal,
}

/// State of a control connection (AXP, xuc, CRM Connector handshake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ConnectionStatus {
    /// Authenticated / logged on: events will flow.
    Confirmed,
    /// AXP CONNECTION_FAILED_INVALID_TOKEN.
    InvalidToken,
    /// AXP CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION.
    UnknownSubscription,
    /// AXP CONNECTION_FAILED_INTERNAL_SERVER_ERROR (retry later).
    ServerError,
    /// AXP CONNECTION_FAILED_CONSTRAINT_VIOLATION (client must fix its request).
    ConstraintViolation,
    /// Heartbeat answer (AXP pong).
    Pong,
    /// Peer said it is ready (CRM Connector start-up).
    Ready,
    /// Link up (xuc LinkStatusUpdate).
    Up,
    /// Link down (xuc LinkStatusUpdate).
    Down,
    /// A generic error reported by the peer (xuc Error).
    Error,
}

/// One entry of a directory or list (agents, CRM contacts, groups).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryEntry {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<AgentStateKind>,
}

/// What a directory lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum DirectoryKind {
    /// xuc AgentDirectory (agents with their states).
    Agents,
    /// xuc AgentList (agent configurations).
    AgentConfigs,
    /// xuc AgentGroupList.
    AgentGroups,
    /// CRM Connector crmDirectory (CRM contacts).
    Crm,
}

/// A queue membership of an agent (xuc AgentConfig member / QueueMember).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct QueueMembership {
    pub agent_id: String,
    pub queue_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Penalty; `-1` means removed from the queue.
    pub penalty: i64,
}

/// One URL or field of a screen pop.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PopField {
    pub name: String,
    pub value: String,
    /// `url` for a page to open, `text` for a value.
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
}

/// An xuc Callback event (callback requests handled by agents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CallbackAction {
    Lists,
    Taken,
    Started,
    Clotured,
    Released,
    Updated,
}

/// A participant other than the agent joining or leaving an engagement (AXP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ParticipantRole {
    /// An automation (IVR, bot).
    Automation,
    /// The customer.
    External,
    /// A supervisor observing, coaching or barging in.
    Supervisor,
}

/// What happened; serialized with a `kind` tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(optional_fields))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum EventBody {
    /// The contact-centre agent state changed.
    #[serde(rename_all = "camelCase")]
    AgentState {
        state: AgentStateKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cause: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_id: Option<String>,
        /// The vendor's own name for the state (e.g. `AgentOnPause`, `PAUSESUBSTATE`).
        #[serde(skip_serializing_if = "Option::is_none")]
        vendor_state: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        phone_number: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        queues: Vec<String>,
        /// Vendor fields with no normalized slot (xuc `acd`, `callType`; AXP `profileId` ...).
        #[serde(skip_serializing_if = "Map::is_empty", default)]
        data: Map<String, Value>,
    },
    /// The CRM user presence changed (or was reported).
    #[serde(rename_all = "camelCase")]
    Presence {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        status_id: Option<String>,
        available: bool,
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        channels: Vec<PresenceChannel>,
        /// `false` when the CRM reported that a requested change failed.
        #[serde(skip_serializing_if = "Option::is_none")]
        success: Option<bool>,
    },
    /// A CRM work item was offered, accepted or rejected.
    #[serde(rename_all = "camelCase")]
    WorkItem {
        id: String,
        phase: WorkItemPhase,
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        document: Option<DocumentRef>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        size: Option<i64>,
    },
    /// A contact (or CRM interaction) moved to a new phase.
    #[serde(rename_all = "camelCase")]
    Interaction {
        id: String,
        phase: InteractionPhase,
        #[serde(skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        direction: Option<Direction>,
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        queue: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Vendor event name that produced this phase (e.g. `JOBSTARTED`, `MatchOffered`).
        #[serde(skip_serializing_if = "Option::is_none")]
        vendor_event: Option<String>,
        /// Attached data (AgentDesktop CallData, xuc USR_ variables, ...).
        #[serde(skip_serializing_if = "Map::is_empty", default)]
        data: Map<String, Value>,
    },
    /// The moment to contextualize the CRM: open the caller's record.
    #[serde(rename_all = "camelCase")]
    ScreenPop {
        #[serde(skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        /// Caller numbers / identifiers to search for.
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        ani: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        dnis: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        queue: Option<String>,
        /// Pages and values to show (xuc Sheet fields, CallData).
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        fields: Vec<PopField>,
        /// Vendor fields with no normalized slot.
        #[serde(skip_serializing_if = "Map::is_empty", default)]
        data: Map<String, Value>,
    },
    /// A control-connection outcome (authentication, heartbeat, link).
    #[serde(rename_all = "camelCase")]
    Connection {
        status: ConnectionStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        subscription_id: Option<String>,
        /// Seconds (AXP pingInterval).
        #[serde(skip_serializing_if = "Option::is_none")]
        ping_interval: Option<i64>,
        /// Seconds (AXP expiresInterval).
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_interval: Option<i64>,
    },
    /// An agent command was refused (xuc AgentError, login errors).
    #[serde(rename_all = "camelCase")]
    AgentError {
        /// The vendor's error code, e.g. `PhoneNumberUnknown`, `LoggedInOnAnotherPhone`.
        code: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        phone_number: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        requested_number: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_id: Option<String>,
    },
    /// Agent configuration (xuc AgentConfig).
    #[serde(rename_all = "camelCase")]
    AgentConfig {
        agent_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        number: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        context: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        queues: Vec<QueueMembership>,
    },
    /// A list of agents, groups or CRM contacts.
    #[serde(rename_all = "camelCase")]
    Directory {
        list: DirectoryKind,
        entries: Vec<DirectoryEntry>,
    },
    /// Queue membership added, changed or removed (penalty -1).
    QueueMember(QueueMembership),
    /// Agent statistics (xuc AgentStatistics).
    #[serde(rename_all = "camelCase")]
    Statistics {
        agent_id: String,
        values: Map<String, Value>,
    },
    /// Supervisor listening started or stopped (xuc AgentListen).
    #[serde(rename_all = "camelCase")]
    Listen {
        agent_id: String,
        started: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        phone_number: Option<String>,
    },
    /// The user's rights profile (xuc RightProfile).
    #[serde(rename_all = "camelCase")]
    Rights {
        profile: String,
        rights: Vec<String>,
    },
    /// Callback requests (xuc Callback events).
    #[serde(rename_all = "camelCase")]
    Callback {
        action: CallbackAction,
        #[serde(skip_serializing_if = "Option::is_none")]
        uuid: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        list_uuid: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ticket_uuid: Option<String>,
        /// The callback lists or request, as sent (Lists / Updated).
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
    },
    /// Another participant joined or left an engagement (AXP).
    #[serde(rename_all = "camelCase")]
    Participant {
        interaction_id: String,
        role: ParticipantRole,
        /// The vendor action (ADDED, REMOVED, INVITED, OBSERVING ...).
        action: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        participant_id: Option<String>,
        /// Vendor fields with no normalized slot (`dialogId`, who disconnected ...).
        #[serde(skip_serializing_if = "Map::is_empty", default)]
        data: Map<String, Value>,
    },
    /// A single-step transfer happened or failed (AXP).
    #[serde(rename_all = "camelCase")]
    Transfer {
        interaction_id: String,
        /// QUEUE, USER, AUTOMATION or EXTERNAL.
        #[serde(skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// CANCELLED or FAILED when the transfer did not happen.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// Vendor fields with no normalized slot (`queueName`, `initiatingAgentId` ...).
        #[serde(skip_serializing_if = "Map::is_empty", default)]
        data: Map<String, Value>,
    },
    /// One media channel of the agent became ready (AXP ChannelReady).
    #[serde(rename_all = "camelCase")]
    ChannelReady {
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    },
    /// CRM start-up data (CRM Connector crmData): user, capabilities, omnichannel mode.
    #[serde(rename_all = "camelCase")]
    CrmData {
        #[serde(skip_serializing_if = "Option::is_none")]
        user_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        user_name: Option<String>,
        /// `S` (synchronized) or `C` (complementary) from the CCDef.
        #[serde(skip_serializing_if = "Option::is_none")]
        omnichannel_mode: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        capabilities: Option<Value>,
    },
    /// The agent clicked a number in the CRM (click-to-dial).
    #[serde(rename_all = "camelCase")]
    ClickToDial {
        number: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        record_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
    },
    /// A CRM Connector message that carries a request or data with no
    /// normalized meaning of its own (kept whole, with its action).
    #[serde(rename_all = "camelCase")]
    CrmMessage {
        action: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
    },
}

impl EventBody {
    /// The `kind` tag of this body, as serialized.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::AgentState { .. } => "agentState",
            EventBody::Presence { .. } => "presence",
            EventBody::WorkItem { .. } => "workItem",
            EventBody::Interaction { .. } => "interaction",
            EventBody::ScreenPop { .. } => "screenPop",
            EventBody::Connection { .. } => "connection",
            EventBody::AgentError { .. } => "agentError",
            EventBody::AgentConfig { .. } => "agentConfig",
            EventBody::Directory { .. } => "directory",
            EventBody::QueueMember(_) => "queueMember",
            EventBody::Statistics { .. } => "statistics",
            EventBody::Listen { .. } => "listen",
            EventBody::Rights { .. } => "rights",
            EventBody::Callback { .. } => "callback",
            EventBody::Participant { .. } => "participant",
            EventBody::Transfer { .. } => "transfer",
            EventBody::ChannelReady { .. } => "channelReady",
            EventBody::CrmData { .. } => "crmData",
            EventBody::ClickToDial { .. } => "clickToDial",
            EventBody::CrmMessage { .. } => "crmMessage",
        }
    }
}

/// Envelope fields of a vendor frame worth keeping next to its events
/// (AXP `correlationId`, `loginId`, `sentAt` ...).
pub type Envelope = Map<String, Value>;

/// What one inbound message decoded to: zero or more event bodies plus the
/// envelope fields shared by all of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    pub bodies: Vec<EventBody>,
    pub envelope: Envelope,
    /// A vendor-unique event id used to drop duplicates across reconnects (AXP `body.id`).
    pub event_id: Option<String>,
}

impl Decoded {
    /// A message that decoded to exactly one event.
    pub fn one(body: EventBody) -> Self {
        Decoded {
            bodies: vec![body],
            ..Decoded::default()
        }
    }

    /// A message that decoded to several events.
    pub fn many(bodies: Vec<EventBody>) -> Self {
        Decoded {
            bodies,
            ..Decoded::default()
        }
    }
}
