// Unit tests of the host script's batches on the port (channel protocol 2): the messages of one
// task leave as one post, a lone message as itself, a version-1 widget gets one post per
// message, and the widget's batches are unpacked in order with duplicates dropped by seq.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIDGET, fakePage } from './fake-page.mjs';

/** The drop-in against a stand-in widget window that answers the handshake with `ready` v`v`. */
async function connected(v) {
  const received = [];
  let widgetPort;
  const widgetWindow = {
    postMessage(message, origin, [port]) {
      widgetPort = port;
      port.onmessage = (e) => received.push(e.data);
      port.postMessage(JSON.stringify({ t: 'ready', v, epoch: '0123456789abcdef', lastSeq: 0, snapshot: {} }));
    },
  };
  // The iframe's `load` (the drop-in's load-time connect) is not exercised here: the hello is.
  const page = fakePage(widgetWindow);
  const pending = page.CtiBridge.connect({ widgetUrl: `${WIDGET}/widget.html`, container: '#cti', liveness: { intervalMs: 60000 } });
  page.fromWidget();
  const bridge = await pending;
  return { bridge, received, widgetPort: () => widgetPort };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

test('the calls of one task leave in one batch, in order; a lone call as itself', async () => {
  const { bridge, received } = await connected(2);
  for (let i = 0; i < 5; i++) bridge.setMode('off').catch(() => {});
  await settle();
  assert.equal(received.length, 1, 'one post');
  const batch = JSON.parse(received[0]);
  assert.equal(batch.t, 'batch');
  assert.deepEqual(batch.m.map((m) => m.id), [1, 2, 3, 4, 5]);
  bridge.snapshot().catch(() => {});
  await settle();
  assert.equal(received.length, 2);
  assert.deepEqual(JSON.parse(received[1]), { t: 'request', id: 6, method: 'snapshot', params: {} });
  bridge.dispose();
});

test('a batch stays under the widget limit: a big burst is split, order kept', async () => {
  const { bridge, received } = await connected(2);
  const big = 'x'.repeat(1000);
  for (let i = 0; i < 200; i++) bridge.inject('xuc', { pad: big, i }).catch(() => {});
  await settle();
  assert.ok(received.length > 2, `${received.length} posts`);
  const ids = [];
  for (const text of received) {
    assert.ok(Buffer.byteLength(text) <= 64 * 1024, `${Buffer.byteLength(text)} bytes`);
    const m = JSON.parse(text);
    for (const r of m.t === 'batch' ? m.m : [m]) ids.push(r.id);
  }
  assert.deepEqual(ids, Array.from({ length: 200 }, (_, i) => i + 1));
  bridge.dispose();
});

test('a version-1 widget gets one post per message', async () => {
  const { bridge, received } = await connected(1);
  for (let i = 0; i < 3; i++) bridge.setMode('off').catch(() => {});
  await settle();
  assert.deepEqual(received.map((t) => JSON.parse(t).id), [1, 2, 3]);
  bridge.dispose();
});

test('the widget\'s batches are unpacked in order, an event seen before is dropped', async () => {
  const { bridge, widgetPort } = await connected(2);
  const seen = [];
  bridge.on('agentState', (e) => seen.push(e.channelSeq));
  const event = (seq) => ({ t: 'event', seq, event: { kind: 'agentState', state: 'ready' } });
  widgetPort().postMessage(JSON.stringify({ t: 'batch', m: [event(1), event(2)] }));
  widgetPort().postMessage(JSON.stringify({ t: 'batch', m: [event(2), event(3), { t: 'batch', m: [event(9)] }, event(4)] }));
  await settle();
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(bridge.hostStats().duplicates, 1);
  bridge.dispose();
});
