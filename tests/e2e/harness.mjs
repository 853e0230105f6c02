// Shared end-to-end harness: real loopback servers on distinct origins and a
// headless Chromium (Playwright, Debian's /usr/bin/chromium).
//
// - host origin   http://127.0.0.1:A   test host pages (tests/e2e/host/) + the drop-in script
// - widget origin http://localhost:B   www/ (widget.html, pkg/) + a generated widget-config.json
//                                      + demo/stand-ins/ (the vendor SDK stand-ins a config may load)
// - third origin  http://127.0.0.1:C   pages that forge messages
// Every page is served with a strict CSP: no inline script, no eval.

import http from 'node:http';
import { readFile, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.jsonl': 'application/x-ndjson',
};

/** Serves files from `roots` ({urlPrefix: dir or [dirs], first that has the file}) plus `routes` ({path: () => [type, body, status?]}) on 127.0.0.1. */
export async function serve({ roots, routes = {}, csp }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = decodeURIComponent(url.pathname);
    const headers = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    if (path === '/favicon.ico') {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    if (routes[path]) {
      const [type, body, status = 200] = routes[path](url.searchParams);
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(body);
      return;
    }
    for (const [prefix, dirs] of Object.entries(roots)) {
      if (!path.startsWith(prefix)) continue;
      const rel = normalize(path.slice(prefix.length) || 'index.html');
      if (rel.startsWith('..') || rel.includes(`${sep}..`)) break;
      for (const dir of [dirs].flat()) {
        try {
          const body = await readFile(join(dir, rel));
          res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(rel)] || 'application/octet-stream' });
          res.end(body);
          return;
        } catch {
          // try the next folder or root
        }
      }
    }
    res.writeHead(404, headers);
    res.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";

/**
 * Starts the three origins. `widgetConfig(hostOrigin, variant)` returns the widget's config
 * object (`variant` is the widget page's `?config=` parameter). `connectSrc` adds CSP
 * `connect-src` sources to the widget origin (a simulator the widget's live client reaches).
 */
export async function startOrigins(widgetConfig, { connectSrc = [], widgetRoutes = {} } = {}) {
  // The widget origin needs the host origin for its allow-list, and the host's
  // CSP needs the widget origin for frame-src: start both, then fill in.
  let hostOrigin = '';
  let widgetOrigin = '';
  let thirdOrigin = '';
  const widget = await serve({
    roots: { '/stand-ins/': join(ROOT, 'demo', 'stand-ins'), '/': join(ROOT, 'www') },
    routes: {
      '/widget-config.json': (query) => ['application/json', JSON.stringify(widgetConfig(hostOrigin, query.get('config')))],
      ...widgetRoutes,
    },
    // `connectSrc`: where the widget's own contact-centre client may connect (a simulator).
    csp: `${PAGE_CSP}${connectSrc.map((s) => ` ${s}`).join('')}; frame-ancestors 'self' http://127.0.0.1:*`,
  });
  const host = await serve({
    roots: { '/lib/': join(ROOT, 'www'), '/stand-ins/': join(ROOT, 'demo', 'stand-ins'), '/': join(ROOT, 'tests', 'e2e', 'host') },
    csp: `${PAGE_CSP}; frame-src http://localhost:${widget.port} http://127.0.0.1:*`,
  });
  const third = await serve({
    roots: { '/': join(ROOT, 'tests', 'e2e', 'host') },
    csp: `${PAGE_CSP}; frame-ancestors http://127.0.0.1:*`,
  });
  hostOrigin = `http://127.0.0.1:${host.port}`;
  widgetOrigin = `http://localhost:${widget.port}`;
  thirdOrigin = `http://127.0.0.1:${third.port}`;
  return {
    hostOrigin,
    widgetOrigin,
    thirdOrigin,
    close: async () => {
      await Promise.all([widget.close(), host.close(), third.close()]);
    },
  };
}

/**
 * A fresh headless Chromium; collects console errors, page errors and CSP violations per page.
 * `preferences`: the profile's Chromium preferences, e.g. `{profile: {cookie_controls_mode: 0}}`
 * allows third-party cookies and storage (this Chromium blocks them by default).
 */
export async function startBrowser({ preferences } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'cti-bridge-e2e-'));
  if (preferences) {
    await mkdir(join(profile, 'Default'), { recursive: true });
    await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify(preferences));
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const problems = [];
  context.on('page', (page) => watch(page, problems));
  for (const page of context.pages()) watch(page, problems);
  return {
    context,
    problems,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

function watch(page, problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
}

/** Polls `fn` in the page until it returns a truthy value (bounded). */
export async function until(page, fn, arg, timeoutMs = 10000) {
  const handle = await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 50 });
  return handle.jsonValue();
}
