// End-to-end check of the CRM demo page (demo/crm.html) as `bash scripts/demo.sh`
// serves it: two scripts/serve.py processes, the CRM page on http://127.0.0.1:A
// and the widget on http://localhost:B (two origins, two sites), in headless
// Chromium under the servers' strict CSP.
//
//   node --test tests/e2e/      (needs bash scripts/build.sh first)
//
// Proves: serve.py's widget options (generated widget-config.json, frame-src /
// frame-ancestors); the page connects through the drop-in script; CRM presence
// and agent state shown side by side stay in step in synchronized mode, never
// both Ready in complementary mode, and are left alone in off mode; the bridge
// API's promises settle on the page; the scripted scenario; no console error,
// no CSP violation. The screenshot goes to /tmp/crm-demo.png (E2E_CRM_SCREENSHOT
// overrides).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startBrowser } from './harness.mjs';
import { startServe, stopServe } from './servepy.mjs';

const SCREENSHOT = process.env.E2E_CRM_SCREENSHOT || '/tmp/crm-demo.png';
const SERVE = join(ROOT, 'scripts', 'serve.py');
const BASE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";

let hostServer;
let widgetServer;
let hostOrigin;
let widgetOrigin;
let browser;

before(async () => {
  for (const f of ['www/pkg/cti_bridge.js', 'www/pkg/cti_bridge_bg.wasm']) {
    assert.ok(existsSync(join(ROOT, f)), `${f} is missing: run bash scripts/build.sh first`);
  }
  // The CRM page's server must know the widget origin (frame-src) and the
  // widget's server the CRM origin (allow-list, frame-ancestors). Start the
  // CRM side first with a port wildcard, then the widget with the exact origin.
  hostServer = await startServe(['--frame-src', 'http://localhost:*']);
  hostOrigin = `http://127.0.0.1:${hostServer.port}`;
  widgetServer = await startServe(['--allow-host', hostOrigin, '--inject']);
  widgetOrigin = `http://localhost:${widgetServer.port}`;
  browser = await startBrowser();
  // CSP violations in any frame (an init script is not subject to the page's CSP).
  await browser.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
});

after(async () => {
  await browser?.close();
  await stopServe(widgetServer);
  await stopServe(hostServer);
});

/** Opens the CRM page and waits until the bridge is connected and the CRM presence reached the widget. */
async function openCrm(query = '') {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`${hostOrigin}/crm.html?widget=${encodeURIComponent(widgetOrigin)}&pace=250${query}`);
  await page.waitForSelector('body[data-connected="true"]', { timeout: 20000 });
  await page.waitForFunction(() => document.getElementById('crm-seen').textContent !== 'nothing yet');
  return page;
}

/** Waits until both panels (and the verdict) show the expected states. */
async function expectSides(page, { crm, crmReady, agent, agentReady, verdict }) {
  const want = { crm, crmReady: String(crmReady), agent, agentReady: String(agentReady), ...(verdict ? { verdict } : {}) };
  const read = () => page.evaluate(() => ({
    crm: document.getElementById('crm-panel').dataset.status,
    crmReady: document.getElementById('crm-panel').dataset.ready,
    agent: document.getElementById('agent-panel').dataset.state,
    agentReady: document.getElementById('agent-panel').dataset.ready,
    verdict: document.getElementById('verdict').dataset.verdict,
  }));
  const deadline = Date.now() + 10000;
  let got;
  for (;;) {
    got = await read();
    if (!verdict) delete got.verdict;
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(got, want);
}

const commandRows = (page) => page.$$eval('#log tr.command', (rows) => rows.reverse().map((r) => ({
  target: r.dataset.target,
  status: r.dataset.status,
  what: r.querySelector('.what').textContent,
  wire: r.querySelector('.wire').textContent,
})));

const snapshotMode = (page) => page.evaluate(async () => (await window.crmDemo.bridge.snapshot()).snapshot.mode);

test('serve.py: a generated widget-config.json and the CSP for two origins', async () => {
  const config = await fetch(`${widgetOrigin.replace('localhost', '127.0.0.1')}/widget-config.json?config=any`);
  assert.equal(config.status, 200);
  assert.equal(config.headers.get('content-type'), 'application/json');
  assert.deepEqual(await config.json(), { allowedHostOrigins: [hostOrigin], allowInject: true });
  const widgetPage = await fetch(`http://127.0.0.1:${widgetServer.port}/widget.html`);
  assert.equal(widgetPage.headers.get('content-security-policy'), `${BASE_CSP}; frame-ancestors 'self' ${hostOrigin}`);
  await widgetPage.arrayBuffer();
  const crmPage = await fetch(`${hostOrigin}/crm.html`);
  assert.equal(crmPage.status, 200);
  assert.equal(crmPage.headers.get('content-security-policy'), `${BASE_CSP}; frame-src 'self' http://localhost:*; frame-ancestors 'self'`);
  await crmPage.arrayBuffer();
  // The CRM page's server is not a widget origin: no config there.
  const none = await fetch(`${hostOrigin}/widget-config.json`);
  assert.equal(none.status, 404);
  await none.arrayBuffer();
  // The single-origin demo links to the CRM page.
  assert.match(await (await fetch(`${hostOrigin}/index.html`)).text(), /href="crm\.html"/);

  // What demo.sh passes, with repeated options, and injection off by default.
  const exact = await startServe(['--allow-host', 'http://127.0.0.1:8080', '--allow-host', 'https://crm.example.test',
    '--frame-src', 'http://localhost:8081']);
  try {
    const res = await fetch(`http://127.0.0.1:${exact.port}/widget-config.json`);
    assert.deepEqual(await res.json(), { allowedHostOrigins: ['http://127.0.0.1:8080', 'https://crm.example.test'], allowInject: false });
    assert.equal(res.headers.get('content-security-policy'),
      `${BASE_CSP}; frame-src 'self' http://localhost:8081; frame-ancestors 'self' http://127.0.0.1:8080 https://crm.example.test`);
  } finally {
    await stopServe(exact);
  }
  // Usage errors: exit status 2, nothing served.
  for (const args of [['--inject'], ['--allow-host', '*'], ['--allow-host', 'http://127.0.0.1:8080/path'],
    ['--frame-src', "'unsafe-inline'"], ['70000']]) {
    const run = spawnSync('python3', [SERVE, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 10000 });
    assert.equal(run.status, 2, `serve.py ${args.join(' ')}: ${run.stderr}`);
  }
});

test('synchronized: CRM presence and agent state follow each other; API calls settle; the scenario', async () => {
  const page = await openCrm();
  assert.equal(await page.title(), 'cti-bridge demo: a CRM page');
  assert.equal(await page.textContent('#widget-origin'), widgetOrigin);
  assert.equal(await page.$eval('#widget iframe', (f) => f.src), `${widgetOrigin}/widget.html`);
  assert.equal(await snapshotMode(page), 'synchronized');
  assert.match(await page.textContent('#crm-seen'), /^Available/);

  // The contact centre reports the agent: logged in, then ready. Both Ready.
  await page.click('[data-xuc="AgentLogin"]');
  await page.waitForSelector('#agent-panel[data-state="loggedIn"]');
  await page.click('[data-xuc="AgentReady"]');
  await expectSides(page, { crm: 'Available', crmReady: true, agent: 'ready', agentReady: true, verdict: 'ok' });

  // CRM -> contact centre: the user goes Busy; the bridge pauses the agent
  // (xuc pauseAgent), the simulated xuc carries it out.
  await page.click('#crm-buttons [data-status="Busy"]');
  await expectSides(page, { crm: 'Busy', crmReady: false, agent: 'notReady', agentReady: false, verdict: 'ok' });
  let commands = await commandRows(page);
  const pause = commands.filter((c) => c.target === 'cc' && /pauseAgent/.test(c.wire));
  assert.deepEqual(pause.map((c) => c.status), ['pending', 'confirmed']);
  assert.match(pause[0].wire, /"command":"pauseAgent"/);

  // An "id;label" status: the bridge sees the label.
  await page.click('#crm-buttons [data-status="Away"]');
  await page.waitForFunction(() => /^Away on break \(id Away\)/.test(document.getElementById('crm-seen').textContent));
  await expectSides(page, { crm: 'Away', crmReady: false, agent: 'notReady', agentReady: false, verdict: 'ok' });

  // Contact centre -> CRM: the agent goes ready; the CRM is set Available through its API.
  await page.click('[data-xuc="AgentReady"]');
  await expectSides(page, { crm: 'Available', crmReady: true, agent: 'ready', agentReady: true, verdict: 'ok' });
  assert.equal(await page.textContent('#crm-by'), 'set by the bridge');

  // bridge.setAgentState('notReady'): confirmed once xuc reports the pause.
  // (What the CRM does about a change the host asked for is the sync engine's
  // business: the page only has to show both sides; the CRM user then goes Busy.)
  await page.click('[data-call="setAgentState"][data-state="notReady"]');
  await page.waitForSelector('#results li[data-method="setAgentState"][data-status="confirmed"]');
  assert.match(await page.textContent('#results li .res-detail'), /^command #\d+ cc notReady$/);
  await page.waitForSelector('#agent-panel[data-state="notReady"][data-ready="false"]');
  await page.click('#crm-buttons [data-status="Busy"]');
  await expectSides(page, { crm: 'Busy', crmReady: false, agent: 'notReady', agentReady: false, verdict: 'ok' });

  // The scenario: inbound call while the CRM is Available.
  await page.click('#scenario');
  await page.waitForSelector('body[data-scenario="done"]', { timeout: 30000 });
  await expectSides(page, { crm: 'Available', crmReady: true, agent: 'ready', agentReady: true, verdict: 'ok' });
  const scenarioSteps = await page.$$eval('#log tr[data-kind="scenario"]', (rows) => rows.length);
  assert.equal(scenarioSteps, 6);
  commands = await commandRows(page);
  const crmWork = commands.filter((c) => c.target === 'crm' && /notReady \(work\)/.test(c.what));
  assert.deepEqual(crmWork.map((c) => c.status), ['pending', 'confirmed'], 'the ringing call made the CRM Not Ready');
  assert.match(crmWork[0].wire, /"action":"requestSyncOmnichannel".*"statusId":"Busy"/);
  const crmBack = commands.filter((c) => c.target === 'crm' && /→ ready/.test(c.what));
  assert.equal(crmBack.at(-1).status, 'confirmed', 'after wrap-up the CRM is Available again');
  assert.equal(await page.locator('#inflight li[data-status="pending"]').count(), 0);
  assert.deepEqual(await page.$$eval('#log tr.error', (rows) => rows.map((r) => r.textContent)), []);

  // Health: connected to this page's origin, nothing dropped.
  await page.waitForFunction((origin) => document.getElementById('health').textContent.includes(`connected to ${origin}`), hostOrigin);
  assert.equal(await page.textContent('#health dd[data-name="dropped"]'), 'origin 0 · source 0 · malformed 0 · version 0');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // The mode selector: complementary from here on, without a reload.
  await page.selectOption('#mode', 'complementary');
  await page.waitForFunction(() => document.body.dataset.mode === 'complementary');
  await page.waitForFunction(async () => (await window.crmDemo.bridge.snapshot()).snapshot.mode === 'complementary');
  await page.click('#crm-buttons [data-status="Busy"]');
  await expectSides(page, { crm: 'Busy', crmReady: false, agent: 'ready', agentReady: true, verdict: 'ok' });
  await page.click('#crm-buttons [data-status="Available"]');
  await expectSides(page, { crm: 'Available', crmReady: true, agent: 'notReady', agentReady: false, verdict: 'ok' });
  await page.click('[data-xuc="AgentReady"]');
  await expectSides(page, { crm: 'Busy', crmReady: false, agent: 'ready', agentReady: true, verdict: 'ok' });
  commands = await commandRows(page);
  assert.ok(commands.some((c) => c.target === 'cc' && /\(complement\)/.test(c.what) && c.status === 'confirmed'));
  assert.ok(commands.some((c) => c.target === 'crm' && /\(complement\)/.test(c.what) && c.status === 'confirmed'));

  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('complementary from the URL; off observes only; a refusing CRM rejects', async () => {
  const page = await openCrm('&mode=complementary&presence=Busy');
  assert.equal(await page.inputValue('#mode'), 'complementary');
  await page.waitForFunction(() => [...document.querySelectorAll('#log tr[data-kind="crmData"] .what')]
    .some((td) => td.textContent.endsWith('mode C')));
  assert.equal(await snapshotMode(page), 'complementary');
  // The agent goes ready: the CRM (Busy) is left alone.
  await page.click('[data-xuc="AgentReady"]');
  await expectSides(page, { crm: 'Busy', crmReady: false, agent: 'ready', agentReady: true, verdict: 'ok' });
  // The CRM user goes Available: the agent is paused.
  await page.click('#crm-buttons [data-status="Available"]');
  await expectSides(page, { crm: 'Available', crmReady: true, agent: 'notReady', agentReady: false, verdict: 'ok' });

  // Off: nothing follows.
  await page.selectOption('#mode', 'off');
  await page.waitForFunction(async () => (await window.crmDemo.bridge.snapshot()).snapshot.mode === 'off');
  const before = (await commandRows(page)).length;
  await page.click('[data-xuc="AgentReady"]');
  await page.click('#crm-buttons [data-status="Busy"]');
  await page.click('#crm-buttons [data-status="Available"]');
  await expectSides(page, { crm: 'Available', crmReady: true, agent: 'ready', agentReady: true, verdict: 'off' });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await commandRows(page)).length, before, 'off mode: no command');

  // A host request the CRM refuses is rejected, and the page says so.
  await page.check('#crm-refuse');
  await page.click('[data-call="setPresence"][data-state="notReady"]');
  await page.waitForSelector('#results li[data-method="setPresence"][data-status="rejected"]');
  assert.equal((await page.$eval('#crm-panel', (p) => p.dataset.status)), 'Available');
  await page.uncheck('#crm-refuse');
  await page.click('[data-call="setPresence"][data-state="notReady"]');
  await page.waitForSelector('#results li[data-method="setPresence"][data-status="confirmed"]');
  await expectSides(page, { crm: 'Busy', crmReady: false, agent: 'ready', agentReady: true, verdict: 'off' });

  assert.deepEqual(browser.problems, []);
  await page.close();
});
