// The start-up critical path: `node bench/startup.mjs` (needs `bash scripts/build.sh` first).
// Runs CtiBridge.connect() to ready BENCH_N times (20) on the bench's origins (same servers and
// headers as the `ready` rows of `bash scripts/bench.sh`: the bench widget, full build, whose page
// names that build; `BENCH_BUILD=lead`: the lead deployment's origin and build, the shipped page;
// `BENCH_HINT=shipped` with the bench widget: the shipped page, whose hint is wrong there), each
// run after a blank cross-origin iframe from the same origin (the reference, as the bench loads
// it), and prints, per milestone, the median time from the connect() call (host clock; the
// widget frame's times are moved onto it through `performance.timeOrigin`): the frame's
// navigation and Resource Timing (start, first byte, end of each fetch), its fetch() calls,
// WebAssembly compile / instantiate calls, the window messages the frame receives and the
// `ready` it posts, the iframe's `load` at the host, and when the host's promise resolved; then
// the ready / blank iframe ratios (median, p95) of these runs, and the median time from the
// frame's first subresource request (its commit) to ready, the widget's own share. Milestones
// seen in only some runs say so. BENCH_DUMP=<file>: every run's milestones as JSON. The origins
// serve their files for revalidation as the bench does (BENCH_CACHE=no-store: downloaded anew;
// BENCH_CACHE=deploy: as docs/package.md says, the content-hashed builds pkg/<hash>/ `immutable`,
// the rest revalidated; `BENCH_BUILD=lead BENCH_CACHE=deploy` is the bench's "hashed, immutable" row).
// A measuring aid: the figures with references are `bash scripts/bench.sh`'s (bench/README.md).
/* global CtiBridge -- in page.evaluate() callbacks: the bench host page's window.CtiBridge */
import { startBrowser } from '../tests/e2e/harness.mjs';
import { openBenchHost, startBenchOrigins } from './run.mjs';
import { envCount, pct } from './numbers.mjs';

const N = envCount('BENCH_N', 20);
/** `BENCH_BUILD=lead`: the lead deployment's origin (crm-connector+xuc build); else the bench widget (full build). */
const LEAD = process.env.BENCH_BUILD === 'lead';

/** Runs in every frame before its scripts: notes when the wasm calls and messages happen. */
function instrument() {
  const notes = (window.__startup = []);
  const note = (what) => notes.push([what, performance.now()]);
  const wrap = (name) => {
    const original = WebAssembly[name];
    if (typeof original !== 'function') return;
    WebAssembly[name] = function (...args) {
      note(`${name} called`);
      const result = original.apply(this, args);
      result.then(() => note(`${name} done`), () => note(`${name} failed`));
      return result;
    };
  };
  for (const name of ['compileStreaming', 'instantiateStreaming', 'compile', 'instantiate']) wrap(name);
  // Synchronous instantiation of a compiled module (wasm-bindgen's initSync).
  WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
    construct(target, args, newTarget) {
      note('Instance created (sync)');
      const instance = Reflect.construct(target, args, newTarget);
      note('Instance ready (sync)');
      return instance;
    },
  });
  // The host page: when the iframe's `load` reached it (the drop-in sends `connect` then).
  document.addEventListener('load', (e) => {
    if (e.target && e.target.tagName === 'IFRAME') note('iframe load event');
  }, true);
  const fetchOriginal = window.fetch;
  window.fetch = function (input, ...rest) {
    const name = String(input instanceof Request ? input.url : input).replace(location.origin, '').split('?')[0];
    note(`fetch ${name} called`);
    const result = fetchOriginal.call(this, input, ...rest);
    result.then(() => note(`fetch ${name} answered`), () => note(`fetch ${name} failed`));
    return result;
  };
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (message, ...rest) {
    if (typeof message === 'string' && message.includes('"t":"ready"')) note('ready posted on the port');
    return post.call(this, message, ...rest);
  };
  window.addEventListener('message', (e) => {
    if (e.data && typeof e.data.cti === 'string') note(`window message ${e.data.cti} received`);
  }, true);
  window.addEventListener('load', () => note('load event'));
}

const origins = await startBenchOrigins();
const browser = await startBrowser();
try {
  await browser.context.addInitScript(instrument);
  const page = await openBenchHost(browser, origins);
  const runs = [];
  const widgetOrigin = LEAD ? origins.leadOrigin : origins.widgetOrigin;
  for (let i = 0; i < N; i++) {
    const host = await page.evaluate(async ([widgetOrigin, i]) => {
      const slot = document.getElementById('slot');
      slot.textContent = '';
      // The reference, as the bench measures it: a blank cross-origin iframe from the same origin.
      const blank = await window.bench.blank(widgetOrigin, i);
      window.__startup.length = 0;
      const t0 = performance.now();
      const bridge = await CtiBridge.connect({ widgetUrl: `${widgetOrigin}/widget.html`, container: slot, timeoutMs: 20000 });
      const t1 = performance.now();
      window.__bridge = bridge;
      return { origin: performance.timeOrigin + t0, resolved: t1 - t0, blank, notes: window.__startup.filter(([, t]) => t >= t0).map(([w, t]) => [`host: ${w}`, t - t0]) };
    }, [widgetOrigin, i]);
    const frame = page.frames().find((f) => f.url().startsWith(`${widgetOrigin}/widget.html`));
    const seen = await frame.evaluate(() => {
      const path = (url) => url.replace(location.origin, '');
      const out = [];
      for (const e of performance.getEntriesByType('navigation')) out.push(['widget.html first byte', e.responseStart], ['widget.html end', e.responseEnd], ['DOMContentLoaded', e.domContentLoadedEventStart]);
      for (const e of performance.getEntriesByType('resource')) {
        out.push([`${path(e.name)} requested`, e.startTime], [`${path(e.name)} first byte`, e.responseStart], [`${path(e.name)} end`, e.responseEnd]);
      }
      return { origin: performance.timeOrigin, marks: out.concat(window.__startup) };
    });
    await page.evaluate(() => window.__bridge.dispose());
    const shift = seen.origin - host.origin;
    runs.push([['frame time origin', shift], ...seen.marks.map(([w, t]) => [w, t + shift]), ...host.notes, ['host: connect() resolved', host.resolved], ['reference: blank iframe loaded (host clock, from its creation)', host.blank]]);
  }
  if (process.env.BENCH_DUMP) (await import('node:fs')).writeFileSync(process.env.BENCH_DUMP, JSON.stringify(runs));
  const times = new Map();
  for (const run of runs) {
    const count = new Map();
    for (const [what, t] of run) {
      const n = (count.get(what) || 0) + 1;
      count.set(what, n);
      const key = n > 1 ? `${what} (#${n})` : what;
      if (!times.has(key)) times.set(key, []);
      times.get(key).push(t);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = [...times].map(([what, xs]) => [median(xs), what, xs.length]).sort((a, b) => a[0] - b[0]);
  console.log(`start-up critical path, ${LEAD ? 'lead build (crm-connector+xuc)' : 'full build'}, median of ${N} runs, ms from connect() (Chromium ${browser.context.browser()?.version() ?? '?'})`);
  for (const [t, what, n] of rows) console.log(`${t.toFixed(1).padStart(8)}  ${what}${n < N ? `  (${n} of ${N} runs)` : ''}`);
  const ratio = (p) => pct(times.get('host: connect() resolved'), p) / pct(times.get('reference: blank iframe loaded (host clock, from its creation)'), p);
  console.log(`ready / blank iframe: median ${ratio(50).toFixed(2)}x, p95 ${ratio(95).toFixed(2)}x`);
  // The widget's own share, from its first subresource request (the frame committed) to the
  // resolved promise: the part start-up work can move (the frame's creation and commit are the
  // blank iframe's too).
  const committed = runs.map((run) => {
    const first = Math.min(...run.filter(([w]) => w.endsWith(' requested')).map(([, t]) => t));
    return run.find(([w]) => w === 'host: connect() resolved')[1] - first;
  });
  console.log(`from the frame's first subresource request to ready: median ${median(committed).toFixed(1)} ms`);
  if (browser.problems.length) console.log('problems:', browser.problems);
} finally {
  await browser.close();
  await origins.close();
}
