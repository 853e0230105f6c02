// Starts `cti-bridge sim` for a test on a free loopback port (built first if missing)
// and gives its control API: stats, faults, feed lines, stop.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

export const SIM_BIN = join(ROOT, 'target', 'debug', 'cti-bridge');

/** Runs `cti-bridge sim --port 0 ...args`; resolves once it listens. */
export async function startSim(args = []) {
  if (!existsSync(SIM_BIN)) {
    const built = spawnSync('cargo', ['build', '-q', '--bin', 'cti-bridge'], { cwd: ROOT, stdio: 'inherit', timeout: 900_000 });
    assert.equal(built.status, 0, 'cargo build --bin cti-bridge');
  }
  const child = spawn(SIM_BIN, ['sim', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = null;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  // Never outlive this process, whatever happens to it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  exit.then(() => process.off('exit', kill));
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start in 10 s\n${stderr}`)), 10_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, nl));
      }
    });
    exit.then(({ code }) => { clearTimeout(timer); reject(new Error(`the simulator exited (${code})\n${stderr}`)); });
  });
  const addr = JSON.parse(first).listening;
  assert.match(addr, /^127\.0\.0\.1:\d+$/);
  const origin = `http://${addr}`;
  const call = async (method, path, body) => {
    const res = await fetch(`${origin}${path}`, { method, body, signal: AbortSignal.timeout(5000) });
    const json = await res.json();
    assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    addr,
    port: Number(addr.split(':')[1]),
    origin,
    wsOrigin: `ws://${addr}`,
    stats: () => call('GET', '/sim/stats'),
    /** Arms a fault, e.g. `xuc:drop` or `axp:restart`. */
    arm: (fault) => call('POST', `/sim/fault/${encodeURIComponent(fault)}`),
    /** Feeds scenario lines (objects). */
    send: (lines) => call('POST', '/sim/send', lines.map((l) => JSON.stringify(l)).join('\n')),
    stderr: () => stderr,
    /** SIGTERM (SIGKILL after 5 s); resolves with the exit status and the final `{"stats"}` line. */
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
      const last = stdout.trim().split('\n').pop();
      let stats = null;
      try { stats = JSON.parse(last).stats ?? null; } catch { /* not the stats line */ }
      return { ...exited, stats };
    },
  };
}
