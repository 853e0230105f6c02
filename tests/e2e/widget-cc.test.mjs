// The widget running its own contact centre (widget config `contactCentre`),
// driven only through the drop-in script's `CtiBridge.connect`: the widget's
// live xuc / AXP client against `cti-bridge sim`, the CRM presence on the host
// page, one sync engine between them. Host page on 127.0.0.1:A, widget on
// localhost:B, simulator on 127.0.0.1:C; strict CSP everywhere.
import test, { after, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, startBrowser, startOrigins } from './harness.mjs';
import { hashedFolder } from '../../bench/widget-page.mjs';
import { startSim } from './simproc.mjs';

// Socket drops and a restart's 503s are logged by Chromium itself; they are the faults under test.
const NETWORK_LINE = /^console: (WebSocket connection to '[^']*' failed: |Failed to load resource: the server responded with a status of 50[23])/;

let sim;
let origins;
let browser;

before(async () => {
  sim = await startSim(['--heartbeat', '3s', '--token', 'sim-token']);
  origins = await startOrigins((hostOrigin, variant) => {
    const base = { allowedHostOrigins: [hostOrigin], trace: true };
    if (variant === 'xuc') return { ...base, contactCentre: { kind: 'xuc', baseUrl: sim.origin, agentId: '19' } };
    if (variant === 'axp') {
      return {
        ...base,
        contactCentre: { kind: 'axp', restBase: `${sim.origin}/api/notification/v1`, accountId: 'DEMOAC', appKey: 'demo-app-key' },
      };
    }
    if (variant === 'agentdesktop') {
      return { vendor: { scripts: ['stand-ins/agentdesktop-sdk.js'], config: { vendors: ['agentdesktop'] } } };
    }
    return base;
  }, { connectSrc: [sim.origin, sim.wsOrigin] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
  await sim?.stop();
});

/** Pages a test opened: one that failed half-way is closed too, so its live client cannot touch the next test's counts. */
const opened = new Set();
afterEach(async () => {
  for (const page of opened) await page.close();
  opened.clear();
});

async function open(query) {
  const page = await browser.context.newPage();
  opened.add(page);
  await page.goto(`${origins.hostOrigin}/cc.html?widget=${origins.widgetOrigin}&${query}`);
  await page.waitForFunction(() => window.test.bridge || window.test.error, null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.test.error), null);
  return page;
}

/**
 * Waits for an event matching `pattern` after index `from`: every key must equal, be one of
 * (an array) or match (`{re}`) the event's value. (The page's CSP forbids compiling predicates.)
 */
async function waitEvent(page, pattern, from = 0, timeout = 8000) {
  const handle = await page.waitForFunction(
    ([p, f]) => window.test.events.slice(f).find((e) => Object.entries(p).every(([k, want]) => {
      if (Array.isArray(want)) return want.includes(e[k]);
      if (want && typeof want === 'object') return new RegExp(want.re, 'i').test(String(e[k]));
      return e[k] === want;
    })),
    [pattern, from],
    { timeout },
  );
  return handle.jsonValue();
}

const eventCount = (page) => page.evaluate(() => window.test.events.length);
const problems = () => browser.problems.splice(0).filter((p) => !NETWORK_LINE.test(p));

test('xuc in the widget: credentials from the host, login, CRM Busy pauses the agent on the link, setAgentState, a dropped socket', { timeout: 40_000 }, async () => {
  const page = await open('config=xuc');
  const live = await waitEvent(page, { kind: 'ccHealth', state: 'live' });
  // (The CRM's Available at start-up may already have asked for an unpause, before the
  // agent's state was known: counts below are taken from here.)
  await waitEvent(page, { kind: 'agentState', state: 'loggedOut' });
  const before = { ...(await sim.stats()).xuc.commands };
  assert.equal(live.source, 'xuc');
  assert.deepEqual(await page.evaluate(() => window.test.asked), ['login'], 'asked the host once for the xuc login');

  // The host logs the agent in on the widget's link.
  let from = await eventCount(page);
  assert.deepEqual(await page.evaluate(() => window.test.bridge.ccCommand('loginAgent', '1000', 19)), { sent: 'loginAgent' });
  const ready = await waitEvent(page, { kind: 'agentState', state: 'ready' }, from);
  assert.equal(ready.source, 'xuc');
  assert.equal(ready.phoneNumber, '1000');

  // The CRM user goes Busy: the sync engine pauses the agent over the xuc socket.
  from = await eventCount(page);
  await page.evaluate(() => window.test.fakeCrm.userSets('Busy'));
  const paused = await waitEvent(page, { kind: 'agentState', state: 'notReady' }, from);
  assert.equal(paused.source, 'xuc');
  const confirmed = await waitEvent(page, { kind: 'command', target: 'cc', status: 'confirmed' }, from);
  assert.equal(confirmed.source, 'xuc');
  let stats = await sim.stats();
  assert.equal(stats.xuc.commands.pauseAgent - (before.pauseAgent || 0), 1, 'one pauseAgent reached the contact centre');

  // The host asks for Ready: unpaused on the link, and the promise settles confirmed.
  const command = await page.evaluate(() => window.test.bridge.setAgentState('ready'));
  assert.equal(command.status, 'confirmed');
  stats = await sim.stats();
  assert.equal(stats.xuc.commands.unpauseAgent - (before.unpauseAgent || 0), 1);

  // A socket dropped under the widget: it reconnects by itself and keeps serving.
  from = await eventCount(page);
  await sim.arm('xuc:drop');
  await waitEvent(page, { kind: 'ccHealth', state: 'reconnecting' }, from);
  await waitEvent(page, { kind: 'ccHealth', state: 'live' }, from, 15_000);
  const lunch = await page.evaluate(() => window.test.bridge.setAgentState('notReady', 'lunch'));
  assert.equal(lunch.status, 'confirmed');
  assert.equal((await sim.stats()).xuc.commands.pauseAgent - (before.pauseAgent || 0), 2);

  // Channel sequence numbers: strictly increasing, none twice.
  const seqs = await page.evaluate(() => window.test.events.filter((e) => typeof e.channelSeq === 'number').map((e) => e.channelSeq));
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seq ${seqs[i]} after ${seqs[i - 1]}`);

  // The trace: contact-centre frames both ways with the simulator's origin, the REST login by path
  // only, port traffic with the host; and never a credential.
  const { diagnostics } = await page.evaluate(() => window.test.bridge.snapshot());
  assert.equal(diagnostics.contactCentre.source, 'xuc');
  assert.equal(diagnostics.contactCentre.health.state, 'live');
  const trace = await page.evaluate(() => window.test.trace);
  const cc = trace.filter((t) => t.peer === 'cc');
  assert.ok(cc.some((t) => t.dir === 'out' && t.type === 'POST /xuc/api/2.0/auth/login' && t.origin === sim.origin), 'REST login traced');
  assert.ok(cc.some((t) => t.dir === 'out' && t.type === 'pauseAgent' && t.origin === sim.wsOrigin), 'pauseAgent frame traced');
  assert.ok(cc.some((t) => t.dir === 'in' && t.type === 'AgentStateEvent' && t.bytes > 0), 'AgentStateEvent frames traced');
  assert.ok(trace.some((t) => t.peer === 'host' && t.dir === 'in' && t.type === 'answer'), 'the credentials answer, by type only');
  assert.ok(trace.some((t) => t.peer === 'window' && t.type === 'connect'), 'the handshake on the window');
  const text = JSON.stringify(trace);
  assert.ok(!/alice|token=/.test(text), 'no credential or token in the trace');
  // The widget page loaded its deployment's build (CRM Connector + xuc), not the full one.
  const widgetFrame = page.frames().find((f) => f.url().includes('/widget.html'));
  const loaded = await widgetFrame.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  // From the content-hashed folder widget.html names (pkg/<hash>/, scripts/build.sh).
  const hashed = `/${hashedFolder(ROOT)}`;
  assert.ok(loaded.includes(`${hashed}crm-connector+xuc/cti_bridge_bg.wasm`), `the crm-connector+xuc build: ${loaded.join(' ')}`);
  assert.ok(!loaded.some((p) => p.endsWith('.wasm') && !p.includes('/crm-connector+xuc/')), `not the full build: ${loaded.join(' ')}`);
  assert.deepEqual(problems(), []);
  await page.close();
});

test('AXP in the widget: the token from the host, events flow, commands are refused as not supported', { timeout: 30_000 }, async () => {
  const page = await open('config=axp');
  await waitEvent(page, { kind: 'ccHealth', state: 'live', source: 'axp' });
  assert.deepEqual(await page.evaluate(() => window.test.asked), ['token']);
  const from = await eventCount(page);
  await sim.send([{ axp: { event: 'AgentState', state: 'READY' } }, { axp: { event: 'AgentState', state: 'NOT_READY', reasonCode: 'Lunch' } }]);
  const first = await waitEvent(page, { kind: 'agentState', source: 'axp', state: 'ready' }, from);
  const second = await waitEvent(page, { kind: 'agentState', source: 'axp', state: 'notReady' }, from);
  assert.ok(second.channelSeq > first.channelSeq);
  const refused = await page.evaluate(() => window.test.bridge.ccCommand('pauseAgent', 19).then(() => null, (e) => e.code));
  assert.equal(refused, 'notSupported');
  // A state change asked of a read-only contact centre: the command settles notSupported.
  const state = await page.evaluate(() => window.test.bridge.setAgentState('notReady').then(() => null, (e) => ({ code: e.code, status: e.detail && e.detail.status })));
  assert.deepEqual(state, { code: 'notSupported', status: 'notSupported' });
  const trace = await page.evaluate(() => window.test.trace);
  assert.ok(trace.some((t) => t.peer === 'cc' && t.type.startsWith('POST /api/notification/v1/accounts/DEMOAC/subscriptions')));
  assert.ok(!/sim-token/.test(JSON.stringify(trace)) && !/sim-token/.test(JSON.stringify(await page.evaluate(() => window.test.events))),
    'the bearer token stays in the widget');
  assert.deepEqual(problems(), []);
  await page.close();
});

test('a host that cannot give credentials: the client reports why and no socket is opened', { timeout: 20_000 }, async () => {
  const before = (await sim.stats()).xuc;
  const page = await open('config=xuc&credential=throw');
  const failed = await waitEvent(page, { kind: 'ccHealth', state: ['connecting', 'reconnecting', 'failed'], reason: { re: 'no credentials from the host: .*no single sign-on session' } }, 0, 10_000)
    .catch(async (e) => { throw new Error(`${e.message}\n${JSON.stringify(await page.evaluate(() => window.test.events))}`); });
  assert.equal(failed.source, 'xuc');
  const afterStats = (await sim.stats()).xuc;
  assert.equal(JSON.stringify(afterStats.commands), JSON.stringify(before.commands), 'nothing was sent');
  // The widget still serves the CRM side.
  const snap = await page.evaluate(() => window.test.bridge.snapshot());
  assert.equal(snap.diagnostics.contactCentre.source, 'xuc');
  assert.deepEqual(problems(), []);
  await page.close();
});

test('a widget without a contact centre refuses ccCommand', { timeout: 20_000 }, async () => {
  const page = await open('config=none');
  const code = await page.evaluate(() => window.test.bridge.ccCommand('loginAgent', '1000').then(() => null, (e) => e.code));
  assert.equal(code, 'notSupported');
  assert.deepEqual(problems(), []);
  await page.close();
});

test('the same widget page as an AgentDesktop widget: the SDK loaded by the page, its events decoded, the agent paused through AGENT', { timeout: 20_000 }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${origins.widgetOrigin}/widget.html?config=agentdesktop`);
  await page.waitForFunction(() => window.ctiVendor, null, { timeout: 15_000 });
  assert.match(await page.textContent('#status'), /running in agentdesktop/);
  assert.equal(await page.evaluate(() => window.agentDesktopTest.bound()), 1, 'the contact callback is bound');
  await page.evaluate(() => window.agentDesktopTest.emit({ event: 'LOGGEDIN' }));
  await page.waitForFunction(() => window.ctiVendorOutputs.some((o) => o.kind === 'agentState' && o.source === 'agentdesktop' && o.state === 'ready'));
  await page.evaluate(() => window.ctiVendor.request('cc', 'notReady'));
  await page.waitForFunction(() => window.ctiVendorOutputs.some((o) => o.kind === 'command' && o.target === 'cc' && o.status === 'confirmed'));
  assert.equal((await page.evaluate(() => window.agentDesktopTest.paths('AGENT.Pause'))).length, 1, 'AGENT.Pause called once');
  assert.match(await page.textContent('#status'), /agent notReady/);
  assert.deepEqual(problems(), []);
  await page.close();
});
