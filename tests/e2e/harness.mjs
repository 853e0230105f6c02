// Shared end-to-end harness: real loopback servers on distinct origins and a
// headless Chromium (Playwright, Debian's /usr/bin/chromium).
//
// - host origin   http://127.0.0.1:A   test host pages (tests/e2e/host/) + the drop-in script
// - widget origin http://localhost:B   www/ (widget.html, pkg/) + a generated widget-config.json
//                                      + demo/stand-ins/ (the vendor SDK stand-ins a config may load)
// - third origin  http://127.0.0.1:C   pages that forge messages
// Every page is served with a strict CSP: no inline script, no eval.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname, normalize, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { HASH_LENGTH } from '../../scripts/hash-pkg.mjs';

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

/** The content-hashed folder of the builds (scripts/build.sh, scripts/hash-pkg.mjs): `/pkg/<hash>/`. */
export const HASHED_PKG = new RegExp(`^/pkg/[0-9a-f]{${HASH_LENGTH}}/`);

/**
 * Serves files from `roots` ({urlPrefix: dir or [dirs], first that has the file}) plus `routes`
 * ({path: () => [type, body, status?]}) on `host` (127.0.0.1). `cache`: `no-store` (default:
 * nothing kept), `revalidate` (every file `Cache-Control: no-cache` with an `ETag`, answered
 * `304 Not Modified` when unchanged, so a rebuild is picked up at the next load) or `deploy` (as
 * docs/package.md tells a deployment: the content-hashed builds, `/pkg/<hash>/**`, `public,
 * max-age=31536000, immutable`; every other file as `revalidate`). Routes are always `no-store`
 * (widget-config.json is one). `requests`: every request's path and status, in order.
 */
export async function serve({ roots, routes = {}, csp, host = '127.0.0.1', cache = 'no-store' }) {
  if (!['no-store', 'revalidate', 'deploy'].includes(cache)) throw new Error(`serve: unknown cache ${cache}`);
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = decodeURIComponent(url.pathname);
    res.on('finish', () => requests.push({ path, status: res.statusCode }));
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
          const immutable = cache === 'deploy' && HASHED_PKG.test(path);
          if (cache !== 'no-store' && !immutable) {
            const info = await stat(join(dir, rel));
            if (!info.isFile()) continue;
            const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
            Object.assign(headers, { 'Cache-Control': 'no-cache', ETag: etag });
            if (req.headers['if-none-match'] === etag) {
              res.writeHead(304, headers);
              res.end();
              return;
            }
          }
          const body = await readFile(join(dir, rel));
          // Never changes under its name: kept a year, not even revalidated on reload (a 404 is not).
          if (immutable) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
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
  await new Promise((resolve) => server.listen(0, host, resolve));
  // closeAllConnections: a socket Chromium opened ahead (no request on it yet) would hold close() for ~100 s.
  return { server, port: server.address().port, requests, close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }) };
}

const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";

/**
 * Starts the three origins. `widgetConfig(hostOrigin, variant)` returns the widget's config
 * object (`variant` is the widget page's `?config=` parameter). `connectSrc` adds CSP
 * `connect-src` sources to the widget origin (a simulator the widget's live client reaches).
 * `widgetCache`: how the widget origin serves its files (`serve`'s `cache`); `widgetRequests`:
 * the requests it answered.
 */
export async function startOrigins(widgetConfig, { connectSrc = [], widgetRoutes = {}, frameAncestors = [], widgetCache = 'no-store' } = {}) {
  // The widget origin needs the host origin for its allow-list, and the host's
  // CSP needs the widget origin for frame-src: start both, then fill in.
  let hostOrigin = '';
  let widgetOrigin = '';
  let thirdOrigin = '';
  let widgetPort = 0;
  const widget = await serve({
    roots: { '/stand-ins/': join(ROOT, 'demo', 'stand-ins'), '/': join(ROOT, 'www') },
    routes: {
      '/widget-config.json': (query) => ['application/json', JSON.stringify(widgetConfig(hostOrigin, query.get('config')))],
      ...widgetRoutes,
    },
    // `connectSrc`: where the widget's own contact-centre client may connect (a simulator).
    csp: `${PAGE_CSP}${connectSrc.map((s) => ` ${s}`).join('')}; frame-ancestors 'self' http://127.0.0.1:*${frameAncestors.map((s) => ` ${s}`).join('')}`,
    cache: widgetCache,
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
  widgetPort = widget.port;
  widgetOrigin = `http://localhost:${widget.port}`;
  thirdOrigin = `http://127.0.0.1:${third.port}`;
  return {
    hostOrigin,
    widgetOrigin,
    thirdOrigin,
    widgetRequests: widget.requests,
    /**
     * Another CRM site (another loopback address: another site, so another storage partition)
     * serving the same host pages; the widget must allow it (`frameAncestors`, its allow-list).
     */
    secondSite: async (address = '127.0.0.2') => {
      const site = await serve({
        roots: { '/lib/': join(ROOT, 'www'), '/stand-ins/': join(ROOT, 'demo', 'stand-ins'), '/': join(ROOT, 'tests', 'e2e', 'host') },
        csp: `${PAGE_CSP}; frame-src http://localhost:${widgetPort}`,
        host: address,
      });
      return { origin: `http://${address}:${site.port}`, close: site.close };
    },
    close: async () => {
      await Promise.all([widget.close(), host.close(), third.close()]);
    },
  };
}

/**
 * Playwright's default `--disable-features=...` switch, read from its own source: it turns off
 * `ThirdPartyStoragePartitioning`, which leaves a cross-site widget frame with no storage and
 * no Web Locks (a SecurityError) instead of the partitioned ones real browsers give it. The
 * browser is started without that switch and with the same list minus that one feature.
 * Anything unexpected in the list (not a plain string) fails here, never silently.
 */
export function playwrightFeatureSwitches() {
  const require = createRequire(import.meta.url);
  const bundle = readFileSync(join(dirname(require.resolve('playwright-core/package.json')), 'lib', 'coreBundle.js'), 'utf8');
  const start = bundle.indexOf('disabledFeatures = [');
  const end = bundle.indexOf('].filter(Boolean)', start);
  if (start < 0 || end < 0) throw new Error("harness: Playwright's disabledFeatures list was not found");
  const body = bundle.slice(start + 'disabledFeatures = ['.length, end).replace(/\/\/[^\n]*/g, '');
  const items = body.split(',').map((s) => s.trim()).filter(Boolean);
  const features = items.map((item) => {
    const m = /^"([A-Za-z0-9_]+)"$/.exec(item);
    if (!m) throw new Error(`harness: unexpected entry in Playwright's disabledFeatures: ${item}`);
    return m[1];
  });
  return {
    ignore: `--disable-features=${features.join(',')}`,
    keep: `--disable-features=${features.filter((f) => f !== 'ThirdPartyStoragePartitioning').join(',')}`,
  };
}

/**
 * Fails unless a frame has what the widget needs from the browser (Web Locks, session and
 * local storage): a Playwright or Chromium upgrade cannot turn storage partitioning off silently.
 */
export async function assertFrameStorage(frame) {
  const missing = await frame.evaluate(() => {
    const out = [];
    try { if (!navigator.locks || typeof navigator.locks.request !== 'function') out.push('navigator.locks'); } catch (e) { out.push(`navigator.locks (${e.name})`); }
    try { window.sessionStorage.getItem('x'); } catch (e) { out.push(`sessionStorage (${e.name})`); }
    try { window.localStorage.getItem('x'); } catch (e) { out.push(`localStorage (${e.name})`); }
    return out;
  });
  if (missing.length) throw new Error(`harness: the widget frame ${frame.url()} has no ${missing.join(', ')}: is storage partitioning off?`);
}

/**
 * A fresh headless Chromium; collects console errors, page errors and CSP violations per page.
 * `preferences`: the profile's Chromium preferences, e.g. `{profile: {cookie_controls_mode: 1}}`
 * blocks third-party cookies and storage (a fault the diagnostics test makes on purpose).
 */
export async function startBrowser({ args = [], preferences, partitioning = true } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'cti-bridge-e2e-'));
  if (preferences) {
    await mkdir(join(profile, 'Default'), { recursive: true });
    await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify(preferences));
  }
  const switches = playwrightFeatureSwitches();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Storage partitioning on (as in real browsers): see playwrightFeatureSwitches.
    // `partitioning: false` keeps Playwright's switch: third-party storage denied (a fault on purpose).
    ignoreDefaultArgs: partitioning ? [switches.ignore] : [],
    args: [
      ...(partitioning ? [switches.keep] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  });
  // The self-check needs third-party storage; a test that blocks it on purpose skips it.
  if (partitioning && preferences?.profile?.cookie_controls_mode !== 1) await checkPartitioning(context);
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

/** A cross-site frame (127.0.0.1 embedding localhost) must have Web Locks and storage. */
async function checkPartitioning(context) {
  const csp = "default-src 'self'; frame-src http://localhost:*; frame-ancestors http://127.0.0.1:*";
  const inner = await serve({ roots: {}, routes: { '/frame.html': () => ['text/html', '<!doctype html><title>f</title>'] }, csp });
  const outer = await serve({
    roots: {},
    routes: { '/': () => ['text/html', `<!doctype html><title>h</title><iframe src="http://localhost:${inner.port}/frame.html"></iframe>`] },
    csp,
  });
  const page = await context.newPage();
  try {
    await page.goto(`http://127.0.0.1:${outer.port}/`);
    const frame = await page.waitForSelector('iframe').then((h) => h.contentFrame());
    await frame.waitForLoadState();
    await assertFrameStorage(frame);
  } finally {
    await page.close();
    await Promise.all([inner.close(), outer.close()]);
  }
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
