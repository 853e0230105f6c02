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
let xucSim;
let origins;
let strict;
let browser;
let blocked;

// A ping every 400 ms (AXP's default is 30 s): the heartbeat round trip is measured within a test.
const axp = (s) => ({ kind: 'axp', restBase: `${s.origin}/api/notification/v1`, accountId: 'DEMOAC', appKey: 'demo-app-key', timing: { heartbeatMs: 400 } });
const xuc = (s) => ({ kind: 'xuc', baseUrl: s.origin, agentId: '19', timing: { heartbeatMs: 400 } });

/** A JWT-shaped token (signature not checked by the simulator) whose `exp` is `exp` (s since the epoch). */
function jwt(exp) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'agent', exp })}.c2lnbmF0dXJl`;
}

before(async () => {
  sim = await startSim(['--token', CANARY_TOKEN, '-q']);
  skewed = await startSim(['--token', 'sim-token', '--clock-skew', '3600s', '-q']);
  stopped = await startSim(['-q']);
  // xuc session tokens that live 30 s (`TTL` in the login answer).
  xucSim = await startSim(['--token-ttl', '30s', '-q']);
  const config = (hostOrigin, variant) => {
    const base = { allowedHostOrigins: [hostOrigin], allowInject: true };
    switch (variant) {
      case 'skew': return { ...base, contactCentre: axp(skewed) };
      case 'stopped': return { ...base, contactCentre: axp(stopped) };
      case 'nohost': return { ...base, allowedHostOrigins: ['http://127.0.0.1:1'], contactCentre: axp(sim) };
      case 'xucttl': return { ...base, contactCentre: xuc(xucSim) };
      default: return { ...base, contactCentre: axp(sim) };
    }
  };
  const sims = [sim, skewed, stopped, xucSim].flatMap((s) => [s.origin, s.wsOrigin]);
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
  await Promise.all([sim, skewed, stopped, xucSim].map((s) => s?.stop()));
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

/** Exactly the checks in `failing` fail and those in `warning` warn; every other check is ok. */
function onlyFails(report, failing, warning = []) {
  const bad = report.checks.filter((c) => c.status !== 'ok').map((c) => c.id).sort();
  assert.deepEqual(bad, [...failing, ...warning].sort(), JSON.stringify(report.checks, null, 1));
  for (const [ids, status] of [[failing, 'fail'], [warning, 'warn']]) {
    for (const id of ids) {
      const check = report.checks.find((c) => c.id === id);
      assert.equal(check.status, status, `${id}: ${check.detail}`);
      assert.ok(check.fix && check.fix.length > 10, `${id} names a fix`);
    }
  }
}

const detail = (report, id) => report.checks.find((c) => c.id === id).detail;

/** Waits until the live client measured a heartbeat round trip (a ping every 400 ms). */
async function heartbeatMeasured(page) {
  for (let i = 0; i < 20; i++) {
    const report = await diagnose(page);
    if (/^heartbeat round trip \d+ ms/.test(detail(report, 'cc.heartbeat'))) return report;
    await page.waitForTimeout(250);
  }
  assert.fail('no heartbeat round trip measured');
}

test('cc.token: an AXP token (a JWT) expiring within the minute warns with its id, an expired one fails it; the heartbeat round trip is a number', { timeout: 45_000 }, async () => {
  // A simulator that knows a token expiring 50 s from now and one expired 2 minutes ago (refused,
  // as a real server refuses it), and a widget origin allowed to reach it.
  const token = jwt(Math.floor(Date.now() / 1000) + 50);
  const expired = jwt(Math.floor(Date.now() / 1000) - 120);
  const expiring = await startSim(['--token', token, '--token', expired, '-q']);
  const own = await startOrigins((host) => ({ allowedHostOrigins: [host], contactCentre: axp(expiring) }), { connectSrc: [expiring.origin, expiring.wsOrigin] });
  const page = await open(`config=axp&credential=${token}`, own);
  assert.equal(await page.evaluate(() => window.test.error), null);
  await waitHealth(page, 'live');
  const report = await heartbeatMeasured(page);
  onlyFails(report, [], ['cc.token']);
  const left = Number(/^the access token expires in (\d+) s$/.exec(detail(report, 'cc.token'))?.[1]);
  assert.ok(left > 0 && left < 60, detail(report, 'cc.token'));
  assert.match(detail(report, 'cc.subscription'), /^the subscription expires in \d+ s$/);
  assert.match(detail(report, 'cc.heartbeat'), /^heartbeat round trip \d+ ms \(measured \d+ s ago\)$/);
  assert.match(detail(report, 'multiTab'), /^leader of 1 tab\(s\)/);
  assert.ok(!JSON.stringify(report).includes(token), 'the token stays in the widget');
  problems();
  await page.close();

  const late = await open(`config=axp&credential=${expired}`, own);
  await waitHealth(late, 'failed');
  const health = await late.evaluate(() => window.test.events.find((e) => e.kind === 'ccHealth' && e.state === 'failed'));
  assert.equal(health.code, 'cc.auth');
  assert.match(health.fix, /valid token or login/, 'the event names the fix');
  assert.equal(health.fault, 'tokenRefused');
  const refused = await diagnose(late);
  onlyFails(refused, ['cc.auth', 'cc.token']);
  assert.match(detail(refused, 'cc.token'), /^the access token expired 1[23]\d s ago$/);
  assert.ok(!JSON.stringify(refused).includes(expired), 'the token stays in the widget');
  problems();
  await late.close();
  await own.close();
  await expiring.stop();
});

test('cc.token over xuc: the login answer\'s TTL (30 s) warns; the ping -> Pong round trip is a number; no subscription', { timeout: 30_000 }, async () => {
  const page = await open('config=xucttl');
  assert.equal(await page.evaluate(() => window.test.error), null);
  await waitHealth(page, 'live');
  const report = await heartbeatMeasured(page);
  onlyFails(report, [], ['cc.token']);
  assert.match(detail(report, 'cc.token'), /^the access token expires in (2\d|30) s$/);
  assert.match(detail(report, 'cc.subscription'), /^not applicable/);
  assert.match(detail(report, 'cc.heartbeat'), /^heartbeat round trip \d+ ms/);
  problems();
  await page.close();
});

test('a healthy widget: every check ok within 3 s; logs by time and level; the export has no canary token or phone number', { timeout: 60_000 }, async () => {
  const page = await open(`config=axp&credential=${CANARY_TOKEN}`);
  assert.equal(await page.evaluate(() => window.test.error), null);
  await waitHealth(page, 'live');
  const report = await diagnose(page);
  onlyFails(report, []);
  assert.equal(report.checks.length, 16);
  assert.equal(report.versions.protocol, 2, "the channel protocol (batches since 2)");
  assert.equal(report.versions.dropIn, await page.evaluate(() => window.CtiBridge.scriptVersion));
  assert.match(report.versions.widget, /^\d+\.\d+\.\d+/);
  assert.ok(Math.abs(report.at - Date.now()) < 10_000);
  assert.match(report.checks.find((c) => c.id === 'cc.rest').detail, /answered HTTP \d+ in \d+ ms/);
  assert.match(report.checks.find((c) => c.id === 'cc.socket').detail, /opened in \d+ ms/);
  assert.match(report.checks.find((c) => c.id === 'multiTab').detail, /^leader of 1 tab\(s\) for \d+ s/);
  assert.match(report.checks.find((c) => c.id === 'storage.partition').detail, /^third-party context: the widget's site http:\/\/localhost is not the top page's http:\/\/127\.0\.0\.1/);

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

  assert.deepEqual(problems(), []);
  await page.close();
});

test('multiTab: a second tab of the same agent follows the first; its report says so and points its link checks to the leader', { timeout: 40_000 }, async () => {
  const first = await open(`config=axp&credential=${CANARY_TOKEN}`);
  await waitHealth(first, 'live');
  const second = await open(`config=axp&credential=${CANARY_TOKEN}`);
  assert.equal(await second.evaluate(() => window.test.error), null);
  await second.waitForFunction(() => window.test.bridge.tabs()?.count === 2, null, { timeout: 10_000 });
  const report = await diagnose(second);
  onlyFails(report, []);
  assert.match(detail(report, 'multiTab'), /^follower, one of 2 tab\(s\): another tab has led for \d+ s/);
  for (const id of ['cc.auth', 'cc.token', 'cc.subscription', 'cc.heartbeat']) {
    assert.match(detail(report, id), /^not applicable: this tab follows/, id);
  }
  assert.match(detail(report, 'cc.rest'), /answered HTTP \d+ in \d+ ms/, 'the probes still run from this tab');
  const lead = await diagnose(first);
  assert.match(detail(lead, 'multiTab'), /^leader of 2 tab\(s\)/);
  problems();
  await second.close();
  await first.close();
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
  assert.match(health.fix, /REST URL/, 'the event names the fix');
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
  assert.match(health.fix, /valid token or login/, 'the event names the fix');
  const report = await diagnose(page);
  onlyFails(report, ['cc.auth']);
  assert.ok(!JSON.stringify(report).includes('not-the-token'));
  problems();
  await page.close();
});

test('storage.session and storage.access: third-party storage blocked (Chromium setting) fails them; multiTab warns (the tab runs alone)', { timeout: 30_000 }, async () => {
  const page = await open('config=axp&credential=' + CANARY_TOKEN, origins, blocked);
  await waitHealth(page, 'live');
  const report = await diagnose(page);
  onlyFails(report, ['storage.session', 'storage.access'], ['multiTab']);
  assert.match(detail(report, 'multiTab'), /^runs alone: no storage for this frame/);
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

test('the log ring stays bounded after a million log lines: JS heap and wasm memory flat (measured as bench/README\'s memory rows)', { timeout: 120_000 }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${origins.widgetOrigin}/diagnostics.html?config=axp`);
  await page.waitForSelector('body[data-done="true"]', { timeout: 10_000 });
  const cdp = await browser.context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const wasm = () => page.evaluate(async () => (await (await import('/pkg/cti_bridge.js')).default()).memory.buffer.byteLength);
  // Lines of varying length with a phone number in each (redacted when recorded), through the
  // widget's own log call, in batches of 100,000.
  const write = (from, count) => page.evaluate(([from, count]) => {
    for (let i = from; i < from + count; i++) {
      window.ctiWidget.log(i % 7 === 0 ? 'warn' : 'debug', 'load', `line ${i}: dial +33 6 12 34 ${String(i % 100).padStart(2, '0')} ${'x'.repeat(i % 97)}`);
    }
  }, [from, count]);
  // Warm-up: the ring full once, so what it allocates is allocated.
  await write(0, 20_000);
  const before = { heap: await heap(), wasm: await wasm() };
  for (let from = 20_000; from < 1_020_000; from += 100_000) await write(from, 100_000);
  const after = { heap: await heap(), wasm: await wasm() };
  const MB = 1024 * 1024;
  assert.ok(after.heap - before.heap < MB, `JS heap ${before.heap} -> ${after.heap} bytes`);
  assert.equal(after.wasm, before.wasm, `wasm memory ${before.wasm} -> ${after.wasm} bytes`);
  const entries = await page.evaluate(() => window.ctiWidget.logs());
  assert.equal(entries.length, 2000);
  assert.match(entries.at(-1).message, /^line \*+99: dial \*+99 x{44}$/);
  assert.ok(!entries.some((e) => /34 \d\d/.test(e.message)), 'phone numbers redacted');
  console.log(`# ring memory: JS heap ${(before.heap / MB).toFixed(2)} -> ${(after.heap / MB).toFixed(2)} MiB, wasm ${(before.wasm / MB).toFixed(2)} -> ${(after.wasm / MB).toFixed(2)} MiB (1,000,000 lines)`);
  await page.close();
});
