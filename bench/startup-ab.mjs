// Start-up A/B: `node bench/startup-ab.mjs widget.html widget.other.html ...` (pages of www/, e.g.
// a copy of widget.html naming another script): connect() to ready for each page in turn, N times
// (BENCH_N, 40), each run after a blank cross-origin iframe from the same origin, as the bench
// loads them (the lead deployment's origin and configuration, files revalidated; BENCH_CACHE=no-store:
// downloaded anew; BENCH_CACHE=deploy: as docs/package.md says, pkg/<hash>/ `immutable`, the rest
// revalidated). BENCH_CACHE may list several conditions, `revalidate,deploy`: each page is then run
// under each, interleaved too. Prints per page (and condition) the medians and p95s of connect()
// and of its blank iframes.
// One browser, one set of servers, the pages interleaved (the order reversed every other run): on
// this loaded machine two runs of `node bench/startup.mjs` minutes apart differ by more than the
// 3-5 ms a start-up change moves (bench/README.md, `lean-startup4`); interleaved, both pages meet
// the same load. A measuring aid: the figures with references are `bash scripts/bench.sh`'s.
import { startBrowser } from '../tests/e2e/harness.mjs';
import { BENCH_CACHES, openBenchHost, startBenchOrigins } from './run.mjs';
import { envCount, pct } from './numbers.mjs';

const pages = process.argv.slice(2);
if (!pages.length || pages.some((p) => !/^[\w.+-]+\.html$/.test(p))) {
  console.error('usage: node bench/startup-ab.mjs PAGE.html [PAGE.html ...] (pages of www/)');
  process.exit(2);
}
const N = envCount('BENCH_N', 40);
const caches = (process.env.BENCH_CACHE || 'revalidate').split(',');
if (caches.some((c) => !BENCH_CACHES.includes(c))) {
  console.error(`BENCH_CACHE: a comma-separated list of ${BENCH_CACHES.join(', ')}`);
  process.exit(2);
}

const origins = await startBenchOrigins();
const browser = await startBrowser();
try {
  const page = await openBenchHost(browser, origins);
  // Each page under each condition: [label, page, origin].
  const cases = pages.flatMap((name) => caches.map((c) => [caches.length > 1 ? `${name} (${c})` : name, name, origins.leadOriginFor(c)]));
  const times = Object.fromEntries(cases.map(([label]) => [label, { blank: [], connect: [] }]));
  for (let i = 0; i < N; i++) {
    for (const [label, name, origin] of i % 2 ? [...cases].reverse() : cases) {
      const run = await page.evaluate(([origin, name, i]) => window.bench.ready(1, origin, name, i), [origin, name, i]);
      times[label].blank.push(run.blank[0]);
      times[label].connect.push(run.connect[0]);
    }
  }
  console.log(`start-up A/B, lead deployment's origin, ${N} interleaved runs per page (Chromium ${browser.context.browser()?.version() ?? '?'})`);
  for (const [label] of cases) {
    const { blank, connect } = times[label];
    const [c50, c95, b50, b95] = [pct(connect, 50), pct(connect, 95), pct(blank, 50), pct(blank, 95)];
    console.log(`${label.padEnd(24)} connect ${c50.toFixed(1)} / ${c95.toFixed(1)} ms, blank iframe ${b50.toFixed(1)} / ${b95.toFixed(1)} ms (median / p95): ${(c50 / b50).toFixed(2)}x / ${(c95 / b95).toFixed(2)}x`);
  }
  if (browser.problems.length) console.log('problems:', browser.problems);
} finally {
  await browser.close();
  await origins.close();
}
