// Smoke run of the benchmark (bash scripts/bench.sh) with tiny sizes, so it cannot rot:
// every figure must be in the printed table and in the results JSON.
//   node --test tests/e2e/bench-smoke.test.mjs      (needs bash scripts/build.sh first)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

test('bench smoke run prints every figure and writes them all to JSON', { timeout: 180000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cti-bridge-bench-'));
  const out = join(dir, 'results.json');
  try {
    const stdout = await new Promise((resolve, reject) => {
      execFile('node', [join(ROOT, 'bench', 'run.mjs')], {
        cwd: ROOT,
        env: { ...process.env, BENCH_N: '2', BENCH_LAT: '20', BENCH_CORE: '5000', BENCH_CHANNEL: '200', BENCH_SCALE: '300', BENCH_OUT: out },
        timeout: 170000,
      }, (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so)));
    });
    for (const row of [
      'size total (raw)', 'size total (gzip)', 'penpal@', 'post-robot@', 'amazon-connect-streams@',
      'ready median', 'ready p95', 'blank x-origin iframe', 'ready median, crm-connector+xuc build', 'ready p95, crm-connector+xuc build',
      'ready median, crm-connector+xuc build, hashed, immutable', 'blank x-origin iframe, revalidated',
      'event latency p50', 'event latency p99', 'bare window postMessage', 'bare MessageChannel port',
      'throughput core ev/s (wasm pipeline, bursts of 64 texts)', 'throughput core ev/s (wasm pipeline, one text per call)', 'plain JS xuc decode+routing', 'throughput wasm decoders alone', 'throughput full channel', 'carrying them',
      'port format ev/s (JSON text)', 'structured clone, same port',
      'memory core JS heap', 'memory core wasm', 'memory channel host heap', 'memory channel widget heap',
      'memory channel widget wasm', 'memory flat', 'scale: 300 agents, time to deliver all', 'scale: 300 agents, memory',
    ]) assert.ok(stdout.includes(row), `table lacks "${row}"\n${stdout}`);

    const r = JSON.parse(await readFile(out, 'utf8'));
    const num = (x, what) => assert.ok(Number.isFinite(x) && x >= 0, `${what}: ${x}`);
    num(r.size.total.raw, 'size raw');
    num(r.size.total.gzip, 'size gzip');
    for (const p of ['penpal', 'post-robot', 'amazon-connect-streams']) {
      assert.ok(r.size.refs[p].raw > 0 && r.size.refs[p].gzip > 0, p);
    }
    for (const k of ['connect', 'blankIframe']) for (const q of ['median', 'p95']) num(r.ready[k][q], `ready ${k} ${q}`);
    for (const k of ['connect', 'blankIframe']) for (const q of ['median', 'p95']) num(r.ready.lead[k][q], `ready lead ${k} ${q}`);
    for (const k of ['connect', 'blankIframe']) for (const q of ['median', 'p95']) num(r.ready.leadHashed[k][q], `ready leadHashed ${k} ${q}`);
    for (const k of ['inject', 'window', 'port']) for (const q of ['p50', 'p99']) num(r.latency[k][q], `latency ${k} ${q}`);
    for (const k of ['wasmPipeline', 'wasmPerMessage', 'plainJs', 'wasmDecoders', 'channel', 'penpal']) {
      assert.ok(r.throughput[k].eventsPerSec > 0, `throughput ${k}`);
    }
    for (const k of ['clone', 'text']) num(r.portFormat[k].eventsPerSec, `port format ${k}`);
    // No loss anywhere.
    assert.equal(r.throughput.wasmPipeline.lost, 0);
    assert.equal(r.throughput.wasmPipeline.errors, 0);
    assert.equal(r.throughput.wasmPipeline.burst, 64);
    assert.equal(r.throughput.wasmPerMessage.lost, 0);
    assert.equal(r.throughput.plainJs.lost, 0);
    assert.equal(r.throughput.channel.lost, 0);
    assert.equal(r.throughput.penpal.lost, 0);
    // The supervisor's stream: every agent's change delivered, timed next to penpal.
    assert.equal(r.scale.agents, 300);
    assert.equal(r.scale.delivered, 300);
    assert.equal(r.scale.lost, 0);
    assert.equal(r.scale.penpal.lost, 0);
    num(r.scale.ms, 'scale ms');
    num(r.scale.penpal.ms, 'scale penpal ms');
    assert.equal(typeof r.scale.memory.flat, 'boolean');
    for (const k of ['jsHeapBefore', 'jsHeapAfter', 'wasmBefore', 'wasmAfter']) assert.ok(r.memory.core[k] > 0, `memory core ${k}`);
    for (const k of ['hostHeapBefore', 'hostHeapAfter', 'widgetHeapBefore', 'widgetHeapAfter', 'widgetWasmBefore', 'widgetWasmAfter']) {
      assert.ok(r.memory.channel[k] > 0, `memory channel ${k}`);
    }
    assert.equal(typeof r.memory.core.flat, 'boolean');
    assert.equal(typeof r.memory.channel.flat, 'boolean');
    assert.deepEqual(r.problems, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
