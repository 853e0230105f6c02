// End-to-end: the real widget wasm (www/pkg) and its exported XucClient in
// headless Chromium, against the xuc simulator (`cti-bridge sim`) on loopback.
//
//   node --test tests/e2e/xuc-live.test.mjs   (needs bash scripts/build.sh and cargo build first)
//
// Each test starts its own simulator on port 0 (its own contact centre, its
// own counters) and opens a fresh page (tests/e2e/live/xuc.html, strict CSP, no
// inline script or style) that creates XucClient instances with short
// heartbeat and back-off timings. The simulator's REST login has no CORS, so
// the page server forwards /xuc/ to it (same origin, as a reverse proxy would
// in production); the CTI socket goes straight to the simulator.
//
// Proves (issue 6, "Proof"): the login cases of docs/protocols.md#xuc-agent-login, a shift of state
// changes, queue changes, a callback life cycle, argument checks before
// sending, heartbeat loss / drop / server restart with back-off and state
// re-read, no lost and no duplicated agent-state event; prints the counts.
// Secrets: the passwords are random per run and the tokens are read from the
// browser's own network events; neither may appear in anything the page got.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, startBrowser, until, ROOT } from './harness.mjs';

const BIN = join(ROOT, 'target', 'debug', 'cti-bridge');
const PKG = join(ROOT, 'www', 'pkg');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "connect-src 'self' ws://127.0.0.1:*; base-uri 'none'; form-action 'none'";

const AGENT = { alice: '19', bob: '20', carol: '21' };
const CALLBACK = 'a967da84-bc41-4bf4-a4fc-2bcc54e11606'; // Alice O'Neill, list of queue 8
const AFTERNOON = 'd3270038-e20e-498a-af71-3cf69b5cc792';

// Calm timings for the command tests (fewer heartbeats and answers in the
// logs), fast ones for the fault tests.
const CALM = { heartbeatMs: 2000, backoffBaseMs: 200, backoffMaxMs: 1600, stableMs: 1000 };
const FAST = { heartbeatMs: 250, backoffBaseMs: 200, backoffMaxMs: 1600, stableMs: 1000 };

let tmp;
let configPath;
let pages;
let browser;
let target = null; // the simulator the page server forwards /xuc/ to
const RUNNING = new Set(); // simulator processes not stopped yet
const PASSWORDS = {};
const SECRETS = new Set(); // passwords + every token the browser used
const ROWS = []; // the counts table

// ---------------------------------------------------------------- set-up

before(async () => {
  const glue = existsSync(join(PKG, 'cti_bridge.js')) ? readFileSync(join(PKG, 'cti_bridge.js'), 'utf8') : '';
  assert.ok(glue.includes('class XucClient'), 'www/pkg has no XucClient: run `bash scripts/build.sh` first');
  if (!existsSync(BIN)) {
    const built = spawnSync('cargo', ['build', '-q', '--bin', 'cti-bridge'], { cwd: ROOT, stdio: 'inherit', timeout: 600_000 });
    assert.equal(built.status, 0, 'cargo build --bin cti-bridge failed');
  }
  // The shipped configuration with a random password per user.
  tmp = await mkdtemp(join(tmpdir(), 'cti-bridge-xuc-live-'));
  const config = JSON.parse(readFileSync(join(ROOT, 'crates', 'sim', 'scenarios', 'xuc-config.json'), 'utf8'));
  for (const user of config.users) {
    user.password = `pw-${user.login}-${randomBytes(12).toString('hex')}`;
    PASSWORDS[user.login] = user.password;
    SECRETS.add(user.password);
  }
  configPath = join(tmp, 'xuc-config.json');
  await writeFile(configPath, JSON.stringify(config));

  pages = await serve({ roots: { '/pkg/': PKG, '/': join(ROOT, 'tests', 'e2e', 'live') }, csp: CSP });
  // Forward /xuc/ (the REST login) to the current simulator.
  const statics = pages.server.listeners('request')[0];
  pages.server.removeAllListeners('request');
  pages.server.on('request', (req, res) => {
    if (!req.url.startsWith('/xuc/')) return statics(req, res);
    if (!target) {
      res.writeHead(502);
      res.end();
      return;
    }
    const headers = { 'content-type': req.headers['content-type'] || 'application/json', accept: 'application/json' };
    const up = http.request(`${target.base}${req.url}`, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] || 'application/json', 'cache-control': 'no-store' });
      answer.pipe(res);
    });
    up.setTimeout(5000, () => up.destroy(new Error('time-out')));
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  browser = await startBrowser();
});

// A test that timed out may leave its simulator behind: never outlive this file.
process.on('exit', () => {
  for (const child of RUNNING) child.kill('SIGKILL');
});

after(async () => {
  for (const child of RUNNING) child.kill('SIGTERM');
  await browser?.close();
  await pages?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  printTable();
});

// ---------------------------------------------------------------- the simulator

/** Starts `cti-bridge sim` on port 0 with the test configuration and `flags`. */
async function startSim(flags) {
  const child = spawn(BIN, ['sim', '--port', '0', '--xuc-config', configPath, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  RUNNING.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => RUNNING.delete(child));
  const addr = await Promise.race([
    new Promise((resolve, reject) => {
      const check = () => {
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n')) {
          try {
            resolve(JSON.parse(line).listening);
          } catch {
            reject(new Error(`unexpected first line: ${line}`));
          }
          return true;
        }
        return false;
      };
      if (!check()) child.stdout.on('data', check);
    }),
    exited.then((code) => { throw new Error(`the simulator exited (${code}): ${stderr}`); }),
    new Promise((_, reject) => setTimeout(() => reject(new Error('the simulator did not start in 10 s')), 10_000).unref()),
  ]);
  assert.match(addr, /^127\.0\.0\.1:\d+$/);
  const base = `http://${addr}`;
  const request = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, { method, body, signal: AbortSignal.timeout(5000) });
    const json = await res.json();
    assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const sim = {
    addr,
    base,
    socketUrl: `ws://${addr}/xuc/api/2.0/cti`,
    log: () => stderr,
    stats: () => request('GET', '/sim/stats'),
    fault: (name) => request('POST', `/sim/fault/${name}?proto=xuc`),
    /** Feeds xuc frames (objects) at once through POST /sim/send. */
    send: (...frames) => request('POST', '/sim/send', frames.map((xuc) => JSON.stringify({ xuc })).join('\n')),
    /** Waits (bounded) until the simulator's counters satisfy `ok`. */
    async until(ok, what, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const stats = await sim.stats();
        if (ok(stats)) return stats;
        if (Date.now() > end) throw new Error(`simulator: ${what} not reached in ${timeoutMs} ms: ${JSON.stringify(stats.xuc)} ${JSON.stringify(stats.faults)}`);
        await sleep(25);
      }
    },
    /** SIGTERM, bounded; the final counters it prints. */
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 5000, false).unref())]);
        if (!done) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      const last = stdout.trim().split('\n').pop();
      try {
        return JSON.parse(last).stats;
      } catch {
        return null;
      }
    },
  };
  return sim;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Chromium's own network error lines (not console API calls: page scripts cannot
// read them). A failed CTI handshake prints the socket URL, token included.
const NETWORK_LINE = /^(WebSocket connection to '[^']*' failed: |Failed to load resource: the server responded with a status of 50[23])/;

// ---------------------------------------------------------------- the page and its clients

/** A fresh page of the test origin, recording what the browser saw on the wire and in the console. */
async function openPage(sim) {
  target = sim;
  const page = await browser.context.newPage();
  const wire = { framesIn: 0, pings: 0, commands: [], console: [], network: [], calls: [] };
  page.on('console', (msg) => (NETWORK_LINE.test(msg.text()) ? wire.network : wire.console).push(`${msg.type()}: ${msg.text()}`));
  page.on('websocket', (ws) => {
    const token = new URL(ws.url()).searchParams.get('token');
    if (token) SECRETS.add(token);
    ws.on('framereceived', () => { wire.framesIn += 1; });
    ws.on('framesent', ({ payload }) => {
      const frame = JSON.parse(String(payload));
      if (frame.claz === 'ping') wire.pings += 1;
      else wire.commands.push(frame);
    });
  });
  page.on('response', async (res) => {
    if (!res.url().endsWith('/xuc/api/2.0/auth/login')) return;
    try {
      const body = await res.json();
      if (body.token) SECRETS.add(body.token);
    } catch {
      // 503 during a restart: no token
    }
  });
  // The credentials provider answers from here: the page keeps no copy.
  await page.exposeFunction('xucCredentials', (name) => ({ login: name, password: PASSWORDS[name] }));
  await page.goto(`http://127.0.0.1:${pages.port}/xuc.html`);
  await until(page, () => window.live.ready || window.live.error, undefined, 10_000);
  assert.equal(await page.evaluate(() => window.live.error), null);
  return { page, sim, wire, clients: [] };
}

/** One XucClient in the page, with a cursor for ordered expectations. */
class Client {
  constructor(ctx, login, { agentId = AGENT[login], timing = CALM, seed = 7 } = {}) {
    Object.assign(this, { ctx, login, agentId, timing, seed, cursor: 0 });
    ctx.clients.push(this);
  }

  async create() {
    const options = {
      baseUrl: `http://127.0.0.1:${pages.port}`,
      socketUrl: this.ctx.sim.socketUrl,
      seed: this.seed,
      timing: this.timing,
      ...(this.agentId ? { agentId: this.agentId } : {}),
    };
    await this.ctx.page.evaluate(([n, o]) => window.live.create(n, o), [this.login, options]);
    return this;
  }

  /** Calls a method of the exported client: {ok, value} or {ok: false, error}. */
  async call(method, ...args) {
    const result = await this.ctx.page.evaluate(([n, m, a]) => window.live.call(n, m, a), [this.login, method, args]);
    this.ctx.wire.calls.push({ method, result });
    return result;
  }

  async ok(method, ...args) {
    const r = await this.call(method, ...args);
    assert.ok(r.ok, `${this.login}.${method}(${JSON.stringify(args)}) threw: ${r.error}`);
    return r.value;
  }

  /** The call must throw; returns its message. */
  async refused(method, ...args) {
    const r = await this.call(method, ...args);
    assert.equal(r.ok, false, `${this.login}.${method}(${JSON.stringify(args)}) was accepted`);
    return r.error;
  }

  /** Starts the client and waits for it to be live with its state read. */
  async start() {
    await this.ok('start');
    await this.expect({ type: 'health', data: { state: 'live' } });
    await this.expect({ type: 'output', data: { kind: 'directory' } });
    return this;
  }

  /** Waits (bounded) for the next log entry after the cursor matching `pattern`; moves the cursor past it. */
  async expect(pattern, timeoutMs = 5000) {
    try {
      const found = await until(this.ctx.page, ([n, f, p]) => window.live.find(n, f, p), [this.login, this.cursor, pattern], timeoutMs);
      this.cursor = found.index + 1;
      return found.entry.data;
    } catch (e) {
      const tail = (await this.log()).slice(this.cursor).slice(-12).map((x) => `${x.type} ${JSON.stringify(x.data)}`);
      throw new Error(`${this.login}: no ${JSON.stringify(pattern)} within ${timeoutMs} ms after entry ${this.cursor}; since then:\n  ${tail.join('\n  ')}\n(${e.message.split('\n')[0]})`);
    }
  }

  /** Moves the cursor to the end of the log (what came so far is checked elsewhere). */
  async skip() {
    this.cursor = (await this.log()).length;
  }

  log() {
    return this.ctx.page.evaluate((n) => window.live.logs[n], this.login);
  }

  async outputs(kind) {
    return (await this.log()).filter((e) => e.type === 'output' && (!kind || e.data.kind === kind)).map((e) => e.data);
  }

  async health() {
    return (await this.log()).filter((e) => e.type === 'health').map((e) => ({ at: e.at, ...e.data }));
  }
}

/** `state[/reason][@phone]` of a normalized agentState event, for readable comparisons. */
const short = (e) => `${e.state}${e.reason ? `/${e.reason}` : ''}${e.phoneNumber ? `@${e.phoneNumber}` : ''}`;

/** Lost and duplicated entries of `actual` against `expected` (multisets of strings). */
function diff(expected, actual) {
  const left = new Map();
  for (const x of expected) left.set(x, (left.get(x) || 0) + 1);
  let duplicates = 0;
  for (const x of actual) {
    if (left.get(x)) left.set(x, left.get(x) - 1);
    else duplicates += 1;
  }
  const lost = [...left.values()].reduce((a, b) => a + b, 0);
  return { lost, duplicates };
}

/**
 * Common end of every test: no secret anywhere the page could see, no page
 * error, the counts recorded; then the page is closed and the simulator stopped.
 */
async function finish(ctx, name, extra = {}) {
  const { page, wire } = ctx;
  const logs = await page.evaluate(() => window.live.logs);
  const asked = await page.evaluate(() => window.live.asked);
  const health = {};
  for (const c of ctx.clients) health[c.login] = await page.evaluate((n) => window.live.call(n, 'health'), c.login);
  const stats = await close(ctx);
  const handed = { outputs: JSON.stringify(logs), console: JSON.stringify(wire.console), calls: JSON.stringify(wire.calls), health: JSON.stringify(health) };
  assert.ok(SECRETS.size > Object.keys(PASSWORDS).length, 'at least one token was seen on the wire');
  for (const [where, text] of Object.entries(handed)) {
    for (const secret of SECRETS) {
      const at = text.indexOf(secret);
      const around = at < 0 ? '' : `${text.slice(Math.max(0, at - 120), at)}[SECRET]${text.slice(at + secret.length, at + secret.length + 60)}`;
      assert.equal(at, -1, `a password or token reached the page (${where}): ${around}`);
    }
    assert.ok(!/token=/.test(text), `a socket URL with its token reached the page (${where})`);
  }
  for (const [login, n] of Object.entries(asked)) assert.equal(n, 1, `${login}: the provider is asked once, the credentials are kept for re-logins`);
  const problems = browser.problems.splice(0).filter((p) => !NETWORK_LINE.test(p.replace(/^console: /, '')));
  assert.deepEqual(problems, [], 'no console error, page error or CSP violation');

  let events = 0;
  let agentStates = 0;
  let restated = 0;
  let reconnects = 0;
  for (const c of ctx.clients) {
    const out = (logs[c.login] || []).filter((e) => e.type === 'output' && typeof e.data.seq === 'number');
    events += out.length;
    const states = out.filter((e) => e.data.kind === 'agentState').map((e) => `${short(e.data)} ${e.data.vendorState}`);
    agentStates += states.length;
    restated += states.filter((s, i) => i > 0 && s === states[i - 1]).length;
    reconnects += Math.max(0, (logs[c.login] || []).filter((e) => e.type === 'health' && e.data.state === 'live').length - 1);
  }
  ROWS.push({
    test: name,
    simFrames: stats?.xuc.events_sent ?? NaN,
    browserFrames: wire.framesIn,
    commands: wire.commands.length,
    pings: wire.pings,
    connections: stats?.xuc.connections ?? NaN,
    reconnects,
    events,
    agentStates,
    restated,
    duplicates: extra.duplicates ?? 0,
    lost: extra.lost ?? 0,
    leaks: 0, // asserted above
    tokenInBrowserLog: wire.network.filter((line) => [...SECRETS].some((x) => line.includes(x))).length,
  });
  return stats;
}

/** Frees the clients, closes the page, stops the simulator (once); its final counters. */
async function close(ctx) {
  if (!ctx.closing) {
    ctx.closing = (async () => {
      try {
        for (const c of ctx.clients) await ctx.page.evaluate((n) => window.live.destroy(n), c.login);
        await ctx.page.close();
      } finally {
        target = null;
        ctx.final = await ctx.sim.stop();
      }
      return ctx.final;
    })();
  }
  return ctx.closing;
}

/** Runs `body(ctx)` against a fresh simulator (started with `flags`) and page; always cleans up. */
async function scenario(flags, body) {
  const sim = await startSim(flags);
  let ctx = { sim, closing: null };
  try {
    ctx = { ...(await openPage(sim)), closing: null };
    await body(ctx);
  } finally {
    if (ctx.page) await close(ctx);
    else await sim.stop();
  }
}

function printTable() {
  if (!ROWS.length) return;
  const cols = [
    ['test', 'test'], ['simFrames', 'sim frames sent'], ['browserFrames', 'browser frames in'],
    ['commands', 'commands out'], ['pings', 'pings out'], ['connections', 'sockets'],
    ['reconnects', 'reconnects'], ['events', 'events out'], ['agentStates', 'agentState'],
    ['restated', 'restated'], ['duplicates', 'duplicates'], ['lost', 'lost'],
    ['leaks', 'secrets to page'], ['tokenInBrowserLog', 'token in browser log'],
  ];
  const total = { test: 'total' };
  for (const [k] of cols.slice(1)) total[k] = ROWS.reduce((a, r) => a + r[k], 0);
  const rows = [...ROWS, total];
  const width = cols.map(([k, h]) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(width[i]) : String(c).padStart(width[i]))).join(' | ')} |`;
  const out = [
    '',
    'xuc live client against cti-bridge sim: counts',
    line(cols.map(([, h]) => h)),
    `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...ROWS.map((r) => line(cols.map(([k]) => r[k]))),
    line(cols.map(([k]) => total[k])),
    'restated: an agentState equal to the one before it (each connection states the agent twice:',
    'the greeting\'s AgentStateEvent and the client\'s getAgentDirectory re-read).',
    'secrets to page: passwords / tokens in onOutput payloads, thrown errors, health, page console (must be 0).',
    'token in browser log: Chromium\'s own "WebSocket connection to \'...cti?token=...\' failed" lines (DevTools only).',
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------- 1. login cases

test('each login case of seed 004, with two agents and a supervisor watching', { timeout: 30_000 }, () => scenario(['--heartbeat', '3s'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice').create()).start();
  const bob = await (await new Client(ctx, 'bob').create()).start();
  // The supervisor (groups [1]: agents 19 and 20) has no agent of its own: it observes theirs.
  const sup = await (await new Client(ctx, 'sup', { agentId: null }).create()).start();
  // Health until the first live link: every step reported once, in order.
  assert.deepEqual((await alice.health()).map((h) => `${h.state}: ${h.reason}`), [
    'connecting: asking the host for credentials',
    'connecting: logging in',
    'connecting: opening the CTI socket',
    'authenticating: socket open, waiting for the server',
    'live: logged on',
  ]);
  assert.deepEqual(await alice.ok('health'), { state: 'live', reason: 'logged on' });
  const rights = (await sup.outputs('rights'))[0];
  assert.equal(rights.profile, 'Supervisor');
  for (const c of [alice, bob]) {
    const states = (await c.outputs('agentState')).map(short);
    assert.deepEqual(states, ['loggedOut', 'loggedOut'], `${c.login}: greeted logged out, then the same state re-read`);
  }

  // Unknown line: PhoneNumberUnknown, nothing else changes.
  await alice.ok('loginAgent', '1999');
  const unknown = await alice.expect({ type: 'output', data: { kind: 'agentError' } });
  assert.equal(unknown.code, 'PhoneNumberUnknown');

  // Known line: logged in, Ready.
  await alice.ok('loginAgent', '1000');
  const ready = await alice.expect({ type: 'output', data: { kind: 'agentState' } });
  assert.equal(short(ready), 'ready@1000');
  assert.equal(ready.cause, 'available');
  assert.equal(ready.vendorState, 'AgentReady');
  assert.equal(ready.agentId, '19');

  // Already on that line: stays logged there (its state again).
  await alice.ok('loginAgent', '1000');
  assert.equal(short(await alice.expect({ type: 'output', data: { kind: 'agentState' } })), 'ready@1000');

  // Logged on another line: LoggedInOnAnotherPhone with both numbers; the agent stays on 1000.
  await alice.ok('loginAgent', '1001');
  const another = await alice.expect({ type: 'output', data: { kind: 'agentError' } });
  assert.equal(another.code, 'LoggedInOnAnotherPhone');
  assert.equal(another.phoneNumber, '1000');
  assert.equal(another.requestedNumber, '1001');
  await alice.ok('getAgentDirectory');
  const directory = await alice.expect({ type: 'output', data: { kind: 'directory' } });
  assert.deepEqual(directory.entries.map((e) => [e.id, e.state]), [['19', 'ready']]);

  // Takeover: bob (logged out) asks for alice's line; alice is logged out, bob is Ready on 1000.
  await bob.ok('loginAgent', '1000');
  assert.equal(short(await bob.expect({ type: 'output', data: { kind: 'agentState' } })), 'ready@1000');
  const out = await alice.expect({ type: 'output', data: { kind: 'agentState' } });
  assert.equal(short(out), 'loggedOut@1000', 'the agent previously on the line is unlogged (phoneNb keeps the line)');
  await until(ctx.page, () => window.live.logs.sup.some((e) => e.type === 'observed'
    && e.data.some((b) => b.kind === 'agentState' && b.agentId === '20' && b.state === 'ready')), undefined, 5000);

  // Exactly these events, each once.
  const aliceStates = (await alice.outputs('agentState')).map(short);
  const bobStates = (await bob.outputs('agentState')).map(short);
  const expectedAlice = ['loggedOut', 'loggedOut', 'ready@1000', 'ready@1000', 'loggedOut@1000'];
  const expectedBob = ['loggedOut', 'loggedOut', 'ready@1000'];
  assert.deepEqual(aliceStates, expectedAlice);
  assert.deepEqual(bobStates, expectedBob);
  assert.deepEqual((await alice.outputs('agentError')).map((e) => e.code), ['PhoneNumberUnknown', 'LoggedInOnAnotherPhone']);
  assert.deepEqual(await bob.outputs('agentError'), []);
  // The supervisor saw both agents' changes as someone else's (observed), none as its own.
  assert.deepEqual(await sup.outputs('agentState'), []);
  const observed = (await sup.log()).filter((e) => e.type === 'observed').flatMap((e) => e.data)
    .filter((b) => b.kind === 'agentState').map((b) => `${b.agentId}:${short(b)}`);
  for (const s of ['19:ready@1000', '19:loggedOut@1000', '20:ready@1000']) assert.ok(observed.includes(s), `supervisor observed ${s}: ${observed}`);

  const stats = await sim.stats();
  assert.equal(stats.xuc.commands.agentLogin, 5);
  assert.equal(stats.xuc.connections, 3);
  assert.equal(stats.xuc.events_sent, ctx.wire.framesIn, 'every frame the simulator sent reached the browser');
  const d = diff([...expectedAlice, ...expectedBob], [...aliceStates, ...bobStates]);
  await finish(ctx, '1 login cases', d);
}));

// ---------------------------------------------------------------- 2. a shift

test('a shift of state changes: ready, pauses with reasons, unpause, a queue call, wrap-up, logout', { timeout: 30_000 }, () => scenario(['--heartbeat', '3s'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice').create()).start();
  const state = async () => alice.expect({ type: 'output', data: { kind: 'agentState' } });

  await alice.ok('loginAgent', '1000');
  assert.equal(short(await state()), 'ready@1000');
  await alice.ok('pauseAgent', null, 'lunch');
  assert.equal(short(await state()), 'notReady/lunch@1000');
  await alice.ok('pauseAgent', 19, 'training'); // a new reason while paused
  assert.equal(short(await state()), 'notReady/training@1000');
  await alice.ok('unpauseAgent');
  const back = await state();
  assert.equal(short(back), 'ready@1000');
  assert.equal(back.cause, 'available');
  await alice.ok('pauseAgent'); // no reason
  assert.equal((await state()).state, 'notReady');
  await alice.ok('unpauseAgent', '19');
  assert.equal(short(await state()), 'ready@1000');

  // A queue call rings the Ready agent; its USR_ data is attached.
  await alice.ok('dialFromQueue', '0612345678', 8, { name: 'Bluesky', number: '3008' }, { customer: 4711, USR_case: 'A-1' });
  const ringing = await alice.expect({ type: 'output', data: { kind: 'interaction', phase: 'alerting' } });
  const dial = ctx.wire.commands.find((c) => c.command === 'dialFromQueue');
  assert.deepEqual(dial.variables, { customer: '4711', case: 'A-1' }, 'sent without the USR_ prefix, values as text');
  assert.deepEqual([dial.callerIdName, dial.callerIdNumber, dial.queueId], ['Bluesky', '3008', 8]);
  assert.equal(ringing.data.USR_customer, '4711');
  assert.equal(ringing.data.USR_case, 'A-1');
  const call = ringing.id;
  assert.equal(short(await state()), 'busy@1000');
  // The contact centre takes the call on and ends it (xuc frames fed to the simulator).
  const phone = (eventType) => ({ msgType: 'PhoneEvent', ctiMessage: { eventType, DN: '1000', otherDN: '0612345678', linkedId: call, uniqueId: call, queueName: 'bluesky', userData: {} } });
  const agent = (name) => ({ msgType: 'AgentStateEvent', ctiMessage: { name, agentId: 19, phoneNb: '1000', since: 0, queues: [8, 14] } });
  await sim.send(phone('EventEstablished'), agent('AgentOnCall'));
  assert.equal((await state()).vendorState, 'AgentOnCall');
  await sim.send(phone('EventReleased'), agent('AgentOnWrapup'));
  assert.equal(short(await state()), 'wrapUp@1000');
  await alice.ok('unpauseAgent'); // ends the wrap-up
  assert.equal(short(await state()), 'ready@1000');
  await alice.ok('logoutAgent');
  const gone = await state();
  assert.equal(short(gone), 'loggedOut@1000');
  assert.equal(gone.vendorState, 'AgentLoggedOut');
  await alice.ok('pauseAgent', null, 'late');
  assert.equal((await alice.expect({ type: 'output', data: { kind: 'agentError' } })).code, 'AgentNotLoggedIn');

  const expected = ['loggedOut', 'loggedOut', 'ready@1000', 'notReady/lunch@1000', 'notReady/training@1000', 'ready@1000',
    'notReady@1000', 'ready@1000', 'busy@1000', 'busy@1000', 'wrapUp@1000', 'ready@1000', 'loggedOut@1000'];
  const actual = (await alice.outputs('agentState')).map(short);
  assert.deepEqual(actual, expected, 'every state change once, in order');
  const snapshot = await alice.ok('snapshot');
  assert.equal(snapshot.agentState.state, 'loggedOut');
  const stats = await sim.stats();
  // Only what the host asked for went out: the sync engine sent no pause / unpause of its own.
  assert.deepEqual(
    { ...stats.xuc.commands },
    { getAgentDirectory: 1, agentLogin: 1, pauseAgent: 4, unpauseAgent: 3, dialFromQueue: 1, agentLogout: 1 },
  );
  assert.equal(stats.xuc.events_sent, ctx.wire.framesIn);
  await finish(ctx, '2 shift', diff(expected, actual));
}));

// ---------------------------------------------------------------- 3. queues

test('queue membership: penalty set and changed, removal (penalty -1), invalid penalties refused unsent', { timeout: 30_000 }, () => scenario(['--heartbeat', '3s'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice').create()).start();
  await alice.skip();
  const member = async () => alice.expect({ type: 'output', data: { kind: 'queueMember' } });
  const config = async () => alice.expect({ type: 'output', data: { kind: 'agentConfig' } });
  const penalties = (c) => Object.fromEntries(c.queues.map((q) => [q.queueId, q.penalty]));

  await alice.ok('setAgentQueue', 19, 1, 3); // joins queue 1
  const joined = await member();
  assert.deepEqual([joined.agentId, joined.queueId, joined.penalty], ['19', '1', 3]);
  assert.deepEqual(penalties(await config()), { 1: 3, 8: 0, 14: 1 });
  await alice.ok('setAgentQueue', '19', '1', '0'); // digits as text are integers too
  assert.equal((await member()).penalty, 0);
  assert.deepEqual(penalties(await config()), { 1: 0, 8: 0, 14: 1 });
  const wire = ctx.wire.commands.filter((c) => c.command === 'setAgentQueue');
  assert.deepEqual(wire.at(-1), { claz: 'web', command: 'setAgentQueue', agentId: 19, queueId: 1, penalty: 0 });

  await alice.ok('removeAgentFromQueue', 19, 1);
  const removed = await member();
  assert.equal(removed.queueId, '1');
  assert.equal(removed.penalty, -1, 'a removal is reported with penalty -1');
  assert.deepEqual(penalties(await config()), { 8: 0, 14: 1 });

  // Refused by the client before sending: a clear error naming the method, the argument and why.
  const before = await sim.stats();
  const sentBefore = ctx.wire.commands.length;
  const errors = [];
  for (const args of [[19, 8, -1], [19, 8, 1.5], [19, 8, 'high'], [19, 8, null], [19, 0, 2], [-19, 8, 2]]) {
    errors.push(await alice.refused('setAgentQueue', ...args));
  }
  assert.match(errors[0], /^setAgentQueue: `penalty` must be a non-negative integer \(0 is the highest priority\), got -1$/);
  assert.match(errors[1], /`penalty` must be a non-negative integer.*got 1\.5/);
  assert.match(errors[2], /`penalty` must be a non-negative integer.*got "high"/);
  assert.match(errors[3], /`penalty` is required/);
  assert.match(errors[4], /^setAgentQueue: `queueId` must be a positive integer, got 0$/);
  assert.match(errors[5], /^setAgentQueue: `agentId` must be a positive integer/);
  await sleep(300); // anything sent would have been counted by now
  const after = await sim.stats();
  assert.equal(after.xuc.commands.setAgentQueue, before.xuc.commands.setAgentQueue, 'nothing reached the simulator');
  assert.equal(after.xuc.rejected_commands, before.xuc.rejected_commands);
  assert.equal(ctx.wire.commands.length, sentBefore, 'nothing left the browser');
  assert.equal((await alice.outputs('queueMember')).length, 3);

  const stats = await sim.stats();
  assert.deepEqual({ ...stats.xuc.commands }, { getAgentDirectory: 1, setAgentQueue: 2, removeAgentFromQueue: 1 });
  assert.equal(stats.xuc.events_sent, ctx.wire.framesIn);
  const members = (await alice.outputs('queueMember')).map((m) => `${m.queueId}:${m.penalty}`);
  await finish(ctx, '3 queues', diff(['1:3', '1:0', '1:-1'], members));
}));

// ---------------------------------------------------------------- 4. callbacks

test('a callback taken, started, rescheduled (new due date) and closed; bad due dates refused unsent', { timeout: 30_000 }, () => scenario(['--heartbeat', '3s'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice').create()).start();
  await alice.skip();
  const callback = async (action) => alice.expect({ type: 'output', data: { kind: 'callback', action } });
  // CallbackLists: one event per list (alice is in queues 8 and 14: two lists).
  const lists = async () => {
    const all = [await callback('lists'), await callback('lists')];
    assert.deepEqual(all.map((l) => l.data.queueId).sort((a, b) => a - b), [8, 14]);
    return all.flatMap((l) => l.data.callbacks.map((c) => c.uuid));
  };

  await alice.ok('getCallbackLists');
  assert.ok((await lists()).includes(CALLBACK));

  await alice.ok('takeCallback', CALLBACK.toUpperCase()); // UUIDs are sent in lower case
  const taken = await callback('taken');
  assert.equal(taken.uuid, CALLBACK);
  assert.equal(taken.agentId, '19');
  await alice.ok('startCallback', CALLBACK, '0230210082');
  const started = await callback('started');
  assert.equal(started.uuid, CALLBACK);
  const ticket = started.ticketUuid;
  assert.match(ticket, /^[0-9a-f-]{36}$/);

  // Refused before sending.
  const before = await sim.stats();
  const sentBefore = ctx.wire.commands.length;
  const bad = [
    await alice.refused('updateCallbackTicket', ticket, 'Callback', 'next week', '2030-02-30'),
    await alice.refused('updateCallbackTicket', ticket, 'Callback', 'next week', '15/01/2030'),
    await alice.refused('updateCallbackTicket', ticket, 'Callback', 'next week', '2030-1-15'),
    await alice.refused('updateCallbackTicket', ticket, 'Done'),
    await alice.refused('updateCallbackTicket', 'not-a-uuid', 'Answered'),
    await alice.refused('updateCallbackTicket', ticket, 'Callback', null, '2030-01-15', 'afternoon'),
  ];
  assert.equal(bad[0], 'updateCallbackTicket: `dueDate` must be a date YYYY-MM-DD, got `2030-02-30`');
  assert.equal(bad[1], 'updateCallbackTicket: `dueDate` must be a date YYYY-MM-DD, got `15/01/2030`');
  assert.match(bad[2], /`dueDate` must be a date YYYY-MM-DD/);
  assert.match(bad[3], /^updateCallbackTicket: `status` must be NoAnswer, Answered, Fax or Callback, got `Done`$/);
  assert.match(bad[4], /`uuid` is not a UUID/);
  assert.match(bad[5], /`periodUuid` is not a UUID/);
  await sleep(300);
  const after = await sim.stats();
  assert.equal(after.xuc.commands.updateCallbackTicket, before.xuc.commands.updateCallbackTicket, 'nothing reached the simulator');
  assert.equal(ctx.wire.commands.length, sentBefore, 'nothing left the browser');

  // Rescheduled: a new due date and period; the request is released for later.
  await alice.ok('updateCallbackTicket', ticket, 'Callback', 'call back after the holidays', '2030-01-15', AFTERNOON);
  const updated = await callback('updated');
  const request = updated.data;
  assert.equal(updated.uuid, CALLBACK);
  assert.equal(request.uuid, CALLBACK);
  assert.equal(request.dueDate, '2030-01-15');
  assert.equal(request.description, 'call back after the holidays');
  assert.equal(request.preferredPeriod.uuid, AFTERNOON);
  assert.equal(request.agentId, null);

  // Taken again, started, answered: closed and gone from its list.
  await alice.ok('takeCallback', CALLBACK);
  assert.equal((await callback('taken')).uuid, CALLBACK);
  await alice.ok('startCallback', CALLBACK, '0789654123');
  const second = await callback('started');
  assert.notEqual(second.ticketUuid, ticket);
  await alice.ok('updateCallbackTicket', second.ticketUuid, 'Answered', 'done');
  assert.equal((await callback('clotured')).uuid, CALLBACK);
  await alice.ok('getCallbackLists');
  assert.ok(!(await lists()).includes(CALLBACK), 'a closed request leaves its list');

  const actions = (await alice.outputs('callback')).map((c) => c.action);
  const expected = ['lists', 'lists', 'taken', 'started', 'updated', 'taken', 'started', 'clotured', 'lists', 'lists'];
  assert.deepEqual(actions, expected);
  const stats = await sim.stats();
  assert.deepEqual({ ...stats.xuc.commands }, { getAgentDirectory: 1, getCallbackLists: 2, takeCallback: 2, startCallback: 2, updateCallbackTicket: 2 });
  assert.equal(stats.xuc.events_sent, ctx.wire.framesIn);
  await finish(ctx, '4 callbacks', diff(expected, actions));
}));

// ---------------------------------------------------------------- 5. heartbeat loss and reconnection

/** Health reports of `client` from index `from`: until the next `live`, asserting the reconnection path. */
function outage(health, from) {
  const rest = health.slice(from);
  const end = rest.findIndex((h) => h.state === 'live');
  assert.ok(end > 0, `back to live: ${JSON.stringify(rest)}`);
  const steps = rest.slice(0, end + 1);
  assert.ok(!steps.some((h) => h.state === 'failed' || h.state === 'connecting'), JSON.stringify(steps));
  return steps;
}

/** Every wait is announced with retryInMs within the back-off bounds, and honoured. */
function checkBackoff(steps, timing) {
  let k = 0;
  for (let i = 0; i < steps.length; i++) {
    const h = steps[i];
    if (h.retryInMs === undefined) continue;
    assert.equal(h.state, 'reconnecting');
    const floor = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** k) / 2;
    assert.ok(h.retryInMs >= floor && h.retryInMs <= timing.backoffMaxMs, `retry ${k}: ${h.retryInMs} ms not in [${floor}, ${timing.backoffMaxMs}]`);
    const next = steps[i + 1];
    assert.ok(next.at - h.at >= h.retryInMs - 20, `waited ${Math.round(next.at - h.at)} ms, announced ${h.retryInMs}`);
    k += 1;
  }
  return k;
}

test('heartbeat loss, drop and server restart: back-off, state re-read, no lost or duplicated agent state', { timeout: 45_000 }, () => scenario(['--heartbeat', '1s', '--restart-downtime', '2500ms'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice', { timing: FAST }).create()).start();
  await alice.ok('loginAgent', '1000');
  await alice.expect({ type: 'output', data: { kind: 'agentState', state: 'ready' } });
  const fed = [];
  const mark = (name, i, cause) => {
    fed.push(`m${i}`);
    return { msgType: 'AgentStateEvent', ctiMessage: { name, agentId: 19, phoneNb: '1000', queues: [8, 14], cause, mark: `m${i}` } };
  };
  const healthAt = async () => (await alice.health()).length;

  // A. Heartbeats stall: the server hears nothing and says nothing; three silent
  // beats show the link degraded, the server's three-miss rule closes it; the events
  // fed meanwhile arrive once, after the reconnection.
  let h0 = await healthAt();
  await sim.fault('stall-heartbeats');
  await sim.until((s) => s.faults.fired['stall-heartbeats'] === 1, 'stall fired');
  await sim.send(mark('AgentOnPause', 1, 'coffee'), mark('AgentReady', 2, 'available'));
  await alice.expect({ type: 'output', data: { kind: 'agentState', data: { mark: 'm2' } } }, 10_000);
  let steps = outage(await alice.health(), h0);
  assert.equal(steps[0].state, 'degraded');
  assert.match(steps[0].reason, /^no frame from the server for 3 heartbeats/);
  assert.ok(steps.some((h) => h.state === 'reconnecting'), JSON.stringify(steps));
  assert.deepEqual(steps.slice(-3).map((h) => h.state), ['reconnecting', 'authenticating', 'live']);
  let retries = checkBackoff(steps, FAST);

  // B. The socket drops (1006): back-off, same token, events fed meanwhile arrive once.
  h0 = await healthAt();
  await sim.fault('drop');
  await until(ctx.page, (f) => window.live.logs.alice.filter((e) => e.type === 'health').slice(f).find((h) => /code 1006/.test(h.data.reason)), h0, 5000);
  await sim.send(mark('AgentOnPause', 3, 'meeting'));
  await alice.expect({ type: 'output', data: { kind: 'agentState', data: { mark: 'm3' } } }, 10_000);
  steps = outage(await alice.health(), h0);
  assert.ok(steps.some((h) => h.reason === 'the CTI link was lost (code 1006)'), JSON.stringify(steps));
  retries += checkBackoff(steps, FAST);

  // C. The server restarts: sockets dropped, tokens and agent states forgotten,
  // 503 for 2.5 s (longer than the longest back-off, so that the first retry
  // meets the 503; see the TODO test for a restart that is over sooner). The client logs in again (same credentials, not asked again),
  // re-reads the state (logged out now) and carries on.
  const loginsBefore = (await sim.stats()).xuc.logins;
  h0 = await healthAt();
  const cursor = alice.cursor;
  await sim.fault('restart');
  const reread = await alice.expect({ type: 'output', data: { kind: 'agentState', state: 'loggedOut' } }, 15_000);
  assert.equal(reread.vendorState, 'AgentLoggedOut');
  steps = outage(await alice.health(), h0);
  const reasons = steps.map((h) => h.reason);
  assert.ok(reasons.some((r) => /^the CTI socket could not be opened/.test(r)), 'the handshake refused (503): the token is dropped');
  assert.ok(reasons.includes('logging in'));
  retries += checkBackoff(steps, FAST);
  assert.ok((await sim.stats()).xuc.logins >= loginsBefore + 1, 'a fresh login after the restart');
  assert.ok(alice.cursor > cursor);
  assert.equal((await alice.ok('snapshot')).agentState.state, 'loggedOut', 'the sync engine knows the re-read state');
  await alice.ok('loginAgent', '1000');
  await alice.expect({ type: 'output', data: { kind: 'agentState', state: 'ready' } });
  await sim.send(mark('AgentOnPause', 4, 'briefing'));
  await alice.expect({ type: 'output', data: { kind: 'agentState', data: { mark: 'm4' } } });

  // Accounting: every fed event exactly once and in order; after every
  // (re)connection the agent's own state was read again.
  const states = await alice.outputs('agentState');
  const marks = states.map((s) => s.data?.mark).filter(Boolean);
  const d = diff(fed, marks);
  assert.deepEqual(marks, fed, 'no fed agent-state event lost or duplicated');
  const stats = await sim.stats();
  assert.equal(stats.xuc.commands.getAgentDirectory, stats.xuc.connections - stats.xuc.token_rejections, 'one re-read per connection');
  assert.equal(stats.xuc.undelivered_events, 0);
  assert.ok(retries >= 4, `${retries} announced back-off waits`);
  // The state sequence, consecutive repeats collapsed (re-reads restate the state).
  const collapsed = states.map(short).filter((s, i, all) => i === 0 || s !== all[i - 1]);
  assert.deepEqual(collapsed, ['loggedOut', 'ready@1000', 'notReady/coffee@1000', 'ready@1000', 'notReady/meeting@1000', 'loggedOut', 'ready@1000', 'notReady/briefing@1000']);
  process.stdout.write(`5 faults: alice's agentState outputs in order (fed events marked): ${states.map((e) => `${short(e)}${e.data?.mark ? `[${e.data.mark}]` : ''}`).join(', ')}\n`);
  const health = await alice.health();
  assert.ok(!health.some((h) => h.state === 'failed'));
  assert.equal(health.at(-1).state, 'live');
  await finish(ctx, '5 faults', d);
}));

// ---------------------------------------------------------------- idle links and restarts

test('an idle live link stays live: the server answers every heartbeat (Pong), no degraded, no reconnect', {
  timeout: 20_000,
}, () => scenario(['--heartbeat', '1s'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice', { timing: { ...FAST, heartbeatMs: 200 } }).create()).start();
  await sleep(1500); // 7 heartbeats, nothing else to say
  const stats = await sim.stats();
  const health = await alice.health();
  assert.deepEqual(health.filter((h) => h.state !== 'live' && h.state !== 'authenticating' && h.state !== 'connecting').map((h) => `${h.state}: ${h.reason}`), []);
  assert.equal(health.at(-1).state, 'live');
  assert.equal(stats.xuc.connections, 1);
  assert.equal(stats.xuc.heartbeat_timeouts, 0, 'the server got every heartbeat');
  assert.ok(stats.xuc.heartbeats >= 5, `${stats.xuc.heartbeats} heartbeats answered`);
  const errors = (await alice.log()).filter((e) => e.type === 'error' || (e.type === 'output' && e.data.kind === 'error'));
  assert.deepEqual(errors, [], 'the answers are not undecodable frames');
}));

test('after a server restart that is over before the client retries, the client logs in again', {
  timeout: 20_000,
}, () => scenario(['--heartbeat', '1s', '--restart-downtime', '50ms'], async (ctx) => {
  const { sim } = ctx;
  const alice = await (await new Client(ctx, 'alice', { timing: { ...CALM, backoffBaseMs: 400 } }).create()).start();
  await alice.skip();
  await sim.fault('restart');
  try {
    await sim.until((s) => s.xuc.logins >= 2, 'a second login', 4000);
  } finally {
    const health = (await alice.health()).slice(-4).map((h) => `${h.state}: ${h.reason}`);
    const stats = await sim.stats();
    process.stdout.write(`stale token after a restart: ${stats.xuc.token_rejections} sockets refused (InvalidToken), logins ${stats.xuc.logins}; last health: ${health.join(' / ')}\n`);
  }
  await alice.expect({ type: 'output', data: { kind: 'agentState' } });
}));
