// End-to-end: the widget as a drop-in replacement for Avaya's CRM Connector
// frame (widget config `crmConnectorFrame`). An existing Client Application
// (the stand-in demo/stand-ins/crm-client-app.*, which speaks only when spoken
// to, checks origin and source, and reads the fields the real ones read) runs
// unchanged on the CRM page (http://127.0.0.1:A) with NO drop-in script; it
// embeds the widget (http://localhost:B), whose own xuc client logs in with
// credentials from a path on the widget origin and talks to `cti-bridge sim`
// (http://127.0.0.1:C).
//
// Proves: the widget speaks first (`ready`), the Client Application answers
// `crmData`; a call that rings is popped on ringing (not on answer); the
// interaction log after the call is one the Client Application can read; its
// click-to-dial response dials at the simulator; no credential reaches the page.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, startOrigins, until } from './harness.mjs';
import { startSim } from './simproc.mjs';

const NETWORK_LINE = /^console: (WebSocket connection to '[^']*' failed: |Failed to load resource)/;

let sim;
let origins;
let browser;
let credentialsAsked = 0;

before(async () => {
  sim = await startSim(['--heartbeat', '3s']);
  origins = await startOrigins((hostOrigin) => ({
    allowedHostOrigins: [hostOrigin],
    crmConnectorFrame: true,
    credentialsUrl: '/cti/credentials',
    contactCentre: { kind: 'xuc', baseUrl: sim.origin, agentId: '19' },
  }), {
    connectSrc: [sim.origin, sim.wsOrigin],
    widgetRoutes: {
      // The widget origin's own session decides who the agent is (here: alice).
      '/cti/credentials': () => {
        credentialsAsked += 1;
        return ['application/json', JSON.stringify({ login: 'alice', password: 'alice' })];
      },
    },
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
  await sim?.stop();
});

const actions = (page) => page.evaluate(() => window.clientApp.log.map((m) => m.action));

test('an existing Client Application runs unchanged against the widget in frame mode', { timeout: 60_000 }, async () => {
  const page = await browser.context.newPage();
  const widgetUrl = `${origins.widgetOrigin}/widget.html`;
  await page.goto(`${origins.hostOrigin}/stand-ins/crm-client-app.html?connector=${encodeURIComponent(widgetUrl)}&mode=S`);

  // The connector speaks first; the Client Application answers ready and crmData.
  await until(page, () => window.clientApp.state.ready, undefined, 15_000);
  await until(page, () => window.clientApp.log.some((m) => m.action === 'requestCrmData'), undefined, 10_000);
  const first = await actions(page);
  assert.equal(first[0], 'ready', `the widget spoke first: ${first.join(', ')}`);
  assert.ok(await page.evaluate(() => window.clientApp.sent.some((m) => m.action === 'crmData')));

  // The widget's own xuc client logged in with the widget origin's credentials, never the
  // page's; once the agent is logged in on the phone, click-to-dial is enabled.
  await sim.send([{ xuc: { msgType: 'AgentStateEvent', ctiMessage: { name: 'AgentReady', agentId: 19, phoneNb: '1000', since: 0, queues: [8], cause: 'available' } } }]);
  await until(page, () => window.clientApp.state.clickToDialEnabled, undefined, 15_000);
  assert.equal(credentialsAsked, 1);

  // A call rings: the screen pop is requested on ringing, before any answer.
  const ringing = [
    { xuc: { msgType: 'PhoneEvent', ctiMessage: { eventType: 'EventRinging', DN: '1000', otherDN: '0427466347', linkedId: 'e2e.1', uniqueId: 'e2e.1', queueName: 'support', callDirection: 'Incoming', userData: {} } } },
    { xuc: { msgType: 'AgentStateEvent', ctiMessage: { name: 'AgentRinging', agentId: 19, phoneNb: '1000', since: 0, queues: [8] } } },
  ];
  await sim.send(ringing);
  await until(page, () => window.clientApp.state.screenPops.length > 0, undefined, 10_000);
  const popped = await page.evaluate(() => window.clientApp.state.screenPops);
  assert.deepEqual(popped, ['0427466347']);
  const log = await actions(page);
  assert.ok(log.indexOf('requestPerformInteractionScreenPop') >= 0);

  // Answered, then released: the interaction log is one the Client Application can read.
  await sim.send([
    { xuc: { msgType: 'PhoneEvent', ctiMessage: { eventType: 'EventEstablished', DN: '1000', otherDN: '0427466347', linkedId: 'e2e.1', uniqueId: 'e2e.1', queueName: 'support', callDirection: 'Incoming', userData: {} } } },
    { xuc: { msgType: 'PhoneEvent', ctiMessage: { eventType: 'EventReleased', DN: '1000', otherDN: '0427466347', linkedId: 'e2e.1', uniqueId: 'e2e.1', queueName: 'support', callDirection: 'Incoming', userData: {} } } },
  ]);
  await until(page, () => window.clientApp.state.savedLogs.length > 0, undefined, 10_000);
  assert.equal(await page.evaluate(() => window.clientApp.state.screenPops.length), 1, 'popped once, not again on answer');
  assert.deepEqual(await page.evaluate(() => window.clientApp.errors), [], 'the Client Application threw on nothing');

  // The agent clicks a number in the CRM: the widget dials it on the xuc link.
  const before = (await sim.stats()).xuc.commands.dial || 0;
  assert.equal(await page.evaluate(() => window.clientApp.clickToDial('0612345678')), true);
  const deadline = Date.now() + 10_000;
  let dials = before;
  while (Date.now() < deadline && dials === before) {
    dials = (await sim.stats()).xuc.commands.dial || 0;
    if (dials === before) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(dials, before + 1, 'the click-to-dial became a dial at the simulator');

  // Nothing the page received carries the credentials.
  const seen = JSON.stringify(await page.evaluate(() => window.clientApp.log));
  assert.ok(!seen.includes('"password"') && !seen.includes('alice:alice'));
  assert.deepEqual(await page.evaluate(() => window.clientApp.rejected), [], 'every message came from the connector frame');
  assert.deepEqual(browser.problems.splice(0).filter((p) => !NETWORK_LINE.test(p)), []);
  await page.close();
});
