// Unit test of the host script's `gap` notices: a widget tells a resuming host every range of
// numbers it cannot replay (what its outbox forgot, and numbers a widget restored from an older
// save passed over), one notice per range, in order, before the replay. The host emits each as a
// `gap` event and keeps counting on the events: several notices in a row change nothing else.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIDGET, fakePage, keepingConnects } from './fake-page.mjs';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test('several gap notices before the replay: each emitted in order, every replayed event delivered once', async () => {
  const { connects, widgetWindow } = keepingConnects();
  const page = fakePage(widgetWindow);
  const connected = page.CtiBridge.connect({ widgetUrl: `${WIDGET}/widget.html`, container: '#cti', liveness: { intervalMs: 60000 } });
  page.load();
  const port = connects[0].port;
  const post = (m) => port.postMessage(JSON.stringify(m));
  post({ t: 'ready', v: 2, epoch: 'e1', lastSeq: 12, snapshot: {} });
  const bridge = await connected;
  const seen = [];
  bridge.on('*', (e) => {
    if (e.kind === 'gap') seen.push(`gap ${e.from}..${e.to}`);
    if (e.kind === 'health') seen.push(`event ${e.channelSeq}`);
  });
  const gap = (from, to) => ({ t: 'notice', event: { kind: 'gap', from, to } });
  const event = (seq) => ({ t: 'event', seq, event: { kind: 'health', status: 'live' } });
  // Kept: 1, 4, 8, 11, 12; forgotten or skipped: 2..3, 5..7, 9..10.
  for (const m of [gap(2, 3), gap(5, 7), gap(9, 10), event(1), event(4), event(8)]) post(m);
  post({ t: 'batch', m: [event(11), event(12)] });
  await wait(30);
  bridge.dispose();
  assert.deepEqual(seen, ['gap 2..3', 'gap 5..7', 'gap 9..10', 'event 1', 'event 4', 'event 8', 'event 11', 'event 12']);
  const stats = bridge.hostStats();
  assert.equal(stats.lastSeq, 12);
  assert.equal(stats.duplicates, 0);
});
