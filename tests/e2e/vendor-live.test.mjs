// End-to-end: ServiceNow OpenFrame (its stand-in) with a live contact centre
// instead of AgentDesktop: startVendor({contactCentre}) runs the xuc / AXP
// client against `cti-bridge sim`, one sync engine between the AWA events and
// the agent. Headless Chromium, strict CSP (the page may connect to the
// simulator only).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, serve, startBrowser, until } from './harness.mjs';
import { startSim } from './simproc.mjs';

let sim;
let site;
let browser;

before(async () => {
  sim = await startSim(['--heartbeat', '3s']);
  site = await serve({
    roots: { '/case/': join(ROOT, 'tests', 'e2e', 'vendor-live'), '/stand-ins/': join(ROOT, 'demo', 'stand-ins'), '/': join(ROOT, 'www') },
    csp: `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${sim.origin} ${sim.wsOrigin}`,
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await sim?.stop();
});

const workItem = (sysId) => ({
  workItem: {
    sys_id: sysId,
    size: 1,
    serviceChannel: { name: 'Case', sys_id: 'd4a675e3739713004a905ee515f6a7e7' },
    document: { sys_id: '37a187591bf66410b8e3ea06624bcbef', table: 'sn_customerservice_case' },
  },
});

async function open(cc) {
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${site.port}/case/openframe-cc.html?sim=${sim.origin}&cc=${cc}`);
  await until(page, () => window.test && (window.test.vendor || window.test.error));
  assert.equal(await page.evaluate(() => window.test.error), null);
  await until(page, () => window.test.outputs.some((o) => o.kind === 'vendorNotice' && o.source === 'openframe' && o.level === 'ready'));
  await until(page, () => window.test.outputs.some((o) => o.kind === 'ccHealth' && o.state === 'live'), undefined, 10_000);
  return page;
}

const count = (page) => page.evaluate(() => window.test.outputs.length);
const since = (page, from, kind) => page.evaluate(([f, k]) => window.test.outputs.slice(f).filter((o) => o.kind === k), [from, kind]);

test('OpenFrame + xuc: an accepted ServiceNow case pauses the agent over the xuc link; the indicator follows the agent', { timeout: 30_000 }, async () => {
  const page = await open('xuc');
  assert.deepEqual(await page.evaluate(() => window.test.vendor.vendors()), ['openframe']);
  assert.deepEqual(await page.evaluate(() => window.test.asked), ['login']);

  // The agent logs in on the phone: Ready; ServiceNow's indicator says so.
  await page.evaluate(() => window.test.vendor.ccCommand('loginAgent', ['1000', 19]));
  await until(page, () => window.test.outputs.some((o) => o.kind === 'agentState' && o.source === 'xuc' && o.state === 'ready'));
  await until(page, () => window.openFrameTest.names('setPresenceIndicator').some((c) => /ready/i.test(String(c.args[0]))));

  // A case is accepted in ServiceNow while the agent is Ready on the phone.
  const before = (await sim.stats()).xuc.commands.pauseAgent || 0;
  const from = await count(page);
  await page.evaluate((w) => window.openFrameTest.emit('openframe_awa_workitem_accepted', { result: w }), workItem('w1'));
  await until(page, (f) => window.test.outputs.slice(f).some((o) => o.kind === 'command' && o.target === 'cc' && o.source === 'xuc' && o.status === 'confirmed'), from);
  const states = await since(page, from, 'agentState');
  assert.ok(states.some((s) => s.state === 'notReady'), JSON.stringify(states));
  assert.equal((await sim.stats()).xuc.commands.pauseAgent - before, 1, 'one pauseAgent reached the contact centre');
  const opened = await page.evaluate(() => window.openFrameTest.names('openServiceNowForm'));
  assert.equal(opened.length, 1);
  assert.equal(opened[0].args[0].query, 'sys_id=37a187591bf66410b8e3ea06624bcbef');

  // The widget-side snapshot and health.
  const snapshot = await page.evaluate(() => window.test.vendor.snapshot());
  assert.equal(snapshot.ccSource, 'xuc');
  assert.equal(snapshot.crmSource, 'openframe');
  assert.equal((await page.evaluate(() => window.test.vendor.contactCentreHealth())).state, 'live');
  assert.ok(!JSON.stringify(await page.evaluate(() => window.test.outputs)).includes('alice'), 'no credential handed to the page');
  assert.deepEqual(browser.problems.splice(0), []);
  await page.close();
});

test('OpenFrame + AXP: agent events drive the presence indicator; commands are not supported', { timeout: 30_000 }, async () => {
  const page = await open('axp');
  assert.deepEqual(await page.evaluate(() => window.test.asked), ['token']);
  await sim.send([{ axp: { event: 'AgentState', state: 'NOT_READY', reasonCode: 'Lunch' } }]);
  await until(page, () => window.test.outputs.some((o) => o.kind === 'agentState' && o.source === 'axp' && o.state === 'notReady'));
  await until(page, () => window.openFrameTest.names('setPresenceIndicator').some((c) => /not ready/i.test(String(c.args[0]))));
  const refused = await page.evaluate(() => {
    try {
      window.test.vendor.ccCommand('pauseAgent', [19]);
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.match(refused, /read-only/);
  assert.deepEqual(browser.problems.splice(0), []);
  await page.close();
});
