// The demo console's sessions: one bridge set-up each, built and torn down as a
// whole. WidgetSession embeds the widget with the drop-in script (the CRM
// Connector client; the contact centre injected by this page or live against
// the simulator); StageSession frames the vendor stage (the in-page OpenFrame
// and AgentDesktop integration) and talks to it by postMessage on its exact
// origin, checking origin and source both ways.
/* global CtiBridge -- window.CtiBridge, defined by cti-bridge.js (a classic script the page loads first) */

import { xuc, axp, agentdesktop, openframe } from "./scenarios.js";

const HEALTH_MS = 2000;
const VENDORS = { xuc, axp, agentdesktop };
/** Display names of the sides. */
export const SIDE_NAMES = {
  "crm-connector": "CRM Connector client",
  openframe: "ServiceNow OpenFrame",
  xuc: "XiVO xuc",
  axp: "Avaya AXP",
  agentdesktop: "AgentDesktop",
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a rejection saying `what` after `ms` (the timer is cleared either way). */
function within(ms, promise, what) {
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// What the console shares with its sessions (set once by bind()).
let WIDGET_ORIGIN;
let SIM;
let inspector;
let timeline;
let view;
let crm;
let crmApi;
let statusById;
let onOutput;
let renderHealth;
let rebuild;
let note;

/** Hands the sessions the console's parts: origins, timeline, inspector, view, fake CRM, callbacks. */
export function bind(parts) {
  ({ widgetOrigin: WIDGET_ORIGIN, sim: SIM, inspector, timeline, view, crm, crmApi, statusById, onOutput, renderHealth, rebuild, note } = parts);
}

const DROP_REASONS = {
  origin: "from an origin not in the widget's allow-list",
  source: "from a window that is not the embedding page",
  malformed: "neither a handshake nor a CRM Connector object",
  version: "a protocol version the widget does not speak",
  droppedOrigin: "host side: not the widget's origin",
  droppedSource: "host side: not the widget's frame",
  duplicates: "host side: a sequence number seen before",
};

/** Which combinations this build can run, or why not. */
export function unsupported(crmSide, ccSide, delivery) {
  if (crmSide === "openframe" && ccSide !== "agentdesktop" && delivery !== "live") {
    return "With OpenFrame, xuc / AXP run as the stage's own live client against the simulator: pick the live link.";
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
    this.ccLive = null; // the live client's last health state
    this.ccWaiters = []; // called with each ccHealth until they stop asking
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
  /** Logs the simulator's xuc agent in (a promise), or null where this session cannot. */
  ccLogin() {
    return null;
  }

  /** The live client's health: wakes the waiters; the simulator's xuc agent, logged out at first, is logged in once live. */
  onCcHealth(health) {
    this.ccLive = health.state;
    for (const w of this.ccWaiters.splice(0)) w(health);
    if (health.state === "live" && this.ccSide === "xuc" && !this.loggedIn && (!view.agent || view.agent.state === "loggedOut")) {
      const login = this.ccLogin();
      if (login) {
        this.loggedIn = true;
        login.catch(() => {});
      }
    }
  }

  /** Feeds one frame to the simulator (docs/simulators.md feed lines), which sends it to the live client. */
  async feedSim(message, why) {
    const line = JSON.stringify({ [this.ccSide]: message });
    const row = inspector.add({ dir: "out", peer: `${this.ccSide}-sim`, origin: SIM, kind: "sim", type: "POST /sim/send", summary: `${why}: ${line.slice(0, 120)}`, data: { line } });
    const res = await fetch(`${SIM}/sim/send`, { method: "POST", body: line });
    const answer = await res.json();
    inspector.settle(row, `${row.summary} \u2192 ${res.status} ${JSON.stringify(answer)}`, answer, !res.ok);
    if (!res.ok) throw new Error(`the simulator refused the feed line: ${JSON.stringify(answer)}`);
  }

  /** Resolves once the contact-centre link is live (at once when it is). */
  ccLiveAgain() {
    if (this.ccLive === "live") return Promise.resolve();
    return new Promise((resolve) => {
      const wait = (h) => (h.state === "live" ? resolve() : this.ccWaiters.push(wait));
      this.ccWaiters.push(wait);
    });
  }

  /** Live only: the simulator drops the contact-centre socket; waits until the client is live again. */
  async dropLiveCcLink() {
    await within(20000, this.ccLiveAgain(), "the contact-centre link did not come up within 20 s");
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
    await within(20000, back, "the contact-centre link did not recover within 20 s");
  }
}

/** The widget through the drop-in script (CRM Connector client), with the contact centre injected or live. */
export class WidgetSession extends BaseSession {
  constructor(choice) {
    super(choice);
    this.kind = "widget";
    this.bridge = null;
    this.lastDropped = null;
    this.reconnected = null;
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
    // Replaced before the handshake: abort the connect (its iframe and listeners go at once).
    this.connecting = new AbortController();
    const options = {
      widgetUrl, container: slot, mode: this.mode, timeoutMs: 15000, crm: crmApi, title: "cti-bridge widget", signal: this.connecting.signal,
      // The drop-in's log records (redacted) go to the inspector; a replaced session's are dropped.
      logger: (level, message, detail) => {
        if (!this.disposed) inspector.add({ dir: "note", peer: "drop-in", kind: "log", type: level, summary: message, data: detail });
      },
    };
    if (this.delivery === "live") {
      options.contactCentre = { credentials: async (what) => (what === "token" ? "sim-token" : { login: "alice", password: "alice" }) };
    }
    const row = inspector.add({ dir: "out", peer: "widget", origin: WIDGET_ORIGIN, kind: "call", type: "connect", summary: `CtiBridge.connect(${widgetUrl}, mode ${this.mode})`, data: { ...options, container: "#frame-slot", crm: "{getPresence, setPresence, onPresenceChange}", logger: "to the inspector", signal: "AbortSignal (aborted when the session is replaced)", contactCentre: options.contactCentre ? "{credentials}" : undefined } });
    const bridge = await CtiBridge.connect(options);
    if (this.disposed) {
      bridge.dispose();
      return;
    }
    this.bridge = bridge;
    inspector.settle(row, "connected", { hostStats: bridge.hostStats() });
    bridge.on("*", (e) => onOutput(e, WIDGET_ORIGIN));
    // The widget's message trace (when its configuration turns it on): names and sizes, never contents.
    bridge.on("trace", (entry) => onOutput({ ...entry, kind: "trace" }, WIDGET_ORIGIN));
    this.ready = true;
    this.every(HEALTH_MS, () => this.refreshHealth());
    this.refreshHealth();
    if (this.delivery === "live") {
      // Without a ccHealth within a few seconds the widget's server offers no such contact centre.
      const timer = setTimeout(() => {
        if (!this.ccLive && !this.disposed) {
          note(`No live contact-centre health from the widget: its server may not offer ?config=${this.ccSide} (start the demo with the simulator).`);
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

  /** Logs the simulator's xuc agent in on its line, through the drop-in (null: it cannot). */
  ccLogin() {
    return typeof this.bridge.ccCommand === "function" ? this.call("ccCommand", "loginAgent", "1000", "19") : null;
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
    this.ccLive = null; // the reloaded widget's client reports afresh
    inspector.add({ dir: "out", peer: "window", origin: WIDGET_ORIGIN, kind: "window", type: "reload", summary: "the widget frame reloads (its connection drops)", data: { src: frame.src } });
    // eslint-disable-next-line no-self-assign -- assigning src reloads the (cross-origin) iframe
    frame.src = frame.src;
  }

  async waitReconnected() {
    if (!this.reconnected) return;
    await within(20000, this.reconnected, "the widget did not reconnect within 20 s");
    if (this.delivery === "live") {
      // The reloaded widget starts its contact-centre client afresh (ccLive was reset by drop()).
      await within(20000, this.ccLiveAgain(), "the reloaded widget's contact-centre link did not come up within 20 s");
    }
  }

  /** Live only: the simulator drops the widget's contact-centre socket; waits until the client is live again. */
  async dropCcLink() {
    if (this.delivery !== "live") {
      inspector.add({ dir: "note", peer: "console", kind: "scenario", type: "skipped", summary: "no live contact-centre link in this set-up (pick the live simulator)" });
      return;
    }
    await this.dropLiveCcLink();
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
    if (this.connecting) this.connecting.abort();
    if (this.bridge) this.bridge.dispose();
    this.bridge = null;
  }
}

/** The vendor stage: the in-page integration (startVendor) on the OpenFrame and AgentDesktop stand-ins. */
export class StageSession extends BaseSession {
  constructor(choice) {
    super(choice);
    this.kind = "stage";
    this.frame = null;
    this.calls = new Map();
    this.nextId = 1;
    this.connected = false;
    this.onReady = null;
    // xuc / AXP: the stage runs a live client against the simulator (startVendor's contactCentre).
    this.live = this.ccSide !== "agentdesktop";
  }

  labels() {
    return {
      crm: "AWA presence \u00b7 OpenFrame",
      cc: `agent \u00b7 ${SIDE_NAMES[this.ccSide]}`,
      linkHost: "console \u2194 stage",
      linkCc: this.live ? `stage \u2194 ${this.ccSide} sim` : "SDKs (in the stage)",
    };
  }

  build(slot) {
    this.listen(window, "message", (event) => this.onMessage(event));
    if (this.live) timeline.link("cc", "connecting", "waiting for the stage's live client");
    else timeline.link("cc", "in page", "the SDK stand-ins live in the stage page");
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
    const live = this.live ? `&cc=${this.ccSide}&sim=${encodeURIComponent(SIM)}` : "";
    this.frame.src = `${WIDGET_ORIGIN}/console-stage.html?mode=${encodeURIComponent(this.mode)}&load=${this.loadToken}${live}`;
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
          renderHealth([
            ["stage", `${event.origin} (load ${data.load})`, "ok", "connected"],
            ["vendors", data.vendors.join(", ")],
            ["mode", data.mode],
            ["stage dropped", `origin ${data.dropped.origin} \u00b7 source ${data.dropped.source} \u00b7 malformed ${data.dropped.malformed}`, "ok", "dropped"],
          ]);
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

  deliver(message, why) {
    if (this.live) return this.feedSim(message, why);
    return this.call("emitAgentDesktop", message);
  }

  async answer(call) {
    if (!this.live) await this.call("answer"); // CONTACT.Answer on the SDK; the desktop then reports the contact
    await this.deliverAll(this.vendor.answer(call), "answer");
  }

  async hangup(call) {
    if (!this.live) await this.call("hangup", call.id);
    await this.deliverAll(this.vendor.hangup(call), "hangup");
  }

  /** Logs the simulator's xuc agent in on its line, through the stage's Vendor. */
  ccLogin() {
    return this.call("ccCommand", "loginAgent", ["1000", 19]);
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
    this.ccLive = null; // the reloaded stage's client reports afresh
    this.loggedIn = false;
    timeline.link("host", "down", "console \u2194 stage: the stage reloads");
    inspector.add({ dir: "out", peer: "window", origin: WIDGET_ORIGIN, kind: "window", type: "reload", summary: "the stage frame reloads (its connection drops; the stand-ins start afresh)" });
    this.ready = false;
    this.reconnected = this.load(this.frame.parentNode);
  }

  async waitReconnected() {
    await this.reconnected;
    if (this.live) {
      // A fresh live client in the reloaded stage: wait for its link (it logs in again).
      await within(20000, this.ccLiveAgain(), "the reloaded stage's contact-centre link did not come up within 20 s");
    } else {
      // The stand-ins start afresh: the agent logs in again.
      await this.cc.send("login");
    }
    await this.crm.presence("Available");
  }

  async dropCcLink() {
    if (this.live) return this.dropLiveCcLink();
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
