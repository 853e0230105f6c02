// Unit tests of the host script's handshake (start-up, issue 14): `connect` goes out when the
// iframe loads; a `hello` that crosses it (the widget ran before that connect reached it) is not
// answered with a second connect, which would replace the port the widget answers on; a hello
// whose connect went unanswered (it went to a page that has gone) is answered after a grace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIDGET, fakePage, keepingConnects } from './fake-page.mjs';

/** The drop-in against a stand-in widget window that keeps the connects it is sent (answered by the test). */
function start(options = {}) {
  const { connects, widgetWindow } = keepingConnects();
  const page = fakePage(widgetWindow);
  const connected = page.CtiBridge.connect({ widgetUrl: `${WIDGET}/widget.html`, container: '#cti', liveness: { intervalMs: 60000 }, ...options });
  return {
    connects,
    connected,
    load: page.load,
    hello: () => page.fromWidget({ cti: 'hello', v: 2, epoch: 'e1' }),
    /** The widget answers connect `i` with `ready`. */
    ready: (i) => connects[i].port.postMessage(JSON.stringify({ t: 'ready', v: 2, epoch: 'e1', lastSeq: 0, snapshot: {} })),
  };
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test('a hello that crosses the connect sent on load gets no second connect; that connect is answered', async () => {
  const w = start();
  w.load();
  assert.equal(w.connects.length, 1, 'connect on load');
  assert.equal(w.connects[0].message.cti, 'connect');
  w.hello(); // the widget said hello before the connect reached it
  w.hello();
  await wait(20);
  assert.equal(w.connects.length, 1, 'no second connect');
  w.ready(0);
  const bridge = await w.connected;
  assert.equal(bridge.hostStats().connected, true);
  await wait(300); // past the grace: still one connect
  assert.equal(w.connects.length, 1);
  bridge.dispose();
});

test('a hello whose connect is never answered (sent to a page that has gone) gets a new connect after the grace', async () => {
  const w = start();
  w.load();
  w.hello();
  await wait(20);
  assert.equal(w.connects.length, 1);
  await wait(300);
  assert.equal(w.connects.length, 2, 'answered after the grace');
  w.ready(1);
  const bridge = await w.connected;
  assert.equal(bridge.hostStats().connected, true);
  bridge.dispose();
});

test('a hello with no connect on its way is answered at once; a load after it sends no second one', async () => {
  const w = start();
  w.hello();
  assert.equal(w.connects.length, 1);
  w.load();
  assert.equal(w.connects.length, 1);
  w.ready(0);
  const bridge = await w.connected;
  // A widget that restarted (a hello while connected) is answered at once.
  w.hello();
  assert.equal(w.connects.length, 2);
  bridge.dispose();
});

test('aborting the connect cancels the pending answer to a hello', async () => {
  const abort = new AbortController();
  const w = start({ signal: abort.signal });
  w.load();
  w.hello();
  w.connected.catch(() => {});
  abort.abort();
  await assert.rejects(w.connected, (e) => e.code === 'aborted');
  await wait(300);
  assert.equal(w.connects.length, 1, 'no connect after the bridge was disposed');
});
