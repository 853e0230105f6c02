// The demo console's message inspector: one row per message in or out (host
// calls and their answers, widget events and commands, CRM Connector wires,
// vendor SDK calls, stage and simulator messages, the widget's trace), with
// its time, direction, peer, origin, kind, type and a summary; a dropped one
// says why. Click (or Enter on) a row for the full JSON. Filters by peer,
// kind and text.

import { el } from "./dom.js";

const MAX_ROWS = 3000;

/** JSON that never throws (cycles, functions) and stays readable. */
export function toJson(value) {
  const seen = new WeakSet();
  try {
    return JSON.stringify(value, (k, v) => {
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return "[cycle]";
        seen.add(v);
      }
      if (typeof v === "function") return "[function]";
      return v;
    }, 2);
  } catch {
    return String(value);
  }
}

export class Inspector {
  /**
   * `parts`: {table: tbody, detail: pre, count: element, peer: select, kind: select, text: input,
   * clear: button, follow?: checkbox, scroller?: the table's scrolling box}.
   */
  constructor(parts, options = {}) {
    this.parts = parts;
    this.now = options.now || (() => performance.now());
    this.rows = []; // {n, at, dir, peer, origin, kind, type, summary, dropped, data, tr}
    this.n = 0;
    this.t0 = this.now();
    this.selected = null;
    this.peers = new Set();
    this.kinds = new Set();
    this.listeners = [];
    const on = (target, type, fn) => {
      target.addEventListener(type, fn);
      this.listeners.push(() => target.removeEventListener(type, fn));
    };
    on(parts.peer, "change", () => this.applyFilter());
    on(parts.kind, "change", () => this.applyFilter());
    on(parts.text, "input", () => this.applyFilter());
    on(parts.clear, "click", () => this.reset());
    on(parts.table, "click", (e) => this.pick(e.target.closest("tr")));
    on(parts.table, "keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      this.pick(e.target.closest("tr"));
    });
  }

  /** Clears the rows (a new session); the filters keep their values. */
  reset() {
    this.rows = [];
    this.t0 = this.now();
    this.selected = null;
    this.parts.table.replaceChildren();
    this.parts.detail.textContent = "Click a row to see the whole message.";
    this.updateCount();
  }

  /**
   * Adds one row. entry: {dir: "in"|"out"|"drop"|"note", peer, origin?, kind, type, summary?,
   * dropped?: reason, data?}. Returns the row (for updates with `settle`).
   */
  add(entry) {
    const row = { n: ++this.n, at: this.now(), ...entry };
    if (row.dropped && row.dir !== "drop") row.dir = "drop";
    this.rows.push(row);
    row.tr = this.render(row);
    this.parts.table.append(row.tr);
    if (this.rows.length > MAX_ROWS) {
      const old = this.rows.shift();
      old.tr.remove();
    }
    this.learn(this.peers, this.parts.peer, row.peer);
    this.learn(this.kinds, this.parts.kind, row.kind);
    this.show(row);
    this.updateCount();
    // Follow the newest row by scrolling the table's own box only (never the page).
    if (this.parts.follow && this.parts.follow.checked && this.parts.scroller) this.parts.scroller.scrollTop = this.parts.scroller.scrollHeight;
    return row;
  }

  /** Rows currently held (tests and the console read them). */
  list() {
    return this.rows.map(({ tr, ...rest }) => rest);
  }

  render(row) {
    const tr = el("tr", {
      tabindex: "0",
      class: `msg dir-${row.dir} kind-${row.kind}`,
      "data-dir": row.dir,
      "data-peer": row.peer,
      "data-kind": row.kind,
      "data-type": row.type,
      "data-dropped": row.dropped,
      "aria-selected": "false",
    });
    const t = ((row.at - this.t0) / 1000).toFixed(3);
    const arrow = { in: "\u2190 in", out: "\u2192 out", drop: "\u2715 drop", note: "\u2022" }[row.dir] || row.dir;
    tr.append(
      el("td", { class: "c-n" }, String(row.n)),
      el("td", { class: "c-t" }, t),
      el("td", { class: "c-dir" }, arrow),
      el("td", { class: "c-peer" }, row.peer || ""),
      el("td", { class: "c-origin", title: row.origin || "" }, row.origin || ""),
      el("td", { class: "c-kind" }, row.kind || ""),
      el("td", { class: "c-type" }, row.type || ""),
      el("td", { class: "c-sum", title: row.dropped ? `dropped: ${row.dropped}` : row.summary || "" },
        row.dropped ? `dropped: ${row.dropped}${row.summary ? ` \u00b7 ${row.summary}` : ""}` : row.summary || ""),
    );
    return tr;
  }

  /** Updates a row's summary (a call answered later). */
  settle(row, summary, data, failed) {
    if (!row || !row.tr) return;
    row.summary = summary;
    if (data !== undefined) row.result = data;
    row.tr.lastElementChild.textContent = summary;
    row.tr.lastElementChild.title = summary;
    if (failed) row.tr.classList.add("failed");
    if (this.selected === row) this.pick(row.tr);
  }

  learn(set, select, value) {
    if (!value || set.has(value)) return;
    set.add(value);
    select.append(el("option", { value }, value));
  }

  matches(row) {
    const peer = this.parts.peer.value;
    const kind = this.parts.kind.value;
    const text = this.parts.text.value.trim().toLowerCase();
    if (peer && row.peer !== peer) return false;
    if (kind && row.kind !== kind && !(kind === "dropped" && row.dir === "drop")) return false;
    if (text && !`${row.type} ${row.summary || ""} ${row.dropped || ""} ${row.origin || ""}`.toLowerCase().includes(text)) return false;
    return true;
  }

  show(row) {
    row.tr.hidden = !this.matches(row);
  }

  applyFilter() {
    for (const row of this.rows) this.show(row);
    this.updateCount();
  }

  updateCount() {
    const shown = this.rows.filter((r) => !r.tr.hidden).length;
    const dropped = this.rows.filter((r) => r.dir === "drop").length;
    this.parts.count.textContent = `${shown} of ${this.rows.length} messages \u00b7 in ${this.rows.filter((r) => r.dir === "in").length} \u00b7 out ${this.rows.filter((r) => r.dir === "out").length} \u00b7 dropped ${dropped}`;
  }

  pick(tr) {
    const row = tr && this.rows.find((r) => r.tr === tr);
    if (!row) return;
    if (this.selected && this.selected.tr) this.selected.tr.setAttribute("aria-selected", "false");
    this.selected = row;
    tr.setAttribute("aria-selected", "true");
    const { tr: _tr, ...shown } = row;
    shown.at = `+${((row.at - this.t0) / 1000).toFixed(3)} s`;
    this.parts.detail.textContent = toJson(shown);
  }

  dispose() {
    for (const off of this.listeners) off();
    this.listeners = [];
  }
}
