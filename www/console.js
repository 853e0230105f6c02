// cti-bridge demo console: the demo's front page. It plays the CRM, embeds the
// bridge from the widget's origin (the widget through the drop-in script, or
// the vendor stage for the in-page ServiceNow / AgentDesktop integration),
// plays scenarios, lets the user act by hand, and shows every system on a live
// timeline and every message in the inspector.
//
// Query: widget=ORIGIN (default http://localhost:8081), sim=URL (default
// http://127.0.0.1:8090), crm=crm-connector|openframe, cc=xuc|axp|agentdesktop,
// delivery=inject|live, mode=synchronized|complementary|off, pace=MS (default 1200).
//
// Strict CSP: no inline script or style; element.style is never needed.

import { Timeline } from "./timeline.js";
import { Inspector } from "./inspector.js";
import { SCENARIOS, newCall, xuc, axp, agentdesktop, openframe } from "./scenarios.js";

const params = new URLSearchParams(location.search);
const WIDGET_ORIGIN = (params.get("widget") || "http://localhost:8081").replace(/\/+$/, "");
const SIM = (params.get("sim") || "http://127.0.0.1:8090").replace(/\/+$/, "");
const PACE_MS = Math.max(0, Number(params.get("pace") ?? 1200) || 0);
const HEALTH_MS = 2000;
const MODES = ["synchronized", "complementary", "off"];
const CRM_SIDES = ["crm-connector", "openframe"];
const CC_SIDES = ["xuc", "axp", "agentdesktop"];
const DELIVERIES = ["inject", "live"];
const VENDORS = { xuc, axp, agentdesktop };
const SIDE_NAMES = {
  "crm-connector": "CRM Connector client",
  openframe: "ServiceNow OpenFrame",
  xuc: "XiVO xuc",
  axp: "Avaya AXP",
  agentdesktop: "AgentDesktop",
};

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (value, allowed, fallback) => (allowed.includes(value) ? value : fallback);

const timeline = new Timeline($("timeline"));
const inspector = new Inspector({
  table: $("inspector"),
  detail: $("inspector-detail"),
  count: $("inspector-count"),
  peer: $("filter-peer"),
  kind: $("filter-kind"),
  text: $("filter-text"),
  clear: $("inspector-clear"),
  follow: $("follow"),
  scroller: document.querySelector(".inspector-table"),
});

// ---- the fake CRM (the CRM Connector side) -----------------------------------

/** The CRM's presence statuses; the CRM Connector status id is "id" or "id;label". */
const STATUSES = [
  { id: "Available", label: "Available", ready: true },
  { id: "Busy", label: "Busy", ready: false },
  { id: "Away", label: "Away on break", ready: false },
];
const statusById = (id) => STATUSES.find((s) => s.id === id);
const wireId = (s) => (s.label === s.id ? s.id : `${s.id};${s.label}`);

const crm = {
  current: STATUSES[0],
  listeners: new Set(),
  set(status, by) {
    crm.current = status;
    inspector.add({ dir: "note", peer: "crm", kind: "crm", type: "presence", summary: `the CRM user is ${status.label} (set by ${by})`, data: { statusId: wireId(status), by } });
    for (const listener of crm.listeners) {
      // The drop-in answers with a CRM Connector omnichannelResponse on the widget port.
      inspector.add({ dir: "out", peer: "crm-connector", origin: WIDGET_ORIGIN, kind: "wire", type: "omnichannelResponse", summary: `statusId ${wireId(status)} (sent by the drop-in)`, data: { type: "ClientAppMessage", action: "omnichannelResponse", data: { statusId: wireId(status), success: true } } });
      listener(wireId(status));
    }
  },
};

/** The three functions a CRM developer writes; the drop-in plays the CRM Connector client. */
const crmApi = {
  getPresence: () => wireId(crm.current),
  setPresence: async (id) => {
    await sleep(120); // a CRM takes a moment
    const status = statusById(id);
    if (!status) return false;
    crm.set(status, "the bridge");
    return true;
  },
  onPresenceChange: (callback) => {
    crm.listeners.add(callback);
    return () => crm.listeners.delete(callback);
  },
  currentUser: { Id: "0051x000001", Name: "Ada Agent", Username: "ada@example.test" },
};

// ---- what the page shows -----------------------------------------------------

const view = {
  session: null,
  running: false, // a scenario is playing
  agent: null,
  presence: null,
  call: null, // the contact the console made ring: {id, ..., phase}
  epoch: "stage", // the widget's epoch: command ids are unique within one
};

function setStatus(text, tone) {
  const pill = $("session-status");
  pill.textContent = text;
  pill.className = `pill tone-${tone || "info"}`;
  document.body.dataset.session = tone === "ok" ? "ready" : tone === "bad" ? "failed" : "connecting";
}

function banner(text) {
  const b = $("banner");
  b.hidden = !text;
  b.textContent = text || "";
}

function renderSides() {
  const p = view.presence;
  $("crm-card").dataset.available = p ? String(p.available) : "unknown";
  $("crm-name").textContent = p ? p.name : "no presence yet";
  $("crm-note").textContent = view.session ? SIDE_NAMES[view.session.crmSide] : "";
  const a = view.agent;
  $("cc-card").dataset.state = a ? a.state : "";
  $("cc-name").textContent = a ? a.state : "no agent state yet";
  $("cc-note").textContent = [view.session ? SIDE_NAMES[view.session.ccSide] : "", a && a.reason ? `reason ${a.reason}` : ""].filter(Boolean).join(" \u00b7 ");
  renderActions();
}

/** Enables each manual action where the chosen sides support it; otherwise says why in a tooltip. */
function renderActions() {
  const s = view.session;
  for (const b of document.querySelectorAll("[data-act]")) {
    const why = !s || !s.ready ? "the bridge is not connected yet" : view.running ? "a scenario is playing" : s.why(b.dataset.act);
    b.disabled = Boolean(why);
    b.title = why || b.dataset.tip || "";
  }
  for (const b of document.querySelectorAll("[data-scenario]")) {
    const sc = SCENARIOS.find((x) => x.id === b.dataset.scenario);
    const why = !s || !s.ready ? "the bridge is not connected yet" : view.running ? "a scenario is playing" : sc.needs(s);
    b.disabled = Boolean(why);
    b.title = why || `play "${sc.title}"`;
  }
}

// ---- one handler for everything the bridge outputs -------------------------

const DROP_REASONS = {
  origin: "from an origin not in the widget's allow-list",
  source: "from a window that is not the embedding page",
  malformed: "neither a handshake nor a CRM Connector object",
  version: "a protocol version the widget does not speak",
  droppedOrigin: "host side: not the widget's origin",
  droppedSource: "host side: not the widget's frame",
  duplicates: "host side: a sequence number seen before",
};

function summarize(e) {
  switch (e.kind) {
    case "agentState": return `${e.state}${e.reason ? ` (${e.reason})` : ""}${e.vendorState ? ` \u00b7 ${e.vendorState}` : ""}`;
    case "presence": return `${e.name} \u00b7 available ${e.available}`;
    case "workItem": return `${e.phase} ${e.channel || ""} ${e.id}`;
    case "interaction": return `${e.phase} ${e.media || ""} ${e.from || ""} ${e.id}`;
    case "screenPop": return `pop ${(e.ani || []).join(", ")}`;
    case "command": return `#${e.id} \u2192 ${e.target} ${e.state} (${e.cause}) ${e.status}${e.detail ? `: ${e.detail}` : ""}`;
    case "crmRequest": return `\u2192 ${e.target} ${e.wire && e.wire.action}`;
    case "connection": return `${e.status}${e.detail ? ` \u00b7 ${e.detail}` : ""}`;
    case "ccHealth": return `${e.source} ${e.state}${e.reason ? `: ${e.reason}` : ""}`;
    case "error": return `${e.code || ""} ${e.reason || ""}`;
    default: return "";
  }
}

/** Adds an output (widget event, command, vendor call, trace entry ...) to the inspector. */
function inspect(item, origin) {
  switch (item.kind) {
    case "trace":
      return inspector.add({ dir: item.dir, peer: `widget\u2194${item.peer}`, origin: item.origin || origin, kind: "trace", type: item.type, summary: item.bytes ? `${item.bytes} bytes` : "", dropped: item.dropped, data: item });
    case "vendorCall":
      return inspector.add({ dir: "out", peer: item.target, origin, kind: "vendor", type: `${item.namespace ? `${item.namespace}.` : ""}${item.method}`, summary: (item.args || []).map((a) => JSON.stringify(a)).join(", "), data: item });
    case "vendorNotice":
      return inspector.add({ dir: item.level === "dropped" || item.level === "refused" ? "drop" : "in", peer: item.source, origin, kind: "notice", type: item.level, summary: item.text, dropped: item.level === "dropped" || item.level === "refused" ? item.text : undefined, data: item });
    case "crmMessage":
      return inspector.add({ dir: "in", peer: "crm-connector", origin, kind: "wire", type: item.message && item.message.action, summary: `widget \u2192 CRM: ${JSON.stringify((item.message && item.message.data) || {})}`, data: item });
    case "crmRequest":
      return inspector.add({ dir: "in", peer: item.target, origin, kind: "wire", type: item.wire && item.wire.action, summary: summarize(item), data: item });
    case "command":
      return inspector.add({ dir: "in", peer: item.target, origin, kind: "command", type: `${item.state} ${item.status}`, summary: summarize(item), data: item });
    case "connection":
    case "health":
    case "ccHealth":
      return inspector.add({ dir: "in", peer: item.source || "widget", origin, kind: "health", type: item.kind, summary: summarize(item) || item.status, data: item });
    case "error":
      return inspector.add({ dir: "in", peer: item.source || "widget", origin, kind: "error", type: item.code || "error", summary: summarize(item), data: item });
    default:
      return inspector.add({ dir: "in", peer: item.source || "widget", origin, kind: "event", type: item.kind, summary: summarize(item), data: item });
  }
}

/** Everything the bridge reports, from either kind of session. */
function onOutput(item, origin) {
  inspect(item, origin);
  const s = view.session;
  switch (item.kind) {
    case "presence":
      view.presence = { name: item.name, available: item.available };
      timeline.presence(item.name, item.available);
      break;
    case "agentState":
      view.agent = { state: item.state, reason: item.reason };
      timeline.agent(item.state, item.reason);
      break;
    case "workItem":
      timeline.workItem(item);
      break;
    case "interaction":
      timeline.interaction(item);
      if (view.call && view.call.id === item.id) view.call.phase = item.phase;
      break;
    case "participant":
      // An offer withdrawn before anyone answered has no closing phase.
      if (item.role === "external" && item.action === "REMOVED" && view.call && view.call.id === item.interactionId && view.call.phase !== "connected") {
        timeline.endInteraction(item.interactionId);
        view.call.phase = "done";
      }
      break;
    case "command":
      timeline.command(item, `${view.epoch}:${item.id}`);
      if (s) s.onCommand(item);
      break;
    case "crmRequest":
      timeline.request(item.wire && item.wire.action);
      break;
    case "vendorCall":
      if (item.target === "openframe" && item.method === "openServiceNowForm") timeline.request("openServiceNowForm");
      break;
    case "connection":
      if (!item.source && item.status === "ready") {
        timeline.link("host", "live", "page \u2194 widget: connected");
        if (item.epoch) view.epoch = item.epoch; // a restarted widget numbers its commands afresh
      }
      else if (!item.source && item.status === "reconnecting") timeline.link("host", "reconnecting", "page \u2194 widget: reconnecting");
      break;
    case "ccHealth":
      timeline.link("cc", item.state, `${item.source}: ${item.state} ${item.reason || ""}`);
      if (s) s.onCcHealth(item);
      break;
  }
  renderSides();
}

// ---- sessions ------------------------------------------------------------------

/** Which combinations this build can run, or why not. */
function unsupported(crmSide, ccSide, delivery) {
  if (crmSide === "openframe" && ccSide !== "agentdesktop") {
    return "The in-page OpenFrame integration takes its contact centre from the AgentDesktop page; pick AgentDesktop (or the CRM Connector client for xuc / AXP).";
  }
  if (delivery === "live" && ccSide === "agentdesktop") return "AgentDesktop runs in the page: there is no simulator link to make live.";
  return null;
}

/** Shared by both kinds of session: the parts a scenario and the buttons use. */
class BaseSession {
  constructor(choice) {
    Object.assign(this, choice);
    this.ready = false;
    this.disposed = false;
    this.timers = [];
    this.offs = [];
    this.vendor = VENDORS[this.ccSide];
  }
  listen(target, type, fn) {
    target.addEventListener(type, fn);
    this.offs.push(() => target.removeEventListener(type, fn));
  }
  every(ms, fn) {
    const id = setInterval(fn, ms);
    this.timers.push(() => clearInterval(id));
  }
  dispose() {
    this.disposed = true;
    this.ready = false;
    for (const off of this.offs.splice(0)) off();
    for (const stop of this.timers.splice(0)) stop();
  }
  /** Why a manual action cannot run here (null: it can). */
  why(act) {
    if ((act === "ready" || act === "notReady") && this.ccSide === "axp") {
      return "AXP events are read-only: the agent sets the state in Avaya's agent client (the bridge answers notSupported)";
    }
    if (act === "accept" && !(view.call && ["offered", "alerting", "created", "queued"].includes(view.call.phase))) return "no contact is ringing (press Ring first)";
    if (act === "hangup" && !(view.call && ["connected", "held", "resumed"].includes(view.call.phase))) return "no contact in progress";
    if (act === "wrapDone" && !(view.call && view.call.hungUp && !view.call.wrapped)) return "no contact in after-call work";
    return null;
  }
  /** The contact-centre side as scenarios and buttons drive it. */
  get cc() {
    return {
      send: (name, ...args) => this.deliverAll(this.vendor[name](...args), name),
      offer: async (call) => {
        view.call = { ...call, phase: "offered" };
        await this.deliverAll(this.vendor.offer(call), "offer");
      },
      answer: (call) => this.answer(call),
      hangup: (call) => this.hangup(call),
      wrapDone: (call) => this.deliverAll(this.vendor.wrapDone(call), "wrapDone"),
      missed: (call) => this.deliverAll(this.vendor.missed(call), "missed"),
    };
  }
  async answer(call) {
    await this.deliverAll(this.vendor.answer(call), "answer");
  }
  async hangup(call) {
    await this.deliverAll(this.vendor.hangup(call), "hangup");
  }
  async deliverAll(messages, why) {
    for (const m of messages) await this.deliver(m, why);
  }
  /** Go ready for the missed-offer scenario: by the host API where the side takes it, else in the agent client. */
  agentReadyAgain() {
    return this.why("ready") ? this.cc.send("ready") : this.setAgent("ready");
  }
  onCommand() {}
  onCcHealth() {}
}

/** The widget through the drop-in script (CRM Connector client), with the contact centre injected or live. */
class WidgetSession extends BaseSession {
  constructor(choice) {
    super(choice);
    this.kind = "widget";
    this.bridge = null;
    this.lastDropped = null;
    this.reconnected = null;
    this.ccLive = null;
  }

  labels() {
    return {
      crm: "CRM presence \u00b7 CRM Connector",
      cc: `agent \u00b7 ${SIDE_NAMES[this.ccSide]}`,
      linkHost: "page \u2194 widget",
      linkCc: this.delivery === "live" ? `widget \u2194 ${this.ccSide} sim` : "contact centre (in page)",
    };
  }

  async build(slot) {
    const query = this.delivery === "live" ? `?config=${this.ccSide}` : "";
    const widgetUrl = `${WIDGET_ORIGIN}/widget.html${query}`;
    timeline.link("host", "connecting", "page \u2194 widget: connecting");
    timeline.link("cc", this.delivery === "live" ? "connecting" : "in page", this.delivery === "live" ? "waiting for the widget's live client" : "messages injected by this page");
    // The widget's window-level messages (hello, refused) as this page sees them.
    this.listen(window, "message", (event) => {
      const frame = this.bridge ? this.bridge.iframe() : slot.querySelector("iframe");
      const data = event.data;
      if (frame && event.source === frame.contentWindow && event.origin === WIDGET_ORIGIN) {
        inspector.add({ dir: "in", peer: "window", origin: event.origin, kind: "window", type: (data && data.cti) || (data && data.action) || typeof data, summary: "window message from the widget frame", data });
      } else if (!(data && typeof data === "object" && "stage" in data)) {
        inspector.add({ dir: "drop", peer: "window", origin: event.origin, kind: "window", type: typeof data, dropped: event.origin !== WIDGET_ORIGIN ? "not the widget's origin" : "not the widget's frame", data });
      }
    });
    const options = { widgetUrl, container: slot, mode: this.mode, timeoutMs: 15000, crm: crmApi, title: "cti-bridge widget" };
    if (this.delivery === "live") {
      options.contactCentre = { credentials: async (what) => (what === "token" ? "sim-token" : { login: "alice", password: "alice" }) };
    }
    const row = inspector.add({ dir: "out", peer: "widget", origin: WIDGET_ORIGIN, kind: "call", type: "connect", summary: `CtiBridge.connect(${widgetUrl}, mode ${this.mode})`, data: { ...options, container: "#frame-slot", crm: "{getPresence, setPresence, onPresenceChange}", contactCentre: options.contactCentre ? "{credentials}" : undefined } });
    const bridge = await CtiBridge.connect(options);
    if (this.disposed) {
      bridge.dispose();
      return;
    }
    this.bridge = bridge;
    inspector.settle(row, "connected", { hostStats: bridge.hostStats() });
    bridge.on("*", (e) => onOutput(e, WIDGET_ORIGIN));
    this.ready = true;
    this.every(HEALTH_MS, () => this.refreshHealth());
    this.refreshHealth();
    if (this.delivery === "live") {
      // Without a ccHealth within a few seconds the widget's server offers no such contact centre.
      const timer = setTimeout(() => {
        if (!this.ccLive && !this.disposed) {
          $("session-note").textContent = `No live contact-centre health from the widget: its server may not offer ?config=${this.ccSide} (start the demo with the simulator).`;
        }
      }, 5000);
      this.timers.push(() => clearTimeout(timer));
    }
  }

  /** Calls a bridge method and logs the call and its answer. */
  async call(method, ...args) {
    const row = inspector.add({ dir: "out", peer: "widget", origin: WIDGET_ORIGIN, kind: "call", type: method, summary: `${method}(${args.map((a) => JSON.stringify(a)).join(", ")})`, data: { method, args } });
    try {
      const result = await this.bridge[method](...args);
      inspector.settle(row, `${row.summary} \u2192 ${result && result.status ? result.status : "ok"}`, result);
      return result;
    } catch (e) {
      inspector.settle(row, `${row.summary} \u2192 ${e.code || "failed"}: ${e.message}`, { code: e.code, message: e.message, detail: e.detail }, true);
      throw e;
    }
  }

  async deliver(message, why) {
    if (this.delivery === "live") return this.feedSim(message, why);
    return this.call("inject", this.ccSide, message);
  }

  /** Feeds one frame to the simulator (docs/simulators.md feed lines), which sends it to the widget's live client. */
  async feedSim(message, why) {
    const line = JSON.stringify({ [this.ccSide]: message });
    const row = inspector.add({ dir: "out", peer: `${this.ccSide}-sim`, origin: SIM, kind: "sim", type: "POST /sim/send", summary: `${why}: ${line.slice(0, 120)}`, data: { line } });
    const res = await fetch(`${SIM}/sim/send`, { method: "POST", body: line });
    const answer = await res.json();
    inspector.settle(row, `${row.summary} \u2192 ${res.status} ${JSON.stringify(answer)}`, answer, !res.ok);
    if (!res.ok) throw new Error(`the simulator refused the feed line: ${JSON.stringify(answer)}`);
  }

  /** The in-page contact centre carries out what the bridge asks of it (inject delivery only). */
  onCommand(command) {
    if (this.delivery !== "inject" || command.target !== "cc" || command.status !== "pending") return;
    const replies = this.vendor.obey(command.wire);
    if (!replies.length) return;
    const timer = setTimeout(() => {
      if (!this.disposed) this.deliverAll(replies, "obey").catch(() => {});
    }, 150);
    this.timers.push(() => clearTimeout(timer));
  }

  onCcHealth(health) {
    this.ccLive = health.state;
    if (this.ccWaiters) for (const w of this.ccWaiters.splice(0)) w(health);
  }

  setAgent(desired) {
    return this.call("setAgentState", desired);
  }

  get crm() {
    return {
      presence: (id) => crm.set(statusById(id), "you"),
      workItem: () => Promise.reject(new Error("the CRM Connector client has no AWA work items")),
      offInteraction: () => Promise.reject(new Error("the CRM Connector client has no AWA work items")),
    };
  }

  /** A message the widget must drop: a bare string posted to its window (neither a handshake nor an object). */
  async stray() {
    const text = "a stray message from the console";
    this.bridge.iframe().contentWindow.postMessage(text, WIDGET_ORIGIN);
    inspector.add({ dir: "out", peer: "window", origin: WIDGET_ORIGIN, kind: "window", type: "string", summary: `postMessage("${text}") to the widget window`, data: text });
    await sleep(100);
    await this.refreshHealth();
  }

  /** The page <-> widget connection drops: the widget frame reloads. */
  async drop() {
    const frame = this.bridge.iframe();
    this.reconnected = new Promise((resolve) => {
      const on = (e) => {
        if (e.kind === "connection" && e.status === "ready" && !e.source) {
          this.bridge.off("connection", on);
          resolve();
        }
      };
      this.bridge.on("connection", on);
    });
    timeline.link("host", "down", "page \u2194 widget: the widget frame reloads");
    inspector.add({ dir: "out", peer: "window", origin: WIDGET_ORIGIN, kind: "window", type: "reload", summary: "the widget frame reloads (its connection drops)", data: { src: frame.src } });
    frame.src = frame.src;
  }

  async waitReconnected() {
    if (!this.reconnected) return;
    await Promise.race([this.reconnected, sleep(20000).then(() => { throw new Error("the widget did not reconnect within 20 s"); })]);
  }

  /** Live only: the simulator drops the widget's contact-centre socket; waits until the client is live again. */
  async dropCcLink() {
    if (this.delivery !== "live") {
      inspector.add({ dir: "note", peer: "console", kind: "scenario", type: "skipped", summary: "no live contact-centre link in this set-up (pick the live simulator)" });
      return;
    }
    this.ccWaiters = this.ccWaiters || [];
    const back = new Promise((resolve) => {
      let seenDown = false;
      const wait = (h) => {
        if (h.state !== "live") seenDown = true;
        if (seenDown && h.state === "live") resolve();
        else this.ccWaiters.push(wait);
      };
      this.ccWaiters.push(wait);
    });
    const row = inspector.add({ dir: "out", peer: `${this.ccSide}-sim`, origin: SIM, kind: "sim", type: "POST /sim/fault/drop", summary: `drop the ${this.ccSide} socket` });
    const res = await fetch(`${SIM}/sim/fault/drop?proto=${this.ccSide}`, { method: "POST" });
    inspector.settle(row, `${row.summary} \u2192 ${res.status} ${JSON.stringify(await res.json())}`);
    await Promise.race([back, sleep(20000).then(() => { throw new Error("the contact-centre link did not recover within 20 s"); })]);
  }

  async setMode(mode) {
    await this.call("setMode", mode);
    this.mode = mode;
  }

  async refreshHealth() {
    if (!this.bridge || this.disposed) return;
    let result;
    try {
      result = await this.bridge.snapshot();
    } catch (e) {
      renderHealth([["widget", `no answer: ${e.code || e.message}`, "bad"]]);
      return;
    }
    const d = result.diagnostics || {};
    const host = this.bridge.hostStats();
    const dropped = { ...(d.dropped || {}), droppedOrigin: host.droppedOrigin, droppedSource: host.droppedSource, duplicates: host.duplicates };
    if (this.lastDropped) {
      for (const [k, v] of Object.entries(dropped)) {
        const n = v - (this.lastDropped[k] || 0);
        if (n > 0) inspector.add({ dir: "drop", peer: k.startsWith("dropped") || k === "duplicates" ? "host" : "widget", origin: k.startsWith("dropped") ? "" : WIDGET_ORIGIN, kind: "dropped", type: k, summary: `${n} message${n > 1 ? "s" : ""} (diagnostics.dropped.${k} = ${v})`, dropped: DROP_REASONS[k] || k, data: { dropped, diagnostics: d } });
      }
    }
    this.lastDropped = dropped;
    const snap = result.snapshot || {};
    renderHealth([
      ["mode", snap.mode || "?"],
      ["sources", `CRM ${snap.crmSource || "not seen yet"} \u00b7 cc ${snap.ccSource || "not seen yet"}`],
      ["widget", d.connected ? `connected to ${d.hostOrigin}` : "not connected", d.connected ? "ok" : "bad", "connected"],
      ["dropped", `origin ${dropped.origin ?? 0} \u00b7 source ${dropped.source ?? 0} \u00b7 malformed ${dropped.malformed ?? 0} \u00b7 version ${dropped.version ?? 0}`, (dropped.origin || dropped.source || dropped.malformed || dropped.version) ? "warn" : "ok", "dropped"],
      ["pending", String((snap.pending || []).length)],
      ["contact centre", this.delivery === "live" ? this.ccLive || "no health yet" : "in page (inject)"],
    ]);
  }

  dispose() {
    super.dispose();
    if (this.bridge) this.bridge.dispose();
    this.bridge = null;
  }
}

/** The vendor stage: the in-page integration (startVendor) on the OpenFrame and AgentDesktop stand-ins. */
class StageSession extends BaseSession {
  constructor(choice) {
    super(choice);
    this.kind = "stage";
    this.frame = null;
    this.calls = new Map();
    this.nextId = 1;
    this.connected = false;
    this.onReady = null;
  }

  labels() {
    return {
      crm: "AWA presence \u00b7 OpenFrame",
      cc: "agent \u00b7 AgentDesktop",
      linkHost: "console \u2194 stage",
      linkCc: "SDKs (in the stage)",
    };
  }

  build(slot) {
    this.listen(window, "message", (event) => this.onMessage(event));
    timeline.link("cc", "in page", "the SDK stand-ins live in the stage page");
    return this.load(slot);
  }

  /** (Re)loads the stage and connects to it: `connect` every 300 ms until it answers. */
  load(slot) {
    this.connected = false;
    timeline.link("host", "connecting", "console \u2194 stage: connecting");
    if (!this.frame) {
      this.frame = document.createElement("iframe");
      this.frame.title = "ServiceNow OpenFrame + AgentDesktop stage";
      this.frame.className = "stage-frame";
      slot.append(this.frame);
    }
    this.loadToken = String(Number(this.loadToken || 0) + 1);
    this.frame.src = `${WIDGET_ORIGIN}/console-stage.html?mode=${encodeURIComponent(this.mode)}&load=${this.loadToken}`;
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const tick = () => {
        if (this.disposed) return reject(new Error("disposed"));
        if (this.connected) return resolve();
        if (performance.now() - started > 15000) return reject(new Error(`the stage at ${WIDGET_ORIGIN} did not answer within 15 s`));
        if (this.frame.contentWindow) this.frame.contentWindow.postMessage({ stage: "connect", v: 1 }, WIDGET_ORIGIN);
        const t = setTimeout(tick, 300);
        this.timers.push(() => clearTimeout(t));
      };
      this.onReady = resolve;
      tick();
    });
  }

  onMessage(event) {
    const data = event.data;
    if (event.origin !== WIDGET_ORIGIN) {
      inspector.add({ dir: "drop", peer: "window", origin: event.origin, kind: "window", type: typeof data, dropped: "not the stage's origin", data });
      return;
    }
    if (!this.frame || event.source !== this.frame.contentWindow) {
      inspector.add({ dir: "drop", peer: "window", origin: event.origin, kind: "window", type: typeof data, dropped: "not the stage frame", data });
      return;
    }
    if (!data || typeof data !== "object" || typeof data.stage !== "string") {
      inspector.add({ dir: "drop", peer: "stage", origin: event.origin, kind: "window", type: typeof data, dropped: "not a stage message", data });
      return;
    }
    switch (data.stage) {
      case "ready":
        if (data.load !== this.loadToken) {
          // The page being replaced answered a connect meant for the new one.
          inspector.add({ dir: "drop", peer: "stage", origin: event.origin, kind: "window", type: "ready", dropped: `from load ${data.load} of the stage, not the current load ${this.loadToken}`, data });
          break;
        }
        inspector.add({ dir: "in", peer: "stage", origin: event.origin, kind: "window", type: "ready", summary: `vendors ${data.vendors.join(", ")} \u00b7 mode ${data.mode}`, data });
        if (!this.connected) {
          this.connected = true;
          view.epoch = `stage-${this.loadToken}`; // a reloaded stage numbers its commands afresh
          this.ready = true;
          timeline.link("host", "live", "console \u2194 stage: connected");
          if (this.onReady) this.onReady();
        }
        break;
      case "started":
      case "error":
        inspector.add({ dir: "in", peer: "stage", origin: event.origin, kind: "window", type: data.stage, summary: data.message || (data.vendors || []).join(", "), data });
        break;
      case "output":
        onOutput(data.item, event.origin);
        break;
      case "result": {
        const call = this.calls.get(data.id);
        if (!call) return;
        this.calls.delete(data.id);
        inspector.settle(call.row, `${call.row.summary} \u2192 ${data.ok ? "ok" : data.error}`, data, !data.ok);
        if (data.ok) call.resolve(data.value);
        else call.reject(new Error(data.error));
        break;
      }
      default:
        inspector.add({ dir: "drop", peer: "stage", origin: event.origin, kind: "window", type: data.stage, dropped: "unknown stage message" });
    }
  }

  /** Asks the stage for one of its operations; resolves with its answer. */
  call(op, ...args) {
    const id = this.nextId++;
    const row = inspector.add({ dir: "out", peer: "stage", origin: WIDGET_ORIGIN, kind: "call", type: op, summary: `${op}(${args.map((a) => JSON.stringify(a)).join(", ").slice(0, 140)})`, data: { stage: "call", id, op, args } });
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject, row });
      this.frame.contentWindow.postMessage({ stage: "call", id, op, args }, WIDGET_ORIGIN);
      const t = setTimeout(() => {
        if (this.calls.delete(id)) reject(new Error(`the stage did not answer ${op}`));
      }, 10000);
      this.timers.push(() => clearTimeout(t));
    });
  }

  deliver(message) {
    return this.call("emitAgentDesktop", message);
  }

  async answer(call) {
    await this.call("answer"); // CONTACT.Answer on the SDK; the desktop then reports the contact
    await this.deliverAll(this.vendor.answer(call), "answer");
  }

  async hangup(call) {
    await this.call("hangup", call.id);
    await this.deliverAll(this.vendor.hangup(call), "hangup");
  }

  setAgent(desired) {
    return this.call("request", "cc", desired);
  }

  get crm() {
    const emit = ([name, payload]) => this.call("emitOpenFrame", name, payload);
    return {
      presence: (id) => emit(openframe.presence(id, statusById(id).ready)),
      workItem: (phase, item) => emit(openframe.workItem(phase, item)),
      offInteraction: (item) => emit(openframe.offInteraction(item)),
    };
  }

  /** A message the stage must drop (not one of its operations); its counters say why. */
  async stray() {
    const before = await this.call("dropped");
    this.frame.contentWindow.postMessage({ stage: "bogus" }, WIDGET_ORIGIN);
    inspector.add({ dir: "out", peer: "stage", origin: WIDGET_ORIGIN, kind: "window", type: "bogus", summary: "a message that is no stage operation" });
    const after = await this.call("dropped");
    const n = after.malformed - before.malformed;
    inspector.add({ dir: "drop", peer: "stage", origin: WIDGET_ORIGIN, kind: "dropped", type: "malformed", summary: `${n} message (stage dropped.malformed = ${after.malformed})`, dropped: "not a stage operation", data: { before, after } });
  }

  async drop() {
    timeline.link("host", "down", "console \u2194 stage: the stage reloads");
    inspector.add({ dir: "out", peer: "window", origin: WIDGET_ORIGIN, kind: "window", type: "reload", summary: "the stage frame reloads (its connection drops; the stand-ins start afresh)" });
    this.ready = false;
    this.reconnected = this.load(this.frame.parentNode);
  }

  async waitReconnected() {
    await this.reconnected;
    // The stand-ins start afresh: the agent logs in again, the presence is reported again.
    await this.cc.send("login");
    await this.crm.presence("Available");
  }

  async dropCcLink() {
    inspector.add({ dir: "note", peer: "console", kind: "scenario", type: "skipped", summary: "AgentDesktop lives in the page: no network link to drop" });
  }

  async setMode(mode) {
    this.mode = mode;
    await rebuild();
  }

  dispose() {
    super.dispose();
    for (const c of this.calls.values()) c.reject(new Error("disposed"));
    this.calls.clear();
    if (this.frame) this.frame.remove();
    this.frame = null;
  }
}

function renderHealth(rows) {
  $("health").replaceChildren(...rows.flatMap(([k, v, tone, name]) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    if (tone) dd.className = `tone-${tone}`;
    if (name) dd.dataset.name = name;
    return [dt, dd];
  }));
}

// ---- building and tearing down -----------------------------------------------

function choice() {
  return {
    crmSide: $("crm-side").value,
    ccSide: $("cc-side").value,
    delivery: $("delivery").value,
    mode: $("mode").value,
  };
}

/** Marks the options the current other choices cannot run with. */
function renderChoices() {
  const c = choice();
  for (const opt of $("cc-side").options) {
    const why = unsupported(c.crmSide, opt.value, "inject");
    opt.disabled = Boolean(why);
    opt.title = why || "";
  }
  for (const opt of $("delivery").options) {
    const why = unsupported(c.crmSide, c.ccSide, opt.value);
    opt.disabled = Boolean(why);
    opt.title = why || "";
  }
}

/**
 * Tears the current session down and builds one for the chosen sides. Teardown is synchronous;
 * a session still connecting when it is replaced notices it was disposed and stops there.
 */
function rebuild() {
  return buildSession();
}

async function buildSession() {
  if (view.session) {
    view.session.dispose();
    view.session = null;
  }
  // Choices that cannot run together: move to the nearest one that can.
  if (unsupported($("crm-side").value, $("cc-side").value, "inject")) $("cc-side").value = "agentdesktop";
  if (unsupported($("crm-side").value, $("cc-side").value, $("delivery").value)) $("delivery").value = "inject";
  renderChoices();
  const c = choice();
  const url = new URL(location.href);
  for (const [k, v] of Object.entries({ crm: c.crmSide, cc: c.ccSide, delivery: c.delivery, mode: c.mode })) url.searchParams.set(k, v);
  history.replaceState(null, "", url);

  view.agent = null;
  view.presence = null;
  view.call = null;
  crm.current = STATUSES[0];
  $("frame-slot").replaceChildren();
  $("session-note").textContent = "";
  $("scenario-steps").replaceChildren();
  document.body.dataset.play = "idle";
  inspector.reset();
  banner("");
  const session = c.crmSide === "openframe" ? new StageSession(c) : new WidgetSession(c);
  view.session = session;
  timeline.reset(session.labels());
  document.body.dataset.crm = c.crmSide;
  document.body.dataset.cc = c.ccSide;
  document.body.dataset.delivery = c.delivery;
  document.body.dataset.mode = c.mode;
  setStatus(`connecting: ${SIDE_NAMES[c.crmSide]} + ${SIDE_NAMES[c.ccSide]}`, "info");
  renderSides();
  try {
    await session.build($("frame-slot"));
    if (session.disposed) return;
    setStatus(`${SIDE_NAMES[c.crmSide]} + ${SIDE_NAMES[c.ccSide]} \u00b7 ${c.mode}`, "ok");
    if (session.kind === "stage") {
      // The stand-ins start with nobody logged in: a logged-in agent and an Available presence.
      await session.cc.send("login");
      await session.crm.presence("Available");
    }
  } catch (e) {
    if (session.disposed) return;
    setStatus(`failed: ${e.code || e.message}`, "bad");
    banner(`Could not start ${SIDE_NAMES[c.crmSide]} + ${SIDE_NAMES[c.ccSide]} with the widget origin ${WIDGET_ORIGIN} (${e.code || "error"}: ${e.message}). ` +
      "Start the demo with bash scripts/demo.sh, or pass ?widget=ORIGIN (its server must allow this page's origin).");
  }
  renderSides();
}

// ---- scenarios -------------------------------------------------------------------

async function play(scenario) {
  const s = view.session;
  if (!s || !s.ready || view.running) return;
  view.running = true;
  document.body.dataset.play = "running";
  document.body.dataset.playId = scenario.id;
  renderActions();
  const steps = scenario.steps(s);
  const list = $("scenario-steps");
  list.replaceChildren(...steps.map((st, i) => {
    const li = document.createElement("li");
    li.textContent = st.text;
    li.dataset.step = String(i + 1);
    li.dataset.state = "pending";
    return li;
  }));
  inspector.add({ dir: "note", peer: "console", kind: "scenario", type: scenario.id, summary: `scenario: ${scenario.title}` });
  let outcome = "done";
  try {
    for (let i = 0; i < steps.length; i++) {
      if (s.disposed) throw new Error("the session was rebuilt");
      const li = list.children[i];
      li.dataset.state = "current";
      li.setAttribute("aria-current", "step");
      timeline.step(i + 1, steps[i].text);
      inspector.add({ dir: "note", peer: "console", kind: "scenario", type: `step ${i + 1}`, summary: steps[i].text });
      await steps[i].run();
      await sleep(PACE_MS);
      li.dataset.state = "done";
      li.removeAttribute("aria-current");
    }
  } catch (e) {
    outcome = "failed";
    const current = list.querySelector('[data-state="current"]');
    if (current) {
      current.dataset.state = "failed";
      current.textContent += ` \u2014 failed: ${e.message}`;
    }
    inspector.add({ dir: "note", peer: "console", kind: "scenario", type: "failed", summary: e.message });
  } finally {
    view.running = false;
    document.body.dataset.play = outcome;
    renderActions();
  }
}

// ---- manual actions ------------------------------------------------------------

async function act(name, value) {
  const s = view.session;
  if (!s || !s.ready) return;
  const out = $("act-result");
  out.textContent = "\u2026";
  try {
    switch (name) {
      case "presence":
        await s.crm.presence(value);
        break;
      case "ready":
      case "notReady":
        await s.setAgent(name);
        break;
      case "offer":
        await s.cc.offer(newCall());
        break;
      case "accept":
        await s.cc.answer(view.call);
        break;
      case "hangup":
        await s.cc.hangup(view.call);
        view.call.hungUp = true;
        break;
      case "wrapDone":
        await s.cc.wrapDone(view.call);
        view.call.wrapped = true;
        break;
    }
    out.textContent = `${name}${value ? ` ${value}` : ""}: done`;
  } catch (e) {
    out.textContent = `${name}: ${e.code || "failed"} \u2014 ${e.message}`;
  }
  renderSides();
}

// ---- start -----------------------------------------------------------------------

function start() {
  $("host-origin").textContent = location.origin;
  $("widget-origin").textContent = WIDGET_ORIGIN;
  $("pace").textContent = String(PACE_MS);
  $("crm-side").value = pick(params.get("crm"), CRM_SIDES, "crm-connector");
  $("cc-side").value = pick(params.get("cc"), CC_SIDES, "xuc");
  $("delivery").value = pick(params.get("delivery"), DELIVERIES, "inject");
  $("mode").value = pick(params.get("mode"), MODES, "synchronized");
  for (const sc of SCENARIOS) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn scenario";
    b.dataset.scenario = sc.id;
    b.textContent = sc.title;
    b.addEventListener("click", () => play(sc));
    $("scenario-buttons").append(b);
  }
  for (const b of document.querySelectorAll("[data-act]")) b.addEventListener("click", () => act(b.dataset.act, b.dataset.value));
  for (const id of ["crm-side", "cc-side", "delivery"]) $(id).addEventListener("change", () => rebuild());
  $("rebuild").addEventListener("click", () => rebuild());
  $("mode").addEventListener("change", async () => {
    const s = view.session;
    if (!s || !s.ready) return rebuild();
    try {
      await s.setMode($("mode").value);
      document.body.dataset.mode = $("mode").value;
      const url = new URL(location.href);
      url.searchParams.set("mode", $("mode").value);
      history.replaceState(null, "", url);
      setStatus(`${SIDE_NAMES[s.crmSide]} + ${SIDE_NAMES[s.ccSide]} \u00b7 ${$("mode").value}`, "ok");
    } catch (e) {
      $("act-result").textContent = `setMode: ${e.code || "failed"} \u2014 ${e.message}`;
    }
  });
  $("window").addEventListener("change", () => timeline.setWindow($("window").value));
  // For tests and the curious: the live objects.
  window.ctiConsole = { view, timeline, inspector, crm, rebuild, play: (id) => play(SCENARIOS.find((x) => x.id === id)) };
  rebuild();
}

start();
