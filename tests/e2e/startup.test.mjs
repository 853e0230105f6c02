// End-to-end: the widget's start-up (issue 14), in headless Chromium across two origins.
//
// Proves what the path to `ready` is made of, without timing anything: every start-up resource
// fetched once (the page's preloads of the configuration and of the builds list are the ones
// widget.js uses, the chosen build only), the wasm compiled from a stream (served as
// application/wasm: no fallback warning), the host's `connect` sent when the iframe loaded and
// answered without a `hello`; and that a host which only answers `hello` (an older drop-in)
// still connects.
/* global CtiBridge -- in page.evaluate() callbacks: the host page's window.CtiBridge (cti-bridge.js) */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigins, startBrowser } from './harness.mjs';

let origins;
let browser;
/** The configuration the widget origin serves next (`full`: every protocol; `lead`: CRM Connector + xuc). */
let serving = 'full';

before(async () => {
  origins = await startOrigins((hostOrigin) =>
    serving === 'lead'
      ? { allowedHostOrigins: [hostOrigin], bridge: { cc: { source: 'xuc' } } }
      : { allowedHostOrigins: [hostOrigin], allowInject: true });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
});

/** Opens the start-up page on the host origin, noting the widget's window messages as this page sees them. */
async function openPage() {
  const page = await browser.context.newPage();
  const warnings = [];
  page.on('console', (msg) => {
    if (msg.type() === 'warning' || msg.type() === 'error') warnings.push(msg.text());
  });
  await page.goto(`${origins.hostOrigin}/startup.html`);
  await page.evaluate((widgetOrigin) => {
    window.fromWidget = [];
    window.addEventListener('message', (e) => {
      if (e.origin === widgetOrigin) window.fromWidget.push(e.data && e.data.cti);
    });
  }, origins.widgetOrigin);
  return { page, warnings };
}

/** The widget frame's resource timing entries: path -> [initiatorType, ...]. */
async function fetched(page) {
  const frame = page.frames().find((f) => f.url().startsWith(`${origins.widgetOrigin}/widget.html`));
  assert.ok(frame, 'the widget frame');
  const entries = await frame.evaluate(() => performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname + new URL(e.name).search, e.initiatorType]));
  const byPath = {};
  for (const [path, initiator] of entries) (byPath[path] = byPath[path] || []).push(initiator);
  return byPath;
}

for (const [build, dir] of [['full', '/pkg/'], ['lead', '/pkg/crm-connector+xuc/']]) {
  test(`${build} build: each start-up resource fetched once, the preloads used, ready without a hello`, async () => {
    serving = build;
    const { page, warnings } = await openPage();
    const result = await page.evaluate(async (widgetOrigin) => {
      const bridge = await CtiBridge.connect({ widgetUrl: `${widgetOrigin}/widget.html`, container: '#widget' });
      window.bridge = bridge;
      return { connected: bridge.hostStats().connected };
    }, origins.widgetOrigin);
    assert.equal(result.connected, true);
    // The panel comes after the handshake.
    await page.frameLocator('iframe').locator('#panel:not([hidden])').waitFor({ timeout: 10000 });
    const byPath = await fetched(page);
    for (const path of ['/widget.css', '/widget.js', '/widget-config.json', '/pkg/builds.json', `${dir}cti_bridge_bg.wasm`, `${dir}cti_bridge.js`, '/panel.js', '/panel.css']) {
      assert.equal(byPath[path]?.length, 1, `${path} fetched once: ${JSON.stringify(byPath)}`);
    }
    // widget.js's fetch() of the configuration and of the builds list took the page's preloads.
    assert.deepEqual(byPath['/widget-config.json'], ['link']);
    assert.deepEqual(byPath['/pkg/builds.json'], ['link']);
    // Only the chosen build; its glue's snippet modules (named in builds.json) once each.
    const wasm = Object.keys(byPath).filter((p) => p.endsWith('.wasm'));
    assert.deepEqual(wasm, [`${dir}cti_bridge_bg.wasm`]);
    const snippets = Object.keys(byPath).filter((p) => p.includes('/snippets/'));
    for (const path of snippets) assert.ok(path.startsWith(`${dir}snippets/`) && byPath[path].length === 1, `${path}: ${JSON.stringify(byPath[path])}`);
    if (build === 'full') assert.ok(snippets.length > 0, 'the full build has snippet modules (vendor relays)');
    // The host's connect (sent when the iframe loaded) was answered: the widget never said hello.
    assert.deepEqual(await page.evaluate(() => window.fromWidget), []);
    // Compiled while streaming: no "not application/wasm" fallback, no preload left unused.
    assert.deepEqual(warnings, []);
    assert.deepEqual(browser.problems, []);
    await page.close();
  });
}

test('a host that only answers hello (an older drop-in) is greeted and connected', async () => {
  serving = 'full';
  const { page } = await openPage();
  const result = await page.evaluate((widgetOrigin) => new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    const timer = setTimeout(() => reject(new Error('no ready within 10 s')), 10000);
    window.addEventListener('message', (e) => {
      if (e.origin !== widgetOrigin || e.source !== frame.contentWindow || !e.data || e.data.cti !== 'hello') return;
      const channel = new MessageChannel();
      channel.port1.onmessage = (m) => {
        const message = JSON.parse(m.data);
        const items = message.t === 'batch' ? message.m : [message];
        const ready = items.find((i) => i.t === 'ready');
        if (ready) {
          clearTimeout(timer);
          resolve({ v: ready.v, hello: e.data.v });
        }
      };
      frame.contentWindow.postMessage({ cti: 'connect', v: 2, epoch: null, lastSeq: 0, hostId: 'startup-test' }, widgetOrigin, [channel.port2]);
    });
    frame.src = `${widgetOrigin}/widget.html`;
    document.getElementById('widget').appendChild(frame);
  }), origins.widgetOrigin);
  assert.deepEqual(result, { v: 2, hello: 2 });
  assert.deepEqual(await page.evaluate(() => window.fromWidget.filter((t) => t === 'hello').length > 0), true);
  assert.deepEqual(browser.problems, []);
  await page.close();
});
