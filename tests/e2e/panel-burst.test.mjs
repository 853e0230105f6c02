// End-to-end: the agent's panel is drawn after the widget's work, coalesced
// (crates/core/src/pace.rs, issue 14): bursts of agent states, in one task and
// one after another, must leave it showing the last state, never a stale one.
// A drawing updates what changed only (www/panel.js `patch`): the nodes of the rest stay.

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

test('a drawing keeps the nodes of what did not change; a new notice is announced once; a dismissed one disappears', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}&mode=synchronized`);
  await until(page, () => window.test.bridge || window.test.error);
  const frame = page.frameLocator('iframe');
  const widget = () => page.frames().find((f) => f.url().includes('/widget.html'));
  const inject = (name) => page.evaluate((m) => window.test.bridge.inject('xuc', m), xuc(name));
  await frame.locator('.panel-agent').waitFor({ timeout: 15_000 });
  await inject('AgentReady');
  await frame.locator('.state-name[data-state="ready"]').waitFor({ timeout: 5_000 });

  // Marks the nodes drawn now, and records what the live region announces from here on.
  const marks = {
    section: '.panel-agent', title: '#panel-agent-title', stateName: '.state-name', select: '#state-select', apply: '[data-key="apply"]',
    work: '.panel-work', dial: '#dial-number', context: '.context', health: '.context .health',
  };
  await widget().evaluate((marks) => {
    window.marked = Object.fromEntries(Object.entries(marks).map(([k, sel]) => [k, document.querySelector(sel)]));
    window.marked.stateText = document.querySelector('.state-name').firstChild;
    document.querySelector('#dial-number').value = '0612'; // as if typed
    window.announced = [];
    const announcer = document.getElementById('announcer');
    new MutationObserver(() => { if (announcer.textContent) window.announced.push(announcer.textContent); })
      .observe(announcer, { childList: true, characterData: true, subtree: true });
  }, marks);
  const same = () => widget().evaluate((marks) => Object.entries(marks).filter(([k, sel]) => document.querySelector(sel) !== window.marked[k]).map(([k]) => k), marks);

  // A forced pause: the state's text changes in place, a notice appears, the rest stays.
  await inject('AgentOnPause');
  await frame.locator('.state-name[data-state="notReady"]').waitFor({ timeout: 5_000 });
  await frame.locator('.notice-forcedPause').waitFor({ timeout: 5_000 });
  assert.deepEqual(await same(), [], 'the same nodes');
  assert.deepEqual(await widget().evaluate(() => {
    const text = document.querySelector('.state-name').firstChild;
    return [text === window.marked.stateText, text.data, document.querySelector('#dial-number').value];
  }), [true, 'Not ready', '0612'], 'the text node changed in place; the typed number stays');
  await widget().evaluate(() => { window.marked.notice = document.querySelector('.notice-forcedPause'); });

  // Ready, then another forced pause: a second notice; the first one is the same node.
  await inject('AgentReady');
  await frame.locator('.state-name[data-state="ready"]').waitFor({ timeout: 5_000 });
  await inject('AgentOnPause');
  await frame.locator('.notice-forcedPause').nth(1).waitFor({ timeout: 5_000 });
  assert.deepEqual(await same(), []);
  assert.equal(await widget().evaluate(() => document.querySelector('.notice-forcedPause') === window.marked.notice), true);
  await page.waitForTimeout(300);
  // Four drawings, two new forced-pause notices: two announcements of them (a notice of the
  // start-up, such as a refused command of the synchronized mode, may be announced once too).
  const announced = await widget().evaluate(() => window.announced);
  assert.deepEqual(announced.filter((a) => a.includes('paused')), ['You were paused by the contact centre', 'You were paused by the contact centre'], JSON.stringify(announced));
  assert.equal(new Set(announced).size, announced.length - 1, JSON.stringify(announced));

  // The first notice dismissed: it is gone, the second stays the same node, nothing announced.
  await widget().evaluate(() => { window.marked.second = document.querySelectorAll('.notice-forcedPause')[1]; });
  await frame.locator('.notice-forcedPause .dismiss').first().click();
  await frame.locator('.notice-forcedPause').nth(1).waitFor({ state: 'detached', timeout: 5_000 });
  assert.deepEqual(await widget().evaluate(() => [window.marked.notice.isConnected, document.querySelector('.notice-forcedPause') === window.marked.second]), [false, true]);
  await page.waitForTimeout(300);
  assert.equal((await widget().evaluate(() => window.announced)).length, announced.length, 'a dismissal announces nothing');
  assert.deepEqual(await same(), []);
  await page.close();
});
