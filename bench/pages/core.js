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
  /**
   * The phases of `wasmPipeline`, each timed alone over n events (bench/profile-core.mjs; not a
   * bench row): the whole loop, `ingestTexts` without the handler calls, the `JSON.parse` of a
   * burst's output text, the texts copied into memory the way the glue copies a string into wasm
   * (`passStringToWasm0`: a JS loop over the ASCII code units), the handler calls alone, and the
   * output text decoded from bytes (`TextDecoder`, what the glue does before `JSON.parse`).
   */
  phases(n) {
    const bursts = Math.floor(n / BURST);
    n = bursts * BURST;
    const ms = {};
    const time = (name, f) => { const t0 = performance.now(); f(); ms[name] = performance.now() - t0; };
    time("wasmPipeline (the bench row)", () => window.core.wasmPipeline(n));
    let bridge = new Bridge("synchronized");
    time("ingestTexts alone (no handler calls)", () => { for (let i = 0; i < n; i += BURST) bridge.ingestTexts("xuc", burst, i); });
    const out = bridge.ingestTexts("xuc", burst, n);
    bridge.free();
    const text = JSON.stringify(out);
    let sink = 0;
    time("JSON.parse of the burst's output text", () => { for (let i = 0; i < bursts; i++) sink += JSON.parse(text).outputs.length; });
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    time("output bytes -> JS string (TextDecoder)", () => { for (let i = 0; i < bursts; i++) sink += decoder.decode(bytes).length; });
    const mem = new Uint8Array(1 << 16);
    time("texts copied in (the glue's per-char loop)", () => {
      for (let b = 0; b < bursts; b++) {
        let at = 0;
        for (let k = 0; k < BURST; k++) {
          const s = burst[k];
          const len = s.length;
          for (let e = 0; e < len; e++) { const c = s.charCodeAt(e); if (c > 0x7f) break; mem[at + e] = c; }
          at += len;
        }
      }
    });
    const outputs = out.outputs;
    time("handler calls alone (count)", () => { for (let i = 0; i < bursts; i++) count(outputs); });
    time("plain JS (reference)", () => { window.core.plainPipeline(n); });
    return { n, ms, outputsPerEvent: outputs.length / BURST, bytesPerEvent: text.length / BURST, sink };
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
