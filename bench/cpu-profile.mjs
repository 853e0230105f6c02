// Reading and printing a V8 CPU profile (CDP `Profiler.stop`): used by bench/profile-core.mjs and
// bench/profile-latency.mjs.

/**
 * Self time per function (ms) of a V8 CPU profile, largest first; per bucket (wasm code, the
 * wasm-bindgen glue, the bench page, V8's own entries such as `(garbage collector)`); and the total
 * sampled. The glue's imports are anonymous: they are named by their position in the file.
 */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const buckets = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const f = node.callFrame;
    const file = f.url ? f.url.split('/').pop() : '';
    const at = !f.functionName && f.url ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}${at}` : ''}`;
    self.set(key, (self.get(key) || 0) + dt);
    const bucket = file.endsWith('.wasm') || f.url.startsWith('wasm://') ? 'wasm code'
      : file === 'cti_bridge.js' ? 'wasm-bindgen glue (JS)'
        : file === 'core.js' ? 'bench page (JS)'
          : f.functionName.startsWith('(') ? f.functionName : `other ${file || f.functionName}`;
    buckets.set(bucket, (buckets.get(bucket) || 0) + dt);
    total += dt;
  }
  const sort = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { total, rows: sort(self), buckets: sort(buckets) };
}

/** Prints `[name, ms]` entries as rows: the ms and their share of `total`. */
export function printShares(entries, total) {
  for (const [k, v] of entries) console.log(`  ${v.toFixed(1).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}
