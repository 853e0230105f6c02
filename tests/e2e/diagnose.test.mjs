// Support and diagnostics (issue 17): `bridge.diagnose()`, `logs()`, `exportLogs()` through the
// drop-in, and `widget.diagnose()` in the widget page when no host can connect. One case per
// fault, each made on purpose; the matching check fails with its documented id (see
// docs/troubleshooting.md) and the others stay ok. Host page on 127.0.0.1:A, widget on
// localhost:B, simulators on 127.0.0.1; strict CSP everywhere.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startBrowser, startOrigins } from './harness.mjs';
import { startSim } from './simproc.mjs';

// The faults under test make Chromium log failed loads, sockets and CSP refusals itself.
const EXPECTED = /^console: (WebSocket connection to '[^']*' failed|Failed to load resource|Refused to connect|Connecting to '[^']*' violates|Fetch API cannot load)/;
const CANARY_TOKEN = 'canarytoken0a1b2c3d4e5f6a7b8c9d';
const CANARY_PHONE = '0698765432';

let sim;
let skewed;
let stopped;
let origins;
let strict;
let browser;
let blocked;

const axp = (s) => ({ kind: 'axp', restBase: `${s.origin}/api/notification/v1`, accountId: 'DEMOAC', appKey: 'demo-app-key' });

before(async () => {
  sim = await startSim(['--token', CANARY_TOKEN, '-q']);
  skewed = await startSim(['--token', 'sim-token', '--clock-skew', '3600s', '-q']);
  stopped = await startSim(['-q']);
  const config = (hostOrigin, variant) => {
    const base = { allowedHostOrigins: [hostOrigin], allowInject: true };
    switch (variant) {
      case 'skew': return { ...base, contactCentre: axp(skewed) };
      case 'stopped': return { ...base, contactCentre: axp(stopped) };
      case 'nohost': return { ...base, allowedHostOrigins: ['http://127.0.0.1:1'], contactCentre: axp(sim) };
      default: return { ...base, contactCentre: axp(sim) };
    }
  };
  const sims = [sim, skewed, stopped].flatMap((s) => [s.origin, s.wsOrigin]);
  origins = await startOrigins(config, { connectSrc: sims });
  // The same widget, served with a CSP whose connect-src leaves the contact centre out.
  strict = await startOrigins(config);
  // Third-party storage allowed (Chromium's "Block third-party cookies" off) for the healthy cases;
  // a second browser keeps this Chromium's default, which blocks it: the storage fault.
  browser = await startBrowser({ preferences: { profile: { cookie_controls_mode: 0 } } });
  // Third-party storage denied to the cross-site widget frame: storage partitioning off and
  // third-party cookies blocked (what a browser without partitioning does).
  blocked = await startBrowser({ partitioning: false, preferences: { profile: { cookie_controls_mode: 1 } } });
});

after(async () => {
  await browser?.close();
  await blocked?.close();
  await origins?.close();
  await strict?.close();
  await Promise.all([sim, skewed, stopped].map((s) => s?.stop()));
});

const problems = () => browser.problems.splice(0).filter((p) => !EXPECTED.test(p));

/** Opens the contact-centre host page (tests/e2e/host/cc.html) on `where` and waits for connect() to settle. */
async function open(query, where = origins, using = browser) {
  const page = await using.context.newPage();
  await page.goto(`${where.hostOrigin}/cc.html?widget=${where.widgetOrigin}&${query}`);
  await page.waitForFunction(() => window.test.bridge || window.test.error, null, { timeout: 15_000 });
  return page;
}

async function waitHealth(page, state) {
  await page.waitForFunction((s) => window.test.events.some((e) => e.kind === 'ccHealth' && e.state === s), state, { timeout: 15_000 });
}

/** Runs diagnose() in the host page; asserts it took under 3 s. */
async function diagnose(page) {
  const { report, ms } = await page.evaluate(async () => {
    const t = performance.now();
    const report = await window.test.bridge.diagnose();
    return { report, ms: performance.now() - t };
  });
  assert.ok(ms < 3000, `diagnose took ${ms} ms`);
  return report;
}

/** Exactly the checks in `failing` fail; every other check is ok. */
function onlyFails(report, failing) {
  const bad = report.checks.filter((c) => c.status !== 'ok').map((c) => c.id).sort();
  assert.deepEqual(bad, [...failing].sort(), JSON.stringify(report.checks, null, 1));
  for (const id of failing) {
    const check = report.checks.find((c) => c.id === id);
    assert.equal(check.status, 'fail', `${id}: ${check.detail}`);
    assert.ok(check.fix && check.fix.length > 10, `${id} names a fix`);
  }
}

test('a healthy widget: every check ok within 3 s; logs by time and level; the export has no canary token or phone number; the ring stays bounded', { timeout: 60_000 }, async () => {
  const page = await open(`config=axp&credential=${CANARY_TOKEN}`);
  assert.equal(await page.evaluate(() => window.test.error), null);
  await waitHealth(page, 'live');
  const report = await diagnose(page);
  onlyFails(report, []);
  assert.equal(report.checks.length, 16);
  assert.equal(report.versions.protocol, 1);
  assert.equal(report.versions.dropIn, await page.evaluate(() => window.CtiBridge.scriptVersion));
  assert.match(report.versions.widget, /^\d+\.\d+\.\d+/);
  assert.ok(Math.abs(report.at - Date.now()) < 10_000);
  assert.match(report.checks.find((c) => c.id === 'cc.rest').detail, /answered HTTP \d+ in \d+ ms/);
  assert.match(report.checks.find((c) => c.id === 'cc.socket').detail, /opened in \d+ ms/);
  assert.match(report.checks.find((c) => c.id === 'multiTab').detail, /^not applicable/);

  // The agent's work handles a canary phone number (and a message about it that does not decode).
  await page.evaluate(async (phone) => {
    const b = window.test.bridge;
    await b.inject('xuc', { msgType: 'PhoneEvent', ctiMessage: { eventType: 'EventRinging', DN: '1000', otherDN: phone, otherDName: 'Canary Caller', linkedId: 'l1', uniqueId: 'u1', queueName: 'sales', userData: { phone } } }).catch(() => null);
    await b.inject('xuc', { msgType: 'PhoneEvent', ctiMessage: { eventType: 42, otherDN: phone } }).catch(() => null);
  }, CANARY_PHONE);

  const all = await page.evaluate(() => window.test.bridge.logs());
  assert.ok(all.length >= 2, JSON.stringify(all));
  for (const e of all) {
    assert.equal(typeof e.at, 'number');
    assert.ok(['debug', 'info', 'warn', 'error'].includes(e.level));
    assert.equal(typeof e.source, 'string');
    assert.equal(typeof e.message, 'string');
  }
  assert.ok(all.some((e) => e.source === 'channel' && /attached/.test(e.message)));
  const now = Date.now();
  const recentWarnings = await page.evaluate((since) => window.test.bridge.logs({ since, level: 'warn' }), now - 60_000);
  assert.ok(recentWarnings.every((e) => e.at >= now - 60_000 && ['warn', 'error'].includes(e.level)));
  assert.deepEqual(await page.evaluate((since) => window.test.bridge.logs({ since }), now + 60_000), []);
  const bad = await page.evaluate(() => window.test.bridge.logs({ level: 'loud' }).then(() => null, (e) => e.code));
  assert.equal(bad, 'invalidParams');

  const text = await page.evaluate(() => window.test.bridge.exportLogs());
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(Array.isArray(lines[0].checks), 'the report comes first');
  assert.ok(lines.slice(1).every((e) => e.at && e.level && e.source && typeof e.message === 'string'));
  for (const secret of [CANARY_TOKEN, CANARY_PHONE, '98765432', 'Canary Caller']) {
    assert.ok(!text.includes(secret), `the export contains ${secret}`);
    assert.ok(!JSON.stringify(report).includes(secret));
    assert.ok(!JSON.stringify(all).includes(secret));
  }

  // Bounded: many more log lines than the ring holds (decode errors are logged).
  const count = await page.evaluate(async () => {
    const b = window.test.bridge;
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => b.inject('xuc', { msgType: 'AgentStateEvent', ctiMessage: { n: round * 500 + i } }).catch(() => null)));
    }
    return (await b.logs()).length;
  });
  assert.ok(count <= 2000 && count >= 1900, `${count} entries kept`);
  assert.deepEqual(problems(), []);
  await page.close();
});

test('origin.host: the host origin missing from allowedHostOrigins refuses connect() with the fix; the widget page diagnoses it', { timeout: 30_000 }, async () => {
  const page = await open('config=nohost');
  const error = await page.evaluate(() => window.test.error);
  assert.equal(error.code, 'refused');
  assert.match(error.message, /origin\.host/);
  assert.match(error.message, /allowedHostOrigins/);
  const frame = page.frames().find((f) => f.url().includes('widget.html'));
  await frame.waitForFunction(() => window.ctiWidget, null, { timeout: 10_000 });
  const report = await frame.evaluate(() => window.ctiWidget.diagnose());
  onlyFails(report, ['origin.host']);
  assert.match(report.checks.find((c) => c.id === 'origin.host').detail, /127\.0\.0\.1:\d+ is not on allowedHostOrigins/);
  problems();
  await page.close();
});

test('csp.connect: a CSP without the contact centre in connect-src fails csp.connect and the probes', { timeout: 30_000 }, async () => {
  const page = await open('config=axp&credential=sim-token', strict);
  assert.equal(await page.evaluate(() => window.test.error), null);
  const report = await diagnose(page);
  onlyFails(report, ['csp.connect', 'cc.rest', 'cc.socket']);
  assert.match(report.checks.find((c) => c.id === 'csp.connect').detail, new RegExp(`connect-src blocks ${sim.origin.replace(/\./g, '\\.')}`));
  const logs = await page.evaluate(() => window.test.bridge.logs({ level: 'error' }));
  assert.ok(logs.some((e) => e.source === 'csp'), JSON.stringify(logs));
  problems();
  await page.close();
});

test('cc.rest: the simulator stopped fails cc.rest and cc.socket (fail, not warn); ccHealth names the code', { timeout: 30_000 }, async () => {
  await stopped.stop();
  const page = await open('config=stopped');
  assert.equal(await page.evaluate(() => window.test.error), null);
  // The first attempt failed: the next is scheduled, and the code says where to look.
  await page.waitForFunction(() => window.test.events.some((e) => e.kind === 'ccHealth' && e.retryInMs !== undefined), null, { timeout: 15_000 });
  const health = await page.evaluate(() => window.test.events.find((e) => e.kind === 'ccHealth' && e.retryInMs !== undefined));
  assert.equal(health.code, 'cc.rest');
  const report = await diagnose(page);
  onlyFails(report, ['cc.rest', 'cc.socket']);
  problems();
  await page.close();
});

test('cc.auth: a rejected token fails cc.auth only', { timeout: 30_000 }, async () => {
  const page = await open('config=axp&credential=not-the-token');
  await waitHealth(page, 'failed');
  const health = await page.evaluate(() => window.test.events.find((e) => e.kind === 'ccHealth' && e.state === 'failed'));
  assert.equal(health.code, 'cc.auth');
  const report = await diagnose(page);
  onlyFails(report, ['cc.auth']);
  assert.ok(!JSON.stringify(report).includes('not-the-token'));
  problems();
  await page.close();
});

test('storage.session and storage.access: third-party storage blocked (Chromium setting) fails them only', { timeout: 30_000 }, async () => {
  const page = await open('config=axp&credential=' + CANARY_TOKEN, origins, blocked);
  await waitHealth(page, 'live');
  const report = await diagnose(page);
  onlyFails(report, ['storage.session', 'storage.access']);
  assert.match(report.checks.find((c) => c.id === 'storage.partition').detail, /third-party context/);
  assert.deepEqual(blocked.problems.splice(0).filter((p) => !EXPECTED.test(p)), []);
  await page.close();
});

test('the diagnostics page runs the checks in the widget, shows them and downloads the bundle (strict CSP)', { timeout: 30_000 }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${origins.widgetOrigin}/diagnostics.html?config=axp`);
  await page.waitForSelector('body[data-done="true"]', { timeout: 10_000 });
  const rows = await page.$$eval('#checks tbody tr', (trs) => trs.map((tr) => [tr.dataset.id, tr.children[1].textContent]));
  assert.equal(rows.length, 16);
  assert.deepEqual(rows.find(([id]) => id === 'cc.rest'), ['cc.rest', 'ok']);
  // Open on its own, not framed by a host page: framing says so.
  assert.deepEqual(rows.find(([id]) => id === 'framing'), ['framing', 'warn']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const text = await readFile(await download.path(), 'utf8');
  assert.ok(download.suggestedFilename().endsWith('.jsonl'));
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].checks.length, 16);
  assert.ok(lines.slice(1).some((e) => e.source === 'widget' && /started/.test(e.message)));
  assert.deepEqual(problems(), []);
  await page.close();
});

test('clock: a server clock an hour ahead fails the clock check only', { timeout: 30_000 }, async () => {
  const page = await open('config=skew&credential=sim-token');
  await waitHealth(page, 'live');
  const report = await diagnose(page);
  onlyFails(report, ['clock']);
  assert.match(report.checks.find((c) => c.id === 'clock').detail, /behind the server's/);
  problems();
  await page.close();
});
