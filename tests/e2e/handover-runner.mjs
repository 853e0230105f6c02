// One agent, many tabs: the leader tab closed, crashed or reloaded while the contact centre
// streams events. Shared by tests/e2e/multi-tab.test.mjs (which asserts on the result) and
// bench/reliability.mjs (which reports it as rows).
//
// Needs the origins of harness.mjs `startOrigins` where `cc.html?config=xuc` gives the widget a
// shared xuc contact centre (`{contactCentre: {kind: 'xuc', ...}}`, `multiTab` left at "shared"),
// the simulator of simproc.mjs (or bench/reliability.mjs), and a browser started with
// `CRASHABLE_ARGS`.
//
// The crash is a real one: `Page.crash` sent to the leader's widget frame through that frame's own
// CDP session (an out-of-process iframe: its own target) kills its renderer process. Nothing of the
// widget runs after it (no pagehide, no `bye`, no lock released by our code): the browser releases
// the crashed client's Web Locks and closes its socket, as for any crashed tab. Two switches make it
// that one frame only:
// - `DisableProcessReuse` (chrome://flags "Disable subframe process reuse"): by default Chromium puts
//   the out-of-process widget frames of one site in every tab into one renderer process, so a crash
//   of one is a crash of all (no leader left to hand over to). Real browsers do that sharing too,
//   and a crash of that shared process is a crash of every widget: no hand-over is possible then,
//   and none is tested. With the switch, each tab's widget frame has its own process, as a tab whose
//   own page crashed would.
// - `--disable-crash-reporter --disable-breakpad`: Debian's Chromium starts crashpad, which takes
//   minutes to write a dump of the crashed renderer; nothing here reads it.

import { until } from './harness.mjs';

/** Browser switches for a crash of one tab's widget frame alone (see above). */
export const CRASHABLE_ARGS = ['--enable-features=DisableProcessReuse', '--disable-crash-reporter', '--disable-breakpad'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens one tab of the CRM page with the widget's own xuc client; records its `tabs` events with times. */
export async function openTab(context, origins, hostOrigin = origins.hostOrigin, config = 'xuc') {
  const page = await context.newPage();
  await page.goto(`${hostOrigin}/cc.html?widget=${encodeURIComponent(origins.widgetOrigin)}&config=${config}`);
  await until(page, () => window.test.bridge || window.test.error, undefined, 15_000);
  const error = await page.evaluate(() => window.test.error);
  if (error) throw new Error(`connect failed: ${JSON.stringify(error)}`);
  await page.evaluate(() => {
    window.tabsLog = [];
    window.test.bridge.on('tabs', (t) => window.tabsLog.push({ at: Date.now(), role: t.role, count: t.count }));
  });
  return page;
}

export const tabsOf = (page) => page.evaluate(() => window.test.bridge.tabs());

/** Waits until exactly one of `pages` leads and each counts `count` tabs: [leader, followers]. */
export async function settled(pages, count, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await Promise.all(pages.map(tabsOf));
    const leaders = last.filter((t) => t && t.role === 'leader');
    if (leaders.length === 1 && last.every((t) => t && t.count === count)) {
      const i = last.findIndex((t) => t.role === 'leader');
      return [pages[i], pages.filter((_, j) => j !== i)];
    }
    await sleep(50);
  }
  throw new Error(`tabs did not settle on one leader of ${count}: ${JSON.stringify(last)}`);
}

/** Polls the simulator's stats until `pred` holds. */
export async function untilSim(sim, pred, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let stats;
  while (Date.now() < deadline) {
    stats = await sim.stats();
    if (pred(stats)) return stats;
    await sleep(100);
  }
  throw new Error(`simulator: ${JSON.stringify(stats?.xuc)}`);
}

const widgetFrame = (page, origins) => page.frames().find((f) => f.url().startsWith(origins.widgetOrigin));

/** Crashes the renderer process of `page`'s widget frame (its own CDP target). */
export async function crashWidget(context, page, origins) {
  const session = await context.newCDPSession(widgetFrame(page, origins));
  const info = await session.send('Target.getTargetInfo');
  if (info.targetInfo.type !== 'iframe') throw new Error(`the widget frame is not its own target (${info.targetInfo.type}): the crash would take the page`);
  // The renderer dies before it can answer.
  session.send('Page.crash').catch(() => {});
}

const HOW = {
  close: 'leader closed',
  crash: 'leader crashed',
  reload: 'leader reloaded',
};

/**
 * Three tabs (`tabs`), one leader; `events` marked agent-state events streamed at the simulator
 * (`paceMs` apart); after a third of them the leader is closed, crashed or reloaded (`how`). Returns
 * a row: the hand-over time (the action to a survivor's `tabs` event saying it leads), the time to
 * one live connection again, and per tab there all along: sent, delivered, lost, duplicated, gaps.
 */
export async function handOver({ context, origins, sim, how, tabs = 3, events = 60, paceMs = 20 }) {
  const pages = [];
  for (let i = 0; i < tabs; i++) pages.push(await openTab(context, origins));
  const problems = [];
  try {
    const [leader, survivors] = await settled(pages, tabs);
    await untilSim(sim, (s) => s.xuc.live === 1);
    const prefix = `ho:${how}:${Date.now()}:`;
    const sent = [];
    const send = async (from, to) => {
      for (let i = from; i < to; i++) {
        const mark = `${prefix}${i}`;
        await sim.send([{ xuc: { msgType: 'AgentStateEvent', ctiMessage: { name: i % 2 ? 'AgentReady' : 'AgentOnPause', agentId: 19, phoneNb: '1000', queues: [8], mark } } }]);
        sent.push(mark);
        await sleep(paceMs);
      }
    };
    const third = Math.floor(events / 3);
    await send(0, third);
    const t0 = Date.now();
    let acted;
    if (how === 'close') acted = leader.close();
    else if (how === 'crash') acted = crashWidget(context, leader, origins);
    else if (how === 'reload') acted = leader.reload();
    else throw new Error(`unknown hand-over ${how}`);
    // The stream goes on while the lead changes hands.
    await Promise.all([acted, send(third, 2 * third)]);
    // The first `tabs` event of a survivor saying it leads (browser and node share the clock).
    let leadAt = null;
    for (const deadline = Date.now() + 10_000; leadAt === null && Date.now() < deadline; await sleep(50)) {
      const firsts = await Promise.all(survivors.map((p) => p.evaluate((t) => window.tabsLog.find((e) => e.at >= t && e.role === 'leader')?.at ?? null, t0)));
      const seen = firsts.filter((x) => x !== null);
      if (seen.length) leadAt = Math.min(...seen);
    }
    const handOverMs = leadAt === null ? null : leadAt - t0;
    if (handOverMs === null) problems.push('no survivor took the lead in 10 s');
    let rest = survivors;
    if (how === 'crash') await leader.close().catch(() => {});
    if (how === 'reload') {
      await until(leader, () => window.test && (window.test.bridge || window.test.error), undefined, 15_000);
      rest = [...survivors, leader];
    }
    const [newLeader] = await settled(rest, rest.length);
    if (process.env.HO_DEBUG) console.log('settled', Date.now() - t0, JSON.stringify((await sim.stats()).xuc));
    await untilSim(sim, (s) => s.xuc.live === 1, 10_000).catch(() => problems.push('not one live connection again in 10 s'));
    await until(newLeader, () => window.test.events.some((e) => e.kind === 'ccHealth' && e.state === 'live'), undefined, 10_000)
      .catch(() => problems.push('the new leader was not live in 10 s'));
    const liveMs = Date.now() - t0;
    // Secrets never travel between tabs: the new leader asked its own host page.
    if (!(await newLeader.evaluate(() => window.test.asked)).includes('login')) problems.push('the new leader did not ask its own host for the login');
    await send(2 * third, events);
    const last = sent[sent.length - 1];
    const rows = [];
    for (const page of survivors) {
      await until(page, (m) => window.test.events.some((e) => e.kind === 'agentState' && e.data?.mark === m), last, 10_000)
        .catch(() => problems.push('a tab did not get the last event'));
      const got = await page.evaluate((p) => window.test.events.filter((e) => e.kind === 'agentState' && typeof e.data?.mark === 'string' && e.data.mark.startsWith(p)).map((e) => e.data.mark), prefix);
      const gaps = await page.evaluate(() => window.test.events.filter((e) => e.kind === 'gap').length);
      const distinct = new Set(got);
      const order = sent.filter((m) => distinct.has(m));
      const firsts = [...new Map(got.map((m, i) => [m, i])).keys()];
      const row = {
        role: page === newLeader ? 'new leader' : 'follower',
        sent: sent.length,
        delivered: got.length,
        lost: sent.filter((m) => !distinct.has(m)).length,
        duplicated: got.length - distinct.size,
        gaps,
        inOrder: firsts.join() === order.join(),
      };
      if (row.lost && !row.gaps) problems.push(`${row.lost} lost without a gap`);
      if (!row.inOrder) problems.push('events out of order');
      rows.push(row);
    }
    const stats = await sim.stats();
    if (stats.xuc.live !== 1) problems.push(`${stats.xuc.live} live connections at the end`);
    return { how, fault: HOW[how], handOverMs, liveMs, live: stats.xuc.live, tabs: rows, problems };
  } finally {
    for (const page of pages) await page.close().catch(() => {});
  }
}
