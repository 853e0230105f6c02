// Generated from the Rust types by tests/typescript.rs (ts-rs). Do not edit.
// JsonValue is any JSON value.
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Source = "openframe" | "crm-connector" | "agentdesktop" | "axp" | "xuc";

export type Side = "crm" | "cc";

export type Event = { 
/**
 * Monotonic sequence number, unique per bridge instance.
 */
seq: number, 
/**
 * The protocol the event was decoded from.
 */
source: Source, 
/**
 * Envelope fields of the vendor frame (AXP `correlationId`, `loginId`, `sentAt` ...).
 */
envelope: { [key in string]: JsonValue }, } & ({ "kind": "agentState", 
/**
 * The normalized state.
 */
state: AgentStateKind, 
/**
 * Pause reason / Not Ready code (xuc pause `cause`, AXP `reasonCode`,
 * AgentDesktop sub-state).
 */
reason?: string, 
/**
 * Why the state changed, in the vendor's words (AXP `cause` such as `RONA`,
 * xuc `cause`, `forced`).
 */
cause?: string, 
/**
 * The vendor's agent id.
 */
agentId?: string, 
/**
 * The vendor's own name for the state (e.g. `AgentOnPause`, `PAUSESUBSTATE`).
 */
vendorState?: string, 
/**
 * Phone number the agent is logged in on (xuc `phoneNb`).
 */
phoneNumber?: string, 
/**
 * Queues the agent is in (xuc `queues`).
 */
queues: Array<string>, 
/**
 * Vendor fields with no normalized slot (xuc `acd`, `callType`; AXP `profileId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "presence", 
/**
 * Presence name (OpenFrame `name`; CRM Connector status label, else the status id).
 */
name: string, 
/**
 * Status id (OpenFrame `sys_id`, CRM Connector `statusId`).
 */
statusId?: string, 
/**
 * Whether this presence counts as Ready (see `decode.availableStatuses`).
 */
available: boolean, 
/**
 * AWA service channels and their availability.
 */
channels: Array<PresenceChannel>, 
/**
 * `false` when the CRM reported that a requested change failed.
 */
success?: boolean, } | { "kind": "workItem", 
/**
 * The work item's `sys_id`.
 */
id: string, 
/**
 * Offered, accepted or rejected.
 */
phase: WorkItemPhase, 
/**
 * Service channel name (AWA `serviceChannel.name`).
 */
channel?: string, 
/**
 * The record the work item is about.
 */
document?: DocumentRef, 
/**
 * Rejection reason (`rejection.reason`).
 */
reason?: string, 
/**
 * Capacity the work item takes (AWA `size`).
 */
size?: number, } | { "kind": "interaction", 
/**
 * Contact id (AXP `engagementId`, xuc `linkedId`, AgentDesktop `uuid`,
 * OpenFrame `sys_id`).
 */
id: string, 
/**
 * The phase reached.
 */
phase: InteractionPhase, 
/**
 * Media as the vendor names it (`voice`, `telephony`, `chat`, `email`,
 * AXP `channelId` ...).
 */
media?: string, 
/**
 * Inbound, outbound or internal, when the vendor says.
 */
direction?: Direction, 
/**
 * Calling party (caller number, xuc `otherDN` on inbound calls, AXP `callingNumber`).
 */
from?: string, 
/**
 * Called party (dialled number, AXP `dialledNumber` / `destinationAddress`).
 */
to?: string, 
/**
 * Queue the contact came through (AXP queue id, xuc `queueName`).
 */
queue?: string, 
/**
 * The agent the contact is for, when the vendor names one.
 */
agentId?: string, 
/**
 * Outcome or reason (AgentDesktop call outcome, OpenFrame `reason`, xuc `failure`).
 */
reason?: string, 
/**
 * Vendor event name that produced this phase (e.g. `JOBSTARTED`, `MatchOffered`).
 */
vendorEvent?: string, 
/**
 * Attached data (AgentDesktop CallData, xuc USR_ variables, ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "screenPop", 
/**
 * The contact the pop is for (AgentDesktop `uuid`, xuc Asterisk `channel`).
 */
interactionId?: string, 
/**
 * Caller numbers / identifiers to search for.
 */
ani: Array<string>, 
/**
 * Number the customer called.
 */
dnis?: string, 
/**
 * Media of the contact (xuc Sheets are `voice`).
 */
media?: string, 
/**
 * Queue the contact came through.
 */
queue?: string, 
/**
 * Pages and values to show (xuc Sheet fields, CallData).
 */
fields: Array<PopField>, 
/**
 * Vendor fields with no normalized slot.
 */
data: { [key in string]: JsonValue }, } | { "kind": "connection", 
/**
 * The outcome.
 */
status: ConnectionStatus, 
/**
 * The vendor's status or message as sent (AXP status, xuc `Error` text).
 */
detail?: string, 
/**
 * AXP subscription id.
 */
subscriptionId?: string, 
/**
 * Seconds (AXP pingInterval).
 */
pingInterval?: number, 
/**
 * Seconds (AXP expiresInterval).
 */
expiresInterval?: number, } | { "kind": "agentError", 
/**
 * The vendor's error code, e.g. `PhoneNumberUnknown`, `LoggedInOnAnotherPhone`.
 */
code: string, 
/**
 * Number the agent is already logged in on (xuc `phoneNb`).
 */
phoneNumber?: string, 
/**
 * Number the login asked for (xuc `RequestedNb`).
 */
requestedNumber?: string, 
/**
 * The agent concerned, when sent.
 */
agentId?: string, } | { "kind": "agentConfig", 
/**
 * xuc agent id.
 */
agentId: string, 
/**
 * First and last name.
 */
name?: string, 
/**
 * Agent number.
 */
number?: string, 
/**
 * Asterisk context of the agent.
 */
context?: string, 
/**
 * Queue memberships with their penalties.
 */
queues: Array<QueueMembership>, } | { "kind": "directory", 
/**
 * What the list holds.
 */
list: DirectoryKind, 
/**
 * The entries, in the order sent.
 */
entries: Array<DirectoryEntry>, } | { "kind": "queueMember" } & QueueMembership | { "kind": "statistics", 
/**
 * xuc agent id.
 */
agentId: string, 
/**
 * Statistic name -> value, as sent.
 */
values: { [key in string]: JsonValue }, } | { "kind": "listen", 
/**
 * The agent being listened to.
 */
agentId: string, 
/**
 * `true` when listening starts, `false` when it stops.
 */
started: boolean, 
/**
 * Phone number sent with the event (xuc `phoneNumber`).
 */
phoneNumber?: string, } | { "kind": "rights", 
/**
 * Profile name.
 */
profile: string, 
/**
 * Names of the rights the profile grants.
 */
rights: Array<string>, } | { "kind": "callback", 
/**
 * What happened.
 */
action: CallbackAction, 
/**
 * Callback request uuid (`requestUuid` for `CallbackStarted`).
 */
uuid?: string, 
/**
 * Callback list uuid.
 */
listUuid?: string, 
/**
 * The agent who took the request.
 */
agentId?: string, 
/**
 * Ticket opened for the call (`CallbackStarted`).
 */
ticketUuid?: string, 
/**
 * The callback lists or request, as sent (Lists / Updated).
 */
data?: JsonValue, } | { "kind": "participant", 
/**
 * The engagement (AXP `engagementId`).
 */
interactionId: string, 
/**
 * Who joined or left.
 */
role: ParticipantRole, 
/**
 * The vendor action (ADDED, REMOVED, INVITED, OBSERVING ...).
 */
action: string, 
/**
 * The participant (`automationParticipantId`, `externalParticipantId`,
 * the supervisor's agent id).
 */
participantId?: string, 
/**
 * Vendor fields with no normalized slot (`dialogId`, who disconnected ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "transfer", 
/**
 * The engagement (AXP `engagementId`).
 */
interactionId: string, 
/**
 * QUEUE, USER, AUTOMATION or EXTERNAL.
 */
to?: string, 
/**
 * Where to (AXP `destination`: queue, user or address).
 */
destination?: string, 
/**
 * CANCELLED or FAILED when the transfer did not happen.
 */
error?: string, 
/**
 * Why it failed (AXP `detail`, else `title`).
 */
detail?: string, 
/**
 * Vendor fields with no normalized slot (`queueName`, `initiatingAgentId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "channelReady", 
/**
 * The agent (AXP `agentId`).
 */
agentId?: string, 
/**
 * The channel that became ready (AXP `channelId`).
 */
channel?: string, } | { "kind": "crmData", 
/**
 * CRM user id (`currentUser.Id`).
 */
userId?: string, 
/**
 * CRM user display name.
 */
userName?: string, 
/**
 * `S` (synchronized) or `C` (complementary) from the CCDef.
 */
omnichannelMode?: string, 
/**
 * The connector's capabilities, as sent.
 */
capabilities?: JsonValue, } | { "kind": "clickToDial", 
/**
 * The number clicked.
 */
number: string, 
/**
 * The CRM record the number belongs to (`recordId`, `objectId`, `entityId`).
 */
recordId?: string, 
/**
 * The whole `clickToDialResponse` payload.
 */
data?: JsonValue, } | { "kind": "dial", 
/**
 * The number to call, as the CRM gave it.
 */
number: string, 
/**
 * The CRM record the number belongs to.
 */
recordId?: string, 
/**
 * The contact-centre protocol expected to place the call (`null`
 * while no contact-centre traffic has been seen).
 */
via: Source | null, } | { "kind": "crmMessage", 
/**
 * The action, in its documented spelling (e.g. `requestSaveInteractionLog`).
 */
action: string, 
/**
 * The message's `data`, as sent (embedded JSON text parsed).
 */
data?: JsonValue, });

export type EventBody = { "kind": "agentState", 
/**
 * The normalized state.
 */
state: AgentStateKind, 
/**
 * Pause reason / Not Ready code (xuc pause `cause`, AXP `reasonCode`,
 * AgentDesktop sub-state).
 */
reason?: string, 
/**
 * Why the state changed, in the vendor's words (AXP `cause` such as `RONA`,
 * xuc `cause`, `forced`).
 */
cause?: string, 
/**
 * The vendor's agent id.
 */
agentId?: string, 
/**
 * The vendor's own name for the state (e.g. `AgentOnPause`, `PAUSESUBSTATE`).
 */
vendorState?: string, 
/**
 * Phone number the agent is logged in on (xuc `phoneNb`).
 */
phoneNumber?: string, 
/**
 * Queues the agent is in (xuc `queues`).
 */
queues: Array<string>, 
/**
 * Vendor fields with no normalized slot (xuc `acd`, `callType`; AXP `profileId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "presence", 
/**
 * Presence name (OpenFrame `name`; CRM Connector status label, else the status id).
 */
name: string, 
/**
 * Status id (OpenFrame `sys_id`, CRM Connector `statusId`).
 */
statusId?: string, 
/**
 * Whether this presence counts as Ready (see `decode.availableStatuses`).
 */
available: boolean, 
/**
 * AWA service channels and their availability.
 */
channels: Array<PresenceChannel>, 
/**
 * `false` when the CRM reported that a requested change failed.
 */
success?: boolean, } | { "kind": "workItem", 
/**
 * The work item's `sys_id`.
 */
id: string, 
/**
 * Offered, accepted or rejected.
 */
phase: WorkItemPhase, 
/**
 * Service channel name (AWA `serviceChannel.name`).
 */
channel?: string, 
/**
 * The record the work item is about.
 */
document?: DocumentRef, 
/**
 * Rejection reason (`rejection.reason`).
 */
reason?: string, 
/**
 * Capacity the work item takes (AWA `size`).
 */
size?: number, } | { "kind": "interaction", 
/**
 * Contact id (AXP `engagementId`, xuc `linkedId`, AgentDesktop `uuid`,
 * OpenFrame `sys_id`).
 */
id: string, 
/**
 * The phase reached.
 */
phase: InteractionPhase, 
/**
 * Media as the vendor names it (`voice`, `telephony`, `chat`, `email`,
 * AXP `channelId` ...).
 */
media?: string, 
/**
 * Inbound, outbound or internal, when the vendor says.
 */
direction?: Direction, 
/**
 * Calling party (caller number, xuc `otherDN` on inbound calls, AXP `callingNumber`).
 */
from?: string, 
/**
 * Called party (dialled number, AXP `dialledNumber` / `destinationAddress`).
 */
to?: string, 
/**
 * Queue the contact came through (AXP queue id, xuc `queueName`).
 */
queue?: string, 
/**
 * The agent the contact is for, when the vendor names one.
 */
agentId?: string, 
/**
 * Outcome or reason (AgentDesktop call outcome, OpenFrame `reason`, xuc `failure`).
 */
reason?: string, 
/**
 * Vendor event name that produced this phase (e.g. `JOBSTARTED`, `MatchOffered`).
 */
vendorEvent?: string, 
/**
 * Attached data (AgentDesktop CallData, xuc USR_ variables, ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "screenPop", 
/**
 * The contact the pop is for (AgentDesktop `uuid`, xuc Asterisk `channel`).
 */
interactionId?: string, 
/**
 * Caller numbers / identifiers to search for.
 */
ani: Array<string>, 
/**
 * Number the customer called.
 */
dnis?: string, 
/**
 * Media of the contact (xuc Sheets are `voice`).
 */
media?: string, 
/**
 * Queue the contact came through.
 */
queue?: string, 
/**
 * Pages and values to show (xuc Sheet fields, CallData).
 */
fields: Array<PopField>, 
/**
 * Vendor fields with no normalized slot.
 */
data: { [key in string]: JsonValue }, } | { "kind": "connection", 
/**
 * The outcome.
 */
status: ConnectionStatus, 
/**
 * The vendor's status or message as sent (AXP status, xuc `Error` text).
 */
detail?: string, 
/**
 * AXP subscription id.
 */
subscriptionId?: string, 
/**
 * Seconds (AXP pingInterval).
 */
pingInterval?: number, 
/**
 * Seconds (AXP expiresInterval).
 */
expiresInterval?: number, } | { "kind": "agentError", 
/**
 * The vendor's error code, e.g. `PhoneNumberUnknown`, `LoggedInOnAnotherPhone`.
 */
code: string, 
/**
 * Number the agent is already logged in on (xuc `phoneNb`).
 */
phoneNumber?: string, 
/**
 * Number the login asked for (xuc `RequestedNb`).
 */
requestedNumber?: string, 
/**
 * The agent concerned, when sent.
 */
agentId?: string, } | { "kind": "agentConfig", 
/**
 * xuc agent id.
 */
agentId: string, 
/**
 * First and last name.
 */
name?: string, 
/**
 * Agent number.
 */
number?: string, 
/**
 * Asterisk context of the agent.
 */
context?: string, 
/**
 * Queue memberships with their penalties.
 */
queues: Array<QueueMembership>, } | { "kind": "directory", 
/**
 * What the list holds.
 */
list: DirectoryKind, 
/**
 * The entries, in the order sent.
 */
entries: Array<DirectoryEntry>, } | { "kind": "queueMember" } & QueueMembership | { "kind": "statistics", 
/**
 * xuc agent id.
 */
agentId: string, 
/**
 * Statistic name -> value, as sent.
 */
values: { [key in string]: JsonValue }, } | { "kind": "listen", 
/**
 * The agent being listened to.
 */
agentId: string, 
/**
 * `true` when listening starts, `false` when it stops.
 */
started: boolean, 
/**
 * Phone number sent with the event (xuc `phoneNumber`).
 */
phoneNumber?: string, } | { "kind": "rights", 
/**
 * Profile name.
 */
profile: string, 
/**
 * Names of the rights the profile grants.
 */
rights: Array<string>, } | { "kind": "callback", 
/**
 * What happened.
 */
action: CallbackAction, 
/**
 * Callback request uuid (`requestUuid` for `CallbackStarted`).
 */
uuid?: string, 
/**
 * Callback list uuid.
 */
listUuid?: string, 
/**
 * The agent who took the request.
 */
agentId?: string, 
/**
 * Ticket opened for the call (`CallbackStarted`).
 */
ticketUuid?: string, 
/**
 * The callback lists or request, as sent (Lists / Updated).
 */
data?: JsonValue, } | { "kind": "participant", 
/**
 * The engagement (AXP `engagementId`).
 */
interactionId: string, 
/**
 * Who joined or left.
 */
role: ParticipantRole, 
/**
 * The vendor action (ADDED, REMOVED, INVITED, OBSERVING ...).
 */
action: string, 
/**
 * The participant (`automationParticipantId`, `externalParticipantId`,
 * the supervisor's agent id).
 */
participantId?: string, 
/**
 * Vendor fields with no normalized slot (`dialogId`, who disconnected ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "transfer", 
/**
 * The engagement (AXP `engagementId`).
 */
interactionId: string, 
/**
 * QUEUE, USER, AUTOMATION or EXTERNAL.
 */
to?: string, 
/**
 * Where to (AXP `destination`: queue, user or address).
 */
destination?: string, 
/**
 * CANCELLED or FAILED when the transfer did not happen.
 */
error?: string, 
/**
 * Why it failed (AXP `detail`, else `title`).
 */
detail?: string, 
/**
 * Vendor fields with no normalized slot (`queueName`, `initiatingAgentId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "channelReady", 
/**
 * The agent (AXP `agentId`).
 */
agentId?: string, 
/**
 * The channel that became ready (AXP `channelId`).
 */
channel?: string, } | { "kind": "crmData", 
/**
 * CRM user id (`currentUser.Id`).
 */
userId?: string, 
/**
 * CRM user display name.
 */
userName?: string, 
/**
 * `S` (synchronized) or `C` (complementary) from the CCDef.
 */
omnichannelMode?: string, 
/**
 * The connector's capabilities, as sent.
 */
capabilities?: JsonValue, } | { "kind": "clickToDial", 
/**
 * The number clicked.
 */
number: string, 
/**
 * The CRM record the number belongs to (`recordId`, `objectId`, `entityId`).
 */
recordId?: string, 
/**
 * The whole `clickToDialResponse` payload.
 */
data?: JsonValue, } | { "kind": "dial", 
/**
 * The number to call, as the CRM gave it.
 */
number: string, 
/**
 * The CRM record the number belongs to.
 */
recordId?: string, 
/**
 * The contact-centre protocol expected to place the call (`null`
 * while no contact-centre traffic has been seen).
 */
via: Source | null, } | { "kind": "crmMessage", 
/**
 * The action, in its documented spelling (e.g. `requestSaveInteractionLog`).
 */
action: string, 
/**
 * The message's `data`, as sent (embedded JSON text parsed).
 */
data?: JsonValue, };

export type AgentStateKind = "loggedOut" | "loggedIn" | "ready" | "notReady" | "busy" | "wrapUp";

export type PresenceChannel = { 
/**
 * Service channel name (AWA `channels[].name`).
 */
name: string, 
/**
 * Whether the agent is available on this channel.
 */
available: boolean, 
/**
 * The channel's `sys_id`, when sent.
 */
id?: string, };

export type WorkItemPhase = "offered" | "accepted" | "rejected";

export type DocumentRef = { 
/**
 * ServiceNow table name (e.g. `incident`).
 */
table: string, 
/**
 * The record's `sys_id`.
 */
id: string, };

export type InteractionPhase = "created" | "queued" | "offered" | "alerting" | "dialing" | "connected" | "held" | "resumed" | "ended" | "wrapUp" | "done" | "updated";

export type Direction = "inbound" | "outbound" | "internal";

export type ConnectionStatus = "confirmed" | "invalidToken" | "unknownSubscription" | "serverError" | "constraintViolation" | "pong" | "ready" | "up" | "down" | "error";

export type DirectoryEntry = { 
/**
 * Agent, group or CRM record id.
 */
id: string, 
/**
 * Display name (xuc agents: `first last`).
 */
name?: string, 
/**
 * Agent number or phone number.
 */
number?: string, 
/**
 * E-mail address (CRM contacts).
 */
email?: string, 
/**
 * Agent group id (xuc agents).
 */
group?: string, 
/**
 * Current agent state (xuc AgentDirectory).
 */
state?: AgentStateKind, };

export type DirectoryKind = "agents" | "agentConfigs" | "agentGroups" | "crm";

export type QueueMembership = { 
/**
 * xuc agent id.
 */
agentId: string, 
/**
 * xuc queue id.
 */
queueId: string, 
/**
 * Queue name, when sent.
 */
queueName?: string, 
/**
 * Penalty; `-1` means removed from the queue.
 */
penalty: number, };

export type PopField = { 
/**
 * Field label.
 */
name: string, 
/**
 * Field value, or the URL to open.
 */
value: string, 
/**
 * `url` for a page to open, `text` for a value.
 */
type: string, 
/**
 * Display position (xuc Sheet `order`); fields come sorted by it.
 */
order?: number, };

export type CallbackAction = "lists" | "taken" | "started" | "clotured" | "released" | "updated";

export type ParticipantRole = "automation" | "external" | "supervisor";

export type Desired = "ready" | "notReady";

export type CommandStatus = "pending" | "confirmed" | "rejected" | "superseded" | "notSupported";

export type Cause = "follow" | "complement" | "work" | "restore" | "host";

export type Command = { "kind": "command", 
/**
 * Unique per bridge instance; status updates repeat the same id.
 */
id: number, 
/**
 * The side the change is asked of.
 */
target: Side, 
/**
 * The protocol the command is sent over (`null` when none is known).
 */
source: Source | null, 
/**
 * The state asked for.
 */
state: Desired, 
/**
 * Why the engine asked.
 */
cause: Cause, 
/**
 * The exact vendor message (`null` when there is none).
 */
wire: JsonValue, 
/**
 * Where the command stands; updates are output again under the same `id`.
 */
status: CommandStatus, 
/**
 * Why it was rejected, superseded or not supported.
 */
detail?: string, };

export type CrmRequest = { "kind": "crmRequest", 
/**
 * Always the CRM side.
 */
target: Side, 
/**
 * The protocol it goes over.
 */
source: Source, 
/**
 * The exact envelope.
 */
wire: JsonValue, };

export type Output = Event | Command | CrmRequest;

export type Stats = { 
/**
 * Messages received, per source.
 */
received: { [key in Source]?: number }, 
/**
 * Events produced.
 */
events: number, 
/**
 * Messages that failed to decode, per error code.
 */
errors: { [key in string]: number }, 
/**
 * Messages dropped as repeats of an event id already seen.
 */
duplicates: number, 
/**
 * Commands issued.
 */
commands: number, };

export type Mode = "synchronized" | "complementary" | "off";

export type AgentSnapshot = { 
/**
 * The agent state.
 */
state: AgentStateKind, 
/**
 * Pause reason / Not Ready code.
 */
reason?: string, 
/**
 * The vendor's agent id.
 */
agentId?: string, };

export type PresenceSnapshot = { 
/**
 * Presence name.
 */
name: string, 
/**
 * CRM status id.
 */
statusId?: string, 
/**
 * Whether the presence counts as Ready.
 */
available: boolean, };

export type WorkItemSnapshot = { 
/**
 * The work item's `sys_id`.
 */
id: string, 
/**
 * The phase it reached (offered or accepted).
 */
phase: WorkItemPhase, 
/**
 * Service channel name.
 */
channel?: string, 
/**
 * The record the work item is about.
 */
document?: DocumentRef, };

export type InteractionSnapshot = { 
/**
 * Contact or CRM interaction id.
 */
id: string, 
/**
 * The side it belongs to.
 */
side: Side, 
/**
 * The phase it reached.
 */
phase: InteractionPhase, 
/**
 * Media as the vendor names it.
 */
media?: string, 
/**
 * Calling party.
 */
from?: string, 
/**
 * Called party.
 */
to?: string, };

export type Snapshot = { "kind": "snapshot", 
/**
 * The sync mode in force.
 */
mode: Mode, 
/**
 * The last agent state reported, if any.
 */
agentState: AgentSnapshot | null, 
/**
 * The last CRM presence reported, if any.
 */
presence: PresenceSnapshot | null, 
/**
 * Open CRM work items.
 */
workItems: Array<WorkItemSnapshot>, 
/**
 * Open interactions on either side.
 */
interactions: Array<InteractionSnapshot>, 
/**
 * Commands still waiting for confirmation.
 */
pending: Array<Command>, 
/**
 * The CRM protocol (configured, or detected from the first CRM event).
 */
crmSource: Source | null, 
/**
 * The contact-centre protocol (configured, or detected from the first contact-centre event).
 */
ccSource: Source | null, };

export type HealthState = "connecting" | "authenticating" | "live" | "degraded" | "reconnecting" | "failed" | "stopped";

export type CcFault = "noCredentials" | "endpointRefused" | "endpointFailed" | "badCredentials" | "refusedAgain" | "tokenRefused" | "misconfigured" | "serverUnavailable" | "unreachable";

export type Health = { 
/**
 * The new state.
 */
state: HealthState, 
/**
 * Human-readable cause; never contains a secret.
 */
reason: string, 
/**
 * When reconnecting: the delay before the next attempt.
 */
retryInMs?: number, 
/**
 * Why signing in or connecting failed, as a code (set by the client
 * where it decides, never read back from `reason`).
 */
fault?: CcFault, };

export type LinkStatus = "live" | "connecting" | "unresponsive";

export type Dropped = { 
/**
 * From an origin not on the allow-list.
 */
origin: number, 
/**
 * From an allowed origin but not from the parent window.
 */
source: number, 
/**
 * From the right sender, but not a valid message (or refused by the guard).
 */
malformed: number, 
/**
 * A handshake with another protocol version.
 */
version: number, };

export type WidgetEvent = { "kind": "health", 
/**
 * The link.
 */
status: LinkStatus, 
/**
 * Messages dropped so far, by reason.
 */
dropped: Dropped, } | { "kind": "ccHealth", 
/**
 * `axp` or `xuc`.
 */
source: Source, 
/**
 * The start-up error code the state points to (docs/troubleshooting.md).
 */
code?: CheckId, 
/**
 * How to fix what `code` names (its docs/troubleshooting.md row).
 */
fix?: string, 
/**
 * The new state.
 */
state: HealthState, 
/**
 * Human-readable cause; never contains a secret.
 */
reason: string, 
/**
 * When reconnecting: the delay before the next attempt.
 */
retryInMs?: number, 
/**
 * Why signing in or connecting failed, as a code (set by the client
 * where it decides, never read back from `reason`).
 */
fault?: CcFault, } | { "kind": "observed", 
/**
 * The protocol they came from.
 */
source: Source, 
/**
 * The normalized events.
 */
events: Array<EventBody>, } | { "kind": "error", 
/**
 * The side it came from.
 */
source: Source, 
/**
 * Stable code ([`DecodeError::code`]).
 */
code: string, 
/**
 * What was wrong.
 */
reason: string, } | { "kind": "gap", 
/**
 * The first missed channel sequence number.
 */
from: number, 
/**
 * The last missed channel sequence number.
 */
to: number, };

export type CheckId = "origin.host" | "origin.widget" | "csp.wasm" | "csp.connect" | "framing" | "storage.partition" | "storage.session" | "storage.access" | "cc.rest" | "cc.socket" | "cc.auth" | "cc.token" | "cc.subscription" | "cc.heartbeat" | "clock" | "multiTab";

export type CheckStatus = "ok" | "warn" | "fail";

export type DiagnoseCheck = { 
/**
 * Stable id (docs/troubleshooting.md has one row per id).
 */
id: CheckId, 
/**
 * The outcome.
 */
status: CheckStatus, 
/**
 * What was found.
 */
detail: string, 
/**
 * What to do (`null` when the check is ok).
 */
fix: string | null, };

export type DiagnoseVersions = { 
/**
 * The drop-in script's version (`null` when the report was made in the widget page).
 */
dropIn: string | null, 
/**
 * The widget's version.
 */
widget: string, 
/**
 * The channel protocol's version.
 */
protocol: number, };

export type DiagnoseReport = { 
/**
 * Every check, in a fixed order.
 */
checks: Array<DiagnoseCheck>, 
/**
 * Versions of the drop-in, the widget and the protocol.
 */
versions: DiagnoseVersions, 
/**
 * When the report was made (milliseconds since the Unix epoch).
 */
at: number, };

export type LogEntryLevel = "debug" | "info" | "warn" | "error";

export type LogEntry = { 
/**
 * When, in milliseconds since the Unix epoch.
 */
at: number, 
/**
 * How severe.
 */
level: LogEntryLevel, 
/**
 * Which part of the widget (`channel`, `axp`, `xuc`, `diagnose` ...).
 */
source: string, 
/**
 * What happened (redacted).
 */
message: string, };

export type LogQuery = { 
/**
 * Milliseconds since the Unix epoch (default: everything kept).
 */
since?: number, 
/**
 * The minimum level (default `debug`: all).
 */
level?: LogEntryLevel, };

