//! The normalized model: one vocabulary for every protocol the bridge speaks.
//!
//! Codecs turn vendor messages into [`EventBody`] values; the [`crate::Bridge`]
//! stamps them with a monotonic `seq` and their [`Source`] to make an [`Event`].
//! Everything serializes to camelCase JSON with a `kind` tag, which is the
//! shape the CLI prints and the widget hands to the host page.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The protocol a message came from (or a command is sent over).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "kebab-case"))]
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
        self.name().as_str()
    }

    /// The name, quoted for JSON.
    fn name(self) -> Name {
        match self {
            Source::Openframe => Name("\"openframe\""),
            Source::CrmConnector => Name("\"crm-connector\""),
            Source::Agentdesktop => Name("\"agentdesktop\""),
            Source::Axp => Name("\"axp\""),
            Source::Xuc => Name("\"xuc\""),
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

/// The wire names of [`Source::ALL`], in its order.
const SOURCE_NAMES: [&str; 5] = ["openframe", "crm-connector", "agentdesktop", "axp", "xuc"];

// By name (a derived implementation cost about 2 KB of wasm per enum).
crate::codec::fields::by_name!(Source, &SOURCE_NAMES, &Source::ALL);

crate::codec::fields::by_name!(Side, &["crm", "cc"], &[Side::Crm, Side::Cc]);

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two sides the bridge keeps in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "lowercase"))]
pub enum Side {
    /// The CRM (user presence, work items).
    Crm,
    /// The contact centre (agent state, contacts).
    Cc,
}

/// One normalized event.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Event {
    /// Monotonic sequence number, unique per bridge instance.
    pub seq: u64,
    /// The protocol the event was decoded from.
    pub source: Source,
    /// What happened.
    #[cfg_attr(any(test, feature = "ts"), serde(flatten))]
    pub body: EventBody,
    /// Envelope fields of the vendor frame (AXP `correlationId`, `loginId`, `sentAt` ...).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Map::is_empty")
    )]
    pub envelope: Envelope,
}

/// Contact-centre agent state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum AgentStateKind {
    /// Not logged in (xuc `AgentLoggedOut`, AXP `LOGGED_OUT`, AgentDesktop `LOGGEDOUT`).
    LoggedOut,
    /// Logged in but neither Ready nor Not Ready yet (xuc `AgentLogin`, AXP `LOGGED_IN`).
    LoggedIn,
    /// Ready for contacts (xuc `AgentReady`, AXP `READY`, AgentDesktop `LOGGEDIN`).
    Ready,
    /// Not Ready / paused, `reason` holding the pause code (xuc `AgentOnPause`, AXP `NOT_READY`,
    /// AgentDesktop `PAUSE`, `PAUSESUBSTATE`, `FORCED`).
    NotReady,
    /// On a contact: ringing, dialing or talking (xuc `AgentRinging`, `AgentDialing`,
    /// `AgentOnCall` ...).
    Busy,
    /// After-contact work (xuc `AgentOnWrapup`).
    WrapUp,
}

impl AgentStateKind {
    /// The camelCase name used in JSON.
    pub fn as_str(self) -> &'static str {
        self.name().as_str()
    }

    /// The name, quoted for JSON.
    fn name(self) -> Name {
        match self {
            AgentStateKind::LoggedOut => Name("\"loggedOut\""),
            AgentStateKind::LoggedIn => Name("\"loggedIn\""),
            AgentStateKind::Ready => Name("\"ready\""),
            AgentStateKind::NotReady => Name("\"notReady\""),
            AgentStateKind::Busy => Name("\"busy\""),
            AgentStateKind::WrapUp => Name("\"wrapUp\""),
        }
    }
}

/// One channel of a CRM presence (OpenFrame AWA service channels).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PresenceChannel {
    /// Service channel name (AWA `channels[].name`).
    pub name: String,
    /// Whether the agent is available on this channel.
    pub available: bool,
    /// The channel's `sys_id`, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Life-cycle phase of a CRM work item (OpenFrame AWA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum WorkItemPhase {
    /// Offered to the agent (`openframe_awa_workitem_offered`).
    Offered,
    /// Accepted by the agent (`openframe_awa_workitem_accepted`): CRM work begins.
    Accepted,
    /// Rejected (`openframe_awa_workitem_rejected`); `reason` says why.
    Rejected,
}

crate::codec::fields::by_name!(
    WorkItemPhase,
    &["offered", "accepted", "rejected"],
    &[
        WorkItemPhase::Offered,
        WorkItemPhase::Accepted,
        WorkItemPhase::Rejected
    ]
);

/// The CRM record a work item points at.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DocumentRef {
    /// ServiceNow table name (e.g. `incident`).
    pub table: String,
    /// The record's `sys_id`.
    pub id: String,
}

/// Life-cycle phase of an interaction (a contact or a CRM interaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// On hold (AgentDesktop `HELD`, AXP `HELD`, xuc `EventOnHold`).
    Held,
    /// Taken off hold (AgentDesktop `RETRIEVED`, AXP `UNHELD`).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// The customer called in.
    Inbound,
    /// The agent (or a campaign) called out.
    Outbound,
    /// Between two parties inside the contact centre.
    Internal,
}

/// State of a control connection (AXP, xuc, CRM Connector handshake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct DirectoryEntry {
    /// Agent, group or CRM record id.
    pub id: String,
    /// Display name (xuc agents: `first last`).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// Agent number or phone number.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub number: Option<String>,
    /// E-mail address (CRM contacts).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub email: Option<String>,
    /// Agent group id (xuc agents).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub group: Option<String>,
    /// Current agent state (xuc AgentDirectory).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub state: Option<AgentStateKind>,
}

/// What a directory lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct QueueMembership {
    /// xuc agent id.
    pub agent_id: String,
    /// xuc queue id.
    pub queue_id: String,
    /// Queue name, when sent.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub queue_name: Option<String>,
    /// Penalty; `-1` means removed from the queue.
    pub penalty: i64,
}

/// One URL or field of a screen pop.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct PopField {
    /// Field label.
    pub name: String,
    /// Field value, or the URL to open.
    pub value: String,
    /// `url` for a page to open, `text` for a value.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "type"))]
    pub field_type: String,
    /// Display position (xuc Sheet `order`); fields come sorted by it.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub order: Option<i64>,
}

/// An xuc Callback event (callback requests handled by agents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CallbackAction {
    /// The callback lists (`CallbackLists`).
    Lists,
    /// An agent took a callback request (`CallbackTaken`).
    Taken,
    /// The callback call started and a ticket was opened (`CallbackStarted`).
    Started,
    /// The request was closed (`CallbackClotured`, xuc's spelling).
    Clotured,
    /// The request was released back to its list (`CallbackReleased`).
    Released,
    /// A request changed (`CallbackRequestUpdated`).
    Updated,
}

/// A participant other than the agent joining or leaving an engagement (AXP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(tag = "kind", rename_all = "camelCase")
)]
pub enum EventBody {
    /// The contact-centre agent state changed.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    AgentState {
        /// The normalized state.
        state: AgentStateKind,
        /// Pause reason / Not Ready code (xuc pause `cause`, AXP `reasonCode`,
        /// AgentDesktop sub-state).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        reason: Option<String>,
        /// Why the state changed, in the vendor's words (AXP `cause` such as `RONA`,
        /// xuc `cause`, `forced`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        cause: Option<String>,
        /// The vendor's agent id.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        agent_id: Option<String>,
        /// The vendor's own name for the state (e.g. `AgentOnPause`, `PAUSESUBSTATE`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        vendor_state: Option<String>,
        /// Phone number the agent is logged in on (xuc `phoneNb`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        phone_number: Option<String>,
        /// Queues the agent is in (xuc `queues`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Vec::is_empty", default)
        )]
        queues: Vec<String>,
        /// Vendor fields with no normalized slot (xuc `acd`, `callType`; AXP `profileId` ...).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Map::is_empty", default)
        )]
        data: Map<String, Value>,
    },
    /// The CRM user presence changed (or was reported).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Presence {
        /// Presence name (OpenFrame `name`; CRM Connector status label, else the status id).
        name: String,
        /// Status id (OpenFrame `sys_id`, CRM Connector `statusId`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        status_id: Option<String>,
        /// Whether this presence counts as Ready (see `decode.availableStatuses`).
        available: bool,
        /// AWA service channels and their availability.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Vec::is_empty", default)
        )]
        channels: Vec<PresenceChannel>,
        /// `false` when the CRM reported that a requested change failed.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        success: Option<bool>,
    },
    /// A CRM work item was offered, accepted or rejected.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    WorkItem {
        /// The work item's `sys_id`.
        id: String,
        /// Offered, accepted or rejected.
        phase: WorkItemPhase,
        /// Service channel name (AWA `serviceChannel.name`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        channel: Option<String>,
        /// The record the work item is about.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        document: Option<DocumentRef>,
        /// Rejection reason (`rejection.reason`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        reason: Option<String>,
        /// Capacity the work item takes (AWA `size`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        size: Option<i64>,
    },
    /// A contact (or CRM interaction) moved to a new phase.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Interaction {
        /// Contact id (AXP `engagementId`, xuc `linkedId`, AgentDesktop `uuid`,
        /// OpenFrame `sys_id`).
        id: String,
        /// The phase reached.
        phase: InteractionPhase,
        /// Media as the vendor names it (`voice`, `telephony`, `chat`, `email`,
        /// AXP `channelId` ...).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        media: Option<String>,
        /// Inbound, outbound or internal, when the vendor says.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        direction: Option<Direction>,
        /// Calling party (caller number, xuc `otherDN` on inbound calls, AXP `callingNumber`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        from: Option<String>,
        /// Called party (dialled number, AXP `dialledNumber` / `destinationAddress`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        to: Option<String>,
        /// Queue the contact came through (AXP queue id, xuc `queueName`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        queue: Option<String>,
        /// The agent the contact is for, when the vendor names one.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        agent_id: Option<String>,
        /// Outcome or reason (AgentDesktop call outcome, OpenFrame `reason`, xuc `failure`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        reason: Option<String>,
        /// Vendor event name that produced this phase (e.g. `JOBSTARTED`, `MatchOffered`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        vendor_event: Option<String>,
        /// Attached data (AgentDesktop CallData, xuc USR_ variables, ...).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Map::is_empty", default)
        )]
        data: Map<String, Value>,
    },
    /// The moment to contextualize the CRM: open the caller's record.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    ScreenPop {
        /// The contact the pop is for (AgentDesktop `uuid`, xuc Asterisk `channel`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        interaction_id: Option<String>,
        /// Caller numbers / identifiers to search for.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Vec::is_empty", default)
        )]
        ani: Vec<String>,
        /// Number the customer called.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        dnis: Option<String>,
        /// Media of the contact (xuc Sheets are `voice`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        media: Option<String>,
        /// Queue the contact came through.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        queue: Option<String>,
        /// Pages and values to show (xuc Sheet fields, CallData).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Vec::is_empty", default)
        )]
        fields: Vec<PopField>,
        /// Vendor fields with no normalized slot.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Map::is_empty", default)
        )]
        data: Map<String, Value>,
    },
    /// A control-connection outcome (authentication, heartbeat, link).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Connection {
        /// The outcome.
        status: ConnectionStatus,
        /// The vendor's status or message as sent (AXP status, xuc `Error` text).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        detail: Option<String>,
        /// AXP subscription id.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        subscription_id: Option<String>,
        /// Seconds (AXP pingInterval).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        ping_interval: Option<i64>,
        /// Seconds (AXP expiresInterval).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        expires_interval: Option<i64>,
    },
    /// An agent command was refused (xuc AgentError, login errors).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    AgentError {
        /// The vendor's error code, e.g. `PhoneNumberUnknown`, `LoggedInOnAnotherPhone`.
        code: String,
        /// Number the agent is already logged in on (xuc `phoneNb`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        phone_number: Option<String>,
        /// Number the login asked for (xuc `RequestedNb`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        requested_number: Option<String>,
        /// The agent concerned, when sent.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        agent_id: Option<String>,
    },
    /// Agent configuration (xuc AgentConfig).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    AgentConfig {
        /// xuc agent id.
        agent_id: String,
        /// First and last name.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        name: Option<String>,
        /// Agent number.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        number: Option<String>,
        /// Asterisk context of the agent.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        context: Option<String>,
        /// Queue memberships with their penalties.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Vec::is_empty", default)
        )]
        queues: Vec<QueueMembership>,
    },
    /// A list of agents, groups or CRM contacts.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Directory {
        /// What the list holds.
        list: DirectoryKind,
        /// The entries, in the order sent.
        entries: Vec<DirectoryEntry>,
    },
    /// Queue membership added, changed or removed (penalty -1).
    QueueMember(QueueMembership),
    /// Agent statistics (xuc AgentStatistics).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Statistics {
        /// xuc agent id.
        agent_id: String,
        /// Statistic name -> value, as sent.
        values: Map<String, Value>,
    },
    /// Supervisor listening started or stopped (xuc AgentListen).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Listen {
        /// The agent being listened to.
        agent_id: String,
        /// `true` when listening starts, `false` when it stops.
        started: bool,
        /// Phone number sent with the event (xuc `phoneNumber`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        phone_number: Option<String>,
    },
    /// The user's rights profile (xuc RightProfile).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Rights {
        /// Profile name.
        profile: String,
        /// Names of the rights the profile grants.
        rights: Vec<String>,
    },
    /// Callback requests (xuc Callback events).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Callback {
        /// What happened.
        action: CallbackAction,
        /// Callback request uuid (`requestUuid` for `CallbackStarted`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        uuid: Option<String>,
        /// Callback list uuid.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        list_uuid: Option<String>,
        /// The agent who took the request.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        agent_id: Option<String>,
        /// Ticket opened for the call (`CallbackStarted`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        ticket_uuid: Option<String>,
        /// The callback lists or request, as sent (Lists / Updated).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        data: Option<Value>,
    },
    /// Another participant joined or left an engagement (AXP).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Participant {
        /// The engagement (AXP `engagementId`).
        interaction_id: String,
        /// Who joined or left.
        role: ParticipantRole,
        /// The vendor action (ADDED, REMOVED, INVITED, OBSERVING ...).
        action: String,
        /// The participant (`automationParticipantId`, `externalParticipantId`,
        /// the supervisor's agent id).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        participant_id: Option<String>,
        /// Vendor fields with no normalized slot (`dialogId`, who disconnected ...).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Map::is_empty", default)
        )]
        data: Map<String, Value>,
    },
    /// A single-step transfer happened or failed (AXP).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Transfer {
        /// The engagement (AXP `engagementId`).
        interaction_id: String,
        /// QUEUE, USER, AUTOMATION or EXTERNAL.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        to: Option<String>,
        /// Where to (AXP `destination`: queue, user or address).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        destination: Option<String>,
        /// CANCELLED or FAILED when the transfer did not happen.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        error: Option<String>,
        /// Why it failed (AXP `detail`, else `title`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        detail: Option<String>,
        /// Vendor fields with no normalized slot (`queueName`, `initiatingAgentId` ...).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Map::is_empty", default)
        )]
        data: Map<String, Value>,
    },
    /// One media channel of the agent became ready (AXP ChannelReady).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    ChannelReady {
        /// The agent (AXP `agentId`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        agent_id: Option<String>,
        /// The channel that became ready (AXP `channelId`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        channel: Option<String>,
    },
    /// CRM start-up data (CRM Connector crmData): user, capabilities, omnichannel mode.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    CrmData {
        /// CRM user id (`currentUser.Id`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        user_id: Option<String>,
        /// CRM user display name.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        user_name: Option<String>,
        /// `S` (synchronized) or `C` (complementary) from the CCDef.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        omnichannel_mode: Option<String>,
        /// The connector's capabilities, as sent.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        capabilities: Option<Value>,
    },
    /// The agent clicked a number in the CRM (click-to-dial).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    ClickToDial {
        /// The number clicked.
        number: String,
        /// The CRM record the number belongs to (`recordId`, `objectId`, `entityId`).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        record_id: Option<String>,
        /// The whole `clickToDialResponse` payload.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        data: Option<Value>,
    },
    /// The bridge asks the contact-centre side to place a call: emitted right
    /// after a [`EventBody::ClickToDial`] from the CRM side (the agent clicked a
    /// number in the CRM). The contact-centre side carries it out with its own
    /// dial call (xuc `dial {destination}`, AgentDesktop `CONTACT.MakeCall(dest)`);
    /// AXP notifications cannot place calls (docs/mapping-crm-connector.md#click-to-dial).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Dial {
        /// The number to call, as the CRM gave it.
        number: String,
        /// The CRM record the number belongs to.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        record_id: Option<String>,
        /// The contact-centre protocol expected to place the call (`null`
        /// while no contact-centre traffic has been seen).
        #[cfg_attr(feature = "ts", ts(optional = false))]
        via: Option<Source>,
    },
    /// A CRM Connector message that carries a request or data with no
    /// normalized meaning of its own (kept whole, with its action).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    CrmMessage {
        /// The action, in its documented spelling (e.g. `requestSaveInteractionLog`).
        action: String,
        /// The message's `data`, as sent (embedded JSON text parsed).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        data: Option<Value>,
    },
}

impl EventBody {
    /// The `kind` tag of this body, as serialized.
    pub fn kind(&self) -> &'static str {
        self.kind_name().as_str()
    }

    /// The `kind` tag, quoted for JSON.
    fn kind_name(&self) -> Name {
        match self {
            EventBody::AgentState { .. } => Name("\"agentState\""),
            EventBody::Presence { .. } => Name("\"presence\""),
            EventBody::WorkItem { .. } => Name("\"workItem\""),
            EventBody::Interaction { .. } => Name("\"interaction\""),
            EventBody::ScreenPop { .. } => Name("\"screenPop\""),
            EventBody::Connection { .. } => Name("\"connection\""),
            EventBody::AgentError { .. } => Name("\"agentError\""),
            EventBody::AgentConfig { .. } => Name("\"agentConfig\""),
            EventBody::Directory { .. } => Name("\"directory\""),
            EventBody::QueueMember(_) => Name("\"queueMember\""),
            EventBody::Statistics { .. } => Name("\"statistics\""),
            EventBody::Listen { .. } => Name("\"listen\""),
            EventBody::Rights { .. } => Name("\"rights\""),
            EventBody::Callback { .. } => Name("\"callback\""),
            EventBody::Participant { .. } => Name("\"participant\""),
            EventBody::Transfer { .. } => Name("\"transfer\""),
            EventBody::ChannelReady { .. } => Name("\"channelReady\""),
            EventBody::CrmData { .. } => Name("\"crmData\""),
            EventBody::ClickToDial { .. } => Name("\"clickToDial\""),
            EventBody::Dial { .. } => Name("\"dial\""),
            EventBody::CrmMessage { .. } => Name("\"crmMessage\""),
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
    /// The events, in order.
    pub bodies: Vec<EventBody>,
    /// Vendor envelope fields shared by all of them.
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

// -- JSON out (`json_write`): camelCase members, `kind` tags, `None`s and
// empty lists / maps left out, as the serde attributes above say.

use crate::json_write::{
    json_names, key, JsonFields, JsonKey, JsonObject, JsonWriter, Name, ToJson,
};

impl ToJson for Source {
    fn write_json(&self, w: &mut JsonWriter) {
        self.name().write_json(w);
    }
}

impl JsonKey for Source {
    fn json_key(&self) -> &str {
        self.as_str()
    }
}

impl ToJson for AgentStateKind {
    fn write_json(&self, w: &mut JsonWriter) {
        self.name().write_json(w);
    }
}

json_names!(Side { Crm => "crm", Cc => "cc" });
json_names!(WorkItemPhase { Offered => "offered", Accepted => "accepted", Rejected => "rejected" });
json_names!(InteractionPhase {
    Created => "created",
    Queued => "queued",
    Offered => "offered",
    Alerting => "alerting",
    Dialing => "dialing",
    Connected => "connected",
    Held => "held",
    Resumed => "resumed",
    Ended => "ended",
    WrapUp => "wrapUp",
    Done => "done",
    Updated => "updated",
});
json_names!(Direction { Inbound => "inbound", Outbound => "outbound", Internal => "internal" });
json_names!(ConnectionStatus {
    Confirmed => "confirmed",
    InvalidToken => "invalidToken",
    UnknownSubscription => "unknownSubscription",
    ServerError => "serverError",
    ConstraintViolation => "constraintViolation",
    Pong => "pong",
    Ready => "ready",
    Up => "up",
    Down => "down",
    Error => "error",
});
json_names!(DirectoryKind {
    Agents => "agents",
    AgentConfigs => "agentConfigs",
    AgentGroups => "agentGroups",
    Crm => "crm",
});
json_names!(CallbackAction {
    Lists => "lists",
    Taken => "taken",
    Started => "started",
    Clotured => "clotured",
    Released => "released",
    Updated => "updated",
});
json_names!(ParticipantRole {
    Automation => "automation",
    External => "external",
    Supervisor => "supervisor",
});

impl ToJson for Event {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field(key!("seq"), &self.seq)
                .field(key!("source"), &self.source)
                .flatten(&self.body)
                .map("envelope", &self.envelope);
        });
    }
}

impl ToJson for PresenceChannel {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("name", &self.name)
                .field("available", &self.available)
                .opt("id", &self.id);
        });
    }
}

impl ToJson for DocumentRef {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("table", &self.table).field("id", &self.id);
        });
    }
}

impl ToJson for DirectoryEntry {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .opt("name", &self.name)
                .opt("number", &self.number)
                .opt("email", &self.email)
                .opt("group", &self.group)
                .opt("state", &self.state);
        });
    }
}

impl JsonFields for QueueMembership {
    fn write_fields(&self, o: &mut JsonObject<'_>) {
        o.field("agentId", &self.agent_id)
            .field("queueId", &self.queue_id)
            .opt("queueName", &self.queue_name)
            .field("penalty", &self.penalty);
    }
}

impl ToJson for QueueMembership {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| self.write_fields(o));
    }
}

impl ToJson for PopField {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("name", &self.name)
                .field("value", &self.value)
                .field("type", &self.field_type)
                .opt("order", &self.order);
        });
    }
}

impl ToJson for EventBody {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| self.write_fields(o));
    }
}

/// Whether this build has CRM work items: only the OpenFrame and
/// AgentDesktop codecs (and `vendor`) make [`EventBody::WorkItem`]s.
pub(crate) const WORK_ITEMS: bool = cfg!(any(feature = "openframe", feature = "agentdesktop"));
/// Whether this build has AXP: only its codec makes
/// [`EventBody::Participant`], [`EventBody::Transfer`] and [`EventBody::ChannelReady`],
/// and only its events carry a vendor event id (the bridge's duplicate filter).
pub(crate) const AXP: bool = cfg!(feature = "axp");

impl JsonFields for EventBody {
    fn write_fields(&self, o: &mut JsonObject<'_>) {
        o.field(key!("kind"), &self.kind_name());
        match self {
            EventBody::AgentState {
                state,
                reason,
                cause,
                agent_id,
                vendor_state,
                phone_number,
                queues,
                data,
            } => o
                .field(key!("state"), state)
                .opt(key!("reason"), reason)
                .opt(key!("cause"), cause)
                .opt(key!("agentId"), agent_id)
                .opt(key!("vendorState"), vendor_state)
                .opt(key!("phoneNumber"), phone_number)
                .list(key!("queues"), queues)
                .map(key!("data"), data),
            EventBody::Presence {
                name,
                status_id,
                available,
                channels,
                success,
            } => o
                .field("name", name)
                .opt("statusId", status_id)
                .field("available", available)
                .list("channels", channels)
                .opt("success", success),
            EventBody::WorkItem {
                id,
                phase,
                channel,
                document,
                reason,
                size,
            } if WORK_ITEMS => o
                .field("id", id)
                .field("phase", phase)
                .opt("channel", channel)
                .opt("document", document)
                .opt("reason", reason)
                .opt("size", size),
            EventBody::Interaction {
                id,
                phase,
                media,
                direction,
                from,
                to,
                queue,
                agent_id,
                reason,
                vendor_event,
                data,
            } => o
                .field("id", id)
                .field("phase", phase)
                .opt("media", media)
                .opt("direction", direction)
                .opt("from", from)
                .opt("to", to)
                .opt("queue", queue)
                .opt("agentId", agent_id)
                .opt("reason", reason)
                .opt("vendorEvent", vendor_event)
                .map("data", data),
            EventBody::ScreenPop {
                interaction_id,
                ani,
                dnis,
                media,
                queue,
                fields,
                data,
            } => o
                .opt("interactionId", interaction_id)
                .list("ani", ani)
                .opt("dnis", dnis)
                .opt("media", media)
                .opt("queue", queue)
                .list("fields", fields)
                .map("data", data),
            EventBody::Connection {
                status,
                detail,
                subscription_id,
                ping_interval,
                expires_interval,
            } => o
                .field("status", status)
                .opt("detail", detail)
                .opt("subscriptionId", subscription_id)
                .opt("pingInterval", ping_interval)
                .opt("expiresInterval", expires_interval),
            EventBody::AgentError {
                code,
                phone_number,
                requested_number,
                agent_id,
            } => o
                .field("code", code)
                .opt("phoneNumber", phone_number)
                .opt("requestedNumber", requested_number)
                .opt("agentId", agent_id),
            EventBody::AgentConfig {
                agent_id,
                name,
                number,
                context,
                queues,
            } => o
                .field("agentId", agent_id)
                .opt("name", name)
                .opt("number", number)
                .opt("context", context)
                .list("queues", queues),
            EventBody::Directory { list, entries } => {
                o.field("list", list).field("entries", entries)
            }
            EventBody::QueueMember(member) => o.flatten(member),
            EventBody::Statistics { agent_id, values } => {
                o.field("agentId", agent_id).field("values", values)
            }
            EventBody::Listen {
                agent_id,
                started,
                phone_number,
            } => o
                .field("agentId", agent_id)
                .field("started", started)
                .opt("phoneNumber", phone_number),
            EventBody::Rights { profile, rights } => {
                o.field("profile", profile).field("rights", rights)
            }
            EventBody::Callback {
                action,
                uuid,
                list_uuid,
                agent_id,
                ticket_uuid,
                data,
            } => o
                .field("action", action)
                .opt("uuid", uuid)
                .opt("listUuid", list_uuid)
                .opt("agentId", agent_id)
                .opt("ticketUuid", ticket_uuid)
                .opt("data", data),
            EventBody::Participant {
                interaction_id,
                role,
                action,
                participant_id,
                data,
            } if AXP => o
                .field("interactionId", interaction_id)
                .field("role", role)
                .field("action", action)
                .opt("participantId", participant_id)
                .map("data", data),
            EventBody::Transfer {
                interaction_id,
                to,
                destination,
                error,
                detail,
                data,
            } if AXP => o
                .field("interactionId", interaction_id)
                .opt("to", to)
                .opt("destination", destination)
                .opt("error", error)
                .opt("detail", detail)
                .map("data", data),
            EventBody::ChannelReady { agent_id, channel } if AXP => {
                o.opt("agentId", agent_id).opt("channel", channel)
            }
            EventBody::CrmData {
                user_id,
                user_name,
                omnichannel_mode,
                capabilities,
            } => o
                .opt("userId", user_id)
                .opt("userName", user_name)
                .opt("omnichannelMode", omnichannel_mode)
                .opt("capabilities", capabilities),
            EventBody::ClickToDial {
                number,
                record_id,
                data,
            } => o
                .field("number", number)
                .opt("recordId", record_id)
                .opt("data", data),
            EventBody::Dial {
                number,
                record_id,
                via,
            } => o
                .field("number", number)
                .opt("recordId", record_id)
                .field("via", via),
            EventBody::CrmMessage { action, data } => o.field("action", action).opt("data", data),
            // Kinds only the codecs this build leaves out make (none arrives).
            EventBody::WorkItem { .. }
            | EventBody::Participant { .. }
            | EventBody::Transfer { .. }
            | EventBody::ChannelReady { .. } => o,
        };
    }
}
