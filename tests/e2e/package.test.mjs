// End-to-end: the npm package as a CRM team gets it. scripts/package.sh builds the tarball
// (SKIP_BUILD=1: reuses www/pkg when present), `npm install <tgz> --offline` puts it in a temp
// project, and headless Chromium loads a CRM page (http://127.0.0.1:A) that uses only the
// installed <cti-bridge> element, embedding the installed widget (http://localhost:B), both
// under a strict CSP, the widget served as docs/package.md says (its content-hashed builds
// `immutable`). The element must connect and raise DOM events, and dispose on removal.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, serve, startBrowser, until, HASHED_PKG } from './harness.mjs';
import { contentHash, filesUnder } from '../../scripts/hash-pkg.mjs';

const PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";

let dir;
let installed;
let widget;
let host;
let browser;
let hostOrigin = '';

// The CRM page: no inline script, only the installed element module and a page script.
const PAGE = (widgetUrl) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Package CRM</title>
<script type="module" src="/node_modules/cti-bridge/cti-bridge-element.js"></script>
<script type="module" src="/page.js"></script></head>
<body><h1>CRM</h1>
<cti-bridge widget-url="${widgetUrl}" allowed-origins="${new URL(widgetUrl).origin}" mode="synchronized"></cti-bridge>
</body></html>`;

const PAGE_JS = `
window.test = { events: [], kinds: [], errors: [] };
document.addEventListener('cti-bridge:event', (e) => window.test.events.push(e.detail));
document.addEventListener('cti-bridge:agentState', (e) => window.test.kinds.push('agentState:' + e.detail.state));
document.addEventListener('cti-bridge:connection', (e) => window.test.kinds.push('connection:' + e.detail.status));
document.addEventListener('cti-bridge:error', (e) => window.test.errors.push(e.detail.code + ': ' + e.detail.message));
`;

before(async () => {
  const tgz = execFileSync('bash', [join(ROOT, 'scripts', 'package.sh')], {
    env: { ...process.env, SKIP_BUILD: '1' },
    encoding: 'utf8',
  }).match(/^package: (.*\.tgz)$/m)[1];
  dir = await mkdtemp(join(tmpdir(), 'cti-bridge-pkg-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'crm-app', private: true }));
  execFileSync('npm', ['install', tgz, '--offline', '--no-audit', '--no-fund', '--silent'], { cwd: dir, stdio: 'inherit' });
  installed = join(dir, 'node_modules', 'cti-bridge');

  widget = await serve({
    roots: { '/': join(installed, 'widget') },
    routes: {
      '/widget-config.json': () => ['application/json', JSON.stringify({ allowedHostOrigins: [hostOrigin], allowInject: true })],
    },
    csp: `${PAGE_CSP}; frame-ancestors 'self' http://127.0.0.1:*`,
    cache: 'deploy',
  });
  const widgetUrl = `http://localhost:${widget.port}/widget.html`;
  host = await serve({
    roots: { '/node_modules/cti-bridge/': installed },
    routes: {
      '/index.html': () => ['text/html; charset=utf-8', PAGE(widgetUrl)],
      '/page.js': () => ['text/javascript', PAGE_JS],
    },
    csp: `${PAGE_CSP}; frame-src http://localhost:${widget.port}`,
  });
  hostOrigin = `http://127.0.0.1:${host.port}`;
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await widget?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the installed package has the declared exports and files', async () => {
  const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
  const cargo = await readFile(join(ROOT, 'Cargo.toml'), 'utf8');
  assert.equal(pkg.name, 'cti-bridge');
  assert.equal(pkg.version, cargo.match(/^version = "(.*)"$/m)[1]);
  assert.equal(pkg.exports['.'].import, './cti-bridge.mjs');
  assert.equal(pkg.exports['./classic'], './cti-bridge.js');
  assert.equal(pkg.exports['./element'].default, './cti-bridge-element.js');
  assert.equal(pkg.types, './cti-bridge.d.ts');
  for (const f of ['cti-bridge.js', 'cti-bridge.mjs', 'cti-bridge-element.js', 'cti-bridge.d.ts', 'cti-bridge-types.d.ts',
    'cti-bridge-element.d.ts', 'README.md', 'widget/widget.html', 'widget/widget.css', 'widget/diagnostics.html',
    'widget/pkg/cti_bridge.js', 'widget/pkg/cti_bridge_bg.wasm']) {
    await readFile(join(installed, f)); // throws when missing
  }
  // The builds as widget.html loads them: the one content-hashed folder it names, whose name is
  // the hash of what is in it (served `immutable`), and not the repository's stable folders.
  const page = await readFile(join(installed, 'widget/widget.html'), 'utf8');
  const named = [...new Set([...page.matchAll(/"(pkg\/[^/"]+\/)/g)].map((m) => m[1]))];
  assert.equal(named.length, 1, named.join(' '));
  assert.match(`/${named[0]}`, HASHED_PKG);
  const hash = named[0].split('/')[1];
  const files = filesUnder(join(installed, 'widget', named[0]));
  assert.equal(contentHash(files), hash);
  assert.deepEqual(files.map((f) => f.path).sort(), ['crm-connector+xuc/cti_bridge.js', 'crm-connector+xuc/cti_bridge_bg.wasm',
    'crm-connector+xuc/widget.js', 'cti_bridge.js', 'cti_bridge_bg.wasm', 'widget.js']);
  assert.deepEqual(readdirSync(join(installed, 'widget/pkg')).sort(), [hash, 'cti_bridge.js', 'cti_bridge_bg.wasm'].sort());
  assert.ok(!existsSync(join(installed, 'widget/widget.js')), 'the entry scripts carry widget.js');
});

test('the installed declarations type-check through the package exports', async () => {
  await writeFile(join(dir, 'usage.ts'), `
import CtiBridge, { connect, type Bridge } from "cti-bridge";
import CtiBridgeElement from "cti-bridge/element";
CtiBridge.setLogLevel("info");
const el: CtiBridgeElement = document.createElement("cti-bridge");
el.addEventListener("cti-bridge:agentState", (e) => void e);
export async function run(): Promise<Bridge> {
  return connect({ widgetUrl: "https://widget.example.com/widget.html", container: el, mode: "synchronized" });
}
`);
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'),
    ['--noEmit', '--strict', '--lib', 'es2020,dom', '--module', 'esnext', '--moduleResolution', 'bundler', 'usage.ts'],
    { cwd: dir, stdio: 'inherit' });
});

test('<cti-bridge> from the installed package connects to the installed widget and raises DOM events', async () => {
  const page = await browser.context.newPage();
  page.on('response', (r) => { if (r.status() >= 400) browser.problems.push('http ' + r.status() + ' ' + r.url()); });
  await page.goto(`${hostOrigin}/index.html`);
  await until(page, () => window.test.kinds.includes('connection:ready') || window.test.errors.length);
  assert.deepEqual(await page.evaluate(() => window.test.errors), [], JSON.stringify(browser.problems));
  // The installed widget ran from its hashed folder only (this configuration needs the full build:
  // the page's hint, the lead build, was wrong, and the right build came from the same folder).
  const builds = widget.requests.filter((r) => r.path.startsWith('/pkg/'));
  assert.ok(builds.length >= 2 && builds.every((r) => HASHED_PKG.test(r.path) && r.status === 200), JSON.stringify(builds));
  // The element exposes the bridge and proxies; the widget sees this page as its host.
  const diagnostics = await page.evaluate(async () => (await document.querySelector('cti-bridge').snapshot()).diagnostics);
  assert.equal(diagnostics.connected, true);
  assert.equal(diagnostics.hostOrigin, hostOrigin);
  // A contact-centre event becomes a DOM event of its kind and a generic one.
  await page.evaluate(() => document.querySelector('cti-bridge').bridge.inject('xuc', {
    msgType: 'AgentStateEvent',
    ctiMessage: { name: 'AgentReady', agentId: 19, phoneNb: '1000', since: 0, queues: [1] },
  }));
  await until(page, () => window.test.kinds.includes('agentState:ready'));
  const events = await page.evaluate(() => window.test.events.map((e) => e.kind));
  assert.ok(events.includes('connection') && events.includes('agentState'), events.join(','));
  // The iframe sits inside the element; removing the element disposes the bridge.
  assert.equal(await page.evaluate(() => document.querySelectorAll('cti-bridge > iframe').length), 1);
  const after = await page.evaluate(async () => {
    const el = document.querySelector('cti-bridge');
    el.remove();
    const error = await el.setAgentState('ready').then(() => null, (e) => e.code);
    return { bridge: el.bridge, iframes: document.querySelectorAll('iframe').length, error };
  });
  assert.deepEqual(after, { bridge: null, iframes: 0, error: 'disposed' });
  assert.deepEqual(browser.problems, []);
  await page.close();
});
