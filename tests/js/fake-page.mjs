// The drop-in (`www/cti-bridge.js`) run as a CRM page would run it, in a fresh vm context: one
// iframe whose window is the test's stand-in widget, the page's message listener and the iframe's
// `load` listener kept for the test to call. Shared by the host-script unit tests.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

/** The drop-in's text: `www/cti-bridge.js`, or the file CTI_DROP_IN names (the shipped one, tests/js/ship-js.test.mjs). */
export const source = readFileSync(process.env.CTI_DROP_IN || new URL('../../www/cti-bridge.js', import.meta.url), 'utf8');
export const WIDGET = 'https://widget.example.com';

/**
 * Loads the drop-in in a page whose iframe window is `widgetWindow`. `globals` replaces the page's
 * globals (a fake clock's timers, a console that must stay unused ...).
 */
export function fakePage(widgetWindow, globals = {}) {
  let onMessage = () => {};
  let onLoad = () => {};
  const iframe = {
    setAttribute() {},
    addEventListener(type, fn) { if (type === 'load') onLoad = fn; },
    removeEventListener() {},
    contentWindow: widgetWindow,
    parentNode: null,
  };
  const ctx = {
    URL, setTimeout, clearTimeout, setInterval, clearInterval, MessageChannel, Promise,
    console: { warn() {}, error() {}, info() {}, debug() {} },
    document: { createElement: () => iframe, querySelector: () => ({ appendChild() {} }) },
    location: { href: 'https://crm.example.com/' },
    addEventListener(type, fn) { onMessage = fn; },
    removeEventListener() {},
    ...globals,
  };
  ctx.globalThis = ctx;
  vm.createContext(ctx);
  vm.runInContext(source, ctx, { filename: 'cti-bridge.js' });
  return {
    CtiBridge: ctx.CtiBridge,
    /** The widget window posts `data` to the page (its hello, by default). */
    fromWidget: (data = { cti: 'hello' }) => onMessage({ origin: WIDGET, source: widgetWindow, data }),
    /** The iframe's `load` event. */
    load: () => onLoad(),
  };
}

/**
 * A stand-in widget window that keeps each `connect` it is posted (`{message, port}`, answered by
 * the test), checking it was posted to the widget's origin only.
 */
export function keepingConnects() {
  const connects = [];
  const widgetWindow = {
    postMessage(message, origin, [port]) {
      assert.equal(origin, WIDGET);
      connects.push({ message, port });
    },
  };
  return { connects, widgetWindow };
}
