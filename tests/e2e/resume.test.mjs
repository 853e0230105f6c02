// End-to-end: resumption limits and a widget that dies, across two real
// origins in headless Chromium.
//
// - A host resuming from a sequence number the widget's outbox no longer
//   holds gets a typed `gap` event (from, to) after a fresh `ready`, then
//   the events still kept; nothing is silent.
// - A widget that stops answering (its wasm gone: here its Widget is freed,
//   which removes every listener, as a trap would leave it) is noticed by the
//   host script's liveness ping: a `health` event "unresponsive", the iframe
//   reloaded, a new handshake, events flowing again with no seq reused.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigins, startBrowser, until } from './harness.mjs';

let origins;
let browser;

before(async () => {
  origins = await startOrigins((hostOrigin, variant) => ({
    allowedHostOrigins: [hostOrigin],
    allowInject: true,
    ...(variant === 'small-outbox' ? { outboxCapacity: 4 } : {}),
  }));
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
});

const xuc = (name, phone) => ({
  msgType: 'AgentStateEvent',
  ctiMessage: { name, agentId: 19, phoneNb: String(phone), since: 0, queues: [1] },
});

async function openHost(query) {
  const page = await browser.context.newPage();
  await page.goto(`${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}&${query}`);
  await until(page, () => window.test.bridge || window.test.error);
  assert.equal(await page.evaluate(() => window.test.error), null);
  await until(page, () => window.test.events.some((e) => e.kind === 'presence'));
  return page;
}

test('a host resuming past what the outbox holds is told the gap', async () => {
  const page = await openHost('mode=synchronized&widgetPath=/widget.html%3Fconfig%3Dsmall-outbox');
  for (let i = 0; i < 12; i++) {
    await page.evaluate(([m]) => window.test.bridge.inject('xuc', m), [xuc(i % 2 ? 'AgentOnPause' : 'AgentReady', 2000 + i)]);
  }
  const last = await page.evaluate(() => window.test.bridge.hostStats().lastSeq);
  assert.ok(last > 12, `lastSeq ${last}`);
  // The host resumes from 2 (as one restored from an old position would):
  // a fresh handshake on the same epoch.
  const resumed = await page.evaluate(async () => {
    const b = window.test.bridge;
    const seen = [];
    b.on('gap', (g) => seen.push(g));
    b._lastSeq = 2;
    b._handshake();
    await new Promise((r) => setTimeout(r, 500));
    return { seen, lastSeq: b.hostStats().lastSeq };
  });
  assert.equal(resumed.seen.length, 1, JSON.stringify(resumed.seen));
  assert.deepEqual(resumed.seen[0], { kind: 'gap', from: 3, to: last - 4 });
  assert.equal(resumed.lastSeq, last, 'the kept events were replayed after the gap');
  await page.close();
});

test('a widget that stops answering is reloaded and the stream resumes', async () => {
  const page = await openHost('mode=synchronized&livenessMs=200');
  await page.evaluate(([m]) => window.test.bridge.inject('xuc', m), [xuc('AgentReady', 3000)]);
  const before = await page.evaluate(() => window.test.bridge.hostStats());
  const widget = page.frames().find((f) => f.url().startsWith(origins.widgetOrigin));
  assert.ok(widget, 'the widget frame');
  // The widget's wasm state goes away: no listener answers anything any more.
  await widget.evaluate(() => window.ctiWidget.free());
  await until(page, () => window.test.events.some((e) => e.kind === 'health' && e.status === 'unresponsive'), undefined, 10000);
  await until(page, () => window.test.bridge.hostStats().reloads === 1 && window.test.bridge.hostStats().connected, undefined, 15000);
  await until(page, () => window.test.events.some((e) => e.kind === 'health' && e.status === 'live'), undefined, 10000);
  // Events flow again, numbered after what the host saw.
  await page.evaluate(([m]) => window.test.bridge.inject('xuc', m), [xuc('AgentOnPause', 3001)]);
  await until(page, () => window.test.events.some((e) => e.kind === 'agentState' && e.phoneNumber === '3001'));
  const after = await page.evaluate(() => window.test.events.filter((e) => e.kind === 'agentState' && e.phoneNumber === '3001')[0]);
  assert.ok(after.channelSeq > before.lastSeq, `${after.channelSeq} after ${before.lastSeq}`);
  await page.close();
});
