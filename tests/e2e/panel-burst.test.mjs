// End-to-end: the agent's panel is drawn after the widget's work, coalesced
// (crates/core/src/pace.rs, issue 14): bursts of agent states, in one task and
// one after another, must leave it showing the last state, never a stale one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigins, startBrowser, until } from './harness.mjs';

let origins;
let browser;

before(async () => {
  origins = await startOrigins((hostOrigin) => ({ allowedHostOrigins: [hostOrigin], allowInject: true }));
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
const names = (n, last) => Array.from({ length: n }, (_, i) => ((n - 1 - i) % 2 === 0 ? last : last === 'AgentReady' ? 'AgentOnPause' : 'AgentReady'));

test('bursts of agent states leave the panel on the last one', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}&mode=synchronized`);
  await until(page, () => window.test.bridge || window.test.error);
  assert.equal(await page.evaluate(() => window.test.error), null);
  const frame = page.frameLocator('iframe');
  const widget = () => page.frames().find((f) => f.url().includes('/widget.html'));
  await frame.locator('.panel-agent').waitFor({ timeout: 15_000 });
  const shown = () => widget().evaluate(() => document.querySelector('.state-name')?.dataset.state);
  const lastHostState = () => page.evaluate(() => window.test.events.filter((e) => e.kind === 'agentState').at(-1)?.state);

  // 301 injects in one task, the last a pause.
  await page.evaluate((msgs) => Promise.all(msgs.map((m) => window.test.bridge.inject('xuc', m))), names(301, 'AgentOnPause').map(xuc));
  await frame.locator('.state-name[data-state="notReady"]').waitFor({ timeout: 5_000 });
  assert.equal(await lastHostState(), 'notReady');

  // A lone change after the burst is drawn too.
  await page.evaluate((m) => window.test.bridge.inject('xuc', m), xuc('AgentReady'));
  await frame.locator('.state-name[data-state="ready"]').waitFor({ timeout: 5_000 });

  // One inject after another (each answered before the next), faster than the panel's pace, the last a pause.
  await page.evaluate(async (msgs) => {
    for (const m of msgs) await window.test.bridge.inject('xuc', m);
  }, names(60, 'AgentOnPause').map(xuc));
  await frame.locator('.state-name[data-state="notReady"]').waitFor({ timeout: 5_000 });
  // And it stays there: no drawing of an older view comes after.
  await page.waitForTimeout(500);
  assert.equal(await shown(), 'notReady');
  assert.equal(await lastHostState(), 'notReady');
  await page.close();
});
