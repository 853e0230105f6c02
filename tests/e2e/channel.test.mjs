// End-to-end: the drop-in script on a CRM page (http://127.0.0.1:A) and the
// widget (http://localhost:B) in headless Chromium, both under a strict CSP.
//
//   node --test tests/e2e/      (needs bash scripts/build.sh first)
//
// Proves the handshake, CRM Connector presence sync both ways in both modes,
// settled setAgentState promises, forged messages from other origins and
// frames ignored and counted, and a widget reload mid-session with no lost
// and no duplicated event.
/* global CtiBridge -- in page.evaluate() callbacks: the host page's window.CtiBridge (cti-bridge.js) */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigins, startBrowser, until } from './harness.mjs';

let origins;
let browser;

before(async () => {
  origins = await startOrigins((hostOrigin, variant) =>
    variant === 'other-host'
      ? { allowedHostOrigins: ['https://crm.example.com'], allowInject: false }
      : { allowedHostOrigins: [hostOrigin], allowInject: true });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
});

const xuc = (name) => ({
  msgType: 'AgentStateEvent',
  ctiMessage: { name, agentId: 19, phoneNb: '1000', since: 0, queues: [1] },
});

/** Opens the test CRM page in `mode` and waits for the bridge. */
async function openHost(mode, presence = 'Available') {
  const page = await browser.context.newPage();
  const url = `${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}&mode=${mode}&presence=${presence}`;
  await page.goto(url);
  await until(page, () => window.test.bridge || window.test.error);
  const error = await page.evaluate(() => window.test.error);
  assert.equal(error, null, `connect failed: ${JSON.stringify(error)}`);
  // The CRM Connector start-up is done when the CRM's presence reached the widget.
  await until(page, () => window.test.events.some((e) => e.kind === 'presence'));
  return page;
}

const events = (page, kind) => page.evaluate((k) => window.test.events.filter((e) => e.kind === k), kind);
const inject = (page, source, msg) => page.evaluate(([s, m]) => window.test.bridge.inject(s, m), [source, msg]);

test('handshake, CRM Connector start-up and snapshot across two origins', async () => {
  const page = await openHost('synchronized');
  const all = await page.evaluate(() => window.test.events);
  const ready = all.find((e) => e.kind === 'connection' && e.status === 'ready');
  assert.ok(ready, 'connection ready event');
  assert.match(ready.epoch, /^[0-9a-f]{16}$/);
  // The widget ran the connector start-up: ready -> ready -> requestCrmData -> crmData.
  const outbound = all.filter((e) => e.kind === 'crmMessage' && e.direction === 'in').map((e) => e.message.action);
  assert.deepEqual(outbound.slice(0, 2), ['ready', 'requestCrmData']);
  const crmData = all.find((e) => e.kind === 'crmData');
  assert.equal(crmData.userName, 'Ada Agent');
  assert.equal(crmData.omnichannelMode, 'S');
  const presence = all.find((e) => e.kind === 'presence');
  assert.equal(presence.name, 'Available');
  assert.equal(presence.available, true);
  // Every event carries a channel seq (channelSeq), strictly increasing from 1.
  const seqs = all.filter((e) => typeof e.channelSeq === 'number').map((e) => e.channelSeq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  const { snapshot, diagnostics } = await page.evaluate(() => window.test.bridge.snapshot());
  assert.equal(snapshot.mode, 'synchronized');
  assert.equal(snapshot.presence.name, 'Available');
  assert.equal(diagnostics.connected, true);
  assert.equal(diagnostics.hostOrigin, origins.hostOrigin);
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('synchronized: presence follows the agent and the agent follows the CRM', async () => {
  const page = await openHost('synchronized');
  await inject(page, 'xuc', xuc('AgentReady'));
  // CRM -> contact centre: the user goes Busy in the CRM; the agent is paused.
  await page.evaluate(() => window.test.fakeCrm.userSets('Busy'));
  const pause = await until(page, () =>
    window.test.events.find((e) => e.kind === 'command' && e.target === 'cc' && e.status === 'pending'));
  assert.deepEqual(pause.wire, { claz: 'web', command: 'pauseAgent', agentid: 19 });
  await inject(page, 'xuc', xuc('AgentOnPause'));
  await until(page, (id) => window.test.events.some((e) => e.kind === 'command' && e.id === id && e.status === 'confirmed'), pause.id);
  // Contact centre -> CRM: the agent goes ready; the CRM is set Available through its own API.
  await inject(page, 'xuc', xuc('AgentReady'));
  const sync = await until(page, () =>
    window.test.events.find((e) => e.kind === 'command' && e.target === 'crm' && e.state === 'ready' && e.status === 'pending'));
  assert.equal(sync.wire.action, 'requestSyncOmnichannel');
  await until(page, (id) => window.test.events.some((e) => e.kind === 'command' && e.id === id && e.status === 'confirmed'), sync.id);
  assert.equal(await page.evaluate(() => window.test.fakeCrm.status), 'Available');
  assert.deepEqual(await page.evaluate(() => window.test.fakeCrm.setCalls), ['Available']);
  // No loop: after the echo, nothing else was commanded.
  const commands = (await events(page, 'command')).filter((c) => c.status === 'pending');
  assert.equal(commands.length, 2);
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('setAgentState settles when the change is confirmed, rejected or superseded', async () => {
  const page = await openHost('off');
  await inject(page, 'xuc', xuc('AgentReady'));
  const confirmed = page.evaluate(() => window.test.bridge.setAgentState('notReady', 'lunch'));
  const pending = await until(page, () =>
    window.test.events.find((e) => e.kind === 'command' && e.cause === 'host' && e.status === 'pending'));
  assert.deepEqual(pending.wire, { claz: 'web', command: 'pauseAgent', agentid: 19, reason: 'lunch' });
  await inject(page, 'xuc', xuc('AgentOnPause'));
  const result = await confirmed;
  assert.equal(result.status, 'confirmed');
  // Rejected: xuc refuses.
  const rejected = page.evaluate(() =>
    window.test.bridge.setAgentState('ready').then(() => 'resolved', (e) => `${e.code}: ${e.message}`));
  await until(page, () => window.test.events.filter((e) => e.kind === 'command' && e.cause === 'host').length >= 3);
  await inject(page, 'xuc', { msgType: 'AgentError', ctiMessage: { Error: 'PhoneNumberUnknown' } });
  assert.equal(await rejected, 'rejected: contact centre refused: PhoneNumberUnknown');
  // Superseded: a newer request replaces an unconfirmed one.
  const first = page.evaluate(() =>
    window.test.bridge.setAgentState('ready').then(() => 'resolved', (e) => `${e.code}: ${e.message}`));
  await until(page, () => window.test.events.filter((e) => e.kind === 'command' && e.cause === 'host').length >= 5);
  const second = page.evaluate(() => window.test.bridge.setAgentState('notReady'));
  assert.equal(await first, 'rejected: a newer command replaced it');
  await inject(page, 'xuc', xuc('AgentOnPause'));
  assert.equal((await second).status, 'confirmed');
  // A bad call is refused with a typed error, not sent.
  const bad = await page.evaluate(() => window.test.bridge.setAgentState('asleep').catch((e) => e.code));
  assert.equal(bad, 'invalidParams');
  await page.close();
});

test('complementary: never both ready', async () => {
  const page = await openHost('complementary', 'Busy');
  const crmData = (await events(page, 'crmData'))[0];
  assert.equal(crmData.omnichannelMode, 'C');
  // The agent goes ready: the CRM (already Busy) is left alone.
  await inject(page, 'xuc', xuc('AgentReady'));
  // The user goes Available in the CRM: the agent is paused.
  await page.evaluate(() => window.test.fakeCrm.userSets('Available'));
  const pause = await until(page, () =>
    window.test.events.find((e) => e.kind === 'command' && e.target === 'cc' && e.status === 'pending'));
  assert.equal(pause.cause, 'complement');
  assert.equal(pause.wire.command, 'pauseAgent');
  await inject(page, 'xuc', xuc('AgentOnPause'));
  // The agent goes ready again: the CRM is made Busy through its API.
  await inject(page, 'xuc', xuc('AgentReady'));
  await until(page, () => window.test.fakeCrm.status === 'Busy');
  assert.deepEqual(await page.evaluate(() => window.test.fakeCrm.setCalls), ['Busy']);
  await page.close();
});

test('forged messages from another origin and from a second frame are ignored and counted', async () => {
  const page = await openHost('synchronized');
  await page.evaluate((url) => window.addForger(url), `${origins.thirdOrigin}/forger.html`);
  await page.evaluate((url) => window.addForger(url), `${origins.hostOrigin}/forger.html`);
  await until(page, () => window.test.forged.length === 2);
  const sent = await page.evaluate(() => window.test.forged.reduce((n, f) => n + f.sent, 0));
  // Let the widget process everything the forgers posted.
  const { diagnostics, snapshot } = await until(page, async () => {
    const s = await window.test.bridge.snapshot();
    const d = s.diagnostics.dropped;
    return d.origin >= 100 && d.source >= 100 ? s : null;
  });
  assert.equal(diagnostics.dropped.origin, 100, 'third-origin frame: 4 kinds x 25');
  assert.equal(diagnostics.dropped.source, 100, 'same-origin second frame: not the parent window');
  assert.equal(snapshot.presence.name, 'Available', 'the forged "Hacked" presence was not applied');
  assert.equal(diagnostics.connected, true);
  const host = await page.evaluate(() => window.test.bridge.hostStats());
  assert.ok(host.droppedOrigin + host.droppedSource >= 100, JSON.stringify(host));
  const names = (await events(page, 'presence')).map((p) => p.name);
  assert.ok(!names.includes('Hacked'));
  const health = await events(page, 'health');
  assert.ok(health.length >= 1 && health.length < 20, `health events are rate-limited (${health.length})`);
  assert.ok(sent >= 200);
  // The widget still serves.
  await inject(page, 'xuc', xuc('AgentReady'));
  await until(page, () => window.test.events.some((e) => e.kind === 'agentState' && e.state === 'ready'));
  await page.close();
});

test('a widget reload mid-session loses nothing and duplicates nothing', async () => {
  const page = await openHost('off');
  const states = ['AgentReady', 'AgentOnPause'];
  const total = 60;
  // Inject a steady stream; reload the widget iframe in the middle of it.
  const run = page.evaluate(async ([n, names]) => {
    const results = [];
    for (let i = 0; i < n; i++) {
      const msg = { msgType: 'AgentStateEvent', ctiMessage: { name: names[i % 2], agentId: 19, phoneNb: String(1000 + i) } };
      results.push(window.test.bridge.inject('xuc', msg));
      await new Promise((r) => setTimeout(r, 15));
    }
    return Promise.all(results);
  }, [total, states]);
  await new Promise((r) => setTimeout(r, 300));
  const epochBefore = await page.evaluate(() => window.test.bridge.hostStats().epoch);
  await page.evaluate(() => {
    const frame = window.test.bridge.iframe();
    // eslint-disable-next-line no-self-assign -- assigning src reloads the (cross-origin) iframe
    frame.src = frame.src; // reload the cross-origin widget
  });
  const results = await run;
  assert.equal(results.length, total);
  await until(page, (n) => window.test.events.filter((e) => e.kind === 'agentState').length >= n, total, 15000);
  const agentStates = await events(page, 'agentState');
  const phones = agentStates.map((e) => Number(e.phoneNumber) - 1000);
  assert.deepEqual(phones, [...Array(total).keys()], 'every injected event exactly once, in order');
  const seqs = (await page.evaluate(() => window.test.events)).filter((e) => typeof e.channelSeq === 'number').map((e) => e.channelSeq);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seq ${seqs[i]} after ${seqs[i - 1]}`);
  // With storage partitioning (real browsers; the harness turns it on), the cross-site widget
  // has its (partitioned) session storage: the reloaded widget restores its saved session, the
  // same epoch, and resumes the numbering from it.
  const stats = await page.evaluate(() => window.test.bridge.hostStats());
  assert.equal(stats.epoch, epochBefore, 'the reloaded widget restored its session');
  assert.equal(stats.duplicates, 0);
  const reconnects = (await events(page, 'connection')).filter((e) => e.status === 'ready' && e.epoch);
  assert.equal(reconnects.length, 2, 'one handshake, one re-handshake');
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('connect() rejects with a typed error when the widget refuses the origin or never answers', async () => {
  const page = await browser.context.newPage();
  const base = `${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}`;
  const started = Date.now();
  await page.goto(`${base}&widgetPath=${encodeURIComponent('/widget.html?config=other-host')}&timeoutMs=8000`);
  const refused = await until(page, () => window.test.error);
  assert.equal(refused.code, 'refused');
  assert.match(refused.message, /origin/);
  assert.ok(Date.now() - started < 6000, 'refused at once, not after the time-out');
  await page.goto(`${base}&widgetPath=/no-such-widget.html&timeoutMs=1500`);
  const timedOut = await until(page, () => window.test.error);
  assert.equal(timedOut.code, 'timeout');
  // A connect aborted before its handshake: rejected as "aborted", its iframe gone at once.
  const aborted = await page.evaluate(async (widgetOrigin) => {
    const before = document.querySelectorAll('iframe').length;
    const controller = new AbortController();
    const pending = CtiBridge.connect({ widgetUrl: `${widgetOrigin}/widget.html`, container: 'body', signal: controller.signal });
    const added = document.querySelectorAll('iframe').length - before;
    controller.abort();
    const code = await pending.then(() => 'connected', (e) => e.code);
    const early = await CtiBridge.connect({ widgetUrl: `${widgetOrigin}/widget.html`, container: 'body', signal: controller.signal }).then(() => 'connected', (e) => e.code);
    return { added, code, left: document.querySelectorAll('iframe').length - before, early };
  }, origins.widgetOrigin);
  assert.deepEqual(aborted, { added: 1, code: 'aborted', left: 0, early: 'aborted' });
  await page.close();
});
