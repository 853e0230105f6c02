// End-to-end: the simulator is a real xuc server to xuc's own client (issue 13).
//
//   node --test tests/e2e/xuc-cti-client.test.mjs   (builds the cti-bridge binary if missing)
//
// The client is demo/stand-ins/xuc-cti-client.js, a stand-in of xuc's `cti.js`
// written from the facts of docs/protocols.md#xuc-heartbeat: it pings every
// period and closes the link itself after three heartbeats in a row with no
// frame from the server. It runs in headless Chromium (tests/e2e/live/xuc-cti.html,
// strict CSP) against `cti-bridge sim` on loopback. Proves:
// - fast periods (500 ms): the client stays connected through 15 periods of
//   silence (the server answers each heartbeat), and drops once the simulator
//   stalls (`xuc:stall-heartbeats`): at the fourth period after the last frame;
// - real timing (5 s, xuc's own period): connected through a minute of silence.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, startBrowser, until, ROOT } from './harness.mjs';
import { startSim } from './simproc.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
  + "connect-src 'self' ws://127.0.0.1:*; base-uri 'none'; form-action 'none'";

let pages;
let browser;

before(async () => {
  pages = await serve({
    roots: { '/stand-ins/': join(ROOT, 'demo', 'stand-ins'), '/': join(ROOT, 'tests', 'e2e', 'live') },
    csp: CSP,
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await pages?.close();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A REST login on the simulator (from Node: the simulator sends no CORS headers). */
async function token(sim, login) {
  const res = await fetch(`${sim.origin}/xuc/api/2.0/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: login }),
    signal: AbortSignal.timeout(5000),
  });
  assert.equal(res.status, 200);
  return (await res.json()).token;
}

/** Opens the stand-in page and connects `login` with heartbeat period `periodMs`; resolves once logged on. */
async function connect(sim, login, periodMs) {
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${pages.port}/xuc-cti.html`);
  const url = `${sim.wsOrigin}/xuc/api/2.0/cti?token=${encodeURIComponent(await token(sim, login))}`;
  await page.evaluate(({ url, login, periodMs }) => {
    window.Cti.WebSocket.pingIntervalMs = periodMs;
    window.loggedOn = 0;
    window.Cti.setHandler(window.Cti.MessageType.LOGGEDON, () => { window.loggedOn += 1; });
    window.Cti.WebSocket.init(url, login, '1000');
  }, { url, login, periodMs });
  await until(page, () => window.loggedOn === 1 && window.xucCtiTest.linkStatus[0] === 'opened');
  return page;
}

const state = (page) => page.evaluate(() => {
  const t = window.xucCtiTest;
  return {
    linkStatus: t.linkStatus,
    closedBy: t.closedBy,
    closeReason: t.closeReason,
    readyState: t.readyState(),
    pings: t.sent.filter((f) => f.claz === 'ping').length,
    received: t.received.map((f) => f.msgType),
    sinceLastFrame: performance.now() - t.lastFrameAt,
  };
});

test('a cti.js-like client stays connected through silence and drops when the simulator stalls (500 ms periods)', { timeout: 30_000 }, async () => {
  const sim = await startSim();
  try {
    const page = await connect(sim, 'alice', 500);
    const greeting = (await state(page)).received.length;
    // 15 periods (7.5 s): three silent periods would already have dropped it.
    await sleep(7_500);
    let s = await state(page);
    assert.deepEqual(s.linkStatus, ['opened'], 'still connected');
    assert.equal(s.readyState, 1);
    assert.ok(s.pings >= 13, `${s.pings} heartbeats`);
    const answers = s.received.slice(greeting);
    assert.ok(answers.length >= 13 && answers.every((t) => t === 'Pong'), `answers: ${answers.join(', ')}`);
    let stats = await sim.stats();
    assert.equal(stats.xuc.connections, 1);
    assert.equal(stats.xuc.heartbeat_timeouts, 0);
    assert.ok(stats.xuc.heartbeats >= 13, `the server counted ${stats.xuc.heartbeats}`);

    // The simulator stalls: it loses the heartbeats and answers nothing. The
    // client gives up by itself at the fourth period after the last frame
    // (the server's own window is 3 x 5 s, far later).
    await sim.arm('xuc:stall-heartbeats');
    await until(page, () => window.xucCtiTest.linkStatus.includes('closed'), undefined, 5_000);
    s = await state(page);
    assert.deepEqual(s.linkStatus, ['opened', 'closed']);
    assert.equal(s.closedBy, 'client');
    assert.equal(s.closeReason, 'Too many missed heartbeats.');
    assert.ok(s.sinceLastFrame >= 1_400 && s.sinceLastFrame <= 2_600, `closed ${Math.round(s.sinceLastFrame)} ms after the last frame`);
    stats = await sim.stats();
    assert.equal(stats.faults.fired['stall-heartbeats'], 1);
    assert.equal(stats.xuc.heartbeat_timeouts, 0, 'the client left before the server gave up');
    await page.close();
  } finally {
    await sim.stop();
  }
  assert.deepEqual(browser.problems, []);
});

test('real timing: xuc\'s 5 s heartbeat, a minute of silence, still connected', { timeout: 90_000 }, async () => {
  const sim = await startSim();
  try {
    const page = await connect(sim, 'bob', 5_000);
    await sleep(61_000);
    const s = await state(page);
    assert.deepEqual(s.linkStatus, ['opened'], 'still connected after a minute');
    assert.equal(s.readyState, 1);
    assert.ok(s.pings >= 11, `${s.pings} heartbeats`);
    const stats = await sim.stats();
    assert.equal(stats.xuc.connections, 1);
    assert.equal(stats.xuc.heartbeat_timeouts, 0);
    await page.close();
  } finally {
    await sim.stop();
  }
  assert.deepEqual(browser.problems, []);
});
