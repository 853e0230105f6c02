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
  // The injects' trailing events (CRM commands, health) are in before the resume: the stream
  // is quiet (no new channelSeq for 1 s), so `last` is where the widget's outbox ends.
  const last = await page.evaluate(async () => {
    const seq = () => window.test.bridge.hostStats().lastSeq;
    let seen = seq();
    for (let quiet = 0; quiet < 10;) {
      await new Promise((r) => setTimeout(r, 100));
      quiet = seq() === seen ? quiet + 1 : 0;
      seen = seq();
    }
    return seen;
  });
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

test('a burst travels in batches: order kept, none lost, none twice, and a resume mid-batch replays the rest once', async () => {
  const page = await openHost('mode=synchronized');
  const n = 600;
  const result = await page.evaluate(async ([count]) => {
    const b = window.test.bridge;
    // What arrives on the port, post by post (a batch is one post).
    const posts = [];
    const onPort = b._onPortMessage;
    b._onPortMessage = function (port, message) {
      posts.push(typeof message === 'string' && message.startsWith('{"t":"batch"') ? JSON.parse(message).m.length : 1);
      return onPort.call(this, port, message);
    };
    const from = window.test.events.length;
    const firstSeq = b.hostStats().lastSeq;
    const calls = [];
    // One task: every inject leaves in the same few posts.
    for (let i = 0; i < count; i++) {
      const name = i % 2 ? 'AgentOnPause' : 'AgentReady';
      calls.push(b.inject('xuc', { msgType: 'AgentStateEvent', ctiMessage: { name, agentId: 19, phoneNb: String(100000 + i), since: 0, queues: [1] } }));
    }
    const answers = await Promise.all(calls);
    // The numbered stream (CRM messages echoed to the page carry no channel seq).
    const events = window.test.events.slice(from).filter((e) => e.channelSeq !== undefined);
    return { answers: answers.filter((a) => a && a.ok).length, events, posts, firstSeq, stats: b.hostStats() };
  }, [n]);
  assert.equal(result.answers, n, 'every inject answered once');
  const seqs = result.events.map((e) => e.channelSeq);
  assert.deepEqual(seqs, seqs.map((_, i) => result.firstSeq + 1 + i), 'consecutive channel seqs: none lost, none twice');
  const phones = result.events.filter((e) => e.kind === 'agentState').map((e) => e.phoneNumber);
  assert.equal(phones.length, n);
  assert.deepEqual(phones, phones.map((_, i) => String(100000 + i)), 'in the order injected');
  assert.equal(result.stats.duplicates, 0);
  assert.ok(result.posts.some((k) => k > 1), `batches on the port: ${JSON.stringify(result.posts)}`);
  const carried = result.posts.reduce((a, k) => a + k, 0);
  assert.ok(result.posts.length * 10 < carried, `${result.posts.length} posts carried ${carried} messages`);

  // The host resumes from inside a batch (as one that handled part of a post would).
  const last = result.stats.lastSeq;
  const mid = last - 37;
  const resumed = await page.evaluate(async ([at, end]) => {
    const b = window.test.bridge;
    const from = window.test.events.length;
    b._lastSeq = at;
    b._handshake();
    const t0 = Date.now();
    while (b.hostStats().lastSeq < end && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    return { events: window.test.events.slice(from).filter((e) => e.channelSeq !== undefined), stats: b.hostStats() };
  }, [mid, last]);
  const replayed = resumed.events.map((e) => e.channelSeq);
  assert.deepEqual(replayed.slice(0, 37), Array.from({ length: 37 }, (_, i) => mid + 1 + i), 'the rest of the batch, in order');
  assert.ok(replayed.every((seq, i) => i === 0 || seq === replayed[i - 1] + 1), 'then what came since, none twice');
  const again = new Map(result.events.map((e) => [e.channelSeq, e]));
  for (const e of resumed.events.slice(0, 37)) assert.deepEqual(e, again.get(e.channelSeq), 'replayed as first sent');
  assert.ok(resumed.stats.lastSeq >= last);
  await page.close();
});
