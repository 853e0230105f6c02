// End-to-end: the in-page vendor integration (startVendor) on the
// ServiceNow-like and AgentDesktop-like demo pages, driven through the
// stand-ins (test doubles) of openFrameAPI and AGENTDESKTOP, in headless
// Chromium under a strict CSP.
//
//   node --test tests/e2e/vendor.test.mjs      (needs bash scripts/build.sh first)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, startBrowser, until, ROOT } from './harness.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";

let site;
let browser;

before(async () => {
  // The demo's vendor pages (demo/) on the widget build (www/pkg/).
  site = await serve({ roots: { '/': [join(ROOT, 'www'), join(ROOT, 'demo')] }, csp: CSP });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const origin = () => `http://127.0.0.1:${site.port}`;

/** Opens a demo page and waits until the integration reports `ready` for each vendor. */
async function open(page, query = '', vendors = []) {
  const p = await browser.context.newPage();
  await p.goto(`${origin()}/${page}${query}`);
  await until(p, () => window.test && (window.test.vendor || window.test.error));
  assert.equal(await p.evaluate(() => window.test.error), null);
  for (const v of vendors) {
    await until(p, (name) => window.test.outputs.some((o) => o.kind === 'vendorNotice' && o.source === name && o.level === 'ready'), v);
  }
  return p;
}

const workItem = (sysId, docId = '37a187591bf66410b8e3ea06624bcbef') => ({
  workItem: {
    sys_id: sysId,
    size: 1,
    serviceChannel: { name: 'Case', sys_id: 'd4a675e3739713004a905ee515f6a7e7' },
    document: { sys_id: docId, table: 'sn_customerservice_case' },
  },
});
const presence = (available) => ({
  result: { presence: { name: available ? 'Available' : 'Away', sys_id: '0b10', available, channels: [] } },
});
const contact = (event, extra = {}) => ({
  event, id: 'CT7-1', uuid: 'c-0001', type: 'inbound', media_type: 'telephony', job_type: 'inbound',
  ani: '0612345678', dnis: '800100', queue: 'Support', isACD: true, ...extra,
});

const ofCalls = (p, method) => p.evaluate((m) => window.openFrameTest.names(m), method);
const adCalls = (p, path) => p.evaluate((x) => window.agentDesktopTest.paths(x), path);
const outputs = (p, kind) => p.evaluate((k) => window.test.outputs.filter((o) => o.kind === k), kind);

test('OpenFrame: init, the five AWA subscriptions and COMMUNICATION_EVENT', async () => {
  const p = await open('servicenow.html', '', ['openframe']);
  const subs = (await ofCalls(p, 'subscribe')).map((c) => c.args[0]);
  assert.deepEqual(subs, [
    'openframe_awa_agent_presence',
    'openframe_awa_workitem_offered',
    'openframe_awa_workitem_accepted',
    'openframe_awa_workitem_rejected',
    'openframe_agent_off_interaction',
    'openframe_communication',
  ]);
  assert.equal((await ofCalls(p, 'init')).length, 1);
  assert.deepEqual(await p.evaluate(() => window.test.vendor.vendors()), ['openframe']);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

test('OpenFrame: offer shows the frame, accept opens the record, reject and presence decode', async () => {
  const p = await open('servicenow.html', '', ['openframe']);
  await p.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_offered', { result: w }), workItem('w1'));
  await until(p, () => window.openFrameTest.names('show').length === 1);
  assert.equal((await ofCalls(p, 'openServiceNowForm')).length, 0, 'default: open on accept only');
  await p.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_accepted', { result: w }), workItem('w1'));
  await until(p, () => window.openFrameTest.names('openServiceNowForm').length === 1);
  const [form] = await ofCalls(p, 'openServiceNowForm');
  assert.deepEqual(form.args, [{ entity: 'sn_customerservice_case', query: 'sys_id=37a187591bf66410b8e3ea06624bcbef' }]);
  // The same accepted event again opens nothing new.
  await p.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_accepted', { result: w }), workItem('w1'));
  // Rejected uses the `payload` wrapper.
  const rejected = workItem('w2');
  rejected.workItem.rejection = { reason: 'Not my expertise', sys_id: '31e3' };
  await p.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_rejected', { payload: w }), rejected);
  await p.evaluate((b) => window.openFrameTest.emit('openframe_awa_agent_presence', b), presence(false));
  await until(p, () => window.test.outputs.some((o) => o.kind === 'presence'));
  const items = await outputs(p, 'workItem');
  assert.deepEqual(items.map((i) => i.phase), ['offered', 'accepted', 'accepted', 'rejected']);
  assert.equal(items[3].reason, 'Not my expertise');
  const [pres] = await outputs(p, 'presence');
  assert.equal(pres.available, false);
  assert.equal((await ofCalls(p, 'openServiceNowForm')).length, 1);
  // A sys_id that would smuggle an encoded-query term is refused, not sent.
  await p.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_accepted', { result: w }), workItem('w3', 'x^ORactive=true'));
  await until(p, () => window.test.outputs.some((o) => o.kind === 'vendorNotice' && o.level === 'refused'));
  assert.equal((await ofCalls(p, 'openServiceNowForm')).length, 1);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

test('OpenFrame: init failure and time-out are reported', async () => {
  const failed = await open('servicenow.html', '?openframe-init=fail');
  await until(failed, () => window.test.outputs.some((o) => o.kind === 'vendorNotice' && o.level === 'failed'));
  assert.equal((await ofCalls(failed, 'subscribe')).length, 0);
  await failed.close();
  const hung = await open('servicenow.html', '?openframe-init=hang&initTimeoutMs=300');
  const notice = await until(hung, () => window.test.outputs.find((o) => o.kind === 'vendorNotice' && o.level === 'timeout'));
  assert.match(notice.text, /300 ms/);
  await hung.close();
});

test('AgentDesktop: a call from ring to JOBFINISHED with hold and POPUP', async () => {
  const p = await open('agentdesktop.html', '', ['agentdesktop']);
  assert.equal(await p.evaluate(() => window.agentDesktopTest.bound()), 1);
  const seq = [
    'JOBSCHEDULED', 'CONNECTIONSTARTED', 'RINGING', 'JOBCHANGED - Setup', 'POPUP', 'ESTABLISHED',
    'JOBSTARTED - Online', 'HELD', 'RETRIEVED', 'CONNECTIONCLEARED', 'JOBCHANGED - Offline', 'JOBFINISHED',
  ];
  await p.evaluate(() => window.agentDesktopTest.emit({ event: 'LOGGEDIN' }));
  for (const name of seq) {
    await p.evaluate((ev) => window.agentDesktopTest.emit(ev),
      contact(name, name === 'POPUP' ? { CallData: [{ name: 'customerId', value: 'C42' }] } : {}));
  }
  // Late and repeated events after the end are dropped, not replayed.
  await p.evaluate((ev) => window.agentDesktopTest.emit(ev), contact('HELD'));
  await p.evaluate((ev) => window.agentDesktopTest.emit(ev), contact('jobstarted - online'));
  const phases = (await outputs(p, 'interaction')).map((i) => i.phase);
  assert.deepEqual(phases, [
    'offered', 'created', 'alerting', 'offered', 'connected', 'connected', 'held', 'resumed', 'ended', 'wrapUp', 'done',
  ]);
  const [pop] = await outputs(p, 'screenPop');
  assert.deepEqual(pop.ani, ['0612345678']);
  assert.equal(pop.fields[0].value, 'C42');
  // No OpenFrame here: the CRM Connector screen pop request is raised for the host.
  const requests = await outputs(p, 'crmRequest');
  const popRequest = requests.find((r) => r.wire.action === 'requestPerformInteractionScreenPop');
  assert.ok(popRequest, JSON.stringify(requests));
  assert.match(JSON.stringify(popRequest.wire), /0612345678/);
  const dropped = (await outputs(p, 'vendorNotice')).filter((n) => n.level === 'dropped');
  assert.equal(dropped.length, 2);
  const snapshot = await p.evaluate(() => window.test.vendor.snapshot());
  assert.deepEqual(snapshot.interactions, []);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

test('AgentDesktop: the callback is unbound when the integration stops', async () => {
  const p = await open('agentdesktop.html', '', ['agentdesktop']);
  await p.evaluate(() => { window.test.vendor.stop(); window.test.vendor = null; });
  assert.equal(await p.evaluate(() => window.agentDesktopTest.bound()), 0);
  assert.equal((await adCalls(p, 'WIDGET.unbindContactCallback')).length, 1);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

test('cross-side: an accepted ServiceNow work item pauses the AgentDesktop agent', async () => {
  const p = await open('servicenow-agentdesktop.html', '?notReadyReason=1701', ['openframe', 'agentdesktop']);
  await p.evaluate(() => window.agentDesktopTest.emit({ event: 'LOGGEDIN' }));
  await p.evaluate((b) => window.openFrameTest.emit('openframe_awa_agent_presence', b), presence(true));
  await p.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_accepted', { result: w }), workItem('w1'));
  await until(p, () => window.agentDesktopTest.paths('AGENT.Pause').length === 1);
  const [pause] = await adCalls(p, 'AGENT.Pause');
  assert.deepEqual(pause.args, ['1701']);
  // The stand-in answers PAUSESUBSTATE [1701]: the command is confirmed.
  await until(p, () => window.test.outputs.some((o) => o.kind === 'command' && o.status === 'confirmed'));
  const indicator = await ofCalls(p, 'setPresenceIndicator');
  assert.deepEqual(indicator.at(-1).args, ['Not Ready (1701)', 'red']);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

test('cross-side: AgentDesktop JOBSTARTED sets the CRM side Not Ready (setPresenceIndicator)', async () => {
  const p = await open('servicenow-agentdesktop.html', '', ['openframe', 'agentdesktop']);
  await p.evaluate(() => window.agentDesktopTest.emit({ event: 'LOGGEDIN' }));
  await p.evaluate((b) => window.openFrameTest.emit('openframe_awa_agent_presence', b), presence(true));
  await until(p, () => window.openFrameTest.names('setPresenceIndicator').length >= 1);
  await p.evaluate((ev) => window.agentDesktopTest.emit(ev), contact('JOBSTARTED - Online'));
  await until(p, () => window.test.outputs.some((o) => o.kind === 'command' && o.target === 'crm' && o.state === 'notReady'));
  const command = (await outputs(p, 'command')).find((c) => c.target === 'crm' && c.state === 'notReady');
  assert.equal(command.cause, 'work');
  assert.equal(command.source, 'openframe');
  assert.equal(command.status, 'notSupported', 'OpenFrame has no AWA presence setter');
  const shown = (await ofCalls(p, 'setPresenceIndicator')).map((c) => c.args);
  assert.deepEqual(shown.at(-1), ['Not Ready', 'red'], JSON.stringify(shown));
  // Click-to-dial from ServiceNow goes to AgentDesktop.
  // ServiceNow's click-to-dial puts the number at data.metaData.phoneNumber.
  await p.evaluate(() => window.openFrameTest.communication({ type: 'OUTGOING_CALL', data: { metaData: { phoneNumber: '+390612345' } } }));
  await until(p, () => window.agentDesktopTest.paths('CONTACT.MakeCall').length === 1);
  assert.deepEqual((await adCalls(p, 'CONTACT.MakeCall'))[0].args, ['+390612345']);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

test('cross-side: OpenFrame presence changes drive the AgentDesktop agent; host contact actions', async () => {
  const p = await open('servicenow-agentdesktop.html', '', ['openframe', 'agentdesktop']);
  await p.evaluate(() => window.agentDesktopTest.emit({ event: 'PAUSE' }));
  await p.evaluate((b) => window.openFrameTest.emit('openframe_awa_agent_presence', b), presence(true));
  await until(p, () => window.agentDesktopTest.paths('AGENT.Ready').length === 1);
  // The stand-in answers LOGGEDIN: the agent is Ready, the indicator follows.
  await until(p, () => window.openFrameTest.names('setPresenceIndicator').some((c) => c.args[0] === 'Ready'));
  await p.evaluate((b) => window.openFrameTest.emit('openframe_awa_agent_presence', b), presence(false));
  await until(p, () => window.agentDesktopTest.paths('AGENT.Pause').length === 1);
  await p.evaluate(() => {
    const v = window.test.vendor;
    v.answer();
    v.hold();
    v.hangup('c-0001');
    v.makeCall('1;X=2');
  });
  const paths = (await adCalls(p)).map((c) => c.path).filter((x) => x.startsWith('CONTACT.'));
  assert.deepEqual(paths, ['CONTACT.Answer', 'CONTACT.Hold', 'CONTACT.Hangup']);
  // The malformed number is refused, and the agent is told through ALERT.
  assert.equal((await adCalls(p, 'ALERT.Show')).length, 1);
  assert.deepEqual(browser.problems, []);
  await p.close();
});

/** Opens a page whose start-up is expected to fail; returns the error text. */
async function openFailing(page, query) {
  const p = await browser.context.newPage();
  await p.goto(`${origin()}/${page}${query}`);
  await until(p, () => window.test && (window.test.vendor || window.test.error));
  const error = await p.evaluate(() => window.test.error);
  await p.close();
  return error;
}

test('start-up: a missing SDK function fails startVendor, naming it', async () => {
  const ready = await openFailing('agentdesktop.html', '?agentdesktop-omit=AGENT.Ready');
  assert.match(ready, /AGENTDESKTOP\.AGENT\.Ready is missing/);
  assert.match(ready, /unconfirmed/);
  const alert = await openFailing('agentdesktop.html', '?agentdesktop-omit=ALERT.Show');
  assert.match(alert, /AGENTDESKTOP\.ALERT\.Show is missing/);
  const chat = await openFailing('agentdesktop.html', '?chat=1&agentdesktop-omit=CHAT.SendMessage');
  assert.match(chat, /AGENTDESKTOP\.CHAT\.SendMessage is missing/);
  const indicator = await openFailing('servicenow.html', '?openframe-omit=setPresenceIndicator');
  assert.match(indicator, /openFrameAPI\.setPresenceIndicator is missing/);
  // Turning off what needs the assumed names starts without them.
  const p = await open('agentdesktop.html', '?mode=off&alerts=0&agentdesktop-omit=AGENT.Ready,AGENT.Pause,ALERT.Show', ['agentdesktop']);
  assert.equal(await p.evaluate(() => window.test.error), null);
  await p.close();
});

test('AgentDesktop: (eventType, data) callbacks, data as object or JSON text; chat messages', async () => {
  const p = await open('agentdesktop.html', '?chat=1', ['agentdesktop']);
  await p.evaluate(() => { window.agentDesktopTest.callbackStyle = 'jquery'; });
  await p.evaluate((ev) => window.agentDesktopTest.emit(ev), contact('JOBSCHEDULED'));
  await p.evaluate(() => { window.agentDesktopTest.callbackStyle = 'json'; });
  await p.evaluate((ev) => window.agentDesktopTest.emit(ev), contact('connectionstarted'));
  await p.evaluate(() => window.agentDesktopTest.emit({ event: 'AGENT:LOGGEDIN' }));
  await until(p, () => window.test.outputs.some((o) => o.kind === 'agentState'));
  const phases = (await outputs(p, 'interaction')).map((i) => i.phase);
  assert.deepEqual(phases, ['offered', 'created']);
  const errors = (await outputs(p, 'vendorNotice')).filter((n) => n.level === 'error');
  assert.deepEqual(errors, []);
  await p.evaluate(() => window.test.vendor.sendChat('c-0001', 'Buongiorno'));
  await until(p, () => window.agentDesktopTest.paths('CHAT.SendMessage').length === 1);
  assert.deepEqual((await adCalls(p, 'CHAT.SendMessage'))[0].args, ['c-0001', 'Buongiorno']);
  assert.deepEqual(browser.problems, []);
  await p.close();
});
