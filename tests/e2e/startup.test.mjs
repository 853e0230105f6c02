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
// answers `hello` (an older drop-in) still connects. The page loads its build from the
// content-hashed folder pkg/<hash>/ (scripts/build.sh): the same files as pkg/, named by their
// content; served as docs/package.md says (`immutable`), a second load asks for none of them.
/* global CtiBridge -- in page.evaluate() callbacks: the host page's window.CtiBridge (cti-bridge.js) */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOrigins, startBrowser, ROOT, HASHED_PKG } from './harness.mjs';
import { hashedFolder, widgetPageNaming, SHIPPED_HINT } from '../../bench/widget-page.mjs';
import { contentHash, filesUnder } from '../../scripts/hash-pkg.mjs';

let origins;
let browser;
/** The configuration the widget origin serves next (`full`: every protocol; `lead`: CRM Connector + xuc). */
let serving = 'full';
/** The widget page it serves: `shipped` (www/widget.html, naming the lead build) or `full` (naming the full build). */
let pageServed = 'shipped';
/** The content-hashed folder www/widget.html names, as a path: `/pkg/<hash>/`. */
const HASHED = `/${hashedFolder(ROOT)}`;

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
async function fetched(page, widgetOrigin = origins.widgetOrigin) {
  const frame = page.frames().find((f) => f.url().startsWith(`${widgetOrigin}/widget.html`));
  assert.ok(frame, 'the widget frame');
  const entries = await frame.evaluate(() => performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname + new URL(e.name).search, e.initiatorType]));
  const byPath = {};
  for (const [path, initiator] of entries) (byPath[path] = byPath[path] || []).push(initiator);
  return byPath;
}

/** Connects, waits for the panel (mounted after the handshake), and returns what the widget frame fetched and runs. */
async function start(tab, widgetOrigin = origins.widgetOrigin) {
  const result = await tab.evaluate(async (widgetOrigin) => {
    const bridge = await CtiBridge.connect({ widgetUrl: `${widgetOrigin}/widget.html`, container: '#widget' });
    window.bridge = bridge;
    return { connected: bridge.hostStats().connected };
  }, widgetOrigin);
  assert.equal(result.connected, true);
  await tab.frameLocator('iframe').locator('#panel:not([hidden])').waitFor({ timeout: 10000 });
  const frame = tab.frames().find((f) => f.url().startsWith(`${widgetOrigin}/widget.html`));
  return {
    byPath: await fetched(tab, widgetOrigin),
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
  assert.deepEqual(scripts, [`${HASHED.slice(1)}${SHIPPED_HINT}/widget.js`]);
  for (const page of [widgetPageNaming(ROOT, ''), widgetPageNaming(ROOT, SHIPPED_HINT)]) {
    assert.doesNotMatch(page, /<[^>]*"(?:widget\.js|[^"]*cti_bridge\.js)"/);
  }
  assert.ok(widgetPageNaming(ROOT, '').includes(`<script type="module" src="${HASHED.slice(1)}widget.js" async></script>`));
});

test('widget.html names the content-hashed copy of the builds: the same files, named by their content', () => {
  // scripts/build.sh writes www/widget.html from the tracked template, the hash in place of its placeholder.
  const page = readFileSync(join(ROOT, 'www/widget.html'), 'utf8');
  const template = readFileSync(join(ROOT, 'www/widget.template.html'), 'utf8');
  const hash = HASHED.split('/')[2];
  assert.match(HASHED, HASHED_PKG);
  assert.equal(template.replaceAll('{{hash}}', hash), page);
  assert.equal(template.split('{{hash}}').length - 1, 3, 'the wasm preload, the entry modulepreload, the script');
  // One hashed folder (the old ones removed), named by the hash of what is in it: a changed file
  // would be another folder, which a browser holding the old one as `immutable` never confuses.
  const pkg = join(ROOT, 'www/pkg');
  const built = JSON.parse(readFileSync(join(pkg, 'builds.json'), 'utf8'));
  const names = new Set(Object.keys(built));
  const hashedDirs = readdirSync(pkg, { withFileTypes: true }).filter((e) => e.isDirectory() && !names.has(e.name)).map((e) => e.name);
  assert.deepEqual(hashedDirs, [hash]);
  const dir = join(pkg, hash);
  const files = filesUnder(dir);
  assert.equal(contentHash(files), hash);
  // Every build, in the layout of pkg/: its wasm and glue the very files of pkg/<build>/; its entry
  // script that of pkg/<build>/ but for the one `../` more to www/ (nothing in it names the hash).
  const expected = Object.keys(built).flatMap((name) => ['cti_bridge_bg.wasm', 'cti_bridge.js', 'widget.js'].map((f) => (name ? `${name}/${f}` : f)));
  assert.deepEqual(files.map((f) => f.path).sort(), expected.sort());
  for (const { path, bytes } of files) {
    const stable = readFileSync(join(pkg, path));
    if (!path.endsWith('widget.js')) {
      assert.ok(bytes.equals(stable), `${path} equals pkg/${path}`);
      continue;
    }
    const up = path.includes('/') ? '../../' : '../';
    const base = (text, depth) => text.replace(`const BASE=new URL(${JSON.stringify(depth)},import.meta.url)`, 'BASE');
    const [hashedText, stableText] = [bytes.toString('utf8'), stable.toString('utf8')];
    assert.notEqual(base(hashedText, `../${up}`), hashedText, `${path}: BASE one folder deeper`);
    assert.equal(base(hashedText, `../${up}`), base(stableText, up), `${path}`);
    assert.ok(!hashedText.includes(hash), `${path} does not name the hash`);
  }
});

for (const [build, dir, named] of [['lead', `${HASHED}${SHIPPED_HINT}/`, 'shipped'], ['full', HASHED, 'full']]) {
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
    // Nothing from the builds' stable folders: the page and its entry use the hashed one only.
    assert.deepEqual(Object.keys(byPath).filter((p) => p.startsWith('/pkg/') && !p.startsWith(HASHED)), []);
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
  assert.deepEqual(byPath[`${HASHED}${SHIPPED_HINT}/cti_bridge_bg.wasm`], ['link']);
  assert.equal(byPath['/pkg/builds.json'], undefined);
  assert.equal(byPath[`${HASHED}cti_bridge_bg.wasm`]?.length, 1);
  // The full build's glue, imported by the lead build's entry script (its own entry is not needed),
  // from the same hashed folder: nothing from pkg/'s stable folders.
  assert.equal(byPath[`${HASHED}cti_bridge.js`]?.length, 1);
  assert.equal(byPath[`${HASHED}widget.js`], undefined);
  assert.deepEqual(Object.keys(byPath).filter((p) => p.startsWith('/pkg/') && !p.startsWith(HASHED)), []);
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

/**
 * A widget origin serving its files as docs/package.md tells a deployment (`deploy`: pkg/<hash>/
 * `immutable`, the page and everything else `no-cache` with a validator, the configuration
 * `no-store`), widget.html as a file (www/widget.html), configured as `config` says.
 */
async function deployedOrigin(config) {
  return startOrigins((hostOrigin) => (config === 'lead'
    ? { allowedHostOrigins: [hostOrigin], bridge: { cc: { source: 'xuc' } } }
    : { allowedHostOrigins: [hostOrigin], allowInject: true }), { widgetCache: 'deploy' });
}

/** Loads the start-up page of `deployed` in a new tab and connects: what the frame fetched and runs. */
async function startDeployed(deployed) {
  const tab = await browser.context.newPage();
  await tab.goto(`${deployed.hostOrigin}/startup.html`);
  const started = await start(tab, deployed.widgetOrigin);
  return { tab, ...started };
}

test('served immutable, the hashed files are fetched once: a second load asks only for the page', async () => {
  const deployed = await deployedOrigin('lead');
  try {
    const requests = deployed.widgetRequests;
    const first = await startDeployed(deployed);
    assert.equal(first.build, SHIPPED_HINT);
    const firstHashed = requests.filter((r) => HASHED_PKG.test(r.path));
    assert.deepEqual(firstHashed.map((r) => `${r.path} ${r.status}`).sort(),
      [`${HASHED}${SHIPPED_HINT}/cti_bridge_bg.wasm 200`, `${HASHED}${SHIPPED_HINT}/widget.js 200`]);
    await first.tab.close();
    // The agent comes back (another tab of the CRM): the page is revalidated, the configuration
    // fetched again, and nothing of pkg/<hash>/ is asked for; the widget reaches ready as before.
    const mark = requests.length;
    const second = await startDeployed(deployed);
    assert.equal(second.build, SHIPPED_HINT);
    const again = requests.slice(mark);
    assert.deepEqual(again.filter((r) => r.path.startsWith('/pkg/')), [], JSON.stringify(again));
    assert.deepEqual(again.filter((r) => r.path === '/widget.html').map((r) => r.status), [304]);
    assert.equal(again.filter((r) => r.path === '/widget-config.json').length, 1);
    // The frame still took the module and the entry from the page's preloads (from the cache).
    assert.deepEqual(second.byPath[`${HASHED}${SHIPPED_HINT}/cti_bridge_bg.wasm`], ['link']);
    assert.equal(second.byPath[`${HASHED}${SHIPPED_HINT}/widget.js`]?.length, 1);
    assert.deepEqual(browser.problems, []);
    await second.tab.close();
  } finally {
    await deployed.close();
  }
});

test('served immutable, a wrong build hint loads the right build from the same hashed folder', async () => {
  // The shipped page names the lead build; this configuration allows injection: the full build.
  const deployed = await deployedOrigin('full');
  try {
    const { tab, build, byPath } = await startDeployed(deployed);
    assert.equal(build, '');
    const paths = deployed.widgetRequests.map((r) => `${r.path} ${r.status}`).filter((p) => p.startsWith('/pkg/'));
    assert.deepEqual(paths.sort(), [
      `${HASHED}${SHIPPED_HINT}/cti_bridge_bg.wasm 200`, `${HASHED}${SHIPPED_HINT}/widget.js 200`,
      `${HASHED}cti_bridge.js 200`, `${HASHED}cti_bridge_bg.wasm 200`,
    ].sort());
    assert.equal(byPath[`${HASHED}cti_bridge_bg.wasm`]?.length, 1);
    const axp = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/axp.jsonl'), 'utf8').split('\n')[0]);
    await tab.evaluate((message) => window.bridge.inject('axp', message), axp);
    assert.deepEqual(browser.problems, []);
    await tab.close();
  } finally {
    await deployed.close();
  }
});
