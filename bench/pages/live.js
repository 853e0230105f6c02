// Page of bench/reliability.mjs: one real live client (AxpClient or XucClient
// from www/pkg, the widget's wasm build) against `cti-bridge sim` on another
// loopback origin. Records, with page timestamps, every health report and the
// mark of every event the client hands to the page; arms the simulator's
// faults itself so that the fault time and the health times share one clock.
//
//   window.rel.start(proto, options, secret)  secret: AXP token or xuc {login, password}
//   window.rel.arm(simBase, spec)             POST /sim/fault/...; resolves with the page time it was sent
//   window.rel.state                          {health: [{state, reason, at}], marks: [[mark, at]], errors, stats}

import init, { AxpClient, XucClient } from '/pkg/cti_bridge.js';

const state = { ready: false, loadError: null, startError: null, health: [], marks: [], errors: 0, other: 0 };
let client = null;

/** The mark a fed event carries: AXP `reasonCode` (the event's `reason`), xuc `ctiMessage.mark`. */
const markOf = (e) => (e?.kind !== 'agentState' ? null : e.data?.mark ?? (e.source === 'axp' ? e.reason : null) ?? null);

function onOutput(out) {
  const at = performance.now();
  if (out?.type === 'health') {
    state.health.push({ state: out.data.state, reason: out.data.reason, at });
    document.getElementById('health').textContent = out.data.state;
  } else if (out?.type === 'output' && typeof out.data?.seq === 'number') {
    const mark = markOf(out.data);
    if (typeof mark === 'string' && mark.startsWith('rel:')) state.marks.push([mark, at]);
    else state.other += 1;
    document.getElementById('events').textContent = String(state.marks.length);
  } else if (out?.type === 'error') {
    state.errors += 1;
  }
}

window.rel = {
  state,
  start(proto, options, secret) {
    document.getElementById('proto').textContent = proto;
    try {
      client = proto === 'axp'
        ? new AxpClient(options, onOutput, () => secret)
        : new XucClient(options, onOutput, () => secret);
      client.start();
      return true;
    } catch (e) {
      state.startError = String(e?.message ?? e);
      return false;
    }
  },
  async arm(simBase, spec) {
    const at = performance.now();
    const res = await fetch(`${simBase}/sim/fault/${encodeURIComponent(spec)}`, { method: 'POST' });
    if (!res.ok) throw new Error(`arming ${spec}: ${res.status} ${await res.text()}`);
    return at;
  },
  now: () => performance.now(),
  stats: () => client?.stats() ?? null,
  health: () => client?.health() ?? null,
  free() {
    if (!client) return;
    try {
      client.stop();
    } finally {
      client.free();
      client = null;
    }
  },
};

init().then(
  () => { state.ready = true; },
  (e) => { state.loadError = String(e?.message ?? e); },
);
