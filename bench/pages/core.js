// Bench core page (widget origin): the wasm core in-page, next to a plain-JavaScript
// decode + routing of xuc AgentStateEvent written the way xuc's documented Cti examples are.
import init, { decode, Bridge } from "../pkg/cti_bridge.js";

const texts = ["AgentReady", "AgentOnPause"].map((name) =>
  JSON.stringify({ msgType: "AgentStateEvent", ctiMessage: { name, agentId: 19, phoneNb: "1000", since: 0, queues: [1, 4], cause: "" } }));
const objects = texts.map((t) => JSON.parse(t));

// ---- Plain JavaScript, in the style of xuc's documented examples (Cti.setHandler(Cti.MessageType.X, fn)).
function makePlainCti() {
  const Cti = {
    MessageType: { AGENTSTATEEVENT: "AgentStateEvent" },
    handlers: {},
    setHandler(type, fn) { (Cti.handlers[type] = Cti.handlers[type] || []).push(fn); },
    receive(text) {
      const message = JSON.parse(text);
      const list = Cti.handlers[message.msgType];
      if (list) for (let i = 0; i < list.length; i++) list[i](message.ctiMessage);
    },
  };
  const STATES = {
    AgentLogin: "loggedIn", AgentReady: "ready", AgentOnPause: "notReady", AgentOnWrapup: "wrapUp",
    AgentRinging: "busy", AgentDialing: "busy", AgentOnCall: "busy", AgentLoggedOut: "loggedOut",
  };
  return { Cti, STATES };
}

function plainPipeline(n, deliver) {
  const { Cti, STATES } = makePlainCti();
  let last = null;
  let seq = 0;
  Cti.setHandler(Cti.MessageType.AGENTSTATEEVENT, (event) => {
    const state = STATES[event.name];
    if (!state || state === last) return; // routing: only changes go to the host
    last = state;
    deliver({ seq: ++seq, kind: "agentState", source: "xuc", state, vendorState: event.name, agentId: String(event.agentId), phoneNumber: event.phoneNb, queues: (event.queues || []).map(String), data: { since: event.since } });
  });
  for (let i = 0; i < n; i++) Cti.receive(texts[i & 1]);
}

let wasm;
let events = 0;
// The host's handler, called once per delivered agentState event.
const onAgentState = (event) => { if (event.kind === "agentState") events++; };
const count = (list) => {
  // ingestText returns the events and commands a message caused; hand the events to the host.
  for (let i = 0; i < list.length; i++) {
    const e = list[i].event || list[i];
    if (e.kind === "agentState") onAgentState(e);
  }
};

/** Texts per `ingestTexts` call: a burst of socket frames delivered within one task. */
const BURST = 64;
const burst = Array.from({ length: BURST }, (_, i) => texts[i & 1]);

window.core = {
  ready: init().then((w) => { wasm = w; return true; }),
  wasmBytes: () => wasm.memory.buffer.byteLength,
  burstSize: () => (typeof Bridge.prototype.ingestTexts === "function" ? BURST : null),
  sample: () => {
    const b = new Bridge("synchronized");
    return { decode: decode("xuc", objects[0]), ingest: b.ingestText("xuc", texts[0], 1) };
  },
  /**
   * decode -> sync engine -> host delivery (a handler call per event), wasm core, the texts
   * fed in bursts of BURST per `ingestTexts` call (one crossing per burst); a build without
   * `ingestTexts` is fed one text per call.
   */
  wasmPipeline(n) {
    if (typeof Bridge.prototype.ingestTexts !== "function") return window.core.wasmPipelinePerMessage(n);
    const bridge = new Bridge("synchronized");
    events = 0;
    let errors = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i += BURST) {
      const out = bridge.ingestTexts("xuc", n - i >= BURST ? burst : burst.slice(0, n - i), i);
      count(out.outputs);
      errors += out.errors.length;
    }
    const ms = performance.now() - t0;
    bridge.free();
    return { n, delivered: events, ms, errors };
  },
  /** The same, one text per `ingestText` call (a message handled as it arrives). */
  wasmPipelinePerMessage(n) {
    const bridge = new Bridge("synchronized");
    events = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) count(bridge.ingestText("xuc", texts[i & 1], i));
    const ms = performance.now() - t0;
    bridge.free();
    return { n, delivered: events, ms };
  },
  /** The same decode and routing in plain JavaScript. */
  plainPipeline(n) {
    let delivered = 0;
    const t0 = performance.now();
    plainPipeline(n, (e) => { if (e.kind === "agentState") delivered++; });
    return { n, delivered, ms: performance.now() - t0 };
  },
  /** The wasm decoder alone (stateless decode of a message object). */
  wasmDecode(n) {
    let decoded = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) decoded += decode("xuc", objects[i & 1]).length;
    return { n, decoded, ms: performance.now() - t0 };
  },
};
