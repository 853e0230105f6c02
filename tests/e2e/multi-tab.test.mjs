// One agent, many tabs (widget config `multiTab`, default "shared"): the widget instances
// of one agent in one browser elect one leader (a Web Lock), only it holds the xuc link,
// the others get its events in order and have it carry out their commands. Several tabs
// of the host page tests/e2e/host/cc.html against `cti-bridge sim`; strict CSP everywhere.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, startOrigins, assertFrameStorage } from './harness.mjs';
import { startSim } from './simproc.mjs';
import { CRASHABLE_ARGS, handOver, settled, tabsOf } from './handover-runner.mjs';

// Socket drops are logged by Chromium itself.
const NETWORK_LINE = /^console: (WebSocket connection to '[^']*' failed: |Failed to load resource: the server responded with a status of 50[23])/;

let sim;
let origins;
let browser;
let second;

before(async () => {
  sim = await startSim(['--heartbeat', '3s']);
  origins = await startOrigins((hostOrigin, variant) => {
    const base = { allowedHostOrigins: [hostOrigin, 'http://127.0.0.2'].concat(second ? [second.origin] : []) };
    const xuc = { kind: 'xuc', baseUrl: sim.origin, agentId: '19' };
    if (variant === 'independent') return { ...base, contactCentre: xuc, multiTab: 'independent' };
    return { ...base, contactCentre: xuc };
  }, { connectSrc: [sim.origin, sim.wsOrigin], frameAncestors: ['http://127.0.0.2:*'] });
  second = await origins.secondSite();
  // A crash of the leader's widget frame alone (tests/e2e/handover-runner.mjs says why).
  browser = await startBrowser({ args: CRASHABLE_ARGS });
});

after(async () => {
  await browser?.close();
  await second?.close();
  await origins?.close();
  await sim?.stop();
});

async function open(query, hostOrigin = origins.hostOrigin) {
  const page = await browser.context.newPage();
  await page.goto(`${hostOrigin}/cc.html?widget=${origins.widgetOrigin}&${query}`);
  await page.waitForFunction(() => window.test.bridge || window.test.error, null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.test.error), null);
  const frame = page.frames().find((f) => f.url().startsWith(origins.widgetOrigin));
  await assertFrameStorage(frame);
  return page;
}

async function waitEvent(page, pattern, from = 0, timeout = 8000) {
  const handle = await page.waitForFunction(
    ([p, f]) => window.test.events.slice(f).find((e) => Object.entries(p).every(([k, want]) => {
      if (Array.isArray(want)) return want.includes(e[k]);
      return e[k] === want;
    })),
    [pattern, from],
    { timeout },
  );
  return handle.jsonValue();
}

const eventCount = (page) => page.evaluate(() => window.test.events.length);
const problems = () => browser.problems.splice(0).filter((p) => !NETWORK_LINE.test(p));

async function untilSim(pred, timeout = 8000) {
  const deadline = Date.now() + timeout;
  let stats;
  while (Date.now() < deadline) {
    stats = await sim.stats();
    if (pred(stats)) return stats;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`simulator: ${JSON.stringify(stats.xuc)}`);
}

const agentState = (name) => ({ xuc: { msgType: 'AgentStateEvent', ctiMessage: { name, agentId: 19, phoneNb: '1000', since: 0, queues: [8], cause: 'available' } } });

test('three tabs: one leader, one connection, every host in step, a follower\'s command settles in its tab', { timeout: 60_000 }, async () => {
  const pages = [await open('config=xuc'), await open('config=xuc'), await open('config=xuc')];
  const [leader, followers] = await settled(pages, 3);
  const stats = await untilSim((s) => s.xuc.live === 1);
  assert.equal(stats.xuc.live, 1, 'exactly one xuc connection for three tabs');
  assert.deepEqual(await leader.evaluate(() => window.test.asked), ['login'], 'the leader asked its own host');
  for (const f of followers) assert.deepEqual(await f.evaluate(() => window.test.asked), [], 'no credentials asked of a follower');
  const info = await leader.evaluate(() => window.test.bridge.tabs());
  assert.equal(typeof info.leaderSince, 'number');
  for (const f of followers) assert.equal((await tabsOf(f)).leaderSince, info.leaderSince);

  // A state change at the contact centre reaches every host once.
  const marks = await Promise.all(pages.map(eventCount));
  await sim.send([agentState('AgentReady')]);
  for (const [i, page] of pages.entries()) await waitEvent(page, { kind: 'agentState', source: 'xuc', state: 'ready' }, marks[i]);
  await new Promise((r) => setTimeout(r, 300));
  for (const [i, page] of pages.entries()) {
    const got = await page.evaluate((f) => window.test.events.slice(f).filter((e) => e.kind === 'agentState' && e.source === 'xuc' && e.state === 'ready').length, marks[i]);
    assert.equal(got, 1, `tab ${i} got the change once`);
  }

  // setAgentState from the third tab: once at the simulator, settled in that tab.
  const asker = pages[2] === leader ? followers[1] : pages[2];
  const before = (await sim.stats()).xuc.commands.pauseAgent || 0;
  const command = await asker.evaluate(() => window.test.bridge.setAgentState('notReady'));
  assert.equal(command.status, 'confirmed');
  const after = await untilSim((s) => (s.xuc.commands.pauseAgent || 0) > before);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(((await sim.stats()).xuc.commands.pauseAgent || 0) - before, 1, 'one pauseAgent');
  assert.ok(after.xuc.live === 1);
  // A ccCommand from a follower goes out on the leader's link.
  assert.deepEqual(await asker.evaluate(() => window.test.bridge.ccCommand('unpauseAgent', 19)), { sent: 'unpauseAgent' });
  for (const page of pages) await waitEvent(page, { kind: 'agentState', source: 'xuc', state: 'ready' }, 0);

  // The CRM in a follower's tab is a sensor: its Busy pauses the agent once, and the
  // leader's CRM (told to follow) does not echo it back.
  const follower = followers[0];
  const pauses = (await sim.stats()).xuc.commands.pauseAgent || 0;
  await follower.evaluate(() => window.test.fakeCrm.userSets('Busy'));
  await untilSim((s) => (s.xuc.commands.pauseAgent || 0) === pauses + 1);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await sim.stats()).xuc.commands.pauseAgent || 0, pauses + 1, 'paused once, no echo');

  assert.deepEqual(problems(), []);
  for (const page of pages) await page.close();
});

test('hand-over: the leader closed, reloaded: a new leader within 2 s, one connection again', { timeout: 90_000 }, async () => {
  let pages = [await open('config=xuc'), await open('config=xuc'), await open('config=xuc')];
  let [leader] = await settled(pages, 3);
  await untilSim((s) => s.xuc.live === 1);
  const times = {};
  for (const how of ['close', 'reload']) {
    const rest = pages.filter((p) => p !== leader);
    const t0 = Date.now();
    if (how === 'close') await leader.close();
    let reloading = null;
    if (how === 'reload') {
      rest.push(leader);
      reloading = leader.reload();
    }
    const survivors = how === 'reload' ? rest.slice(0, -1) : rest;
    // A survivor takes the lead (the reloaded page may still be loading).
    await Promise.race(survivors.map((p) => p.waitForFunction(() => { const t = window.test.bridge.tabs(); return t && t.role === 'leader'; }, null, { timeout: 2000, polling: 20 })));
    times[how] = Date.now() - t0;
    if (reloading) {
      await reloading;
      await leader.waitForFunction(() => window.test && (window.test.bridge || window.test.error), null, { timeout: 15_000 });
    }
    assert.ok(times[how] <= 2000, `${how}: a new leader in ${times[how]} ms`);
    pages = rest;
    [leader] = await settled(pages, pages.length);
    await untilSim((s) => s.xuc.live === 1, 10_000);
    assert.ok((await leader.evaluate(() => window.test.asked)).includes('login'), `${how}: the new leader asked its own host`);
    // The new leader carries on: a change at the simulator reaches every tab.
    const marks = await Promise.all(pages.map(eventCount));
    await sim.send([agentState(how === 'close' ? 'AgentReady' : 'AgentOnPause')]);
    const want = how === 'close' ? 'ready' : 'notReady';
    for (const [i, page] of pages.entries()) await waitEvent(page, { kind: 'agentState', source: 'xuc', state: want }, marks[i], 10_000);
    if (how === 'close') pages.push(await open('config=xuc'));
    [leader] = await settled(pages, pages.length);
  }
  console.log(`hand-over times (ms): ${JSON.stringify(times)}`);
  browser.problems.splice(0);
  for (const page of pages) await page.close();
});

const phone = (eventType, id) => ({ xuc: { msgType: 'PhoneEvent', ctiMessage: { eventType, DN: '1000', otherDN: '0427466347', linkedId: id, uniqueId: id, queueName: 'support', callDirection: 'Incoming', userData: {} } } });
const requests = (page, action) => page.evaluate((a) => window.test.crmRequests.filter((r) => r.action === a).length, action);

test('once, not N times: a ringing call pops in the one tab the agent looks at, the interaction log is written by the leader alone; followers see the leader\'s ccHealth and state', { timeout: 60_000 }, async () => {
  const pages = [await open('config=xuc'), await open('config=xuc'), await open('config=xuc')];
  const [leader, followers] = await settled(pages, 3);
  await untilSim((s) => s.xuc.live === 1);
  // The agent clicks into the widget of a follower's tab: that tab is the one in front of them.
  const looked = followers[1];
  await looked.bringToFront();
  await looked.locator('iframe').click();
  const frame = looked.frames().find((f) => f.url().startsWith(origins.widgetOrigin));
  assert.equal(await frame.evaluate(() => document.hasFocus()), true, 'the widget frame has the focus');
  await new Promise((r) => setTimeout(r, 300));

  await sim.send([agentState('AgentReady')]);
  for (const page of pages) await waitEvent(page, { kind: 'agentState', source: 'xuc', state: 'ready' });
  const marks = await Promise.all(pages.map(eventCount));
  await sim.send([phone('EventRinging', 'mt.1'), { xuc: { msgType: 'AgentStateEvent', ctiMessage: { name: 'AgentRinging', agentId: 19, phoneNb: '1000', since: 0, queues: [8] } } }]);
  await looked.waitForFunction(() => window.test.crmRequests.some((r) => r.action === 'requestPerformInteractionScreenPop'), null, { timeout: 10_000 });
  for (const [i, page] of pages.entries()) await waitEvent(page, { kind: 'interaction' }, marks[i], 10_000);
  await new Promise((r) => setTimeout(r, 500));
  const pops = await Promise.all(pages.map((p) => requests(p, 'requestPerformInteractionScreenPop')));
  assert.deepEqual(pops, pages.map((p) => (p === looked ? 1 : 0)), 'one pop, in the tab the agent looks at');
  const popEvents = await Promise.all(pages.map((p, i) => p.evaluate((f) => window.test.events.slice(f).filter((e) => e.kind === 'crmRequest' && e.wire?.action === 'requestPerformInteractionScreenPop').length, marks[i])));
  assert.deepEqual(popEvents, pages.map((p) => (p === looked ? 1 : 0)), 'the pop event in that tab only');

  // Answered, released: the interaction log is written once, by the leader's tab.
  await sim.send([phone('EventEstablished', 'mt.1'), phone('EventReleased', 'mt.1')]);
  await leader.waitForFunction(() => window.test.crmRequests.some((r) => r.action === 'requestSaveInteractionLog'), null, { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 500));
  const logs = await Promise.all(pages.map((p) => requests(p, 'requestSaveInteractionLog')));
  assert.deepEqual(logs, pages.map((p) => (p === leader ? 1 : 0)), 'one interaction log, by the leader');

  // Followers have the leader's contact-centre health and its state.
  for (const f of followers) {
    await waitEvent(f, { kind: 'ccHealth', state: 'live' });
    const snap = await f.evaluate(() => window.test.bridge.snapshot());
    const mine = await leader.evaluate(() => window.test.bridge.snapshot());
    assert.deepEqual(snap.snapshot.agentState, mine.snapshot.agentState, 'a follower\'s snapshot is the leader\'s');
  }
  assert.deepEqual(problems(), []);
  for (const page of pages) await page.close();
});

test('ten tabs opened at once elect exactly one leader', { timeout: 60_000 }, async () => {
  const pages = await Promise.all(Array.from({ length: 10 }, () => open('config=xuc')));
  await settled(pages, 10, 15_000);
  await untilSim((s) => s.xuc.live === 1, 10_000);
  assert.deepEqual(problems(), []);
  for (const page of pages) await page.close();
});

test('two CRM sites embedding the widget stay independent; multiTab "independent" too', { timeout: 60_000 }, async () => {
  await untilSim((s) => s.xuc.live === 0, 10_000);
  const a = await open('config=xuc');
  const b = await open('config=xuc', second.origin);
  await settled([a], 1);
  await settled([b], 1);
  await untilSim((s) => s.xuc.live === 2, 10_000);
  await a.close();
  await b.close();
  await untilSim((s) => s.xuc.live === 0, 10_000);
  const c = await open('config=independent');
  const d = await open('config=independent');
  await untilSim((s) => s.xuc.live === 2, 10_000);
  assert.equal(await tabsOf(c), null);
  browser.problems.splice(0);
  await c.close();
  await d.close();
});

test('forged BroadcastChannel traffic from a same-origin page that is not a widget is refused', { timeout: 40_000 }, async () => {
  const pages = [await open('config=xuc'), await open('config=xuc')];
  const [leader, [follower]] = await settled(pages, 2);
  const channel = await leader.frames().find((f) => f.url().startsWith(origins.widgetOrigin)).evaluate(async () => {
    const held = (await navigator.locks.query()).held.map((l) => l.name);
    return held.find((n) => n.endsWith('/leader')).replace(/\/leader$/, '');
  });
  // A frame on the widget origin that is not a widget, in a page of the same CRM site: the same
  // storage partition, so the same channel (a top-level page of the widget origin would be in
  // another partition and could not reach the tabs at all).
  const forgerPage = await browser.context.newPage();
  await forgerPage.goto(`${origins.hostOrigin}/host.css`);
  await forgerPage.evaluate((src) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.onload = resolve;
    frame.src = src;
    document.body.append(frame);
  }), `${origins.widgetOrigin}/widget.css`);
  const forger = forgerPage.frames().find((f) => f.url().startsWith(origins.widgetOrigin));
  await forger.evaluate((name) => {
    window.heard = [];
    window.bc = new BroadcastChannel(name);
    window.bc.onmessage = (e) => window.heard.push(e.data && e.data.t);
  }, channel);
  // It hears the tabs (the leader relays an event): the forged messages below do reach them.
  await sim.send([agentState('AgentReady')]);
  await forger.waitForFunction(() => window.heard.includes('event'), null, { timeout: 8000 });
  const before = await sim.stats();
  const mark = await eventCount(follower);
  await forger.evaluate(() => {
    const bc = window.bc;
    bc.postMessage({ v: 1, t: 'lead', tab: 'forger', epoch: 'x', since: 1, seq: 0, count: 9 });
    bc.postMessage({ v: 1, t: 'event', tab: 'forger', epoch: 'x', seq: 1, event: { kind: 'agentState', source: 'xuc', state: 'ready', forged: true } });
    bc.postMessage({ v: 1, t: 'pop', tab: 'forger', to: 'x', event: { kind: 'screenPop', forged: true } });
    bc.postMessage({ v: 1, t: 'state', tab: 'forger', snapshot: { forged: true }, cc: null });
    bc.postMessage({ v: 2, t: 'hello', tab: 'forger' });
    bc.postMessage({ v: 1, t: 'call', tab: 'forger', rid: 1, call: { op: 'ccCommand', name: 'pauseAgent', args: [19], extra: 1 } });
    bc.postMessage({ v: 1, t: 'call', tab: 'forger', rid: 2, call: { op: 'ccCommand', name: 'pauseAgent', args: [19] } });
    bc.postMessage('garbage');
  });
  await new Promise((r) => setTimeout(r, 1500));
  const events = await follower.evaluate((f) => window.test.events.slice(f), mark);
  assert.ok(!events.some((e) => e.forged), 'the forged event was not delivered');
  assert.equal((await tabsOf(follower)).role, 'follower');
  assert.equal(JSON.stringify((await sim.stats()).xuc.commands), JSON.stringify(before.xuc.commands), 'nothing sent');
  assert.ok(!JSON.stringify((await follower.evaluate(() => window.test.bridge.snapshot())).snapshot).includes('forged'), 'the forged state was not taken');
  browser.problems.splice(0);
  await forgerPage.close();
  for (const page of pages) await page.close();
});

test('the leader closed, crashed, reloaded mid-stream: a new leader, one connection; per tab, sent / delivered / lost / duplicated', { timeout: 180_000 }, async () => {
  const results = [];
  for (const how of ['close', 'crash', 'reload']) {
    await untilSim((s) => s.xuc.live === 0, 10_000);
    const row = await handOver({ context: browser.context, origins, sim, how });
    results.push(row);
    console.log(`${row.fault}: a new leader in ${row.handOverMs} ms, live again in ${row.liveMs} ms; per tab ${JSON.stringify(row.tabs)}`);
    assert.deepEqual(row.problems, [], row.fault);
    assert.ok(row.handOverMs !== null && row.handOverMs <= 2000, `${row.fault}: a new leader in ${row.handOverMs} ms`);
    assert.equal(row.live, 1, 'one connection');
    for (const tab of row.tabs) {
      assert.equal(tab.duplicated, 0, `${row.fault}: none twice`);
      assert.ok(tab.lost === 0 || tab.gaps > 0, `${row.fault}: a loss is reported as a gap: ${JSON.stringify(tab)}`);
    }
  }
  browser.problems.splice(0);
});
