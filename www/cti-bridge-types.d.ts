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
envelope: { [key in string]: JsonValue }, } & ({ "kind": "agentState", state: AgentStateKind, reason?: string, cause?: string, agentId?: string, 
/**
 * The vendor's own name for the state (e.g. `AgentOnPause`, `PAUSESUBSTATE`).
 */
vendorState?: string, phoneNumber?: string, queues: Array<string>, 
/**
 * Vendor fields with no normalized slot (xuc `acd`, `callType`; AXP `profileId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "presence", name: string, statusId?: string, available: boolean, channels: Array<PresenceChannel>, 
/**
 * `false` when the CRM reported that a requested change failed.
 */
success?: boolean, } | { "kind": "workItem", id: string, phase: WorkItemPhase, channel?: string, document?: DocumentRef, reason?: string, size?: number, } | { "kind": "interaction", id: string, phase: InteractionPhase, media?: string, direction?: Direction, from?: string, to?: string, queue?: string, agentId?: string, reason?: string, 
/**
 * Vendor event name that produced this phase (e.g. `JOBSTARTED`, `MatchOffered`).
 */
vendorEvent?: string, 
/**
 * Attached data (AgentDesktop CallData, xuc USR_ variables, ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "screenPop", interactionId?: string, 
/**
 * Caller numbers / identifiers to search for.
 */
ani: Array<string>, dnis?: string, media?: string, queue?: string, 
/**
 * Pages and values to show (xuc Sheet fields, CallData).
 */
fields: Array<PopField>, 
/**
 * Vendor fields with no normalized slot.
 */
data: { [key in string]: JsonValue }, } | { "kind": "connection", status: ConnectionStatus, detail?: string, subscriptionId?: string, 
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
code: string, phoneNumber?: string, requestedNumber?: string, agentId?: string, } | { "kind": "agentConfig", agentId: string, name?: string, number?: string, context?: string, queues: Array<QueueMembership>, } | { "kind": "directory", list: DirectoryKind, entries: Array<DirectoryEntry>, } | { "kind": "queueMember" } & QueueMembership | { "kind": "statistics", agentId: string, values: { [key in string]: JsonValue }, } | { "kind": "listen", agentId: string, started: boolean, phoneNumber?: string, } | { "kind": "rights", profile: string, rights: Array<string>, } | { "kind": "callback", action: CallbackAction, uuid?: string, listUuid?: string, agentId?: string, ticketUuid?: string, 
/**
 * The callback lists or request, as sent (Lists / Updated).
 */
data?: JsonValue, } | { "kind": "participant", interactionId: string, role: ParticipantRole, 
/**
 * The vendor action (ADDED, REMOVED, INVITED, OBSERVING ...).
 */
action: string, participantId?: string, 
/**
 * Vendor fields with no normalized slot (`dialogId`, who disconnected ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "transfer", interactionId: string, 
/**
 * QUEUE, USER, AUTOMATION or EXTERNAL.
 */
to?: string, destination?: string, 
/**
 * CANCELLED or FAILED when the transfer did not happen.
 */
error?: string, detail?: string, 
/**
 * Vendor fields with no normalized slot (`queueName`, `initiatingAgentId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "channelReady", agentId?: string, channel?: string, } | { "kind": "crmData", userId?: string, userName?: string, 
/**
 * `S` (synchronized) or `C` (complementary) from the CCDef.
 */
omnichannelMode?: string, capabilities?: JsonValue, } | { "kind": "clickToDial", number: string, recordId?: string, data?: JsonValue, } | { "kind": "crmMessage", action: string, data?: JsonValue, });

export type EventBody = { "kind": "agentState", state: AgentStateKind, reason?: string, cause?: string, agentId?: string, 
/**
 * The vendor's own name for the state (e.g. `AgentOnPause`, `PAUSESUBSTATE`).
 */
vendorState?: string, phoneNumber?: string, queues: Array<string>, 
/**
 * Vendor fields with no normalized slot (xuc `acd`, `callType`; AXP `profileId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "presence", name: string, statusId?: string, available: boolean, channels: Array<PresenceChannel>, 
/**
 * `false` when the CRM reported that a requested change failed.
 */
success?: boolean, } | { "kind": "workItem", id: string, phase: WorkItemPhase, channel?: string, document?: DocumentRef, reason?: string, size?: number, } | { "kind": "interaction", id: string, phase: InteractionPhase, media?: string, direction?: Direction, from?: string, to?: string, queue?: string, agentId?: string, reason?: string, 
/**
 * Vendor event name that produced this phase (e.g. `JOBSTARTED`, `MatchOffered`).
 */
vendorEvent?: string, 
/**
 * Attached data (AgentDesktop CallData, xuc USR_ variables, ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "screenPop", interactionId?: string, 
/**
 * Caller numbers / identifiers to search for.
 */
ani: Array<string>, dnis?: string, media?: string, queue?: string, 
/**
 * Pages and values to show (xuc Sheet fields, CallData).
 */
fields: Array<PopField>, 
/**
 * Vendor fields with no normalized slot.
 */
data: { [key in string]: JsonValue }, } | { "kind": "connection", status: ConnectionStatus, detail?: string, subscriptionId?: string, 
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
code: string, phoneNumber?: string, requestedNumber?: string, agentId?: string, } | { "kind": "agentConfig", agentId: string, name?: string, number?: string, context?: string, queues: Array<QueueMembership>, } | { "kind": "directory", list: DirectoryKind, entries: Array<DirectoryEntry>, } | { "kind": "queueMember" } & QueueMembership | { "kind": "statistics", agentId: string, values: { [key in string]: JsonValue }, } | { "kind": "listen", agentId: string, started: boolean, phoneNumber?: string, } | { "kind": "rights", profile: string, rights: Array<string>, } | { "kind": "callback", action: CallbackAction, uuid?: string, listUuid?: string, agentId?: string, ticketUuid?: string, 
/**
 * The callback lists or request, as sent (Lists / Updated).
 */
data?: JsonValue, } | { "kind": "participant", interactionId: string, role: ParticipantRole, 
/**
 * The vendor action (ADDED, REMOVED, INVITED, OBSERVING ...).
 */
action: string, participantId?: string, 
/**
 * Vendor fields with no normalized slot (`dialogId`, who disconnected ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "transfer", interactionId: string, 
/**
 * QUEUE, USER, AUTOMATION or EXTERNAL.
 */
to?: string, destination?: string, 
/**
 * CANCELLED or FAILED when the transfer did not happen.
 */
error?: string, detail?: string, 
/**
 * Vendor fields with no normalized slot (`queueName`, `initiatingAgentId` ...).
 */
data: { [key in string]: JsonValue }, } | { "kind": "channelReady", agentId?: string, channel?: string, } | { "kind": "crmData", userId?: string, userName?: string, 
/**
 * `S` (synchronized) or `C` (complementary) from the CCDef.
 */
omnichannelMode?: string, capabilities?: JsonValue, } | { "kind": "clickToDial", number: string, recordId?: string, data?: JsonValue, } | { "kind": "crmMessage", action: string, data?: JsonValue, };

export type AgentStateKind = "loggedOut" | "loggedIn" | "ready" | "notReady" | "busy" | "wrapUp";

export type PresenceChannel = { name: string, available: boolean, id?: string, };

export type WorkItemPhase = "offered" | "accepted" | "rejected";

export type DocumentRef = { table: string, id: string, };

export type InteractionPhase = "created" | "queued" | "offered" | "alerting" | "dialing" | "connected" | "held" | "resumed" | "ended" | "wrapUp" | "done" | "updated";

export type Direction = "inbound" | "outbound" | "internal";

export type ConnectionStatus = "confirmed" | "invalidToken" | "unknownSubscription" | "serverError" | "constraintViolation" | "pong" | "ready" | "up" | "down" | "error";

export type DirectoryEntry = { id: string, name?: string, number?: string, email?: string, group?: string, state?: AgentStateKind, };

export type DirectoryKind = "agents" | "agentConfigs" | "agentGroups" | "crm";

export type QueueMembership = { agentId: string, queueId: string, queueName?: string, 
/**
 * Penalty; `-1` means removed from the queue.
 */
penalty: number, };

export type PopField = { name: string, value: string, 
/**
 * `url` for a page to open, `text` for a value.
 */
type: string, order?: number, };

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
wire: JsonValue, status: CommandStatus, 
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

export type AgentSnapshot = { state: AgentStateKind, reason?: string, agentId?: string, };

export type PresenceSnapshot = { name: string, statusId?: string, available: boolean, };

export type WorkItemSnapshot = { id: string, phase: WorkItemPhase, channel?: string, document?: DocumentRef, };

export type InteractionSnapshot = { id: string, side: Side, phase: InteractionPhase, media?: string, from?: string, to?: string, };

export type Snapshot = { "kind": "snapshot", mode: Mode, agentState: AgentSnapshot | null, presence: PresenceSnapshot | null, workItems: Array<WorkItemSnapshot>, interactions: Array<InteractionSnapshot>, pending: Array<Command>, crmSource: Source | null, ccSource: Source | null, };

