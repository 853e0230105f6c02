// cti-bridge demo console: the demo's front page. It plays the CRM, embeds the
// bridge from the widget's origin (the widget through the drop-in script, or
// the vendor stage for the in-page ServiceNow / AgentDesktop integration),
// plays scenarios, lets the user act by hand, and shows every system on a live
// timeline and every message in the inspector.
//
// Query: widget=ORIGIN (default http://localhost:8081), sim=URL (default
// http://127.0.0.1:8090), crm=crm-connector|openframe, cc=xuc|axp|agentdesktop,
// delivery=live|inject (default live: the widget's own client against `cti-bridge sim`), mode=synchronized|complementary|off, pace=MS (default 1200).
//
// Strict CSP: no inline script or style; element.style is never needed.

import { Timeline } from "./timeline.js";
import { Inspector } from "./inspector.js";
import { SCENARIOS, newCall } from "./scenarios.js";
import { SIDE_NAMES, StageSession, WidgetSession, bind, unsupported } from "./console-sessions.js";
import { $, el } from "./dom.js";
import { STATUSES, fakeCrm, statusById, wireId } from "./fake-crm.js";

const params = new URLSearchParams(location.search);
const WIDGET_ORIGIN = (params.get("widget") || "http://localhost:8081").replace(/\/+$/, "");
const SIM = (params.get("sim") || "http://127.0.0.1:8090").replace(/\/+$/, "");
const PACE_MS = Math.max(0, Number(params.get("pace") ?? 1200) || 0);
const MODES = ["synchronized", "complementary", "off"];
const CRM_SIDES = ["crm-connector", "openframe"];
const CC_SIDES = ["xuc", "axp", "agentdesktop"];
const DELIVERIES = ["inject", "live"];

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

// The presence API (demo/fake-crm.js); the drop-in plays the CRM Connector client.
const crm = fakeCrm({
  delayMs: 120,
  onSet: (status, by) => inspector.add({ dir: "note", peer: "crm", kind: "crm", type: "presence", summary: `the CRM user is ${status.label} (set by ${by})`, data: { statusId: wireId(status), by } }),
  // The drop-in answers with a CRM Connector omnichannelResponse on the widget port.
  onNotify: (status) => inspector.add({ dir: "out", peer: "crm-connector", origin: WIDGET_ORIGIN, kind: "wire", type: "omnichannelResponse", summary: `statusId ${wireId(status)} (sent by the drop-in)`, data: { type: "ClientAppMessage", action: "omnichannelResponse", data: { statusId: wireId(status), success: true } } }),
});
const crmApi = crm.api;

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

/** This tab's part in the shared contact-centre connection (`bridge.tabs()`, the `tabs` event). */
function renderTabs(info) {
  const pill = $("tabs-role");
  document.body.dataset.tabRole = info ? info.role : "alone";
  if (!info) {
    pill.textContent = "this tab alone";
    pill.className = "pill";
    return;
  }
  const since = info.leaderSince ? ` \u00b7 leader since ${new Date(info.leaderSince).toLocaleTimeString()}` : "";
  pill.textContent = `${info.role} \u00b7 ${info.count} tab${info.count === 1 ? "" : "s"}${since}`;
  pill.className = `pill tone-${info.role === "leader" ? "ok" : "info"}`;
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
    case "tabs":
      renderTabs(item);
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

function renderHealth(rows) {
  $("health").replaceChildren(...rows.flatMap(([k, v, tone, name]) => {
    return [el("dt", { text: k }), el("dd", { class: tone && `tone-${tone}`, "data-name": name, text: v })];
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
    // A contact centre is offered when some link runs it (xuc / AXP with OpenFrame: live only).
    const why = unsupported(c.crmSide, opt.value, "inject") && unsupported(c.crmSide, opt.value, "live");
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
  if (unsupported($("crm-side").value, $("cc-side").value, $("delivery").value)) {
    $("delivery").value = unsupported($("crm-side").value, $("cc-side").value, "live") ? "inject" : "live";
  }
  renderChoices();
  const c = choice();
  const url = new URL(location.href);
  for (const [k, v] of Object.entries({ crm: c.crmSide, cc: c.ccSide, delivery: c.delivery, mode: c.mode })) url.searchParams.set(k, v);
  history.replaceState(null, "", url);

  view.agent = null;
  view.presence = null;
  view.call = null;
  renderTabs(null);
  crm.current = STATUSES[0];
  $("frame-slot").replaceChildren();
  renderHealth([]);
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
    return el("li", { "data-step": i + 1, "data-state": "pending", text: st.text });
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
  bind({
    widgetOrigin: WIDGET_ORIGIN, sim: SIM, inspector, timeline, view, crm, crmApi, statusById, onOutput, renderHealth, rebuild,
    note: (text) => { $("session-note").textContent = text; },
  });
  $("host-origin").textContent = location.origin;
  $("widget-origin").textContent = WIDGET_ORIGIN;
  $("pace").textContent = String(PACE_MS);
  $("crm-side").value = pick(params.get("crm"), CRM_SIDES, "crm-connector");
  $("cc-side").value = pick(params.get("cc"), CC_SIDES, "xuc");
  $("delivery").value = pick(params.get("delivery"), DELIVERIES, "live");
  $("mode").value = pick(params.get("mode"), MODES, "synchronized");
  for (const sc of SCENARIOS) {
    const b = el("button", { type: "button", class: "btn scenario", "data-scenario": sc.id, text: sc.title });
    b.addEventListener("click", () => play(sc));
    $("scenario-buttons").append(b);
  }
  for (const b of document.querySelectorAll("[data-act]")) b.addEventListener("click", () => act(b.dataset.act, b.dataset.value));
  for (const id of ["crm-side", "delivery"]) $(id).addEventListener("change", () => rebuild());
  $("cc-side").addEventListener("change", () => {
    // xuc and AXP default to the widget's own live client against the simulators.
    if ($("cc-side").value !== "agentdesktop") $("delivery").value = "live";
    rebuild();
  });
  $("rebuild").addEventListener("click", () => rebuild());
  // The same page again: its widget follows this one's (or leads, if this one goes).
  $("open-tab").addEventListener("click", () => window.open(location.href, "_blank", "noopener"));
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
