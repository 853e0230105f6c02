// End-to-end: the widget's start-up (issue 14), in headless Chromium across two origins.
//
// Proves what the path to `ready` is made of, without timing anything: every start-up resource
// fetched once, in one round with the page (widget.html's preloads of the configuration and of
// the wasm and entry script of the build it names, pkg/<build>/widget.js: the build's glue and
// widget.js in one module, are the ones used; neither www/widget.js nor the glue file is asked
// for; no style sheet before the handshake), the wasm compiled from a stream (served as
// application/wasm: no fallback warning), one handshake (the host's `connect` sent when the
// iframe loaded, answered; a `hello` that crossed it not answered again); that a wrong build
// hint costs a download, never the build the configuration needs; and that a host which only
// answers `hello` (an older drop-in) still connects.
/* global CtiBridge -- in page.evaluate() callbacks: the host page's window.CtiBridge (cti-bridge.js) */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOrigins, startBrowser, ROOT } from './harness.mjs';
import { widgetPageNaming, SHIPPED_HINT } from '../../bench/widget-page.mjs';

let origins;
let browser;
/** The configuration the widget origin serves next (`full`: every protocol; `lead`: CRM Connector + xuc). */
let serving = 'full';
/** The widget page it serves: `shipped` (www/widget.html, naming the lead build) or `full` (naming the full build). */
let pageServed = 'shipped';

before(async () => {
  origins = await startOrigins((hostOrigin) =>
    serving === 'lead'
      ? { allowedHostOrigins: [hostOrigin], bridge: { cc: { source: 'xuc' } } }
      : { allowedHostOrigins: [hostOrigin], allowInject: true }, {
    widgetRoutes: {
      '/widget.html': () => ['text/html; charset=utf-8', pageServed === 'full' ? widgetPageNaming(ROOT, '') : readFileSync(join(ROOT, 'www/widget.html'), 'utf8')],
    },
  });
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
  // Every frame counts the handshake messages it receives (the widget frame: the host's `connect`s).
  await page.addInitScript(() => {
    window.connectsReceived = 0;
    window.addEventListener('message', (e) => {
      if (e.data && e.data.cti === 'connect') window.connectsReceived++;
    }, true);
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

/** Connects, waits for the panel (mounted after the handshake), and returns what the widget frame fetched and runs. */
async function start(tab) {
  const result = await tab.evaluate(async (widgetOrigin) => {
    const bridge = await CtiBridge.connect({ widgetUrl: `${widgetOrigin}/widget.html`, container: '#widget' });
    window.bridge = bridge;
    return { connected: bridge.hostStats().connected };
  }, origins.widgetOrigin);
  assert.equal(result.connected, true);
  await tab.frameLocator('iframe').locator('#panel:not([hidden])').waitFor({ timeout: 10000 });
  const frame = tab.frames().find((f) => f.url().startsWith(`${origins.widgetOrigin}/widget.html`));
  return {
    byPath: await fetched(tab),
    build: await frame.evaluate(() => document.documentElement.getAttribute('data-build')),
    connects: await frame.evaluate(() => window.connectsReceived),
  };
}

test('the glue of every build is self-contained: no snippet modules to preload (pkg/builds.json)', () => {
  // scripts/build.sh inlines the JS snippet modules wasm-bindgen writes into the glue
  // (scripts/inline-snippets.mjs): each would be one more request before the module can run.
  // A glue that imported one would need its modulepreload in the page, or cost a second round.
  const built = JSON.parse(readFileSync(join(ROOT, 'www/pkg/builds.json'), 'utf8'));
  assert.deepEqual(Object.keys(built).sort(), ['', SHIPPED_HINT]);
  for (const [name, snippets] of Object.entries(built)) assert.deepEqual(snippets, [], `build "${name}"`);
  const page = readFileSync(join(ROOT, 'www/widget.html'), 'utf8');
  assert.doesNotMatch(page, /snippets\//);
});

test('every build has its entry script, and the page loads the one of the build it names', () => {
  // scripts/widget-entry.mjs: the glue and widget.js in one module (pkg/<build>/widget.js).
  const built = JSON.parse(readFileSync(join(ROOT, 'www/pkg/builds.json'), 'utf8'));
  const widget = readFileSync(join(ROOT, 'www/widget.js'), 'utf8');
  for (const name of Object.keys(built)) {
    const dir = join(ROOT, 'www/pkg', name);
    const entry = readFileSync(join(dir, 'widget.js'), 'utf8');
    assert.match(entry, new RegExp(`const CARRIED=\\{name:${JSON.stringify(name).replace(/[+]/g, '\\+')},glue:__ctiGlue,builds:`), `build "${name}"`);
    assert.ok(entry.includes(`builds:${JSON.stringify(built)}}`), `build "${name}" carries pkg/builds.json`);
    assert.ok(entry.length > readFileSync(join(dir, 'cti_bridge.js'), 'utf8').length, `build "${name}": the entry holds the glue`);
    assert.ok(widget.includes('const CARRIED = null;'));
  }
  const page = readFileSync(join(ROOT, 'www/widget.html'), 'utf8');
  const scripts = [...page.matchAll(/<script\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [`pkg/${SHIPPED_HINT}/widget.js`]);
  for (const page of [widgetPageNaming(ROOT, ''), widgetPageNaming(ROOT, SHIPPED_HINT)]) {
    assert.doesNotMatch(page, /<[^>]*"(?:widget\.js|[^"]*cti_bridge\.js)"/);
  }
  assert.match(widgetPageNaming(ROOT, ''), /<script type="module" src="pkg\/widget\.js" async><\/script>/);
});

for (const [build, dir, named] of [['lead', `/pkg/${SHIPPED_HINT}/`, 'shipped'], ['full', '/pkg/', 'full']]) {
  test(`${build} build, named by the page: one round of preloads, each resource once, one handshake`, async () => {
    serving = build;
    pageServed = named;
    const { page: tab, warnings } = await openPage();
    const { byPath, build: running, connects } = await start(tab);
    const fromWidget = await tab.evaluate(() => window.fromWidget);
    assert.equal(running, build === 'lead' ? SHIPPED_HINT : '');
    for (const path of ['/widget.css', `${dir}widget.js`, '/widget-config.json', `${dir}cti_bridge_bg.wasm`, '/panel.js', '/panel.css']) {
      assert.equal(byPath[path]?.length, 1, `${path} fetched once: ${JSON.stringify(byPath)}`);
    }
    // The entry script carries the build's glue and widget.js (scripts/widget-entry.mjs): one
    // request for both (the entry's modulepreload and its script element are one fetch, above).
    assert.equal(byPath['/widget.js'], undefined, JSON.stringify(byPath));
    assert.equal(byPath[`${dir}cti_bridge.js`], undefined, JSON.stringify(byPath));
    // The script's fetch() of the configuration and of the module took the page's preloads; the
    // list of builds (used only on a wrong hint) rides in the entry script: not asked for.
    assert.deepEqual(byPath['/widget-config.json'], ['link']);
    assert.deepEqual(byPath[`${dir}cti_bridge_bg.wasm`], ['link']);
    assert.equal(byPath['/pkg/builds.json'], undefined);
    // Only the chosen build, and no snippet module (inlined into the glue by scripts/build.sh).
    const wasm = Object.keys(byPath).filter((p) => p.endsWith('.wasm'));
    assert.deepEqual(wasm, [`${dir}cti_bridge_bg.wasm`]);
    assert.deepEqual(Object.keys(byPath).filter((p) => p.includes('/snippets/')), []);
    // The host's connect, sent when the iframe loaded, was answered. The widget may have said
    // hello before that connect reached it (its module ran first): such a hello is not answered
    // with a connect of its own while the first is on its way (tests/js/handshake.test.mjs); one
    // that arrives after the `ready` (it travelled on the window, the ready on the port) is, as
    // a restarted widget's would be: at most two connects, the first answered at once.
    assert.ok(connects === 1 || (connects === 2 && fromWidget.includes('hello')), `connects: ${connects}, from the widget: ${fromWidget}`);
    assert.deepEqual(fromWidget.filter((t) => t !== 'hello'), []);
    // Compiled while streaming: no "not application/wasm" fallback, no preload left unused.
    assert.deepEqual(warnings, []);
    assert.deepEqual(browser.problems, []);
    await tab.close();
  });
}

test('a wrong build hint costs a download, never the build: the configuration decides', async () => {
  // The shipped page names the lead build; this configuration allows injection: the full build.
  serving = 'full';
  pageServed = 'shipped';
  const { page: tab } = await openPage();
  const { byPath, build: running } = await start(tab);
  assert.equal(running, '');
  // The hinted build was downloaded once (by the page) and left; the list of builds (carried by
  // the entry script, pkg/builds.json not asked for) said which builds exist, and the full build
  // was fetched and runs.
  assert.deepEqual(byPath[`/pkg/${SHIPPED_HINT}/cti_bridge_bg.wasm`], ['link']);
  assert.equal(byPath['/pkg/builds.json'], undefined);
  assert.equal(byPath['/pkg/cti_bridge_bg.wasm']?.length, 1);
  // The full build's glue, imported by the lead build's entry script (its own entry is not needed).
  assert.equal(byPath['/pkg/cti_bridge.js']?.length, 1);
  assert.equal(byPath['/pkg/widget.js'], undefined);
  // An AXP message decodes: only the full build has that protocol.
  const axp = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/axp.jsonl'), 'utf8').split('\n')[0]);
  await tab.evaluate((message) => window.bridge.inject('axp', message), axp);
  assert.deepEqual(browser.problems, []);
  await tab.close();
});

test('a host that only answers hello (an older drop-in) is greeted and connected', async () => {
  serving = 'full';
  pageServed = 'full';
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
