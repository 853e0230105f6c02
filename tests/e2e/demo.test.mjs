// End-to-end check of the demo page in headless Chromium (Playwright).
//
//   node --test tests/e2e/
//
// Needs the widget built (bash scripts/build.sh: www/pkg/ and demo/samples/),
// Debian's /usr/bin/chromium and node_modules/playwright-core (scripts/setup.sh).
// Starts scripts/serve.py on a free loopback port and stops it at the end.
// The page screenshot is written to /tmp/demo.png (E2E_SCREENSHOT overrides).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = ['openframe', 'crm-connector', 'agentdesktop', 'axp', 'xuc'];
const SCREENSHOT = process.env.E2E_SCREENSHOT || '/tmp/demo.png';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let server;
let baseUrl;
let context;
let page;
let profileDir;
const consoleErrors = [];
const consoleWarnings = [];
const pageErrors = [];
const badResponses = [];

/** The seed sample lines the page plays for a source (what build.sh copied). */
function sampleLines(source) {
  return readFileSync(join(ROOT, 'demo', 'samples', `${source}.jsonl`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Starts serve.py on port 0 (the OS picks a free one) and reads the URL it prints. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(ROOT, 'scripts', 'serve.py'), '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve.py did not start: ${out}${err}`)), 15000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.py exited (${code}): ${out}${err}`));
    });
  });
}

/** A raw GET with the path sent as written (no URL normalization). */
function rawGet(path) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitIdle() {
  await page.waitForSelector('body[data-busy="false"]', { timeout: 120000 });
}

/** Per sample group of a source: outputs by class, as plain data. */
async function sampleGroups(source) {
  return page.$$eval(`#log li.msg[data-origin="sample"][data-source="${source}"]`, (groups) =>
    groups.map((g) => ({
      sample: Number(g.dataset.sample),
      title: g.querySelector('.msg-title')?.textContent ?? '',
      events: g.querySelectorAll('.out.event').length,
      errors: [...g.querySelectorAll('.out.error')].map((e) => e.textContent),
      duplicate: g.querySelectorAll('.out.duplicate').length > 0,
      decoded: g.querySelectorAll('.out.duplicate .decoded').length,
    })));
}

/** Checks that every sample of a source produced events and no error line. */
function checkSamples(source, groups) {
  const lines = sampleLines(source);
  assert.equal(groups.length, lines.length, `${source}: one output group per sample line`);
  const seenIds = new Set();
  groups.forEach((g, i) => {
    assert.equal(g.sample, i + 1, `${source}: samples in order`);
    assert.deepEqual(g.errors, [], `${source} sample ${i + 1} (${g.title}): no error line`);
    const msg = JSON.parse(lines[i]);
    // AXP notifications carry an event id; the bridge drops one it has seen
    // (reconnect replay). The vendor's examples share one id, so later ones are
    // shown as duplicates together with what they decode to.
    const id = source === 'axp' && msg.body && typeof msg.body.id === 'string' ? msg.body.id : null;
    const repeat = id !== null && seenIds.has(id);
    if (id !== null) seenIds.add(id);
    if (repeat) {
      assert.ok(g.duplicate, `${source} sample ${i + 1} (${g.title}): repeated event id shown as duplicate`);
      assert.equal(g.events, 0, `${source} sample ${i + 1}: a duplicate is not applied`);
      assert.ok(g.decoded >= 1, `${source} sample ${i + 1} (${g.title}): duplicate still shows its decoded event`);
    } else {
      assert.ok(!g.duplicate, `${source} sample ${i + 1} (${g.title}): not a duplicate`);
      assert.ok(g.events >= 1, `${source} sample ${i + 1} (${g.title}): at least one event`);
    }
  });
}

async function playSource(source) {
  await page.selectOption('#sample-source', source);
  await page.click('#play-samples');
  await page.waitForSelector('body[data-busy="true"], body[data-busy="false"]');
  await waitIdle();
  checkSamples(source, await sampleGroups(source));
  const received = await page.textContent(`#stats tr[data-source="${source}"] td.num`);
  assert.ok(Number(received) >= sampleLines(source).length, `${source}: stats count the samples`);
}

before(async () => {
  for (const f of ['www/pkg/cti_bridge.js', 'www/pkg/cti_bridge_bg.wasm', ...SOURCES.map((s) => `demo/samples/${s}.jsonl`)]) {
    assert.ok(existsSync(join(ROOT, f)), `${f} is missing: run bash scripts/build.sh first`);
  }
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run bash scripts/setup.sh first`);
  ({ child: server, url: baseUrl } = await startServer());

  profileDir = mkdtempSync(join(tmpdir(), 'cti-bridge-e2e-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run',
    ],
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
    if (msg.type() === 'warning') consoleWarnings.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('response', (res) => { if (res.status() >= 400) badResponses.push(`${res.status()} ${res.url()}`); });
  page.on('requestfailed', (req) => badResponses.push(`failed ${req.url()}: ${req.failure()?.errorText}`));
  // Collect CSP violations from inside the page (an init script, not subject to the CSP).
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
});

after(async () => {
  await context?.close().catch(() => {});
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test('serve.py: loopback only, headers, MIME types, nothing outside www/ and demo/', async () => {
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const index = await fetch(baseUrl);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-security-policy'),
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; frame-ancestors 'self'");
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  // Cached as docs/package.md tells a deployment: revalidated (a rebuild is picked up on reload),
  // the content-hashed builds widget.html loads kept as they are (immutable).
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const lastModified = index.headers.get('last-modified');
  assert.ok(lastModified);
  assert.equal((await fetch(baseUrl, { headers: { 'If-Modified-Since': lastModified } })).status, 304);
  const hashed = readFileSync(join(ROOT, 'www/widget.html'), 'utf8').match(/src="(pkg\/[0-9a-f]{12}\/[^"]*widget\.js)"/);
  assert.ok(hashed, 'widget.html loads a content-hashed entry script');
  const entry = await fetch(baseUrl + hashed[1]);
  assert.equal(entry.status, 200);
  assert.equal(entry.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  await entry.arrayBuffer();
  const missing = await fetch(`${baseUrl}pkg/000000000000/widget.js`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('cache-control'), 'no-store');
  await missing.arrayBuffer();
  const types = {
    'pkg/cti_bridge_bg.wasm': 'application/wasm',
    'pkg/cti_bridge.js': 'text/javascript',
    'demo.js': 'text/javascript',
    'samples/xuc.jsonl': 'application/x-ndjson',
  };
  for (const [path, type] of Object.entries(types)) {
    const res = await fetch(baseUrl + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    await res.arrayBuffer();
  }
  for (const path of ['/../Cargo.toml', '/%2e%2e/Cargo.toml', '/..%2fscripts/serve.py', '/pkg/../../README.md']) {
    const res = await rawGet(path);
    assert.ok(res.statusCode === 403 || res.statusCode === 404, `${path} refused (got ${res.statusCode})`);
  }
});

test('demo page: every seed sample, all sources at once, the scenario and pasted messages', { timeout: 300000 }, async () => {
  await page.goto(baseUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.title(), 'cti-bridge demo');

  // Each source on its own, in the default mode (synchronized).
  for (const source of SOURCES) await playSource(source);
  assert.equal(await page.locator('#log .out.error').count(), 0, 'no error line after the seed samples');

  // All five in one go, on a fresh bridge, instantly.
  await page.click('#reset');
  assert.equal(await page.locator('#log li.msg').count(), 0, 'reset clears the log');
  await page.selectOption('#speed', 'instant');
  await page.click('#play-all');
  await waitIdle();
  for (const source of SOURCES) checkSamples(source, await sampleGroups(source));
  await page.selectOption('#speed', 'normal');

  // The scenario: CRM Available -> agent follows; call -> CRM Busy; ACW done -> CRM Available.
  await page.click('#scenario');
  await waitIdle();
  const steps = await page.$$eval('#log li.msg[data-origin="scenario"]', (groups) => groups.map((g) => ({
    step: Number(g.dataset.step),
    source: g.dataset.source,
    events: g.querySelectorAll('.out.event').length,
    errors: g.querySelectorAll('.out.error').length,
    duplicate: g.querySelectorAll('.out.duplicate').length > 0,
    commands: [...g.querySelectorAll('.out.command')].map((c) => `${c.dataset.target}:${c.querySelector('.want').textContent}:${c.dataset.status}`),
  })));
  assert.equal(steps.length, 12, 'twelve scenario steps');
  for (const s of steps) assert.equal(s.errors, 0, `scenario step ${s.step}: no error`);
  for (const s of steps.slice(0, -1)) assert.ok(s.events >= 1, `scenario step ${s.step}: at least one event`);
  assert.ok(steps.at(-1).duplicate, 'the replayed AXP event is dropped as a duplicate');
  const commands = steps.flatMap((s) => s.commands);
  assert.deepEqual(commands, [
    'cc:Ready:pending', 'cc:Ready:confirmed',
    'crm:Not Ready:pending', 'crm:Not Ready:confirmed',
    'crm:Ready:pending', 'crm:Ready:confirmed',
  ], 'the sync engine follows the CRM, pauses it for the call, restores it, and every echo confirms');
  assert.equal(await page.getAttribute('#snap-agent', 'data-state'), 'ready');
  assert.equal(await page.getAttribute('#snap-presence', 'data-available'), 'true');
  assert.equal(await page.textContent('#snap-pending .snap-none'), 'none');

  // Screenshot of the finished scenario (the log follows the newest output).
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Pasted messages: a good one gives an event, a broken one a red error line with its reason.
  await page.selectOption('#paste-source', 'xuc');
  await page.fill('#paste-text', '{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentOnPause","agentId":19}}');
  await page.click('#paste-send');
  const good = page.locator('#log li.msg[data-origin="paste"]').last();
  assert.ok(await good.locator('.out.event[data-kind="agentState"]').count() >= 1, 'pasted message decoded');
  await page.fill('#paste-text', '{"msgType":"AgentStateEvent","ctiMessage":');
  await page.click('#paste-send');
  const bad = page.locator('#log li.msg[data-origin="paste"]').last();
  assert.equal(await bad.locator('.out.error').count(), 1, 'broken message shows an error line');
  assert.equal(await bad.locator('.out.error').getAttribute('data-code'), 'syntax');
  assert.match(await bad.locator('.out.error .summary').textContent(), /not valid JSON/);
  // A well-formed message the protocol does not define: an `unknown` error, counted per code.
  await page.fill('#paste-text', '{"msgType":"NoSuchMessage","ctiMessage":{}}');
  await page.click('#paste-send');
  const unknown = page.locator('#log li.msg[data-origin="paste"]').last();
  assert.equal(await unknown.locator('.out.error').getAttribute('data-code'), 'unknown');
  assert.match(await unknown.locator('.out.error .summary').textContent(), /NoSuchMessage/);
  assert.match(await page.textContent('#stats .err-codes'), /unknown: 1/, 'errors counted per code');

  // Modes switch without a reload.
  await page.selectOption('#mode', 'complementary');
  assert.equal(await page.textContent('#snapshot .pill.mode-complementary'), 'complementary');

  if (consoleWarnings.length) console.log('console warnings:', consoleWarnings);
  const csp = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual(csp, [], 'no CSP violations');
  assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  assert.deepEqual(consoleErrors, [], 'no console errors');
  assert.deepEqual(badResponses, [], 'no failed requests');
  assert.deepEqual(consoleWarnings.filter((w) => /Content Security Policy|deprecated/i.test(w)), [],
    'no CSP or deprecation warnings');
});
