// Test page for tests/e2e/xuc-live.test.mjs: the real widget wasm (www/pkg,
// served at /pkg/) with its exported XucClient, driven from Playwright.
//
// Everything a client hands to the page is recorded in window.live.logs[name]
// (each onOutput call, as {at, type, data}), so the test can check the order of
// events, the health reports, and that no password or token ever shows up.
// The credentials provider asks the test (window.xucCredentials, exposed by
// Playwright) at the moment the client needs them: the page keeps no copy.

import init, { XucClient } from '/pkg/cti_bridge.js';

const live = {
  ready: false,
  error: null,
  clients: {},
  logs: {},
  /** Every time a client asked its provider for credentials, per client. */
  asked: {},
};
window.live = live;

/** Creates client `name` with `options` (see docs/clients.md); throws what the constructor throws. */
live.create = (name, options) => {
  if (live.clients[name]) live.destroy(name);
  const log = [];
  live.logs[name] = log;
  live.asked[name] = 0;
  const onOutput = (out) => {
    // A deep copy: what the page got, as it got it.
    log.push({ at: performance.now(), type: out.type, data: structuredClone(out.data) });
  };
  const provider = () => {
    live.asked[name] += 1;
    return window.xucCredentials(name);
  };
  live.clients[name] = new XucClient(options, onOutput, provider);
};

/** Calls `method(...args)` on client `name`: {ok, value} or {ok: false, error}. */
live.call = (name, method, args = []) => {
  const client = live.clients[name];
  if (!client) return { ok: false, error: `no client ${name}` };
  try {
    const value = client[method](...args);
    return { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    return { ok: false, error: String(e && e.message ? e.message : e) };
  }
};

/**
 * True when `value` holds everything in `pattern`: objects match a subset of
 * their keys (recursively), arrays and scalars must be equal.
 */
function matches(value, pattern) {
  if (pattern === null || typeof pattern !== 'object') return Object.is(value, pattern);
  if (Array.isArray(pattern)) {
    return Array.isArray(value) && value.length === pattern.length && pattern.every((p, i) => matches(value[i], p));
  }
  return value !== null && typeof value === 'object' && Object.keys(pattern).every((k) => matches(value[k], pattern[k]));
}

/** The first entry of client `name`'s log at or after `from` that matches `pattern`: {index, entry} or null. */
live.find = (name, from, pattern) => {
  const log = live.logs[name] || [];
  for (let i = from; i < log.length; i++) {
    if (matches(log[i], pattern)) return { index: i, entry: log[i] };
  }
  return null;
};

/** Stops and frees client `name` (its socket closed, its timer cancelled). */
live.destroy = (name) => {
  const client = live.clients[name];
  if (!client) return;
  delete live.clients[name];
  try {
    client.stop();
  } finally {
    client.free();
  }
};

try {
  await init({ module_or_path: '/pkg/cti_bridge_bg.wasm' });
  live.ready = true;
} catch (e) {
  live.error = String(e && e.message ? e.message : e);
}
