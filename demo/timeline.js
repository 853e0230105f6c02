// The demo console's live timeline: one lane per system (CRM presence, the
// contact-centre agent, the links), rows for work items and interactions, and
// each bridge command as an arrow between the CRM and contact-centre lanes.
// Plain SVG built with createElementNS: no library, no style attributes (the
// colours are classes in console.css), data-* attributes for tests.

import { svgEl } from "./dom.js";

const LABEL_W = 168;
const AXIS_H = 26;
const LANE_H = 30;
const ROW_H = 18;
const LINK_H = 16;
const PAD_R = 14;
const MAX_ITEMS = 2000;

/** Command statuses that end a command; an arrow stops growing there. */
const SETTLED = new Set(["confirmed", "rejected", "superseded", "notSupported"]);
/** Interaction phases that close a bar. */
const CLOSING = new Set(["done"]);

/** A "nice" tick step (1, 2, 5 x 10^n ms) for about `count` ticks over `span` ms. */
function tickStep(span, count) {
  const raw = Math.max(1, span / count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function formatOffset(ms, step) {
  if (step < 1000) return `${(ms / 1000).toFixed(step < 100 ? 2 : 1)} s`;
  if (ms < 120000) return `${Math.round(ms / 1000)} s`;
  const m = Math.floor(ms / 60000);
  const s = Math.round((ms % 60000) / 1000);
  return `${m}:${String(s).padStart(2, "0")}`;
}

/** A lane of state segments: each change starts a segment that lasts until the next. */
class Lane {
  constructor() {
    this.changes = []; // {at, state, label, title}
  }
  set(at, state, label, title) {
    const last = this.changes.at(-1);
    if (last && last.state === state && last.label === label) return false;
    this.changes.push({ at, state, label, title });
    if (this.changes.length > MAX_ITEMS) this.changes.shift();
    return true;
  }
  segments(end) {
    return this.changes.map((c, i) => ({ ...c, from: c.at, to: i + 1 < this.changes.length ? this.changes[i + 1].at : end }));
  }
}

/** Bars (work items, interactions): each id has phase changes from its start to its end. */
class Bars {
  constructor(kind) {
    this.kind = kind;
    this.byId = new Map(); // id -> {id, kind, phases: [{at, phase}], end, label, row}
  }
  phase(at, id, phase, label, closes) {
    let bar = this.byId.get(id);
    if (!bar) {
      if (this.byId.size >= MAX_ITEMS) this.byId.delete(this.byId.keys().next().value);
      bar = { id, kind: this.kind, phases: [], end: null, label: label || id, row: -1 };
      this.byId.set(id, bar);
    }
    if (label) bar.label = label;
    if (bar.end !== null && !closes) bar.end = null; // reopened (a late phase)
    const last = bar.phases.at(-1);
    if (!last || last.phase !== phase) bar.phases.push({ at, phase });
    if (closes) bar.end = at;
    return bar;
  }
  close(at, id) {
    const bar = this.byId.get(id);
    if (bar && bar.end === null) {
      bar.end = at;
      return true;
    }
    return false;
  }
  /** Assigns rows so bars that overlap in time never share one; returns the row count. */
  layout(now) {
    const rowsEnd = [];
    const bars = [...this.byId.values()].sort((a, b) => a.phases[0].at - b.phases[0].at);
    for (const bar of bars) {
      const start = bar.phases[0].at;
      let row = rowsEnd.findIndex((end) => end !== null && end < start);
      if (row < 0) row = rowsEnd.length;
      rowsEnd[row] = bar.end; // null: still open, the row stays taken
      bar.row = row;
    }
    return { bars, rows: Math.max(1, rowsEnd.length), now };
  }
}

export class Timeline {
  /**
   * root: the element the SVG goes into (#timeline). options.now: the clock
   * (performance.now by default).
   */
  constructor(root, options = {}) {
    this.root = root;
    this.now = options.now || (() => performance.now());
    this.window = "auto"; // "auto" | "fit" | milliseconds
    this.frame = 0;
    this.timer = setInterval(() => this.schedule(), 500);
    this.onResize = () => this.schedule();
    window.addEventListener("resize", this.onResize);
    this.reset({});
  }

  /** Starts a new session: clears everything; `labels` names the lanes. */
  reset(labels) {
    this.t0 = this.now();
    this.labels = { crm: "CRM presence", cc: "Agent state", ...labels };
    this.crm = new Lane();
    this.cc = new Lane();
    this.links = { host: new Lane(), cc: new Lane() };
    this.workItems = new Bars("workItem");
    this.interactions = new Bars("interaction");
    this.commands = new Map(); // id -> {id, target, state, cause, status, at, settledAt, history}
    this.requests = []; // crmRequest arrows {at, action}
    this.steps = []; // scenario steps {at, n, text}
    this.schedule();
  }

  setWindow(value) {
    this.window = value;
    this.schedule();
  }

  /** CRM presence: `available` colours the segment, `name` labels it. */
  presence(name, available) {
    if (this.crm.set(this.now(), available ? "available" : "unavailable", name, `${name} (${available ? "available" : "not available"})`)) this.schedule();
  }

  /** Contact-centre agent state (loggedOut, loggedIn, ready, notReady, busy, wrapUp). */
  agent(state, reason) {
    const label = reason ? `${state} \u00b7 ${reason}` : state;
    if (this.cc.set(this.now(), state, label, label)) this.schedule();
  }

  /** A link's health: link "host" (page <-> widget / stage) or "cc" (widget <-> contact centre). */
  link(which, state, title) {
    const lane = this.links[which];
    if (lane && lane.set(this.now(), state, state, title || state)) this.schedule();
  }

  workItem(event) {
    const label = `${event.channel || "work item"} ${event.document ? event.document.id || "" : event.id}`.trim();
    this.workItems.phase(this.now(), event.id, event.phase, label, event.phase === "rejected");
    this.schedule();
  }

  interaction(event) {
    const at = this.now();
    const label = [event.media, event.direction, event.from].filter(Boolean).join(" ") || event.id;
    // An interaction closing a CRM work item (OpenFrame "agent off interaction").
    if (CLOSING.has(event.phase) && this.workItems.close(at, event.id)) {
      this.schedule();
      return;
    }
    this.interactions.phase(at, event.id, event.phase, label, CLOSING.has(event.phase));
    this.schedule();
  }

  /** Ends a bar that will get no closing phase (an offer whose caller hung up). */
  endInteraction(id) {
    if (this.interactions.close(this.now(), id)) this.schedule();
  }

  /**
   * A bridge command: created pending (or settled at once), later updates change its status.
   * `key` tells commands apart across widget restarts (their ids start again at 1).
   */
  command(cmd, key = String(cmd.id)) {
    const at = this.now();
    let c = this.commands.get(key);
    if (!c) {
      c = { id: cmd.id, key, target: cmd.target, state: cmd.state, cause: cmd.cause, status: cmd.status, at, settledAt: null, history: [] };
      this.commands.set(key, c);
      if (this.commands.size > MAX_ITEMS) this.commands.delete(this.commands.keys().next().value);
    }
    c.status = cmd.status;
    c.history.push(`${cmd.status}${cmd.detail ? `: ${cmd.detail}` : ""}`);
    if (SETTLED.has(cmd.status) && c.settledAt === null) c.settledAt = at;
    this.schedule();
  }

  /** A request the bridge makes of the CRM on the contact centre's behalf (screen pop, ...). */
  request(action, target = "crm") {
    this.requests.push({ at: this.now(), action, target });
    if (this.requests.length > MAX_ITEMS) this.requests.shift();
    this.schedule();
  }

  /** A scenario step marker on the axis. */
  step(n, text) {
    this.steps.push({ at: this.now(), n, text });
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  dispose() {
    clearInterval(this.timer);
    if (this.frame) cancelAnimationFrame(this.frame);
    window.removeEventListener("resize", this.onResize);
    this.root.replaceChildren();
  }

  /** The visible time range [from, to] in clock ms. */
  range(now) {
    const span = now - this.t0;
    const minSpan = 1000;
    if (this.window === "fit") return [this.t0, this.t0 + Math.max(span, minSpan)];
    const win = this.window === "auto" ? 60000 : Number(this.window);
    if (span <= win) return [this.t0, this.t0 + Math.max(span * 1.02, this.window === "auto" ? minSpan : win)];
    return [now - win, now];
  }

  render() {
    const now = this.now();
    const width = Math.max(640, this.root.clientWidth || 960);
    const [from, to] = this.range(now);
    const plotW = width - LABEL_W - PAD_R;
    const x = (t) => LABEL_W + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * plotW;
    const wi = this.workItems.layout(now);
    const ia = this.interactions.layout(now);

    // Vertical layout, top to bottom.
    let y = AXIS_H;
    const lanes = {};
    const place = (name, h) => {
      lanes[name] = { y, h };
      y += h;
    };
    place("crm", LANE_H);
    place("workItems", wi.rows * ROW_H + 6);
    place("bridge", 22);
    place("interactions", ia.rows * ROW_H + 6);
    place("cc", LANE_H);
    place("gap", 6);
    place("linkHost", LINK_H);
    place("linkCc", LINK_H);
    const height = y + 8;

    const svg = svgEl("svg", {
      class: "tl",
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-label": "Timeline of CRM presence, agent state, work items, interactions and bridge commands",
      "data-from": Math.round(from - this.t0),
      "data-to": Math.round(to - this.t0),
    });
    svg.append(this.defs());

    // Lane backgrounds and labels.
    const laneDefs = [
      ["crm", this.labels.crm, "crm"],
      ["workItems", "work items (CRM)", "rows"],
      ["bridge", "bridge commands", "bridge"],
      ["interactions", "interactions (contact centre)", "rows"],
      ["cc", this.labels.cc, "cc"],
      ["linkHost", this.labels.linkHost || "page \u2194 widget", "link"],
      ["linkCc", this.labels.linkCc || "widget \u2194 contact centre", "link"],
    ];
    for (const [name, label, kind] of laneDefs) {
      const l = lanes[name];
      const g = svgEl("g", { class: `lane lane-${kind}`, "data-lane": name });
      g.append(svgEl("rect", { class: "lane-bg", x: 0, y: l.y, width, height: l.h }));
      g.append(svgEl("text", { class: "lane-label", x: 8, y: l.y + l.h / 2 + 4 }, label));
      svg.append(g);
    }

    // Time axis with ticks and grid lines.
    const axis = svgEl("g", { class: "axis", "data-lane": "axis" });
    const step = tickStep(to - from, Math.max(3, Math.floor(plotW / 110)));
    const firstTick = Math.ceil((from - this.t0) / step) * step;
    for (let t = firstTick; this.t0 + t <= to; t += step) {
      const tx = x(this.t0 + t);
      axis.append(svgEl("line", { class: "grid", x1: tx, x2: tx, y1: AXIS_H - 4, y2: height - 8 }));
      axis.append(svgEl("text", { class: "tick", x: tx + 3, y: 12 }, formatOffset(t, step)));
    }
    axis.append(svgEl("line", { class: "axis-line", x1: LABEL_W, x2: width - PAD_R, y1: AXIS_H - 4, y2: AXIS_H - 4 }));
    axis.append(svgEl("line", { class: "now", x1: x(now), x2: x(now), y1: AXIS_H - 8, y2: height - 8, "data-now": Math.round(now - this.t0) }));
    svg.append(axis);

    // Scenario steps.
    const steps = svgEl("g", { class: "steps" });
    for (const s of this.steps) {
      if (s.at < from) continue;
      const sx = x(s.at);
      const g = svgEl("g", { class: "step", "data-step": s.n });
      g.append(svgEl("line", { x1: sx, x2: sx, y1: 14, y2: height - 8 }));
      g.append(svgEl("circle", { cx: sx, cy: 19, r: 7 }));
      g.append(svgEl("text", { x: sx, y: 22, "text-anchor": "middle" }, String(s.n)));
      g.append(svgEl("title", {}, `step ${s.n}: ${s.text}`));
      steps.append(g);
    }
    svg.append(steps);

    // State lanes.
    const drawLane = (lane, name, cls, l, pad) => {
      const g = svgEl("g", { class: `segments ${cls}`, "data-lane-segments": name });
      for (const s of lane.segments(now)) {
        if (s.to < from) continue;
        const x1 = x(s.from);
        const w = Math.max(1, x(s.to) - x1);
        const seg = svgEl("g", { class: "seg", "data-state": s.state });
        seg.append(svgEl("rect", { class: `seg-rect st-${s.state}`, x: x1, y: l.y + pad, width: w, height: l.h - 2 * pad, rx: 3 }));
        if (w > 34 && l.h > 20) seg.append(svgEl("text", { class: "seg-label", x: x1 + 5, y: l.y + l.h / 2 + 4 }, clip(s.label, w)));
        seg.append(svgEl("title", {}, s.title));
        g.append(seg);
      }
      svg.append(g);
    };
    drawLane(this.crm, "crm", "presence", lanes.crm, 4);
    drawLane(this.cc, "cc", "agent", lanes.cc, 4);
    drawLane(this.links.host, "linkHost", "link", lanes.linkHost, 2);
    drawLane(this.links.cc, "linkCc", "link", lanes.linkCc, 2);

    // Bars.
    const drawBars = (layout, l) => {
      const g = svgEl("g", { class: "bars" });
      for (const bar of layout.bars) {
        const end = bar.end === null ? now : bar.end;
        if (end < from) continue;
        const top = l.y + 3 + bar.row * ROW_H;
        const last = bar.phases.at(-1).phase;
        const bg = svgEl("g", { class: "bar", "data-bar": bar.kind, "data-id": bar.id, "data-phase": last, "data-open": String(bar.end === null) });
        bar.phases.forEach((p, i) => {
          const pEnd = i + 1 < bar.phases.length ? bar.phases[i + 1].at : end;
          const x1 = x(p.at);
          const w = Math.max(2, x(pEnd) - x1);
          bg.append(svgEl("rect", { class: `bar-rect ph-${p.phase}`, x: x1, y: top, width: w, height: ROW_H - 4, "data-phase": p.phase }));
        });
        const x1 = x(bar.phases[0].at);
        const wAll = x(end) - x1;
        if (wAll > 40) bg.append(svgEl("text", { class: "bar-label", x: x1 + 4, y: top + ROW_H - 8 }, clip(bar.label, wAll)));
        bg.append(svgEl("title", {}, `${bar.kind} ${bar.id}: ${bar.phases.map((p) => p.phase).join(" \u2192 ")}`));
        g.append(bg);
      }
      svg.append(g);
    };
    drawBars(wi, lanes.workItems);
    drawBars(ia, lanes.interactions);

    // Arrows: commands (from the side that caused them to the target side) and CRM requests.
    const crmY = lanes.crm.y + lanes.crm.h - 3;
    const ccY = lanes.cc.y + 3;
    const arrows = svgEl("g", { class: "arrows" });
    for (const c of this.commands.values()) {
      const end = c.settledAt === null ? now : c.settledAt;
      if (end < from) continue;
      const [y1, y2] = c.target === "crm" ? [ccY, crmY] : [crmY, ccY];
      const g = svgEl("g", { class: "arrow", "data-arrow": "command", "data-command-id": c.id, "data-key": c.key, "data-target": c.target, "data-status": c.status, "data-state": c.state, "data-cause": c.cause });
      g.append(svgEl("line", { class: `arrow-line as-${c.status}`, x1: x(c.at), y1, x2: Math.max(x(end), x(c.at) + 2), y2, "marker-end": `url(#tl-head-${c.status})` }));
      g.append(svgEl("circle", { class: `arrow-dot as-${c.status}`, cx: x(c.at), cy: y1, r: 3 }));
      g.append(svgEl("title", {}, `command #${c.id} \u2192 ${c.target} ${c.state} (${c.cause}): ${c.history.join(", ")}`));
      arrows.append(g);
    }
    for (const r of this.requests) {
      if (r.at < from) continue;
      const g = svgEl("g", { class: "arrow", "data-arrow": "request", "data-action": r.action, "data-status": "request" });
      const rx = x(r.at);
      g.append(svgEl("line", { class: "arrow-line as-request", x1: rx, y1: ccY, x2: rx + 4, y2: crmY, "marker-end": "url(#tl-head-request)" }));
      g.append(svgEl("title", {}, `CRM request: ${r.action}`));
      arrows.append(g);
    }
    svg.append(arrows);

    this.root.replaceChildren(svg);
    this.root.dataset.commands = String(this.commands.size);
  }

  defs() {
    const defs = svgEl("defs");
    for (const status of ["pending", "confirmed", "rejected", "superseded", "notSupported", "request"]) {
      const m = svgEl("marker", { id: `tl-head-${status}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
      m.append(svgEl("path", { class: `head as-${status}`, d: "M 0 0 L 10 5 L 0 10 z" }));
      defs.append(m);
    }
    return defs;
  }
}

/** Shortens a label to what fits in `width` pixels (about 6.5 px a character). */
function clip(text, width) {
  const max = Math.floor((width - 8) / 6.5);
  if (text.length <= max) return text;
  return max > 2 ? `${text.slice(0, max - 1)}\u2026` : "";
}
