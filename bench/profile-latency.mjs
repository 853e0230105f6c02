// Where the inject round trip's time goes (issue 14): the bench's latency loop
// (`bench.injectLatency`, bench/pages/host.js) under the V8 CPU profiler in the host page and
// in the widget frame (a cross-site OOPIF: its own CDP session), and optionally a Chromium
// trace (PROFILE_TRACE=1) of both renderers: tasks, GC, style, layout, paint.
//
//   node bench/profile-latency.mjs            # needs www/pkg (bash scripts/build.sh)
//
// Environment: PROFILE_N samples (2000), PROFILE_TOP functions listed per page (25),
// PROFILE_TRACE=1 (a trace too; target/latency-trace.json), PROFILE_OUT (a JSON summary),
// PROFILE_PLAIN=1 (no profiler: the bench's two loops, PROFILE_ROUNDS times; PROFILE_SLOW=1
// lists each sample over 1 ms by its index),
// PROFILE_ROW=channel (the full channel row instead: PROFILE_N injects at once, default 20000;
// PROFILE_SAVE=1 writes both CPU profiles to target/channel-{host,widget}.cpuprofile).
// Not part of the bench table: it prints self time per function, the share of GC, and for
// the slowest samples what ran in the widget's renderer meanwhile.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBrowser, ROOT } from '../tests/e2e/harness.mjs';
import { openBenchHost, startBenchOrigins } from './run.mjs';
import { printShares, selfTimes } from './cpu-profile.mjs';
import { envCount, pct } from './numbers.mjs';

const N = envCount('PROFILE_N', 2000);
const TOP = envCount('PROFILE_TOP', 25);
const TRACE = process.env.PROFILE_TRACE === '1';

function print(name, { total, rows }) {
  console.log(`\n${name}: ${total.toFixed(1)} ms sampled`);
  const busy = rows.filter(([k]) => k !== '(idle) ' && !k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  console.log(`  busy (not idle): ${busy.toFixed(1)} ms`);
  printShares(rows.slice(0, TOP), total);
}

async function main() {
  const origins = await startBenchOrigins();
  const browser = await startBrowser();
  try {
    const page = await openBenchHost(browser, origins);
    await page.evaluate(() => window.bench.open());
    const widgetFrame = page.frames().find((f) => f.url().startsWith(origins.widgetOrigin) && f.url().includes('/widget.html'));
    await page.evaluate((n) => window.bench.injectLatency(n), 300); // warm-up
    if (process.env.PROFILE_PLAIN === '1') {
      // No profiler: the bench's two loops (inject, bare port), alternated for a few rounds.
      for (let r = 0; r < envCount('PROFILE_ROUNDS', 3); r++) {
        const inj = await page.evaluate((n) => window.bench.injectLatency(n), N);
        const bare = await page.evaluate((n) => window.bench.bareLatency(n), N);
        const f = (xs) => `p50 ${pct(xs, 50).toFixed(2)} p99 ${pct(xs, 99).toFixed(2)}`;
        console.log(`round ${r}: inject ${f(inj)} | bare port ${f(bare.port)} | window ${f(bare.window)} | p99 ratio to port ${(pct(inj, 99) / pct(bare.port, 99)).toFixed(2)}x`);
        if (process.env.PROFILE_SLOW === '1') {
          // The slow samples (over 1 ms): their index and duration, to see whether they recur.
          const slow = (xs) => xs.map((ms, i) => [i, ms]).filter(([, ms]) => ms > 1).map(([i, ms]) => `${i}:${ms.toFixed(1)}`).join(' ');
          console.log(`  inject > 1 ms: ${slow(inj)}\n  port > 1 ms: ${slow(bare.port)}`);
        }
      }
      return;
    }
    if (process.env.PROFILE_ROW === 'channel') await page.evaluate((k) => window.bench.channelThroughput(k, 60000), 3000); // warm-up
    const host = await browser.context.newCDPSession(page);
    const widget = await browser.context.newCDPSession(widgetFrame);
    for (const s of [host, widget]) {
      await s.send('Profiler.enable');
      await s.send('Profiler.setSamplingInterval', { interval: 100 });
      await s.send('Profiler.start');
    }
    let trace = null;
    if (TRACE) {
      trace = [];
      host.on('Tracing.dataCollected', (e) => trace.push(...e.value));
      await host.send('Tracing.start', {
        transferMode: 'ReportEvents',
        traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink', 'toplevel', 'blink.user_timing'] },
      });
    }
    if (process.env.PROFILE_ROW === 'channel') {
      // The full channel row instead (`bench.channelThroughput`): PROFILE_N injects fired at once.
      const k = envCount('PROFILE_N', 20000);
      const ch = await page.evaluate((n) => window.bench.channelThroughput(n, 120000), k);
      const [hp, wp] = await Promise.all([host.send('Profiler.stop'), widget.send('Profiler.stop')]);
      console.log(`full channel, ${k} injects: ${Math.round((ch.delivered / ch.ms) * 1000)} ev/s, lost ${ch.sent - ch.delivered}`);
      print('host page', selfTimes(hp.profile));
      print('widget frame', selfTimes(wp.profile));
      if (process.env.PROFILE_SAVE) {
        await writeFile(join(ROOT, 'target', 'channel-host.cpuprofile'), JSON.stringify(hp.profile));
        await writeFile(join(ROOT, 'target', 'channel-widget.cpuprofile'), JSON.stringify(wp.profile));
      }
      return;
    }
    const t0 = await page.evaluate(() => performance.timeOrigin + performance.now());
    // The bench's loop (bench.injectLatency), with each slow sample (over 2 ms) marked in the trace (User Timing).
    const samples = await page.evaluate(async (n) => {
      const b = window.bench;
      const out = [];
      for (let i = 0; i < n; i++) {
        const target = b.received + 1;
        const t0 = performance.now();
        b.bridge.inject('xuc', { msgType: 'AgentStateEvent', ctiMessage: { name: b.seq++ % 2 ? 'AgentOnPause' : 'AgentReady', agentId: 19, phoneNb: '1000', since: 0, queues: [1] } });
        if (b.received < target) await new Promise((resolve) => { b.waiter = { count: target, resolve }; });
        const t1 = performance.now();
        out.push(t1 - t0);
        if (t1 - t0 > 2) performance.measure(`slow ${(t1 - t0).toFixed(1)}`, { start: t0, end: t1 });
      }
      return out;
    }, N);
    const [hp, wp] = await Promise.all([host.send('Profiler.stop'), widget.send('Profiler.stop')]);
    if (TRACE) {
      const done = new Promise((resolve) => host.once('Tracing.tracingComplete', resolve));
      await host.send('Tracing.end');
      await done;
    }
    console.log(`inject round trip, ${N} samples: p50 ${pct(samples, 50).toFixed(2)} ms, p90 ${pct(samples, 90).toFixed(2)}, p99 ${pct(samples, 99).toFixed(2)}, max ${Math.max(...samples).toFixed(2)}`);
    const hs = selfTimes(hp.profile);
    const ws = selfTimes(wp.profile);
    print('host page', hs);
    print('widget frame', ws);
    const summary = { samples: N, p50: pct(samples, 50), p99: pct(samples, 99), host: hs.rows.slice(0, TOP), widget: ws.rows.slice(0, TOP) };
    if (TRACE) {
      await writeFile(join(ROOT, 'target', 'latency-trace.json'), JSON.stringify({ traceEvents: trace }));
      // Renderer main threads' complete events (X) by name, total and count.
      const threads = new Map();
      for (const e of trace) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
      const totals = new Map();
      for (const e of trace) {
        if (e.ph !== 'X' || !e.dur) continue;
        const th = threads.get(`${e.pid}:${e.tid}`) || '?';
        if (th !== 'CrRendererMain') continue;
        const key = `${e.pid} ${e.name}`;
        const t = totals.get(key) || { ms: 0, n: 0, max: 0 };
        t.ms += e.dur / 1000;
        t.n++;
        t.max = Math.max(t.max, e.dur / 1000);
        totals.set(key, t);
      }
      const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
      console.log('\ntrace: renderer main threads, complete events by total (pid name: ms, count, max)');
      for (const [k, t] of rows) console.log(`  ${k}: ${t.ms.toFixed(1)} ms, ${t.n}, max ${t.max.toFixed(2)}`);
      summary.trace = rows;
      // For each slow sample: the longest renderer main-thread tasks (both pages) overlapping it.
      const slow = trace.filter((e) => e.cat === 'blink.user_timing' && e.name.startsWith('slow ') && (e.ph === 'b' || e.ph === 'e'));
      const begins = new Map();
      const spans = [];
      for (const e of slow) {
        if (e.ph === 'b') begins.set(e.id ?? e.id2?.local ?? e.name, e);
        else {
          const b = begins.get(e.id ?? e.id2?.local ?? e.name);
          if (b) spans.push({ name: e.name, ts: b.ts, end: e.ts });
        }
      }
      const tasks = trace.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && e.dur > 500);
      const named = (task) => {
        const inner = trace.filter((e) => e.ph === 'X' && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur > 200 && e !== task);
        const pick = inner.find((e) => ['TimerFire', 'WebFrameWidgetImpl::UpdateLifecycle', 'MinorGC', 'MajorGC', 'MessagePort::Accept', 'RunMicrotasks'].includes(e.name));
        const gc = inner.filter((e) => e.name === 'MinorGC' || e.name === 'MajorGC').reduce((a, e) => a + e.dur, 0);
        return `${task.pid} ${pick ? pick.name : inner[0]?.name ?? '?'} ${(task.dur / 1000).toFixed(1)}${gc ? ` (gc ${(gc / 1000).toFixed(1)})` : ''}`;
      };
      console.log(`\nslow samples (> 2 ms): ${spans.length}; the long tasks (> 0.5 ms) overlapping each`);
      const causes = new Map();
      for (const s of spans.slice(0, 200)) {
        const over = tasks.filter((t) => t.ts < s.end && t.ts + t.dur > s.ts).map(named);
        if (spans.indexOf(s) < 30) console.log(`  ${s.name}: ${over.join(', ') || '-'}`);
        for (const o of over) {
          const k = o.split(' ').slice(0, 2).join(' ');
          causes.set(k, (causes.get(k) || 0) + 1);
        }
      }
      console.log('  by cause:', [...causes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join('; '));
    }
    void t0;
    if (process.env.PROFILE_OUT) await writeFile(process.env.PROFILE_OUT, JSON.stringify(summary, null, 2) + '\n');
  } finally {
    await browser.close();
    await origins.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
