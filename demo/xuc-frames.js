// The xuc (XiVO CTI) wire frames the demo plays, in one place: `{msgType, ctiMessage}`
// as xuc sends them on its WebSocket. Shapes from the seed samples
// (tests/fixtures/xuc.jsonl): agent 19 on line 1000.

export const XUC_AGENT = 19;
export const XUC_LINE = "1000";
export const XUC_QUEUES = [8, 14, 170, 4, 1];

/** A frame: `{msgType, ctiMessage}`. */
export const xucFrame = (msgType, ctiMessage = {}) => ({ msgType, ctiMessage });

/** The CTI session is logged on. */
export const xucLoggedOn = () => xucFrame("LoggedOn");

/** An AgentStateEvent of agent 19 (`name`: AgentLogin, AgentReady, AgentOnPause, ...). */
export const xucAgentState = (name, extra = {}) =>
  xucFrame("AgentStateEvent", { name, agentId: XUC_AGENT, phoneNb: XUC_LINE, since: 0, queues: XUC_QUEUES, ...extra });

/** A PhoneEvent on line 1000 for `call` ({id, caller}); `userData` adds to its user data. */
export const xucPhoneEvent = (eventType, call, userData = {}) => xucFrame("PhoneEvent", {
  eventType, DN: XUC_LINE, otherDN: call.caller, linkedId: call.id, uniqueId: call.id, queueName: "bluesky",
  userData: { XIVO_SRCNUM: call.caller, ...userData },
});
