// Where the in-page core row's time goes (issue 14): the bench's `core.wasmPipeline` loop
// (bench/pages/core.js: `Bridge.ingestTexts` in bursts of 64 xuc texts, then the host's handler
// per output) under the V8 CPU profiler, and `performance.now()` splits of its phases:
// the whole loop, `ingestTexts` alone, the `JSON.parse` of the burst's output text alone, the
// texts copied into wasm memory alone (`TextEncoder.encodeInto`, what the glue's
// `passStringToWasm0` does per text), and plain JS for scale.
//
//   node bench/profile-core.mjs               # needs www/pkg (bash scripts/build.sh)
//
// Environment: PROFILE_N events per phase (400000), PROFILE_ROUNDS (3), PROFILE_TOP functions
// listed (30), PROFILE_SAVE=1 writes the CPU profile to target/core.cpuprofile, PROFILE_PLAIN=1
// (the splits only, no profiler), PROFILE_PAGE (another page under bench/pages, e.g. a copy of
// core.html loading another build, for a before/after in one sitting).
// Not part of the bench table: it prints ms per phase, ns per event and self time per function.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBrowser, until, ROOT } from '../tests/e2e/harness.mjs';
import { startBenchOrigins } from './run.mjs';
import { printShares, selfTimes } from './cpu-profile.mjs';
import { envCount } from './numbers.mjs';

const N = envCount('PROFILE_N', 400_000);
const ROUNDS = envCount('PROFILE_ROUNDS', 3);
const TOP = envCount('PROFILE_TOP', 30);

async function main() {
  const origins = await startBenchOrigins();
  const browser = await startBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${origins.widgetOrigin}/bench/${process.env.PROFILE_PAGE || 'core.html'}`);
    await until(page, () => window.core && window.core.ready);
    await page.evaluate(() => window.core.ready);
    // The phases, each over N events, in the page (the bench's own loop is `wasmPipeline`).
    const phases = async (n) => page.evaluate((n) => window.core.phases(n), n);
    await phases(20_000); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      const p = await phases(N);
      const ns = (ms) => ((ms * 1e6) / n(p)).toFixed(0).padStart(5);
      function n(x) { return x.n; }
      console.log(`round ${r} (${p.n} events, ${p.outputsPerEvent.toFixed(2)} outputs and ${p.bytesPerEvent.toFixed(0)} bytes of JSON out per event):`);
      for (const [k, ms] of Object.entries(p.ms)) console.log(`  ${k.padEnd(46)} ${ms.toFixed(1).padStart(8)} ms ${ns(ms)} ns/event`);
    }
    if (process.env.PROFILE_PLAIN === '1') return;
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const run = await page.evaluate((n) => window.core.wasmPipeline(n), N);
    const { profile } = await cdp.send('Profiler.stop');
    console.log(`\nprofiled: wasmPipeline(${N}): ${Math.round((run.delivered / run.ms) * 1000)} ev/s (under the profiler)`);
    const s = selfTimes(profile);
    console.log(`\nby bucket (${s.total.toFixed(1)} ms sampled):`);
    printShares(s.buckets, s.total);
    console.log('\nself time per function:');
    printShares(s.rows.slice(0, TOP), s.total);
    if (process.env.PROFILE_SAVE) await writeFile(join(ROOT, 'target', 'core.cpuprofile'), JSON.stringify(profile));
  } finally {
    await browser.close();
    await origins.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
