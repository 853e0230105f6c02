// cti-bridge benchmark: `bash scripts/bench.sh` (needs `bash scripts/build.sh` first).
// Every figure is measured next to its reference in the same run and given as a ratio.
// Environment: BENCH_N (time-to-ready runs, default 30), BENCH_LAT (latency samples, 5000: a p99 over 1,000 samples moved 1.5x-6.5x between runs, bench/README.md),
// BENCH_CORE (in-page core events, 1000000), BENCH_CHANNEL (events through the full channel, 20000),
// BENCH_SCALE (agents in the supervisor's stream, 5000), BENCH_OUT (results file, bench/results.json),
// BENCH_CACHE (how the origins serve their files: `revalidate`, the default, every file revalidated
// at each load; `deploy`, as docs/package.md asks of a deployment: the content-hashed builds
// widget.html loads, pkg/<hash>/, `immutable`, the rest revalidated; or `no-store`: every start
// downloads everything). The lead build's ready rows are also printed under `no-store` (an agent's
// first visit) and under `deploy` ("hashed, immutable": an agent's later visits) in every run.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, startBrowser, until, ROOT } from '../tests/e2e/harness.mjs';
import { buildSizes, budgets, DROP_IN, sizeOf } from './sizes.mjs';
import { widgetPageNaming } from './widget-page.mjs';
import { envCount, pct } from './numbers.mjs';

const N = envCount('BENCH_N', 30);
const LAT = envCount('BENCH_LAT', 5000);
/** Round trips that warm each latency loop up before it is measured. */
const WARM = Math.min(1000, LAT);
const CORE = envCount('BENCH_CORE', 1_000_000);
const CHANNEL = envCount('BENCH_CHANNEL', 20_000);
const SCALE = envCount('BENCH_SCALE', 5_000);
const OUT = process.env.BENCH_OUT || join(ROOT, 'bench', 'results.json');

// ---------------------------------------------------------------- 1. size
// The full build as it ships: its wasm, its entry script (the glue and www/widget.js in one module,
// what widget.html loads; bench/sizes.mjs counts the same) and the drop-in.
async function sizes() {
  const ours = {
    'cti_bridge_bg.wasm': await sizeOf(join(ROOT, 'www/pkg/cti_bridge_bg.wasm')),
    'widget.js (entry: glue + widget script)': await sizeOf(join(ROOT, 'www/pkg/widget.js')),
    'cti-bridge.js (drop-in)': await sizeOf(join(ROOT, DROP_IN)),
  };
  const total = Object.values(ours).reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
  const refs = {};
  for (const [pkg, file] of [
    ['penpal', 'dist/penpal.min.js'],
    ['post-robot', 'dist/post-robot.min.js'],
    ['amazon-connect-streams', 'release/connect-streams-min.js'],
  ]) {
    const dir = join(ROOT, 'node_modules', pkg);
    const { version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    refs[pkg] = { version, file, ...(await sizeOf(join(dir, file))) };
  }
  return { ours, total, refs, builds: await buildSizes(ROOT), budgets: await budgets(ROOT) };
}

// ---------------------------------------------------------------- origins
/** The serving conditions BENCH_CACHE names (tests/e2e/harness.mjs `serve`'s `cache`). */
export const BENCH_CACHES = ['revalidate', 'deploy', 'no-store'];
const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";
/** The bench host page (`bench/pages/host.js`) on the host origin, its `window.bench` ready. */
export async function openBenchHost(browser, origins) {
  const page = await browser.context.newPage();
  await page.goto(`${origins.hostOrigin}/host.html?widget=${encodeURIComponent(origins.widgetOrigin)}`);
  await until(page, () => !!window.bench);
  return page;
}

export async function startBenchOrigins() {
  let hostOrigin = '';
  // Every origin's files (the widget's, the blank iframe, the host pages) the same way.
  const cache = BENCH_CACHES.includes(process.env.BENCH_CACHE) ? process.env.BENCH_CACHE : 'revalidate';
  const pages = join(ROOT, 'bench', 'pages');
  const widget = await serve({
    roots: { '/bench/vendor/penpal/': join(ROOT, 'node_modules/penpal/dist'), '/bench/': pages, '/': join(ROOT, 'www') },
    routes: {
      '/widget-config.json': () => ['application/json', JSON.stringify({ allowedHostOrigins: [hostOrigin], allowInject: true })],
      // Its page names its build, the full one (www/widget.html names the lead deployment's;
      // BENCH_HINT=shipped serves that one: the cost of a wrong hint).
      ...(process.env.BENCH_HINT === 'shipped' ? {} : { '/widget.html': () => ['text/html; charset=utf-8', widgetPageNaming(ROOT, '')] }),
    },
    csp: `${PAGE_CSP}; frame-ancestors 'self' http://127.0.0.1:*`,
    cache,
  });
  // The same widget files, configured as the README's lead deployment (CRM Connector + xuc, no
  // injection): its page loads that build (www/pkg/crm-connector+xuc/), as its agents' do.
  const leadOrigin = (policy) => serve({
    roots: { '/bench/': pages, '/': join(ROOT, 'www') },
    routes: {
      '/widget-config.json': () => ['application/json', JSON.stringify({ allowedHostOrigins: [hostOrigin], bridge: { cc: { source: 'xuc' } } })],
    },
    csp: `${PAGE_CSP}; frame-ancestors 'self' http://127.0.0.1:*`,
    cache: policy,
  });
  const lead = await leadOrigin(cache);
  // The lead deployment again, every file downloaded at every start (`no-store`, its blank
  // iframe too): an agent's first visit, printed next to the revalidated rows.
  const leadNoStore = await leadOrigin('no-store');
  // And served as docs/package.md tells a deployment (`deploy`): widget.html's content-hashed
  // builds (pkg/<hash>/) `immutable`, not asked for again; the page, the rest and the blank iframe
  // revalidated: an agent's second and later starts.
  const leadHashed = await leadOrigin('deploy');
  const host = await serve({
    roots: { '/lib/': join(ROOT, 'www'), '/vendor/penpal/': join(ROOT, 'node_modules/penpal/dist'), '/': pages },
    csp: `${PAGE_CSP}; frame-src http://localhost:${widget.port} http://localhost:${lead.port} http://localhost:${leadNoStore.port} http://localhost:${leadHashed.port}`,
    cache: cache === 'deploy' ? 'revalidate' : cache,
  });
  hostOrigin = `http://127.0.0.1:${host.port}`;
  return {
    hostOrigin,
    widgetOrigin: `http://localhost:${widget.port}`,
    leadOrigin: `http://localhost:${lead.port}`,
    leadNoStoreOrigin: `http://localhost:${leadNoStore.port}`,
    leadHashedOrigin: `http://localhost:${leadHashed.port}`,
    /** The lead deployment's origin serving its files as `cache` says (BENCH_CACHES). */
    leadOriginFor: (policy) => {
      const server = policy === cache ? lead : { 'no-store': leadNoStore, deploy: leadHashed }[policy];
      if (!server) throw new Error(`bench: no lead origin serves ${policy} (BENCH_CACHE=${cache}; ${BENCH_CACHES.join(', ')})`);
      return `http://localhost:${server.port}`;
    },
    close: () => Promise.all([widget.close(), lead.close(), leadNoStore.close(), leadHashed.close(), host.close()]),
  };
}

async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}
const flat = (before, after, slack) => after - before <= slack;

/**
 * The bytes of the one wasm memory living in the target `cdp` is attached to: the running
 * widget's own instance, found on the heap (`Runtime.queryObjects`), not one the probe would
 * instantiate (importing the glue again gave a fresh module's 1.06 MiB every time, so the row
 * could not grow). Fails unless there is exactly one.
 */
async function wasmMemoryBytes(cdp) {
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.map((memory) => memory.buffer.byteLength); }',
    returnByValue: true,
  });
  await cdp.send('Runtime.releaseObject', { objectId: objects.objectId });
  await cdp.send('Runtime.releaseObject', { objectId: proto.objectId });
  if (result.value.length !== 1) throw new Error(`bench: ${result.value.length} wasm memories in the widget frame, expected its one`);
  return result.value[0];
}

async function main() {
  const t0 = Date.now();
  const results = { date: new Date().toISOString(), params: { N, LAT, CORE, CHANNEL, SCALE }, chromium: null };
  results.size = await sizes();

  const origins = await startBenchOrigins();
  const browser = await startBrowser();
  try {
    results.chromium = browser.context.browser()?.version() ?? null;
    // ------------------------------------------------------------ 2-3, 4 (channel), 5 (channel)
    const page = await openBenchHost(browser, origins);
    const ready = await page.evaluate((n) => window.bench.ready(n), N);
    // The lead deployment's build, from its own widget origin (the blank iframe from there too).
    const leadReady = await page.evaluate(([n, origin]) => window.bench.ready(n, origin), [N, origins.leadOrigin]);
    const leadCold = await page.evaluate(([n, origin]) => window.bench.ready(n, origin), [N, origins.leadNoStoreOrigin]);
    const leadHashed = await page.evaluate(([n, origin]) => window.bench.ready(n, origin), [N, origins.leadHashedOrigin]);
    results.ready = {
      runs: N,
      connect: { median: pct(ready.connect, 50), p95: pct(ready.connect, 95) },
      blankIframe: { median: pct(ready.blank, 50), p95: pct(ready.blank, 95) },
      lead: {
        build: 'crm-connector+xuc',
        connect: { median: pct(leadReady.connect, 50), p95: pct(leadReady.connect, 95) },
        blankIframe: { median: pct(leadReady.blank, 50), p95: pct(leadReady.blank, 95) },
      },
      leadNoStore: {
        build: 'crm-connector+xuc',
        connect: { median: pct(leadCold.connect, 50), p95: pct(leadCold.connect, 95) },
        blankIframe: { median: pct(leadCold.blank, 50), p95: pct(leadCold.blank, 95) },
      },
      leadHashed: {
        build: 'crm-connector+xuc',
        serving: 'pkg/<hash>/ immutable; widget.html, the rest and the blank iframe revalidated (docs/package.md)',
        connect: { median: pct(leadHashed.connect, 50), p95: pct(leadHashed.connect, 95) },
        blankIframe: { median: pct(leadHashed.blank, 50), p95: pct(leadHashed.blank, 95) },
      },
    };

    await page.evaluate(() => window.bench.open());
    // Every loop is warmed up first (WARM round trips, not in the figures): the first injects
    // after connect meet the widget's start-up (its panel mounted after the handshake, the wasm
    // tiering up), which the ready rows time; they are kept apart as `inject.cold`.
    const cold = await page.evaluate((n) => window.bench.injectLatency(n), WARM);
    const inj = await page.evaluate((n) => window.bench.injectLatency(n), LAT);
    const bare = await page.evaluate(([n, w]) => window.bench.bareLatency(n, w), [LAT, WARM]);
    results.latency = {
      samples: LAT,
      warmUp: WARM,
      note: `round trips: inject (host -> widget port -> decode, sync engine -> event -> host handler) vs an echo frame on the widget origin; each loop after ${WARM} round trips not counted (inject.cold: those after connect)`,
      inject: {
        p50: pct(inj, 50), p99: pct(inj, 99), first100p50: pct(inj.slice(0, 100), 50), last100p50: pct(inj.slice(-100), 50),
        cold: { samples: WARM, p50: pct(cold, 50), p99: pct(cold, 99) },
      },
      window: { p50: pct(bare.window, 50), p99: pct(bare.window, 99) },
      port: { p50: pct(bare.port, 50), p99: pct(bare.port, 99) },
    };

    // Full channel throughput and memory (host heap, widget heap, widget wasm memory).
    const widgetFrame = page.frames().find((f) => f.url().startsWith(origins.widgetOrigin) && f.url().includes('/widget.html'));
    const hostCdp = await browser.context.newCDPSession(page);
    const widgetCdp = await browser.context.newCDPSession(widgetFrame);
    const widgetWasm = () => wasmMemoryBytes(widgetCdp);
    // Warm up past the widget's replay outbox (2,048 events kept for a host that re-attaches),
    // so that the outbox is full before measuring, and until the widget's wasm memory has taken
    // the pages its allocator settles on (2.75-3.0 MiB: after 3,000 events it sometimes lacked
    // one or two 64 KiB pages that it took during the measured run, and kept), then measure.
    await page.evaluate((k) => window.bench.channelThroughput(k, 30000), Math.min(10000, CHANNEL));
    const chBefore = { hostHeap: await heap(hostCdp), widgetHeap: await heap(widgetCdp), widgetWasm: await widgetWasm() };
    const ch = await page.evaluate((k) => window.bench.channelThroughput(k, 120000), CHANNEL);
    const chAfter = { hostHeap: await heap(hostCdp), widgetHeap: await heap(widgetCdp), widgetWasm: await widgetWasm() };
    // A supervisor's stream: SCALE agents each changing state once, through the full channel,
    // with the memory of both pages and the widget's wasm before and after; penpal carrying
    // the same number of events is the reference.
    const scBefore = { hostHeap: await heap(hostCdp), widgetHeap: await heap(widgetCdp), widgetWasm: await widgetWasm() };
    const sc = await page.evaluate((k) => window.bench.scale(k, 120000), SCALE);
    const scAfter = { hostHeap: await heap(hostCdp), widgetHeap: await heap(widgetCdp), widgetWasm: await widgetWasm() };
    const scPenpal = await page.evaluate((k) => window.bench.penpalThroughput(k), SCALE);
    results.scale = {
      agents: SCALE,
      note: 'a supervisor\'s stream: each agent changes state once; injected at once through the full channel, sync engine off',
      delivered: sc.delivered, lost: sc.sent - sc.delivered, ms: sc.ms, complete: sc.complete,
      penpal: { delivered: scPenpal.delivered, lost: scPenpal.sent - scPenpal.delivered, ms: scPenpal.ms },
      memory: {
        hostHeapBefore: scBefore.hostHeap, hostHeapAfter: scAfter.hostHeap,
        widgetHeapBefore: scBefore.widgetHeap, widgetHeapAfter: scAfter.widgetHeap,
        widgetWasmBefore: scBefore.widgetWasm, widgetWasmAfter: scAfter.widgetWasm,
      },
    };
    results.scale.memory.flat = flat(scBefore.hostHeap, scAfter.hostHeap, 1 << 20) && flat(scBefore.widgetHeap, scAfter.widgetHeap, 1 << 20) && scAfter.widgetWasm === scBefore.widgetWasm;
    const penpal = await page.evaluate((k) => window.bench.penpalThroughput(k), CHANNEL);
    // Widget -> host message format on the port: structured clone vs JSON text (5 rounds, median).
    const formats = await page.evaluate(([k, r]) => window.bench.portFormats(k, r), [CHANNEL, 5]);
    results.portFormat = {
      messages: CHANNEL,
      note: 'widget event messages pipelined over a MessageChannel port through an echo frame and back',
      clone: { ms: pct(formats.clone, 50), eventsPerSec: CHANNEL / pct(formats.clone, 50) * 1000 },
      text: { ms: pct(formats.text, 50), eventsPerSec: CHANNEL / pct(formats.text, 50) * 1000 },
    };

    // ------------------------------------------------------------ 4, 5: in-page core
    const core = await browser.context.newPage();
    await core.goto(`${origins.widgetOrigin}/bench/core.html`);
    await until(core, () => window.core && window.core.ready);
    await core.evaluate(() => window.core.ready);
    results.sample = await core.evaluate(() => window.core.sample());
    const coreCdp = await browser.context.newCDPSession(core);
    const chunk = Math.min(CORE, 100_000);
    const runChunks = async (fn) => {
      let total = { n: 0, delivered: 0, ms: 0, errors: 0 };
      for (let done = 0; done < CORE; done += chunk) {
        const r = await core.evaluate(([f, n]) => window.core[f](n), [fn, Math.min(chunk, CORE - done)]);
        total = { n: total.n + r.n, delivered: total.delivered + (r.delivered ?? r.decoded), ms: total.ms + r.ms, errors: total.errors + (r.errors ?? 0) };
      }
      return total;
    };
    // Warm-up of both paths.
    await core.evaluate((n) => { window.core.wasmPipeline(n); window.core.wasmPipelinePerMessage(n); window.core.plainPipeline(n); window.core.wasmDecode(n); }, Math.min(CORE, 10_000));
    const burst = await core.evaluate(() => window.core.burstSize());
    const coreBefore = { heap: await heap(coreCdp), wasm: await core.evaluate(() => window.core.wasmBytes()) };
    const wasmRun = await runChunks('wasmPipeline');
    const coreAfter = { heap: await heap(coreCdp), wasm: await core.evaluate(() => window.core.wasmBytes()) };
    const perMessageRun = await runChunks('wasmPipelinePerMessage');
    const plainRun = await runChunks('plainPipeline');
    const decodeRun = await runChunks('wasmDecode');
    const perSec = (r) => Math.round((r.n / r.ms) * 1000);
    results.throughput = {
      wasmPipeline: { ...wasmRun, burst, eventsPerSec: perSec(wasmRun), lost: wasmRun.n - wasmRun.delivered },
      wasmPerMessage: { ...perMessageRun, eventsPerSec: perSec(perMessageRun), lost: perMessageRun.n - perMessageRun.delivered },
      plainJs: { ...plainRun, eventsPerSec: perSec(plainRun), lost: plainRun.n - plainRun.delivered },
      wasmDecoders: { ...decodeRun, eventsPerSec: perSec(decodeRun) },
      penpal: { ...penpal, lost: penpal.sent - penpal.delivered, eventsPerSec: Math.round((penpal.delivered / penpal.ms) * 1000) },
      channel: { sent: ch.sent, delivered: ch.delivered, lost: ch.sent - ch.delivered, ms: ch.ms, eventsPerSec: Math.round((ch.delivered / ch.ms) * 1000), complete: ch.complete, hostStats: ch.stats },
    };
    const MB = 1 << 20;
    results.memory = {
      core: {
        events: CORE,
        jsHeapBefore: coreBefore.heap, jsHeapAfter: coreAfter.heap,
        wasmBefore: coreBefore.wasm, wasmAfter: coreAfter.wasm,
        flat: flat(coreBefore.heap, coreAfter.heap, MB) && coreAfter.wasm === coreBefore.wasm,
      },
      channel: {
        events: CHANNEL,
        hostHeapBefore: chBefore.hostHeap, hostHeapAfter: chAfter.hostHeap,
        widgetHeapBefore: chBefore.widgetHeap, widgetHeapAfter: chAfter.widgetHeap,
        widgetWasmBefore: chBefore.widgetWasm, widgetWasmAfter: chAfter.widgetWasm,
        flat: flat(chBefore.hostHeap, chAfter.hostHeap, MB) && flat(chBefore.widgetHeap, chAfter.widgetHeap, MB) && chAfter.widgetWasm === chBefore.widgetWasm,
      },
    };
    results.problems = browser.problems.slice();
  } finally {
    await browser.close();
    await origins.close();
  }
  results.seconds = Math.round((Date.now() - t0) / 100) / 10;
  await writeFile(OUT, JSON.stringify(results, null, 2) + '\n');
  console.log(table(results));
  console.log(`\nresults: ${OUT} (${results.seconds} s)`);
}

// ---------------------------------------------------------------- table
export function table(r) {
  const rows = [];
  const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
  const ms = (x) => `${x.toFixed(2)} ms`;
  const num = (x) => Math.round(x).toLocaleString('en-US');
  const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}x` : 'n/a');
  const add = (figure, ours, ref, refName, rat) => rows.push([figure, ours, `${ref} (${refName})`, rat]);
  const s = r.size;
  for (const [name, v] of Object.entries(s.ours)) rows.push([`size ${name}`, `${kb(v.raw)} / ${kb(v.gzip)} gz`, '', '']);
  for (const [pkg, v] of Object.entries(s.refs)) {
    add(`size total (raw)`, kb(s.total.raw), kb(v.raw), `${pkg}@${v.version}`, ratio(s.total.raw, v.raw));
    add(`size total (gzip)`, kb(s.total.gzip), kb(v.gzip), `${pkg}@${v.version}`, ratio(s.total.gzip, v.gzip));
  }
  // Per-deployment builds (www/pkg/<features>/; the full build is every feature) against
  // amazon-connect-streams and against their gzip budget (bench/budgets.json): the budget
  // column says when the budget in force is above the issue's goal (not reached yet).
  const sdk = s.refs['amazon-connect-streams'];
  for (const [name, v] of Object.entries(s.builds)) {
    const b = s.budgets[name];
    const budget = b ? `, budget ${kb(b.gzip)}${b.goal && b.goal < b.gzip ? ` (goal ${kb(b.goal)} not reached: ${ratio(v.gzip, b.goal)} of it)` : ''}` : '';
    add(`size build ${name} (gzip)`, `${kb(v.raw)} / ${kb(v.gzip)} gz`, kb(sdk.gzip), `amazon-connect-streams@${sdk.version}${budget}`, ratio(v.gzip, sdk.gzip));
  }
  const rd = r.ready;
  add(`ready median (${rd.runs} runs)`, ms(rd.connect.median), ms(rd.blankIframe.median), 'blank x-origin iframe', ratio(rd.connect.median, rd.blankIframe.median));
  add(`ready p95 (${rd.runs} runs)`, ms(rd.connect.p95), ms(rd.blankIframe.p95), 'blank x-origin iframe', ratio(rd.connect.p95, rd.blankIframe.p95));
  if (rd.lead) {
    const ld = rd.lead;
    add(`ready median, ${ld.build} build (${rd.runs} runs)`, ms(ld.connect.median), ms(ld.blankIframe.median), 'blank x-origin iframe', ratio(ld.connect.median, ld.blankIframe.median));
    add(`ready p95, ${ld.build} build (${rd.runs} runs)`, ms(ld.connect.p95), ms(ld.blankIframe.p95), 'blank x-origin iframe', ratio(ld.connect.p95, ld.blankIframe.p95));
  }
  if (rd.leadNoStore) {
    const ld = rd.leadNoStore;
    add(`ready median, ${ld.build} build, no-store (${rd.runs} runs)`, ms(ld.connect.median), ms(ld.blankIframe.median), 'blank x-origin iframe, no-store', ratio(ld.connect.median, ld.blankIframe.median));
    add(`ready p95, ${ld.build} build, no-store (${rd.runs} runs)`, ms(ld.connect.p95), ms(ld.blankIframe.p95), 'blank x-origin iframe, no-store', ratio(ld.connect.p95, ld.blankIframe.p95));
  }
  if (rd.leadHashed) {
    const ld = rd.leadHashed;
    add(`ready median, ${ld.build} build, hashed, immutable (${rd.runs} runs)`, ms(ld.connect.median), ms(ld.blankIframe.median), 'blank x-origin iframe, revalidated', ratio(ld.connect.median, ld.blankIframe.median));
    add(`ready p95, ${ld.build} build, hashed, immutable (${rd.runs} runs)`, ms(ld.connect.p95), ms(ld.blankIframe.p95), 'blank x-origin iframe, revalidated', ratio(ld.connect.p95, ld.blankIframe.p95));
  }
  const l = r.latency;
  for (const p of ['p50', 'p99']) {
    add(`event latency ${p} (round trip)`, ms(l.inject[p]), ms(l.window[p]), 'bare window postMessage', ratio(l.inject[p], l.window[p]));
    add(`event latency ${p} (round trip)`, ms(l.inject[p]), ms(l.port[p]), 'bare MessageChannel port', ratio(l.inject[p], l.port[p]));
  }
  if (l.inject.cold) {
    add(`event latency p99, first ${l.inject.cold.samples} after connect`, ms(l.inject.cold.p99), ms(l.port.p99), 'bare MessageChannel port (warm)', ratio(l.inject.cold.p99, l.port.p99));
  }
  const t = r.throughput;
  const bursts = t.wasmPipeline.burst ? `bursts of ${t.wasmPipeline.burst} texts` : 'one text per call';
  add(`throughput core ev/s (wasm pipeline, ${bursts})`, `${num(t.wasmPipeline.eventsPerSec)} lost ${t.wasmPipeline.lost}`, `${num(t.plainJs.eventsPerSec)} lost ${t.plainJs.lost}`, 'plain JS xuc decode+routing', ratio(t.wasmPipeline.eventsPerSec, t.plainJs.eventsPerSec));
  if (t.wasmPerMessage) add('throughput core ev/s (wasm pipeline, one text per call)', `${num(t.wasmPerMessage.eventsPerSec)} lost ${t.wasmPerMessage.lost}`, `${num(t.plainJs.eventsPerSec)} lost ${t.plainJs.lost}`, 'plain JS xuc decode+routing', ratio(t.wasmPerMessage.eventsPerSec, t.plainJs.eventsPerSec));
  add('throughput wasm decoders alone ev/s', num(t.wasmDecoders.eventsPerSec), num(t.plainJs.eventsPerSec), 'plain JS xuc decode+routing', ratio(t.wasmDecoders.eventsPerSec, t.plainJs.eventsPerSec));
  add('throughput full channel ev/s', `${num(t.channel.eventsPerSec)} lost ${t.channel.lost}`, `${num(t.wasmPipeline.eventsPerSec)}`, 'wasm core in-page', ratio(t.channel.eventsPerSec, t.wasmPipeline.eventsPerSec));
  add('throughput full channel ev/s', `${num(t.channel.eventsPerSec)} lost ${t.channel.lost}`, `${num(t.penpal.eventsPerSec)} lost ${t.penpal.lost}`, `penpal@${r.size.refs.penpal.version} carrying them`, ratio(t.channel.eventsPerSec, t.penpal.eventsPerSec));
  const sc = r.scale;
  if (sc) {
    add(`scale: ${num(sc.agents)} agents, time to deliver all`, `${ms(sc.ms)} lost ${sc.lost}`, `${ms(sc.penpal.ms)} lost ${sc.penpal.lost}`, `penpal@${r.size.refs.penpal.version} carrying them`, ratio(sc.ms, sc.penpal.ms));
    add(`scale: ${num(sc.agents)} agents, memory (host / widget heap, wasm)`, `${sc.memory.flat ? 'flat' : 'GREW'}: ${(sc.memory.hostHeapAfter / 1048576).toFixed(2)} / ${(sc.memory.widgetHeapAfter / 1048576).toFixed(2)} MiB, ${(sc.memory.widgetWasmAfter / 1048576).toFixed(2)} MiB`, `${(sc.memory.hostHeapBefore / 1048576).toFixed(2)} / ${(sc.memory.widgetHeapBefore / 1048576).toFixed(2)} MiB, ${(sc.memory.widgetWasmBefore / 1048576).toFixed(2)} MiB`, 'before', '');
  }
  const pf = r.portFormat;
  add('port format ev/s (JSON text)', num(pf.text.eventsPerSec), num(pf.clone.eventsPerSec), 'structured clone, same port', ratio(pf.text.eventsPerSec, pf.clone.eventsPerSec));
  const m = r.memory;
  const mb = (b) => `${(b / 1048576).toFixed(2)} MiB`;
  add(`memory core JS heap (${num(m.core.events)} ev)`, mb(m.core.jsHeapAfter), mb(m.core.jsHeapBefore), 'before', ratio(m.core.jsHeapAfter, m.core.jsHeapBefore));
  add(`memory core wasm (${num(m.core.events)} ev)`, mb(m.core.wasmAfter), mb(m.core.wasmBefore), 'before', ratio(m.core.wasmAfter, m.core.wasmBefore));
  add(`memory channel host heap (${num(m.channel.events)} ev)`, mb(m.channel.hostHeapAfter), mb(m.channel.hostHeapBefore), 'before', ratio(m.channel.hostHeapAfter, m.channel.hostHeapBefore));
  add(`memory channel widget heap (${num(m.channel.events)} ev)`, mb(m.channel.widgetHeapAfter), mb(m.channel.widgetHeapBefore), 'before', ratio(m.channel.widgetHeapAfter, m.channel.widgetHeapBefore));
  add(`memory channel widget wasm (${num(m.channel.events)} ev)`, mb(m.channel.widgetWasmAfter), mb(m.channel.widgetWasmBefore), 'before', ratio(m.channel.widgetWasmAfter, m.channel.widgetWasmBefore));
  rows.push(['memory flat (core / channel)', `${m.core.flat ? 'flat' : 'GREW'} / ${m.channel.flat ? 'flat' : 'GREW'}`, '', '']);
  const head = ['figure', 'cti-bridge', 'reference (same run)', 'ratio'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
