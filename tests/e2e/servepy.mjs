// Runs scripts/serve.py (the demo's server) for a test, as scripts/demo.sh does.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const SERVE = join(ROOT, 'scripts', 'serve.py');

/** Starts serve.py on a free port (0) with `args`; resolves once it prints its URL. */
export function startServe(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SERVE, '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve.py did not start: ${out}${err}`)), 15000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/^serving .* on http:\/\/127\.0\.0\.1:(\d+)\//m);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output: () => out });
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.py exited (${code}): ${out}${err}`));
    });
  });
}

/** Stops a server from `startServe` (SIGTERM) and waits for it. */
export async function stopServe(server) {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}
