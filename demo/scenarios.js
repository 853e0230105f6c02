// The demo console's scenarios and the vendor messages they are made of.
//
// Message shapes are the seed samples' (tests/fixtures/*.jsonl, crates/sim/scenarios/axp-day.jsonl):
// xuc agent 19 on line 1000, one AXP agent, an AgentDesktop telephony job, an
// OpenFrame AWA case. A scenario is a list of steps; each step calls the
// session's contact-centre side (`cc`) or CRM side (`crm`) drivers, which
// deliver the messages the chosen way (widget inject, simulator feed, stage).

import { xucAgentState, xucPhoneEvent } from "./xuc-frames.js";

const AXP_AGENT = "4a785201-73b8-4842-abf7-36f5e572d310";
const CALLER = "0427466347";

let counter = 0;
/** A fresh call / work item identity. */
export function newCall() {
  counter += 1;
  const n = `${Date.now() % 100000}${counter}`;
  return { n, caller: CALLER, id: `call-${n}` };
}

// ---- xuc (XiVO CTI) ----------------------------------------------------------


export const xuc = {
  source: "xuc",
  login: () => [xucAgentState("AgentLogin", { since: Math.floor(Date.now() / 1000) })],
  ready: () => [xucAgentState("AgentReady", { cause: "available" })],
  pause: (reason) => [xucAgentState("AgentOnPause", { cause: reason || "" })],
  offer: (call) => [xucPhoneEvent("EventRinging", call), xucAgentState("AgentRinging")],
  answer: (call) => [xucPhoneEvent("EventEstablished", call), xucAgentState("AgentOnCall", { acd: true, direction: "Incoming", callType: "External", monitorState: "ACTIVE" })],
  hangup: (call) => [xucPhoneEvent("EventReleased", call), xucAgentState("AgentOnWrapup", { since: 1 })],
  wrapDone: () => [xucAgentState("AgentReady", { cause: "available" })],
  missed: (call) => [xucPhoneEvent("EventReleased", call, { XIVO_HANGUP_CAUSE: "no-answer" })],
  forcedPause: () => [xucAgentState("AgentOnPause", { cause: "missed-call" })],
  /** What the simulated xuc does with a command's wire (pauseAgent / unpauseAgent). */
  obey: (wire) => (wire && wire.command === "pauseAgent" ? [xucAgentState("AgentOnPause", { cause: wire.reason || "" })]
    : wire && wire.command === "unpauseAgent" ? [xucAgentState("AgentReady", { cause: "available" })] : []),
};

// ---- AXP (Avaya Experience Platform, read-only events) -------------------------

const axpBody = (body) => ({ body: { agentId: AXP_AGENT, channelId: "Voice", ...body } });

export const axp = {
  source: "axp",
  login: () => [axpBody({ event: "AgentState", profileId: "HomeProfile", state: "LOGGED_IN" })],
  ready: () => [axpBody({ event: "AgentState", profileId: "HomeProfile", state: "READY" })],
  pause: (reason) => [axpBody({ event: "AgentState", profileId: "HomeProfile", state: "NOT_READY", reasonCode: "514", cause: reason || "Break" })],
  offer: (call) => [
    axpBody({ event: "InboundEngagementCreated", engagementId: call.id, callingNumber: `+3539${call.caller}`, dialogId: `d-${call.n}` }),
    axpBody({ event: "MatchOffered", engagementId: call.id, matchId: `m-${call.n}`, strategy: "MOST_IDLE",
      offeredQueue: { queueId: "6d1490d5-7886-417d-ac85-fb0825d53a93", channelId: "Voice", offeredAgentData: { agentId: AXP_AGENT } } }),
  ],
  answer: (call) => [axpBody({ event: "AgentParticipant", engagementId: call.id, action: "ADDED" })],
  hangup: (call) => [
    axpBody({ event: "AgentParticipant", engagementId: call.id, action: "REMOVED", agentInitiatedDisconnect: true }),
    axpBody({ event: "AfterContactWorkActivated", engagementId: call.id }),
  ],
  wrapDone: (call) => [
    axpBody({ event: "AfterContactWorkCompleted", engagementId: call.id }),
    axpBody({ event: "AgentState", profileId: "HomeProfile", state: "READY" }),
  ],
  missed: (call) => [{ body: { event: "ExternalParticipant", engagementId: call.id, externalParticipantId: `+3539${call.caller}`, action: "REMOVED", channelId: "Voice" } }],
  forcedPause: () => [axpBody({ event: "AgentState", profileId: "HomeProfile", state: "NOT_READY", reasonCode: "RONA", cause: "Redirect on no answer" })],
  obey: () => [],
};

// ---- AgentDesktop (in-page SDK events) ----------------------------------------

const adJob = (event, call, extra) => ({
  event, id: call.n, uuid: call.id, type: "inbound", media_type: "telephony", job_type: "inbound", service: "ASSISTENZA",
  ani: call.caller, dnis: "800123456", queue: "Supporto_Tecnico", isACD: true,
  CallData: [{ name: "CUSTOMER_ID", value: `C-${call.n}` }], ...extra,
});

export const agentdesktop = {
  source: "agentdesktop",
  login: () => [{ event: "LOGGEDIN" }],
  ready: () => [{ event: "LOGGEDIN" }],
  pause: (reason) => [{ event: reason ? `PAUSESUBSTATE [${reason}]` : "PAUSE" }],
  offer: (call) => [adJob("JOBSCHEDULED", call), adJob("CONNECTIONSTARTED", call), adJob("RINGING", call)],
  answer: (call) => [adJob("ESTABLISHED", call, { startTime: Date.now() }), adJob("POPUP", call), adJob("JOBSTARTED", call, { job_state: "online" })],
  hangup: (call) => [adJob("CONNECTIONCLEARED", call, { job_state: "online" }), adJob("JOBCHANGED", call, { job_state: "offline" })],
  wrapDone: (call) => [adJob("JOBFINISHED", call, { job_state: "offline", reason: "RISOLTO" })],
  missed: (call) => [adJob("CONNECTIONCLEARED", call), adJob("JOBFINISHED", call, { reason: "NOANSWER" })],
  forcedPause: () => [{ event: "PAUSESUBSTATE [1701]" }],
  /** What the simulated desktop does with AGENT.Ready / AGENT.Pause (the stand-in echoes the same). */
  obey: (wire) => (wire && wire.namespace === "AGENT" && wire.method === "Ready" ? [{ event: "LOGGEDIN" }]
    : wire && wire.namespace === "AGENT" && wire.method === "Pause" ? [{ event: wire.args && wire.args[0] ? `PAUSESUBSTATE [${wire.args[0]}]` : "PAUSE" }] : []),
};

// ---- OpenFrame (ServiceNow AWA events, the stand-in emits them) -----------------

export const openframe = {
  presence: (name, available) => ["openframe_awa_agent_presence", { result: { presence: {
    name, sys_id: `presence-${name.toLowerCase()}`, available,
    channels: [{ name: "Case", available, sys_id: "d4a675e3739713004a905ee515f6a7e7" }, { name: "Phone", available, sys_id: "f6281cc39335330090813a53177ffb32" }],
  } } }],
  workItem: (phase, item) => [`openframe_awa_workitem_${phase}`, { result: { workItem: {
    sys_id: item.id, size: 1, serviceChannel: { name: "Case", sys_id: "d4a675e3739713004a905ee515f6a7e7" },
    document: { sys_id: `doc${item.n}`, table: "sn_customerservice_case" },
  } } }],
  offInteraction: (item) => ["openframe_agent_off_interaction", { result: { interaction: {
    sys_id: item.id, number: `IMS${item.n}`, type: "case", reason: "INTERACTION_DONE",
  } } }],
};

// ---- the scenarios ------------------------------------------------------------

/** The set-up most scenarios start with: Available in the CRM, Ready on the phone. */
const bothReady = (s) => [
  { text: "The CRM user is Available", run: () => s.crm.presence("Available") },
  { text: "The agent is Ready on the phone", run: () => s.cc.send("ready") },
];

/**
 * Each scenario: id, title, needs(session) -> null when it can run, else why not;
 * steps(session) -> [{text, run}] where run is async and uses session.cc / session.crm.
 */
export const SCENARIOS = [
  {
    id: "inbound",
    title: "Inbound call with screen pop",
    needs: () => null,
    steps: (s) => {
      const call = newCall();
      return [
        ...bothReady(s),
        { text: `A call from ${call.caller} rings`, run: () => s.cc.offer(call) },
        { text: "The agent answers: the caller's record pops; the CRM is Not Ready while the contact lasts (work)", run: () => s.cc.answer(call) },
        { text: "The call ends: after-call work", run: () => s.cc.hangup(call) },
        { text: "Work done, the agent is Ready: the CRM is Available again", run: () => s.cc.wrapDone(call) },
      ];
    },
  },
  {
    id: "case",
    title: "ServiceNow case accepted while Ready on the phone",
    needs: (s) => (s.crmSide === "openframe" ? null : "needs the ServiceNow-like OpenFrame page (AWA work items) as the CRM side"),
    steps: (s) => {
      const item = { ...newCall(), id: `wi-${Date.now() % 100000}` };
      return [
        { text: "ServiceNow presence Available", run: () => s.crm.presence("Available") },
        { text: "The agent is Ready on the phone", run: () => s.cc.send("ready") },
        { text: "AWA offers a case: the OpenFrame panel shows", run: () => s.crm.workItem("offered", item) },
        { text: "The agent accepts the case: the record opens, the phone agent is paused (work)", run: () => s.crm.workItem("accepted", item) },
        { text: "The case is closed: the bridge puts the phone agent back to Ready (restore)", run: () => s.crm.offInteraction(item) },
      ];
    },
  },
  {
    id: "missed",
    title: "Forced pause after a missed offer",
    needs: () => null,
    steps: (s) => {
      const call = newCall();
      return [
        ...bothReady(s),
        { text: `A call from ${call.caller} is offered to the agent`, run: () => s.cc.offer(call) },
        { text: "Nobody answers: the offer is withdrawn", run: () => s.cc.missed(call) },
        { text: "The contact centre forces a pause for the missed offer: the CRM follows to Not Ready", run: () => s.cc.send("forcedPause") },
        { text: "The agent goes Ready again: the CRM follows", run: () => s.agentReadyAgain() },
      ];
    },
  },
  {
    id: "drop",
    title: "A dropped connection",
    needs: () => null,
    steps: (s) => [
      { text: "The agent is Ready", run: () => s.cc.send("ready") },
      { text: "A stray message reaches the embedded page: dropped, counted, and the reason shown", run: () => s.stray() },
      { text: "The embedded page's connection drops (it reloads)", run: () => s.drop() },
      { text: "It reconnects: the handshake runs again", run: () => s.waitReconnected() },
      { text: "The contact-centre link drops and recovers (live simulator only)", run: () => s.dropCcLink() },
      { text: "Events flow again: the agent pauses", run: () => s.cc.send("pause", "after-drop") },
    ],
  },
];
