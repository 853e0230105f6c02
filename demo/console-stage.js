// The demo console's vendor stage (served by the widget's origin, framed by the
// console): runs the in-page integration (startVendor) on the OpenFrame and
// AgentDesktop stand-ins and forwards every output to the console.
//
// Trust: the console's origin must be one of this origin's own
// widget-config.json allowedHostOrigins, and the message must come from the
// window that framed this page. Replies and outputs go to that exact origin,
// never "*". Query: mode=synchronized|complementary|off, load=TOKEN (echoed in "ready"),
// cc=xuc|axp with sim=ORIGIN: the contact centre is a live client against the simulator
// (startVendor's contactCentre) instead of the AgentDesktop stand-in.
import init, { startVendor } from "./pkg/cti_bridge.js";
import { prependLine } from "./dom.js";

const MAX_BUFFERED = 500;
const MODES = ["synchronized", "complementary", "off"];
const params = new URLSearchParams(location.search);
const mode = MODES.includes(params.get("mode")) ? params.get("mode") : "synchronized";
// Which load of this frame this is: the console ignores answers from a page it has reloaded.
const load = params.get("load") || "";
const cc = ["xuc", "axp"].includes(params.get("cc")) ? params.get("cc") : null;
const sim = params.get("sim");
// The simulator's public demo credentials (never real ones).
const contactCentre = !cc || !sim ? null
  : cc === "axp" ? { kind: "axp", restBase: `${sim}/api/notification/v1`, accountId: "DEMOAC", appKey: "demo-app-key" }
    : { kind: "xuc", baseUrl: sim, agentId: "19" };
const status = document.getElementById("status");
const log = document.getElementById("log");

const state = {
  parentOrigin: null, // set by the first valid connect
  buffer: [],
  vendor: null,
  dropped: { origin: 0, source: 0, malformed: 0 },
};

// The origins this page may talk to: the widget origin's own configuration.
const allowed = fetch("widget-config.json", { cache: "no-store" })
  .then((r) => (r.ok ? r.json() : {}))
  .then((c) => (Array.isArray(c.allowedHostOrigins) ? c.allowedHostOrigins.filter((o) => typeof o === "string" && o !== "*") : []))
  .catch(() => []);

function post(message) {
  if (!state.parentOrigin) {
    if (state.buffer.length < MAX_BUFFERED) state.buffer.push(message);
    return;
  }
  window.parent.postMessage(message, state.parentOrigin);
}

function show(text, cls) {
  prependLine(log, text, cls, 100);
}

/** What the console may ask of the stage (the stand-ins' test controls and the Vendor's actions). */
const OPS = {
  emitOpenFrame: (name, payload) => window.openFrameTest.emit(name, payload),
  emitAgentDesktop: (event) => window.agentDesktopTest.emit(event),
  request: (target, desired) => state.vendor.request(target, desired),
  answer: () => state.vendor.answer(),
  hangup: (id) => state.vendor.hangup(id || undefined),
  makeCall: (number) => state.vendor.makeCall(String(number)),
  snapshot: () => state.vendor.snapshot(),
  stats: () => state.vendor.stats(),
  ccCommand: (name, args) => state.vendor.ccCommand(String(name), Array.isArray(args) ? args : []),
  dropped: () => ({ ...state.dropped }),
};

/** Counts a dropped message; the counters are on the body for tests (data-dropped). */
function drop(reason) {
  state.dropped[reason]++;
  document.body.dataset.dropped = JSON.stringify(state.dropped);
}

async function onMessage(event) {
  if (window.parent === window || event.source !== window.parent) {
    drop("source");
    return;
  }
  const origins = await allowed;
  if (!origins.includes(event.origin)) {
    drop("origin");
    status.textContent = `refused a message from ${event.origin} (not an allowed host origin)`;
    return;
  }
  const data = event.data;
  if (!data || typeof data !== "object" || typeof data.stage !== "string") {
    drop("malformed");
    return;
  }
  if (data.stage === "connect") {
    state.parentOrigin = event.origin;
    const vendors = state.vendor ? state.vendor.vendors() : [];
    window.parent.postMessage({ stage: "ready", load, mode, vendors, dropped: state.dropped }, state.parentOrigin);
    for (const m of state.buffer.splice(0)) window.parent.postMessage(m, state.parentOrigin);
    return;
  }
  if (event.origin !== state.parentOrigin) {
    drop("origin");
    return;
  }
  if (data.stage === "call" && Object.prototype.hasOwnProperty.call(OPS, data.op)) {
    const args = Array.isArray(data.args) ? data.args : [];
    try {
      if (!state.vendor) throw new Error("the vendor integration is not running");
      const value = OPS[data.op](...args);
      post({ stage: "result", id: data.id, ok: true, value: value === undefined ? null : value });
    } catch (e) {
      post({ stage: "result", id: data.id, ok: false, error: String(e && e.message ? e.message : e) });
    }
    return;
  }
  drop("malformed");
}

window.addEventListener("message", (event) => {
  onMessage(event).catch((e) => show(`message failed: ${e.message}`, "vendorNotice"));
});

async function main() {
  await init();
  const config = { mode, openframe: { openOn: ["accepted"] } };
  if (contactCentre) config.contactCentre = contactCentre;
  const credentials = async (what) => (what === "token" ? "sim-token" : { login: "alice", password: "alice" });
  state.vendor = startVendor(config, (item) => {
    post({ stage: "output", item });
    if (item.kind === "vendorCall") show(`${item.target} ${item.namespace ? `${item.namespace}.` : ""}${item.method}`, "vendorCall");
    else if (item.kind === "vendorNotice") show(`${item.source} ${item.level}: ${item.text}`, "vendorNotice");
    else show(`${item.kind} ${item.state || item.phase || item.status || item.name || ""}`);
  }, credentials);
  status.textContent = `vendors: ${state.vendor.vendors().join(", ")} \u00b7 mode ${mode}`;
  post({ stage: "started", vendors: state.vendor.vendors(), mode });
}

main().catch((e) => {
  status.textContent = `failed to start: ${e.message}`;
  post({ stage: "error", message: String(e.message) });
});
