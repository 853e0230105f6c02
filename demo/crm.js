// cti-bridge demo: a CRM page. It plays the CRM (a presence API with a
// getter, a setter and a change listener, like the CRM Connector's
// CRMFramework example, docs/protocols.md#crm-connector-omnichannel), embeds the contact-centre widget from another origin with
// the drop-in script (window.CtiBridge, loaded by a classic script tag), and
// shows the CRM presence and the agent state side by side as they change.
//
// Query parameters: widget=ORIGIN (default http://localhost:8081),
// mode=synchronized|complementary|off, presence=Available|Busy|Away,
// pace=MS (scenario step pause, default 1500).
//
// No inline script or style anywhere: the page runs under a strict CSP.
/* global CtiBridge -- window.CtiBridge, defined by cti-bridge.js (a classic script the page loads first) */

import { $, el } from "./dom.js";
import { STATUSES, fakeCrm, statusById } from "./fake-crm.js";
import { xucAgentState } from "./xuc-frames.js";

const params = new URLSearchParams(location.search);
const WIDGET_ORIGIN = (params.get("widget") || "http://localhost:8081").replace(/\/+$/, "");
const MODES = ["synchronized", "complementary", "off"];
const PACE_MS = Math.max(0, Number(params.get("pace")) || 1500);
const LOG_MAX = 500;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const clock = () => new Date().toTimeString().slice(0, 8);
const compact = (v) => (v === undefined ? "" : JSON.stringify(v));

// ---- the fake CRM ----------------------------------------------------------

// The presence API (demo/fake-crm.js); the drop-in does the CRM Connector side.
const crm = fakeCrm({
  initial: statusById(params.get("presence")) || STATUSES[0],
  delayMs: 250,
  onSet: () => render(),
  onRefused: (id) => addLog({ kind: "crm", what: `the CRM refused to set ${id}`, status: "refused", cls: "error" }),
});
const crmApi = crm.api;

// ---- what the page knows ---------------------------------------------------

const view = {
  bridge: null,
  connection: "connecting",
  mode: MODES.includes(params.get("mode")) ? params.get("mode") : "synchronized",
  agent: null, // {state, reason, vendorState, agentId, cause}
  presence: null, // the presence the bridge last saw {name, statusId, available}
  commands: new Map(), // id -> latest command output
  lastCommandSeen: 0,
};

const AGENT_LABELS = {
  loggedOut: "Logged out",
  loggedIn: "Logged in",
  ready: "Ready",
  notReady: "Not Ready",
  busy: "Busy",
  wrapUp: "Wrap-up",
};

// ---- the simulated xuc contact centre -------------------------------------
// Message shapes from tests/fixtures/xuc.jsonl (agent 19 on phone 1000).

const XUC = {
  AgentLogin: () => xucAgentState("AgentLogin", { since: Math.floor(Date.now() / 1000) }),
  AgentReady: () => xucAgentState("AgentReady", { cause: "available" }),
  AgentOnPause: (reason) => xucAgentState("AgentOnPause", reason ? { cause: reason } : {}),
  AgentRinging: () => xucAgentState("AgentRinging"),
  AgentOnCall: () =>
    xucAgentState("AgentOnCall", { acd: false, direction: "Incoming", callType: "External", monitorState: "ACTIVE" }),
  AgentOnWrapup: () => xucAgentState("AgentOnWrapup", { since: 2 }),
  AgentLoggedOut: () => xucAgentState("AgentLoggedOut"),
};
const XUC_BUTTONS = [
  ["AgentLogin", "Log in"],
  ["AgentReady", "Ready"],
  ["AgentOnPause", "Pause"],
  ["AgentRinging", "Call ringing"],
  ["AgentOnCall", "On call"],
  ["AgentOnWrapup", "Wrap-up"],
  ["AgentLoggedOut", "Log out"],
];

/** Feeds one raw xuc message to the widget and logs the call. */
async function injectXuc(name, arg) {
  const bridge = view.bridge;
  if (!bridge) return;
  const msg = XUC[name](arg);
  // Logged before the events it causes; the row's status follows the answer.
  const row = addLog({ kind: "call", what: `inject('xuc', ${name})`, status: "sent", wire: msg, cls: "call" });
  try {
    await bridge.inject("xuc", msg);
    setRowStatus(row, "ok");
  } catch (e) {
    setRowStatus(row, e.code || "failed", `${e.message}  ${compact(msg)}`);
  }
}

/** The simulated xuc carries out what the bridge asks of it (when the box is ticked). */
function xucObeys(command) {
  if (!$("xuc-obeys").checked) return;
  if (command.target !== "cc" || command.source !== "xuc" || command.status !== "pending") return;
  const wire = command.wire || {};
  if (wire.command === "pauseAgent") setTimeout(() => injectXuc("AgentOnPause", wire.reason), 300);
  else if (wire.command === "unpauseAgent") setTimeout(() => injectXuc("AgentReady"), 300);
}

// ---- rendering -------------------------------------------------------------

function readyWord(ready) {
  return ready === null ? "unknown" : ready ? "Ready" : "Not Ready";
}

function render() {
  // CRM side: the CRM's own state.
  const panel = $("crm-panel");
  panel.dataset.status = crm.current.id;
  panel.dataset.ready = String(crm.current.ready);
  $("crm-status").textContent = crm.current.label;
  $("crm-ready").textContent = readyWord(crm.current.ready);
  $("crm-by").textContent = crm.changedBy ? `set by ${crm.changedBy}` : "";
  for (const b of document.querySelectorAll("#crm-buttons button")) {
    b.setAttribute("aria-pressed", String(b.dataset.status === crm.current.id));
  }
  $("crm-seen").textContent = view.presence
    ? `${view.presence.name}${view.presence.statusId && view.presence.statusId !== view.presence.name ? ` (id ${view.presence.statusId})` : ""} \u00b7 available: ${view.presence.available}`
    : "nothing yet";

  // Contact-centre side: the agent state the widget reported.
  const agent = view.agent;
  const agentPanel = $("agent-panel");
  const agentReady = agent ? agent.state === "ready" : null;
  agentPanel.dataset.state = agent ? agent.state : "";
  agentPanel.dataset.ready = agent ? String(agentReady) : "unknown";
  $("agent-state").textContent = agent ? AGENT_LABELS[agent.state] || agent.state : "no agent yet";
  $("agent-ready").textContent = readyWord(agentReady);
  $("agent-id").textContent = agent && agent.agentId ? `(xuc agent ${agent.agentId})` : "";
  const notes = [];
  if (agent && agent.vendorState) notes.push(agent.vendorState);
  if (agent && agent.reason) notes.push(`reason ${agent.reason}`);
  if (!agent && view.bridge) notes.push("log the agent in, or run the scenario");
  $("agent-note").textContent = notes.join(" \u00b7 ");

  // Between: the verdict and the commands in flight.
  document.body.dataset.mode = view.mode;
  $("mode").value = view.mode;
  $("verdict-mode").textContent = view.mode;
  const pending = [...view.commands.values()].filter((c) => c.status === "pending");
  let verdict;
  let text;
  if (view.connection === "failed") [verdict, text] = ["bad", "no widget"];
  else if (!view.bridge) [verdict, text] = ["unknown", "connecting\u2026"];
  else if (view.mode === "off") [verdict, text] = ["off", "observing only: no commands"];
  else if (!agent) [verdict, text] = ["unknown", "no agent state yet"];
  else if (view.mode === "synchronized") {
    if (crm.current.ready === agentReady) [verdict, text] = ["ok", agentReady ? "in step: both Ready" : "in step: both Not Ready"];
    else if (pending.length) [verdict, text] = ["syncing", "bringing the other side in step\u2026"];
    else [verdict, text] = ["bad", "out of step"];
  } else {
    if (!(crm.current.ready && agentReady)) [verdict, text] = ["ok", "never both Ready: holds"];
    else if (pending.length) [verdict, text] = ["syncing", "making one side Not Ready\u2026"];
    else [verdict, text] = ["bad", "both Ready"];
  }
  $("verdict").dataset.verdict = verdict;
  $("verdict-text").textContent = text;
  const inflight = $("inflight");
  inflight.replaceChildren(
    ...[...view.commands.values()]
      .filter((c) => c.status === "pending" || c.id > view.lastCommandSeen - 3)
      .slice(-4)
      .map((c) =>
        el(
          "li",
          { class: `cmd ${c.target}`, "data-status": c.status },
          el("span", { class: "arrow", text: c.target === "crm" ? "\u25c0 set CRM" : "set agent \u25b6" }),
          el("span", { class: "cmd-what", text: `${c.state === "ready" ? "Ready" : "Not Ready"} (${c.cause})` }),
          el("span", { class: `pill st-${c.status}`, text: c.status }),
          c.detail ? el("span", { class: "cmd-detail", text: c.detail }) : null,
        ),
      ),
  );
}

function setConnection(status, text) {
  view.connection = status;
  document.body.dataset.connected = String(status === "ready");
  const conn = $("conn");
  conn.className = `status ${status === "ready" ? "ready" : status === "failed" ? "failed" : "loading"}`;
  conn.textContent = text;
}

// ---- the log ---------------------------------------------------------------

let logCount = 0;

/** One log row: {seq, kind, what, status, wire, cls, target}. Newest on top. */
function addLog(row) {
  logCount++;
  const body = $("log");
  const wire = row.wire === undefined ? "" : typeof row.wire === "string" ? row.wire : compact(row.wire);
  const tr = el(
    "tr",
    { class: `row ${row.cls || "event"}`, "data-kind": row.kind, "data-status": row.status || "", "data-target": row.target || "" },
    el("td", { class: "time", text: clock() }),
    el("td", { class: "seq", text: row.seq === undefined ? "" : String(row.seq) }),
    el("td", { class: "kind", text: row.kind }),
    el("td", { class: "what", text: row.what || "" }),
    el("td", { class: "st" }, row.status ? el("span", { class: `pill st-${row.status}`, text: row.status }) : null),
    el("td", { class: "wire", text: wire, title: wire }),
  );
  body.prepend(tr);
  while (body.rows.length > LOG_MAX) body.deleteRow(body.rows.length - 1);
  $("log-count").textContent = `${logCount} entries`;
  return tr;
}

/** Updates the status (and optionally the detail) of a logged row; a failure turns it red. */
function setRowStatus(tr, status, detail) {
  tr.dataset.status = status;
  const pill = tr.querySelector(".st .pill");
  pill.className = `pill st-${status}`;
  pill.textContent = status;
  if (status !== "ok" && status !== "confirmed") tr.className = "row error";
  if (detail !== undefined) {
    tr.lastElementChild.textContent = detail;
    tr.lastElementChild.title = detail;
  }
}

function describe(event) {
  switch (event.kind) {
    case "agentState":
      return `${event.source}: ${event.state}${event.vendorState ? ` (${event.vendorState})` : ""}${event.reason ? `, reason ${event.reason}` : ""}`;
    case "presence":
      return `${event.source}: ${event.name}${event.available ? " (available)" : " (not available)"}${event.success === false ? ", change failed" : ""}`;
    case "connection":
      return `${event.source || "channel"}: ${event.status}${event.epoch ? `, widget ${event.epoch}` : ""}`;
    case "crmData":
      return `CRM data: user ${event.userName || "?"}, mode ${event.omnichannelMode || "-"}`;
    case "error":
      return `${event.source}: ${event.code}: ${event.reason}`;
    case "health":
      return `dropped ${compact(event.dropped)}`;
    case "interaction":
      return `${event.source}: ${event.phase || ""} ${event.media || ""}`;
    default:
      return event.source ? `${event.source}` : "";
  }
}

function logEvent(event) {
  if (event.kind === "command") {
    addLog({
      seq: event.channelSeq,
      kind: `command #${event.id}`,
      what: `${event.target === "crm" ? "CRM" : "agent"} \u2192 ${event.state} (${event.cause}) via ${event.source || "none"}`,
      status: event.status,
      wire: event.detail ? `${compact(event.wire)}  ${event.detail}` : event.wire,
      cls: "command",
      target: event.target,
    });
  } else if (event.kind === "crmMessage") {
    const m = event.message || {};
    addLog({ kind: "crm wire", what: `widget \u2192 CRM: ${m.action}`, wire: m.data, cls: "wire" });
  } else {
    addLog({ seq: event.channelSeq, kind: event.kind, what: describe(event), cls: event.kind === "error" ? "error" : "event" });
  }
}

// ---- health ----------------------------------------------------------------

function renderHealth(result) {
  const d = (result && result.diagnostics) || {};
  const host = view.bridge ? view.bridge.hostStats() : {};
  const dropped = d.dropped || {};
  const stats = d.stats || {};
  const received = Object.entries(stats.received || {}).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  const errors = Object.entries(stats.errors || {}).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  const rows = [
    ["widget", d.connected ? `connected to ${d.hostOrigin}` : "not connected", d.connected ? "ok" : "bad"],
    ["epoch / last seq", `${d.epoch || "-"} / ${d.lastSeq ?? "-"}`],
    ["dropped (widget)", `origin ${dropped.origin ?? 0} \u00b7 source ${dropped.source ?? 0} \u00b7 malformed ${dropped.malformed ?? 0} \u00b7 version ${dropped.version ?? 0}`,
      (dropped.origin || dropped.source || dropped.malformed || dropped.version) ? "warn" : "ok", "dropped"],
    ["dropped (host)", `origin ${host.droppedOrigin ?? 0} \u00b7 source ${host.droppedSource ?? 0} \u00b7 duplicates ${host.duplicates ?? 0}`,
      (host.droppedOrigin || host.droppedSource) ? "warn" : "ok", "host-dropped"],
    ["received", received],
    ["decode errors", errors, errors === "none" ? "ok" : "warn"],
    ["events / commands", `${stats.events ?? 0} / ${stats.commands ?? 0}`],
    ["duplicates", String(stats.duplicates ?? 0)],
    ["pending", String(((result && result.snapshot && result.snapshot.pending) || []).length)],
  ];
  $("health").replaceChildren(
    ...rows.flatMap(([k, v, tone, name]) => [
      el("dt", { text: k }),
      el("dd", { class: tone ? `tone-${tone}` : "", text: v, "data-name": name }),
    ]),
  );
}

let healthBusy = false;
async function refreshHealth() {
  if (!view.bridge || healthBusy) return;
  healthBusy = true;
  try {
    const result = await view.bridge.snapshot();
    view.snapshot = result;
    renderHealth(result);
  } catch {
    renderHealth({ diagnostics: { connected: false } });
  } finally {
    healthBusy = false;
  }
}

// ---- events from the widget ------------------------------------------------

function onEvent(event) {
  logEvent(event);
  switch (event.kind) {
    case "agentState":
      view.agent = { state: event.state, reason: event.reason, vendorState: event.vendorState, agentId: event.agentId, cause: event.cause };
      break;
    case "presence":
      view.presence = { name: event.name, statusId: event.statusId, available: event.available };
      break;
    case "command":
      view.commands.set(event.id, event);
      view.lastCommandSeen = Math.max(view.lastCommandSeen, event.id);
      if (view.commands.size > 50) view.commands.delete(view.commands.keys().next().value);
      xucObeys(event);
      break;
    case "crmData":
      // A (re)started widget takes the CRM's configured mode (CCDef S / C);
      // keep the one chosen on this page.
      if (view.bridge && ({ S: "synchronized", C: "complementary" })[event.omnichannelMode] !== view.mode) {
        changeMode(view.mode);
      }
      break;
    case "connection":
      if (event.status === "ready" && !event.source) {
        setConnection("ready", `widget connected \u00b7 ${WIDGET_ORIGIN}`);
        applySnapshot(event.snapshot);
      } else if (event.status === "reconnecting") {
        setConnection("reconnecting", "widget reconnecting\u2026");
      }
      break;
    case "health":
      refreshHealth();
      break;
  }
  render();
}

/** The snapshot the widget sends with its handshake: the state before we subscribed. */
function applySnapshot(snapshot) {
  if (!snapshot) return;
  if (snapshot.agentState && (!view.agent || view.agent.state !== snapshot.agentState.state)) {
    view.agent = { state: snapshot.agentState.state, reason: snapshot.agentState.reason, agentId: snapshot.agentState.agentId };
  }
  if (snapshot.presence) view.presence = snapshot.presence;
}

// ---- controls --------------------------------------------------------------

async function changeMode(mode) {
  const previous = view.mode;
  view.mode = mode;
  render();
  const row = addLog({ kind: "call", what: `setMode('${mode}')`, status: "sent", cls: "call" });
  try {
    const result = await view.bridge.setMode(mode);
    setRowStatus(row, "ok", compact(result));
  } catch (e) {
    view.mode = previous;
    setRowStatus(row, e.code || "failed", e.message);
  } finally {
    render();
    refreshHealth();
  }
}

async function callApi(method, state) {
  const label = `${method}('${state}')`;
  const item = el("li", { class: "result pending", "data-method": method, "data-state": state },
    el("code", { text: label }), el("span", { class: "pill st-pending", text: "pending" }), el("span", { class: "res-detail" }));
  $("results").prepend(item);
  while ($("results").children.length > 4) $("results").lastElementChild.remove();
  const row = addLog({ kind: "call", what: label, status: "sent", cls: "call" });
  const settle = (status, detail) => {
    item.className = `result ${status}`;
    item.dataset.status = status;
    item.children[1].className = `pill st-${status}`;
    item.children[1].textContent = status;
    item.children[2].textContent = detail;
    // The settled answer gets its own row: it comes after the events that settled it.
    addLog({ kind: "call", what: `${label} settled`, status, wire: detail, cls: status === "confirmed" ? "call" : "error" });
    setRowStatus(row, status === "confirmed" ? "ok" : status);
  };
  try {
    const command = await view.bridge[method](state);
    settle(command.status, `command #${command.id} ${command.target} ${command.state}`);
  } catch (e) {
    const status = e.detail && e.detail.status ? e.detail.status : e.code || "failed";
    settle(status, `${e.code}: ${e.message}`);
  }
}

let scenarioRunning = false;
async function runScenario() {
  if (scenarioRunning || !view.bridge) return;
  scenarioRunning = true;
  document.body.dataset.scenario = "running";
  $("scenario").disabled = true;
  const caption = $("scenario-step");
  const steps = [
    ["The CRM user is Available", () => crm.current.id !== "Available" && crm.set(statusById("Available"), "you (scenario)")],
    ["xuc: AgentReady \u2014 the agent waits for calls", () => injectXuc("AgentReady")],
    ["xuc: AgentRinging \u2014 a call is offered: the bridge makes the CRM Not Ready", () => injectXuc("AgentRinging")],
    ["xuc: AgentOnCall \u2014 talking", () => injectXuc("AgentOnCall")],
    ["xuc: AgentOnWrapup \u2014 after-call work", () => injectXuc("AgentOnWrapup")],
    ["xuc: AgentReady \u2014 work done: the CRM is made Available again", () => injectXuc("AgentReady")],
  ];
  try {
    for (let i = 0; i < steps.length; i++) {
      const [text, action] = steps[i];
      caption.textContent = `${i + 1}/${steps.length}: ${text}`;
      addLog({ kind: "scenario", what: `step ${i + 1}: ${text}`, cls: "call" });
      await action();
      await sleep(PACE_MS);
    }
    caption.textContent = "Scenario done: the call made the CRM Not Ready, its end put it back.";
  } finally {
    scenarioRunning = false;
    document.body.dataset.scenario = "done";
    $("scenario").disabled = !view.bridge;
  }
}

function buildControls() {
  $("widget-origin").textContent = WIDGET_ORIGIN;
  for (const s of STATUSES) {
    const b = el("button", { class: `btn status-btn st-${s.id.toLowerCase()}`, type: "button", "data-status": s.id, text: s.label });
    b.addEventListener("click", () => crm.set(s, "you"));
    $("crm-buttons").append(b);
  }
  $("crm-refuse").addEventListener("change", (e) => { crm.refuse = e.target.checked; });
  for (const [name, label] of XUC_BUTTONS) {
    const b = el("button", { class: "btn small", type: "button", "data-xuc": name, disabled: true, title: name, text: label });
    b.addEventListener("click", () => injectXuc(name));
    $("xuc-buttons").append(b);
  }
  for (const b of document.querySelectorAll("[data-call]")) {
    b.addEventListener("click", () => callApi(b.dataset.call, b.dataset.state));
  }
  $("mode").addEventListener("change", (e) => changeMode(e.target.value));
  $("scenario").addEventListener("click", runScenario);
  $("clear-log").addEventListener("click", () => {
    $("log").replaceChildren();
    logCount = 0;
    $("log-count").textContent = "";
  });
}

function enableControls() {
  for (const b of document.querySelectorAll("[data-xuc], [data-call], #scenario, #mode")) b.disabled = false;
}

// ---- start -----------------------------------------------------------------

buildControls();
render();
renderHealth(null);

CtiBridge.connect({
  widgetUrl: `${WIDGET_ORIGIN}/widget.html`,
  container: "#widget",
  mode: view.mode,
  timeoutMs: 15000,
  crm: crmApi,
}).then(
  (bridge) => {
    view.bridge = bridge;
    window.crmDemo = { bridge, crm, view };
    bridge.on("*", onEvent);
    enableControls();
    render();
    refreshHealth();
    setInterval(refreshHealth, 2000);
  },
  (error) => {
    setConnection("failed", `no widget: ${error.code}`);
    render();
    const banner = $("connect-error");
    banner.hidden = false;
    banner.textContent =
      `Could not connect to the widget at ${WIDGET_ORIGIN} (${error.code}: ${error.message}). ` +
      "Start both servers with bash scripts/demo.sh, or pass ?widget=ORIGIN for another widget origin " +
      "(its server must allow this page's origin, and this page's server must allow framing it).";
    window.crmDemo = { error: { code: error.code, message: error.message }, crm, view };
  },
);
