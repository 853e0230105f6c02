// Start-up A/B: `node bench/startup-ab.mjs widget.html widget.other.html ...` (pages of www/, e.g.
// a copy of widget.html naming another script): connect() to ready for each page in turn, N times
// (BENCH_N, 40), each run after a blank cross-origin iframe from the same origin, as the bench
// loads them (the lead deployment's origin and configuration, files revalidated; BENCH_CACHE=no-store:
// downloaded anew). Prints per page the medians and p95s of connect() and of its blank iframes.
// One browser, one set of servers, the pages interleaved (the order reversed every other run): on
// this loaded machine two runs of `node bench/startup.mjs` minutes apart differ by more than the
// 3-5 ms a start-up change moves (bench/README.md, `lean-startup4`); interleaved, both pages meet
// the same load. A measuring aid: the figures with references are `bash scripts/bench.sh`'s.
import { startBrowser } from '../tests/e2e/harness.mjs';
import { openBenchHost, startBenchOrigins } from './run.mjs';
import { envCount, pct } from './numbers.mjs';

const pages = process.argv.slice(2);
if (!pages.length || pages.some((p) => !/^[\w.+-]+\.html$/.test(p))) {
  console.error('usage: node bench/startup-ab.mjs PAGE.html [PAGE.html ...] (pages of www/)');
  process.exit(2);
}
const N = envCount('BENCH_N', 40);

const origins = await startBenchOrigins();
const browser = await startBrowser();
try {
  const page = await openBenchHost(browser, origins);
  const origin = process.env.BENCH_CACHE === 'no-store' ? origins.leadNoStoreOrigin : origins.leadOrigin;
  const times = Object.fromEntries(pages.map((p) => [p, { blank: [], connect: [] }]));
  for (let i = 0; i < N; i++) {
    for (const name of i % 2 ? [...pages].reverse() : pages) {
      const run = await page.evaluate(([origin, name, i]) => window.bench.ready(1, origin, name, i), [origin, name, i]);
      times[name].blank.push(run.blank[0]);
      times[name].connect.push(run.connect[0]);
    }
  }
  console.log(`start-up A/B, lead deployment's origin, ${N} interleaved runs per page (Chromium ${browser.context.browser()?.version() ?? '?'})`);
  for (const name of pages) {
    const { blank, connect } = times[name];
    const [c50, c95, b50, b95] = [pct(connect, 50), pct(connect, 95), pct(blank, 50), pct(blank, 95)];
    console.log(`${name.padEnd(24)} connect ${c50.toFixed(1)} / ${c95.toFixed(1)} ms, blank iframe ${b50.toFixed(1)} / ${b95.toFixed(1)} ms (median / p95): ${(c50 / b50).toFixed(2)}x / ${(c95 / b95).toFixed(2)}x`);
  }
  if (browser.problems.length) console.log('problems:', browser.problems);
} finally {
  await browser.close();
  await origins.close();
}
