// Unit tests of the host script's call time-outs on a fake clock: every call rejects with
// `timeout` exactly at its own deadline (not a millisecond early or late), answered calls never
// do, and all pending calls share one timer (no timer per call), with time-outs that differ.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIDGET, fakePage } from './fake-page.mjs';
const turn = () => new Promise((r) => setImmediate(r));

/**
 * A fake clock for the drop-in: `performance.now()`, `setTimeout` and `clearTimeout` on one time
 * line that moves only with `advance`. `early` makes every timer longer than that fire that many
 * ms before its time (as a real timer may, measured against `performance.now()`).
 */
function fakeClock({ early = 0 } = {}) {
  let now = 1000;
  let nextId = 1;
  const timers = new Map();
  const clock = {
    created: 0,
    now: () => now,
    armed: () => timers.size,
    setTimeout(fn, ms) {
      clock.created++;
      const id = nextId++;
      const delay = Math.max(0, Number(ms) || 0);
      timers.set(id, { at: now + (delay > early ? delay - early : delay), fn });
      return id;
    },
    cleared: 0,
    clearTimeout(id) {
      clock.cleared++;
      timers.delete(id);
    },
    /** Moves the time `ms` on, firing each due timer at its time, in order, with its promise jobs. */
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        let due = null;
        for (const [id, t] of timers) if (t.at <= end && (!due || t.at < due.t.at)) due = { id, t };
        if (!due) break;
        timers.delete(due.id);
        now = Math.max(now, due.t.at);
        due.t.fn();
        await turn();
      }
      now = end;
      await turn();
    },
  };
  return clock;
}

/** The drop-in on `clock`, connected to a stand-in widget that answers only what the test says. */
async function connected(clock, options = {}) {
  const requests = [];
  let widgetPort;
  const widgetWindow = {
    postMessage(message, origin, [port]) {
      widgetPort = port;
      port.onmessage = (e) => {
        const m = JSON.parse(e.data);
        for (const r of m.t === 'batch' ? m.m : [m]) if (r.t === 'request') requests.push(r);
      };
      port.postMessage(JSON.stringify({ t: 'ready', v: 2, epoch: '0123456789abcdef', lastSeq: 0, snapshot: {} }));
    },
  };
  const page = fakePage(widgetWindow, {
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, setInterval: () => 0, clearInterval() {},
    performance: { now: clock.now },
  });
  const pending = page.CtiBridge.connect({ widgetUrl: `${WIDGET}/widget.html`, container: '#cti', ...options });
  page.fromWidget();
  const bridge = await pending;
  /** Answers the calls with these ids (as the widget would) and lets the answers arrive. */
  const answer = async (...ids) => {
    for (const id of ids) widgetPort.postMessage(JSON.stringify({ t: 'response', id, result: { ok: id } }));
    for (let i = 0; i < 5; i++) await turn();
  };
  return { bridge, requests, answer };
}

/** Starts a call and records when (on the clock) and how it settled. */
function watch(clock, promise) {
  const record = { start: clock.now(), at: null, code: null, message: null, result: undefined };
  promise.then((result) => {
    record.at = clock.now();
    record.result = result;
  }, (e) => {
    record.at = clock.now();
    record.code = e.code;
    record.message = e.message;
  });
  return record;
}

test('a call times out exactly at its deadline, with its code and message', async () => {
  const clock = fakeClock();
  const { bridge } = await connected(clock, { requestTimeoutMs: 5000 });
  await clock.advance(123);
  const call = watch(clock, bridge.setMode('off'));
  await clock.advance(4999);
  assert.equal(call.at, null, 'not a millisecond early');
  await clock.advance(1);
  assert.equal(call.at, call.start + 5000, 'not late');
  assert.equal(call.code, 'timeout');
  assert.equal(call.message, 'setMode got no answer within 5000 ms');
  assert.equal(clock.armed(), 0, 'no timer left once nothing is pending');
  bridge.dispose();
});

test('a timer that fires early does not time a call out early', async () => {
  const clock = fakeClock({ early: 3 });
  const { bridge } = await connected(clock, { requestTimeoutMs: 1000 });
  const call = watch(clock, bridge.snapshot());
  await clock.advance(999);
  assert.equal(call.at, null);
  await clock.advance(1);
  assert.equal(call.at, call.start + 1000);
  assert.equal(call.code, 'timeout');
  bridge.dispose();
});

test('a call with an earlier deadline started later is not held up by the one armed', async () => {
  const clock = fakeClock();
  const { bridge } = await connected(clock, { requestTimeoutMs: 15000 });
  const long = watch(clock, bridge.setMode('off'));
  await clock.advance(100);
  const short = watch(clock, bridge.diagnose()); // its own time-out: 10 000 ms
  await clock.advance(10000);
  assert.equal(short.at, short.start + 10000);
  assert.equal(short.message, 'diagnose got no answer within 10000 ms');
  assert.equal(long.at, null);
  await clock.advance(4900);
  assert.equal(long.at, long.start + 15000);
  bridge.dispose();
});

test('many concurrent calls with different time-outs: each at its own deadline, answered ones never; a timer per deadline reached, not per call', async () => {
  const clock = fakeClock();
  const { bridge, requests, answer } = await connected(clock, { requestTimeoutMs: 15000 });
  const created = clock.created;
  const timeouts = [15000, 10000, 300, 1200, 5000, 7000, 15000, 15000, 2500, 15000];
  const calls = [];
  // 400 calls in 40 steps of 25 ms: time-outs mixed, each step's calls in one task.
  for (let step = 0; step < 40; step++) {
    for (let j = 0; j < 10; j++) {
      const timeoutMs = timeouts[(step * 7 + j * 3) % timeouts.length];
      const id = calls.length + 1;
      calls.push({ id, timeoutMs, answered: id % 3 === 0, record: watch(clock, bridge._call('inject', { n: id }, timeoutMs)) });
    }
    await clock.advance(25);
    // The widget answers every third call a little later (the earliest ones before their deadline).
    if (step % 4 === 3) await answer(...calls.filter((c) => c.answered && !c.sent).map((c) => ((c.sent = true), c.id)));
  }
  assert.deepEqual(requests.map((r) => r.id), calls.map((c) => c.id), 'every call was sent once, in order');
  await answer(...calls.filter((c) => c.answered && !c.sent).map((c) => ((c.sent = true), c.id)));
  await clock.advance(20000);
  for (const c of calls) {
    const r = c.record;
    if (c.answered && r.code === null) {
      assert.equal(r.result.ok, c.id);
      continue;
    }
    // Answered too late: the call had already timed out (300 ms calls of the last steps).
    assert.equal(r.code, 'timeout', `call ${c.id}`);
    assert.equal(r.at, r.start + c.timeoutMs, `call ${c.id} (${c.timeoutMs} ms) timed out at +${r.at - r.start}`);
  }
  assert.ok(calls.some((c) => c.answered && c.record.code === null) && calls.some((c) => !c.answered && c.record.code === 'timeout'));
  // Timers: one wake-up per deadline reached (calls of one task share it), and a re-arm when a
  // call with an earlier deadline than the armed one starts (at most once per task here).
  const timers = clock.created - created;
  const deadlines = new Set(calls.filter((c) => c.record.code === 'timeout').map((c) => c.record.start + c.timeoutMs)).size;
  assert.ok(timers <= deadlines + 5, `${timers} timers for ${calls.length} calls, ${deadlines} deadlines reached`);
  assert.equal(clock.armed(), 0);
  bridge.dispose();
});

test('calls answered in time, one after another, with two time-outs: one timer in all, never cleared', async () => {
  const clock = fakeClock();
  const { bridge, answer } = await connected(clock);
  const [created, cleared] = [clock.created, clock.cleared];
  const calls = [];
  for (let id = 1; id <= 1000; id++) {
    // Every tenth a diagnose (10 000 ms); the rest the default 15 000 ms.
    calls.push(watch(clock, id % 10 === 1 ? bridge.diagnose() : bridge.inject('xuc', { n: id })));
    await answer(id);
    await clock.advance(2);
  }
  assert.ok(calls.every((c, i) => c.code === null && c.result.ok === i + 1));
  // The first call armed the timer for its deadline; every later one had a later deadline.
  assert.equal(clock.created - created, 1);
  assert.equal(clock.cleared - cleared, 0);
  // It fires once at the first deadline, finds nothing due, and is not armed again.
  await clock.advance(20000);
  assert.equal(clock.created - created, 1);
  assert.equal(clock.armed(), 0);
  bridge.dispose();
});

test('dispose rejects every pending call with "disposed" and leaves no timer', async () => {
  const clock = fakeClock();
  const { bridge } = await connected(clock);
  const calls = [watch(clock, bridge.snapshot()), watch(clock, bridge.diagnose()), watch(clock, bridge._call('inject', {}, 50))];
  await clock.advance(10);
  bridge.dispose();
  await turn();
  assert.deepEqual(calls.map((c) => c.code), ['disposed', 'disposed', 'disposed']);
  assert.equal(clock.armed(), 0);
  await clock.advance(60000);
  assert.deepEqual(calls.map((c) => c.code), ['disposed', 'disposed', 'disposed']);
});
