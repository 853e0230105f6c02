// End-to-end: the stand-in CRM Client Application (demo/stand-ins/crm-client-app.*)
// against a scripted connector frame on another origin, in headless Chromium
// under a strict CSP. No widget build needed.
//
//   node --test tests/e2e/crm-client-app.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, startBrowser, until, ROOT } from './harness.mjs';

const CSP = "default-src 'none'; script-src 'self'; frame-src http:; base-uri 'none'";

// The scripted connector: posts what the test tells it to, to its parent's
// exact origin, and records what the Client Application posts back.
const CONNECTOR_HTML = '<!DOCTYPE html><meta charset="utf-8"><script src="/connector.js"></script><p>connector</p>';
const CONNECTOR_JS = `
(function () {
  var parentOrigin = new URLSearchParams(location.search).get('parent');
  window.received = [];
  window.post = function (action, data) {
    var m = { type: 'CRMConnectMessage', action: action };
    if (data !== undefined) { m.data = data; }
    window.parent.postMessage(m, parentOrigin);
  };
  window.addEventListener('message', function (e) {
    if (e.origin === parentOrigin && e.source === window.parent) { window.received.push(e.data); }
  });
})();`;

let crm;
let connector;
let browser;

before(async () => {
  crm = await serve({ roots: { '/': join(ROOT, 'demo', 'stand-ins') }, csp: CSP });
  connector = await serve({
    roots: {},
    routes: {
      '/connector.html': () => ['text/html', CONNECTOR_HTML],
      '/connector.js': () => ['text/javascript', CONNECTOR_JS],
    },
    csp: "default-src 'none'; script-src 'self'",
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await crm?.close();
  await connector?.close();
});

async function open() {
  const crmOrigin = `http://127.0.0.1:${crm.port}`;
  const url = `http://localhost:${connector.port}/connector.html?parent=${encodeURIComponent(crmOrigin)}`;
  const page = await browser.context.newPage();
  await page.goto(`${crmOrigin}/crm-client-app.html?connector=${encodeURIComponent(url)}&mode=C&userId=42`);
  await until(page, () => Boolean(window.clientApp && document.getElementById('crmConnectIframeId')));
  let frame;
  for (let i = 0; i < 100 && !frame; i += 1) {
    frame = page.frames().find((f) => f.url().startsWith(`http://localhost:${connector.port}/connector.html`));
    if (!frame) await new Promise((r) => setTimeout(r, 50));
  }
  await frame.waitForFunction(() => typeof window.post === 'function');
  return { page, frame };
}

const app = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.clientApp)));

test('speaks only when spoken to, answers the handshake and the CRM data', async () => {
  const { page, frame } = await open();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual((await app(page)).sent, []);
  assert.equal(await page.evaluate(() => window.clientApp.clickToDial('+1555')), false);
  await frame.evaluate(() => window.post('ready'));
  await frame.evaluate(() => window.post('requestCrmData'));
  await frame.waitForFunction(() => window.received.length === 2);
  const received = await frame.evaluate(() => window.received);
  assert.deepEqual(received[0], { type: 'ClientAppMessage', action: 'ready', data: {} });
  assert.equal(received[1].action, 'crmData');
  assert.equal(received[1].data.currentUser.Id, '42');
  assert.equal(received[1].data.callCenterSettings.reqOmnichannel.reqOmnichannelMode, 'C');
  assert.equal((await app(page)).connectorOrigin, `http://localhost:${connector.port}`);
  await page.close();
});

test('refuses messages from another origin or another window', async () => {
  const { page, frame } = await open();
  // The CRM page itself (wrong origin) and a second frame of the connector's origin (wrong source).
  await page.evaluate(() => window.postMessage({ type: 'CRMConnectMessage', action: 'ready' }, '*'));
  await page.evaluate((src) => {
    const other = document.createElement('iframe');
    other.src = src;
    document.body.appendChild(other);
  }, `http://localhost:${connector.port}/connector.html?parent=${encodeURIComponent(`http://127.0.0.1:${crm.port}`)}`);
  const frames = () => page.frames().filter((f) => f.url().startsWith(`http://localhost:${connector.port}`));
  for (let i = 0; i < 100 && frames().length < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
  const second = frames().find((f) => f !== frame);
  await second.waitForFunction(() => typeof window.post === 'function');
  await second.evaluate(() => window.post('ready'));
  await until(page, () => window.clientApp.rejected.length === 2);
  const state = await app(page);
  assert.deepEqual(state.rejected.map((r) => r.reason).sort(), ['origin', 'source']);
  assert.deepEqual(state.sent, []);
  await page.close();
});

test('reads the interaction log as real Client Applications do, and dials in Avaya\'s shape', async () => {
  const { page, frame } = await open();
  await frame.evaluate(() => {
    window.post('ready');
    window.post('requestEnableClickToDial', { isEnabled: true });
    window.post('requestPerformInteractionScreenPop', { aniValues: ['+14155550123'], interactionId: 'c-1' });
    window.post('requestSaveInteractionLog', {
      message: { body: { interactionId: 'c-1', interactionData: {
        interaction: { id: 'c-1', intrinsics: { START_DATE: '2024-05-14', START_TIME: '09:29:07' }, topic: 'Sales' },
        logDetails: { subject: 'inbound telephony', comments: '', customFields: [{ logFieldName: 'case_id', currentValue: '7' }] },
        updatedOriginatingAddress: '+14155550123', updatedDestinationAddress: '800100' } } },
      header: { source: 'agentdesktop', seq: 9 },
    });
    // The old shape: no interaction, no logDetails.
    window.post('requestSaveInteractionLog', { message: { body: { interactionId: 'c-2', interactionData: { from: '1' } } } });
    window.post('requestSyncOmnichannel', { statusId: 'A1;Available', success: true });
  });
  await until(page, () => window.clientApp.log.length === 6);
  assert.equal(await page.evaluate(() => window.clientApp.clickToDial('+14155550188')), true);
  await frame.waitForFunction(() => window.received.some((m) => m.action === 'clickToDialResponse'));
  const state = await app(page);
  assert.deepEqual(state.state.screenPops, ['+14155550123']);
  assert.equal(state.state.presence, 'A1');
  assert.deepEqual(state.state.savedLogs.map((l) => l.fields.case_id), ['7']);
  assert.deepEqual(state.errors.map((e) => e.action), ['requestSaveInteractionLog']);
  const received = await frame.evaluate(() => window.received);
  const history = received.find((m) => m.action === 'createHistoryItem');
  assert.equal(history.data.taskId, 'c-1');
  assert.deepEqual(history.data.data.msgData.header, { source: 'agentdesktop', seq: 9 });
  assert.deepEqual(received.find((m) => m.action === 'omnichannelResponse').data, { statusId: 'A1', success: true });
  const dial = received.find((m) => m.action === 'clickToDialResponse').data;
  assert.equal(dial.onClickToDialResponse.number, '+14155550188');
  assert.deepEqual(dial.crmPhones, ['+14155550188']);
  await page.close();
});
