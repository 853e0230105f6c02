// End-to-end check of the demo console (demo/console.html), the demo's front page,
// as `bash scripts/demo.sh` serves it: two scripts/serve.py processes, the
// console on http://127.0.0.1:A and the widget (and the vendor stage) on
// http://localhost:B, in headless Chromium at 1280x800 under the servers'
// strict CSP.
//
//   node --test tests/e2e/console.test.mjs      (needs bash scripts/build.sh first)
//
// Proves: the console connects through the drop-in (CRM Connector client + xuc),
// plays the inbound-call and missed-offer scenarios at a fast pace, and its
// timeline holds the lanes, state segments, bars and command arrows those
// scenarios must produce; the inspector lists messages in and out and shows a
// row's JSON; switching to the ServiceNow-like OpenFrame + AgentDesktop stage
// tears the widget down and plays the ServiceNow case; the dropped-connection
// scenario shows a dropped message with its reason and a reconnection; the
// page is keyboard reachable, fits 1280 px, logs no console error and no CSP
// violation. Screenshots of the timeline go to target/screenshots/ (gitignored)
// and are checked to be real pictures (PNG decoded, several colours).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT, startBrowser } from './harness.mjs';
import { startServe, stopServe } from './servepy.mjs';
import { startSim } from './simproc.mjs';

const SHOTS = join(ROOT, 'target', 'screenshots');
const PACE = 40;

let hostServer;
let widgetServer;
let hostOrigin;
let widgetOrigin;
let browser;
let sim;

before(async () => {
  for (const f of ['www/pkg/cti_bridge.js', 'www/pkg/cti_bridge_bg.wasm']) {
    assert.ok(existsSync(join(ROOT, f)), `${f} is missing: run bash scripts/build.sh first`);
  }
  mkdirSync(SHOTS, { recursive: true });
  // The simulators (the live contact centre), then the two origins as demo.sh starts them.
  sim = await startSim(['--quiet']);
  hostServer = await startServe(['--frame-src', 'http://localhost:*', '--connect-src', sim.origin, '--connect-src', sim.wsOrigin]);
  hostOrigin = `http://127.0.0.1:${hostServer.port}`;
  widgetServer = await startServe(['--allow-host', hostOrigin, '--inject', '--cc-sim', sim.origin]);
  widgetOrigin = `http://localhost:${widgetServer.port}`;
  browser = await startBrowser();
  await browser.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
});

after(async () => {
  await browser?.close();
  await stopServe(widgetServer);
  await stopServe(hostServer);
  await sim?.stop();
});

/** Opens the console with `query` and waits until its bridge is connected. */
async function openConsole(query) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${hostOrigin}/console.html?widget=${encodeURIComponent(widgetOrigin)}&sim=${encodeURIComponent(sim.origin)}&pace=${PACE}&${query}`);
  await page.waitForSelector('body[data-session="ready"]', { timeout: 20000 });
  return page;
}

/** Plays a scenario by its button and waits for its end; every step must be done. */
async function play(page, id) {
  await page.waitForSelector(`[data-scenario="${id}"]:not([disabled])`, { timeout: 10000 });
  await page.click(`[data-scenario="${id}"]`);
  await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.play) && !window.ctiConsole.view.running, null, { timeout: 30000 });
  const steps = await page.$$eval('#scenario-steps li', (lis) => lis.map((li) => `${li.dataset.state}: ${li.textContent}`));
  assert.equal(await page.evaluate(() => document.body.dataset.play), 'done', steps.join('\n'));
  assert.ok(steps.length >= 4 && steps.every((s) => s.startsWith('done: ')), steps.join('\n'));
  return steps;
}

/** What the timeline draws, from its data attributes. */
function readTimeline(page) {
  return page.evaluate(() => {
    const root = document.getElementById('timeline');
    const lane = (name) => [...root.querySelectorAll(`[data-lane-segments="${name}"] .seg`)].map((s) => s.dataset.state);
    return {
      lanes: [...root.querySelectorAll('[data-lane]')].map((l) => l.dataset.lane),
      crm: lane('crm'),
      cc: lane('cc'),
      linkHost: lane('linkHost'),
      linkCc: lane('linkCc'),
      bars: [...root.querySelectorAll('[data-bar]')].map((b) => ({
        kind: b.dataset.bar, id: b.dataset.id, phase: b.dataset.phase, open: b.dataset.open,
        phases: [...b.querySelectorAll('.bar-rect')].map((r) => r.dataset.phase),
      })),
      commands: [...root.querySelectorAll('[data-arrow="command"]')].map((a) => ({
        target: a.dataset.target, status: a.dataset.status, state: a.dataset.state, cause: a.dataset.cause,
      })),
      requests: [...root.querySelectorAll('[data-arrow="request"]')].map((a) => a.dataset.action),
      steps: root.querySelectorAll('[data-step]').length,
    };
  });
}

/** Waits until `check(timeline)` holds (the last frames may still be drawing). */
async function waitTimeline(page, what, check) {
  const end = Date.now() + 8000;
  let tl;
  for (;;) {
    tl = await readTimeline(page);
    if (check(tl)) return tl;
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timeline: ${what}\n${JSON.stringify(tl, null, 1)}`);
}

const rows = (page) => page.evaluate(() => window.ctiConsole.inspector.list());

/** Decodes an 8-bit RGB(A) PNG (what Chromium writes) and counts its distinct colours. */
function pngColours(file) {
  const buf = readFileSync(file);
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file}: PNG signature`);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth 8');
      channels = { 2: 3, 6: 4 }[data[9]];
      assert.ok(channels, `colour type ${data[9]}`);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  const colours = new Set();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = src[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = v & 0xff;
    }
    for (let x = 0; x < width; x += 2) {
      colours.add((line[x * channels] << 16) | (line[x * channels + 1] << 8) | line[x * channels + 2]);
    }
    line.copy(prev);
  }
  return { width, height, colours: colours.size };
}

/** Screenshots the timeline and checks the picture is not trivial. */
async function shootTimeline(page, name) {
  const file = join(SHOTS, name);
  await page.locator('#timeline').screenshot({ path: file });
  const size = statSync(file).size;
  const png = pngColours(file);
  assert.ok(size > 8000, `${file}: ${size} bytes`);
  assert.ok(png.width >= 1000 && png.height >= 150, `${file}: ${png.width}x${png.height}`);
  assert.ok(png.colours >= 12, `${file}: ${png.colours} colours: a blank or flat picture`);
  return { file, size, ...png };
}

test('CRM Connector + xuc: the inbound call and the missed offer on the timeline and in the inspector', async () => {
  const page = await openConsole('crm=crm-connector&cc=xuc&delivery=inject&mode=synchronized');
  assert.equal(await page.title(), 'cti-bridge demo console');
  assert.equal(await page.textContent('#widget-origin'), widgetOrigin);
  assert.equal(await page.$eval('#frame-slot iframe', (f) => f.src), `${widgetOrigin}/widget.html`);
  // The older pages stay reachable from the front page.
  for (const href of ['crm.html', 'live.html', 'servicenow-agentdesktop.html', 'index.html']) {
    assert.equal(await page.locator(`nav.links a[href="${href}"]`).count(), 1, href);
  }
  // Read-only actions are disabled with a reason only where the side cannot do them.
  assert.equal(await page.getAttribute('[data-act="ready"]', 'disabled'), null);
  assert.match(await page.getAttribute('[data-act="accept"]', 'title'), /no contact is ringing/);
  assert.match(await page.getAttribute('[data-scenario="case"]', 'title'), /OpenFrame/);

  await play(page, 'inbound');
  let tl = await waitTimeline(page, 'the inbound call', (t) => t.cc.includes('wrapUp') && t.crm.at(-1) === 'available'
    && t.commands.some((c) => c.target === 'crm' && c.state === 'ready' && c.status === 'confirmed'));
  for (const lane of ['axis', 'crm', 'workItems', 'bridge', 'interactions', 'cc', 'linkHost', 'linkCc']) {
    assert.ok(tl.lanes.includes(lane), `lane ${lane}: ${tl.lanes}`);
  }
  assert.deepEqual(tl.crm, ['available', 'unavailable', 'available'], 'CRM: Available, Busy during the call, Available again');
  assert.deepEqual(tl.cc, ['ready', 'busy', 'wrapUp', 'ready'], 'agent: ready, busy, wrap-up, ready');
  assert.deepEqual(tl.linkHost, ['connecting', 'live']);
  const call = tl.bars.filter((b) => b.kind === 'interaction');
  assert.equal(call.length, 1, JSON.stringify(tl.bars));
  assert.deepEqual(call[0].phases, ['alerting', 'connected', 'done']);
  assert.equal(call[0].open, 'false', 'the call bar ends');
  const toCrm = tl.commands.filter((c) => c.target === 'crm');
  assert.deepEqual(toCrm.map((c) => `${c.state} ${c.cause} ${c.status}`), ['notReady work confirmed', 'ready follow confirmed']);
  assert.ok(tl.requests.includes('requestPerformInteractionScreenPop'), `screen pop arrow: ${tl.requests}`);
  assert.ok(tl.requests.includes('requestSaveInteractionLog'), `interaction log arrow: ${tl.requests}`);
  assert.equal(tl.steps, 6, 'one marker per scenario step');
  await page.waitForSelector('#timeline svg [data-arrow="command"] line[marker-end="url(#tl-head-confirmed)"]');
  const inbound = await shootTimeline(page, 'console-inbound.png');

  // The inspector: calls out, events / commands / CRM Connector wires in, the answers settled.
  let list = await rows(page);
  const count = (pred) => list.filter(pred).length;
  assert.ok(count((r) => r.dir === 'out' && r.kind === 'call' && r.type === 'inject') >= 8, 'inject calls out');
  assert.ok(count((r) => r.dir === 'out' && r.kind === 'wire' && r.type === 'omnichannelResponse') >= 3, 'CRM Connector replies out');
  assert.ok(count((r) => r.dir === 'in' && r.kind === 'wire' && r.type === 'requestSyncOmnichannel') >= 2, 'CRM Connector requests in');
  assert.ok(count((r) => r.dir === 'in' && r.kind === 'event' && r.type === 'agentState') >= 4, 'agent events in');
  assert.ok(count((r) => r.dir === 'in' && r.kind === 'command') >= 4, 'commands in');
  // The handshake (the host's connect went when the iframe loaded: no hello on the window).
  assert.ok(count((r) => r.dir === 'in' && r.type === 'connection' && r.data?.status === 'ready') >= 1, 'the handshake: connection ready');
  assert.ok(list.filter((r) => r.dir === 'in').every((r) => r.origin === widgetOrigin), 'every message in came from the widget origin');
  assert.ok(list.filter((r) => r.kind === 'call' && r.type === 'inject').every((r) => / → ok$/.test(r.summary)), 'every inject answered');
  // A row's full JSON.
  await page.click('#inspector tr[data-kind="command"][data-dir="in"]');
  const detail = JSON.parse(await page.textContent('#inspector-detail'));
  assert.equal(detail.kind, 'command');
  assert.equal(detail.data.kind, 'command');
  assert.ok(['crm', 'cc'].includes(detail.data.target));
  // Filters: by peer, by kind.
  await page.selectOption('#filter-kind', 'command');
  const shown = await page.$$eval('#inspector tr', (trs) => trs.filter((tr) => !tr.hidden).map((tr) => tr.dataset.kind));
  assert.ok(shown.length >= 4 && shown.every((k) => k === 'command'), JSON.stringify(shown));
  await page.selectOption('#filter-kind', '');
  await page.selectOption('#filter-peer', 'xuc');
  const peers = await page.$$eval('#inspector tr', (trs) => trs.filter((tr) => !tr.hidden).map((tr) => tr.dataset.peer));
  assert.ok(peers.length >= 4 && peers.every((p) => p === 'xuc'), JSON.stringify(peers));
  await page.selectOption('#filter-peer', '');

  // By hand: the agent pauses with the host API; the in-page xuc carries it out; the CRM follows.
  await page.click('[data-act="notReady"]');
  await waitTimeline(page, 'the host-asked pause', (t) => t.commands.some((c) => c.target === 'cc' && c.cause === 'host' && c.status === 'confirmed') && t.crm.at(-1) === 'unavailable');
  await page.click('[data-act="ready"]');
  await waitTimeline(page, 'ready again', (t) => t.cc.at(-1) === 'ready' && t.crm.at(-1) === 'available');

  // The second scenario: a missed offer, then a forced pause.
  await play(page, 'missed');
  tl = await waitTimeline(page, 'the missed offer', (t) => t.cc.includes('notReady') && t.cc.at(-1) === 'ready');
  const missed = tl.bars.filter((b) => b.kind === 'interaction').at(-1);
  assert.deepEqual(missed.phases, ['alerting', 'done'], 'the offer rang and ended unanswered');
  assert.equal(missed.open, 'false');
  assert.ok(tl.commands.filter((c) => c.target === 'cc' && c.state === 'ready' && c.status === 'confirmed').length >= 2, 'go-ready commands confirmed');
  assert.equal(tl.steps, 12);
  const both = await shootTimeline(page, 'console-inbound-missed.png');
  assert.ok(both.size > inbound.size / 2);
  list = await rows(page);
  assert.ok(list.length > 60, `${list.length} rows`);

  // Readable at 1280x800: nothing wider than the viewport.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 1280), 'no horizontal scrolling');
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('switching to ServiceNow OpenFrame + AgentDesktop (the stage): the case accepted while Ready on the phone', async () => {
  const page = await openConsole('crm=crm-connector&cc=agentdesktop&delivery=inject');
  const oldFrame = await page.$eval('#frame-slot iframe', (f) => f.src);
  assert.match(oldFrame, /\/widget\.html$/);
  // Switching rebuilds: the widget goes away, the stage comes in.
  await page.selectOption('#crm-side', 'openframe');
  await page.waitForFunction(() => document.body.dataset.crm === 'openframe' && document.body.dataset.session === 'ready', null, { timeout: 20000 });
  assert.equal(await page.inputValue('#cc-side'), 'agentdesktop', 'the contact-centre side is kept');
  assert.equal(await page.$eval('#cc-side option[value="xuc"]', (o) => o.disabled), false, 'xuc is offered with OpenFrame (live)');
  assert.equal(await page.$eval('#delivery option[value="inject"]', (o) => o.disabled), false);
  const frames = await page.$$eval('#frame-slot iframe', (fs) => fs.map((f) => f.src));
  assert.equal(frames.length, 1, 'the widget frame was removed');
  assert.match(frames[0], new RegExp(`^${widgetOrigin}/console-stage\\.html\\?mode=synchronized&load=1$`));
  assert.match(page.url(), /crm=openframe&cc=agentdesktop/);
  // Only the new session's messages.
  assert.ok((await rows(page)).every((r) => r.type !== 'connect'), 'the inspector starts afresh');

  await play(page, 'case');
  const tl = await waitTimeline(page, 'the case', (t) => t.bars.some((b) => b.kind === 'workItem' && b.open === 'false')
    && t.commands.some((c) => c.target === 'cc' && c.cause === 'restore' && c.status === 'confirmed'));
  const item = tl.bars.find((b) => b.kind === 'workItem');
  assert.deepEqual(item.phases, ['offered', 'accepted']);
  const toCc = tl.commands.filter((c) => c.target === 'cc' && c.status === 'confirmed').map((c) => `${c.state} ${c.cause}`);
  assert.ok(toCc.includes('notReady work') && toCc.includes('ready restore'), JSON.stringify(toCc));
  assert.ok(tl.commands.some((c) => c.target === 'crm' && c.status === 'notSupported'), 'OpenFrame has no presence setter');
  assert.ok(tl.requests.includes('openServiceNowForm'), 'the record opened');
  assert.deepEqual(tl.cc.slice(-3), ['ready', 'notReady', 'ready']);
  const list = await rows(page);
  const vendorCalls = list.filter((r) => r.kind === 'vendor' && r.dir === 'out').map((r) => r.type);
  for (const call of ['show', 'openServiceNowForm', 'AGENT.Pause', 'AGENT.Ready', 'setPresenceIndicator']) {
    assert.ok(vendorCalls.includes(call), `${call} in ${vendorCalls}`);
  }
  assert.ok(list.some((r) => r.dir === 'out' && r.peer === 'stage' && r.type === 'emitOpenFrame'), 'stage calls out');
  assert.ok(list.filter((r) => r.dir === 'in').every((r) => r.origin === widgetOrigin), 'stage messages from the widget origin only');
  await shootTimeline(page, 'console-servicenow-case.png');

  // The inbound call on this pair too: the AgentDesktop POPUP is the screen pop.
  await play(page, 'inbound');
  assert.ok((await rows(page)).some((r) => r.kind === 'event' && r.type === 'screenPop'));

  // By hand: a call rings, the agent accepts it (CONTACT.Answer), hangs up (CONTACT.Hangup), ends the wrap-up.
  const byHand = async (act, expectPhase) => {
    await page.waitForSelector(`[data-act="${act}"]:not([disabled])`);
    await page.click(`[data-act="${act}"]`);
    await waitTimeline(page, `${act} -> ${expectPhase}`, (t) => t.bars.filter((b) => b.kind === 'interaction').at(-1)?.phase === expectPhase);
  };
  assert.match(await page.getAttribute('[data-act="hangup"]', 'title'), /no contact in progress/);
  await byHand('offer', 'alerting');
  await byHand('accept', 'connected');
  await byHand('hangup', 'wrapUp');
  await byHand('wrapDone', 'done');
  const manual = (await rows(page)).filter((r) => r.kind === 'vendor').map((r) => r.type);
  assert.ok(manual.includes('CONTACT.Answer') && manual.includes('CONTACT.Hangup'), JSON.stringify(manual));
  const last = (await readTimeline(page)).bars.filter((b) => b.kind === 'interaction').at(-1);
  assert.deepEqual(last.phases, ['offered', 'created', 'alerting', 'connected', 'ended', 'wrapUp', 'done']);
  assert.equal(last.open, 'false');
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('a dropped connection: a dropped message with its reason, the widget reconnects, events flow again (keyboard only)', async () => {
  const page = await openConsole('crm=crm-connector&cc=xuc&delivery=inject');
  // Keyboard: focus the scenario button and press Enter.
  await page.focus('[data-scenario="drop"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.play === 'running');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.play), null, { timeout: 40000 });
  const steps = await page.$$eval('#scenario-steps li', (lis) => lis.map((li) => `${li.dataset.state}: ${li.textContent}`));
  assert.equal(await page.evaluate(() => document.body.dataset.play), 'done', steps.join('\n'));

  const list = await rows(page);
  const dropped = list.filter((r) => r.dir === 'drop');
  assert.deepEqual(dropped.map((r) => [r.type, r.dropped]), [['malformed', 'neither a handshake nor a CRM Connector object']]);
  assert.match(dropped[0].summary, /diagnostics\.dropped\.malformed = 1/);
  await page.selectOption('#filter-kind', 'dropped');
  assert.equal(await page.$$eval('#inspector tr', (trs) => trs.filter((tr) => !tr.hidden).length), 1);
  await page.selectOption('#filter-kind', '');
  assert.equal(await page.textContent('#health dd[data-name="dropped"]'), 'origin 0 · source 0 · malformed 1 · version 0');

  const tl = await waitTimeline(page, 'the reconnection', (t) => t.cc.at(-1) === 'notReady' && t.crm.at(-1) === 'unavailable');
  assert.deepEqual(tl.linkHost, ['connecting', 'live', 'down', 'reconnecting', 'live']);
  assert.ok((await rows(page)).filter((r) => r.type === 'connection' && r.data?.status === 'ready').length >= 2, 'a second handshake after the reload');
  await shootTimeline(page, 'console-dropped-connection.png');

  // The sync mode changes without a rebuild: the widget takes it, nothing more follows in off mode.
  await page.$eval('#frame-slot iframe', (f) => { f.dataset.mark = 'before'; });
  await page.selectOption('#mode', 'off');
  await page.waitForFunction(() => document.body.dataset.mode === 'off');
  assert.equal(await page.evaluate(async () => (await window.ctiConsole.view.session.bridge.snapshot()).snapshot.mode), 'off');
  assert.match(page.url(), /mode=off/, 'a reload keeps the mode');
  assert.equal(await page.$eval('#frame-slot iframe', (f) => f.dataset.mark), 'before', 'the same widget, not rebuilt');
  const before = (await readTimeline(page)).commands.length;
  await page.click('[data-act="presence"][data-value="Available"]');
  await page.waitForFunction(() => document.getElementById('crm-name').textContent === 'Available');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await readTimeline(page)).commands.length, before, 'off: no command');
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('the stage talks only to the window that framed it, on an allowed origin', async () => {
  const page = await openConsole('crm=crm-connector&cc=xuc&delivery=inject');
  // The console opens the stage as a popup (not framed) and talks to it: the stage must drop it all.
  const popupOpened = browser.context.waitForEvent('page');
  await page.evaluate((url) => {
    window.stageAnswers = [];
    window.addEventListener('message', (e) => {
      if (e.data && typeof e.data === 'object' && 'stage' in e.data) window.stageAnswers.push(e.data);
    });
    window.stagePopup = window.open(url, 'stage');
  }, `${widgetOrigin}/console-stage.html?mode=synchronized&load=9`);
  const popup = await popupOpened;
  await popup.waitForLoadState('domcontentloaded');
  await popup.waitForFunction(() => /vendors: openframe, agentdesktop/.test(document.getElementById('status')?.textContent ?? ''));
  await page.evaluate((origin) => {
    window.stagePopup.postMessage({ stage: 'connect', v: 1 }, origin);
    window.stagePopup.postMessage({ stage: 'call', id: 1, op: 'emitOpenFrame', args: ['openframe_awa_agent_presence', {}] }, origin);
  }, widgetOrigin);
  await popup.waitForFunction(() => JSON.parse(document.body.dataset.dropped || '{}').source === 2);
  // What it would have answered had it accepted them (give it the time to).
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await page.evaluate(() => window.stageAnswers), [], 'no answer, no output to a window that did not frame the stage');
  assert.deepEqual(JSON.parse(await popup.evaluate(() => document.body.dataset.dropped)), { origin: 0, source: 2, malformed: 0 });
  await popup.close();
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('ServiceNow OpenFrame + live xuc (the stage runs the xuc client): the case accepted pauses the agent on the simulator', { timeout: 90_000 }, async () => {
  const page = await openConsole('crm=openframe&cc=xuc');
  assert.equal(await page.inputValue('#delivery'), 'live', 'OpenFrame with xuc runs the live client');
  const src = await page.$eval('#frame-slot iframe', (f) => f.src);
  assert.match(src, new RegExp(`^${widgetOrigin}/console-stage\\.html\\?mode=synchronized&load=1&cc=xuc&sim=`));
  await waitTimeline(page, 'the stage\'s xuc link live and the agent logged in', (t) => t.linkCc.includes('live') && t.cc.at(-1) === 'ready');
  const before = (await sim.stats()).xuc.commands;
  await play(page, 'case');
  const tl = await waitTimeline(page, 'the case on xuc', (t) => t.bars.some((b) => b.kind === 'workItem' && b.open === 'false')
    && t.commands.some((c) => c.target === 'cc' && c.cause === 'restore' && c.status === 'confirmed'));
  const toCc = tl.commands.filter((c) => c.target === 'cc' && c.status === 'confirmed').map((c) => `${c.state} ${c.cause}`);
  assert.ok(toCc.includes('notReady work') && toCc.includes('ready restore'), JSON.stringify(toCc));
  const after = (await sim.stats()).xuc.commands;
  assert.equal((after.pauseAgent ?? 0) - (before.pauseAgent ?? 0), 1, 'the pause went over the xuc socket');
  assert.ok((after.unpauseAgent ?? 0) - (before.unpauseAgent ?? 0) >= 1, 'and the restore');
  assert.ok(tl.requests.includes('openServiceNowForm'), 'the record opened');
  const list = await rows(page);
  assert.ok(list.some((r) => r.kind === 'vendor' && r.dir === 'out' && r.type === 'setPresenceIndicator'), 'the indicator follows the agent');
  assert.deepEqual(browser.problems, []);
  await shootTimeline(page, 'console-servicenow-xuc.png');
  await page.close();
});

test('live simulators: xuc and AXP through the widget\'s own contact-centre client', { timeout: 120_000 }, async () => {
  const page = await openConsole('crm=crm-connector&cc=xuc');
  assert.equal(await page.inputValue('#delivery'), 'live', 'the live simulators are the default for xuc and AXP');
  assert.equal(await page.$eval('#frame-slot iframe', (f) => f.src), `${widgetOrigin}/widget.html?config=xuc`);
  // The widget's client goes live; the console logs the simulator's agent in on its line.
  let tl = await waitTimeline(page, 'the xuc link live and the agent logged in', (t) => t.linkCc.includes('live') && t.cc.at(-1) === 'ready');
  assert.deepEqual(tl.linkCc.slice(0, 1), ['connecting']);
  let list = await rows(page);
  assert.ok(list.some((r) => r.kind === 'call' && r.type === 'ccCommand' && /loginAgent/.test(r.summary) && / → ok$/.test(r.summary)), 'loginAgent sent');

  await play(page, 'inbound');
  tl = await waitTimeline(page, 'the live inbound call', (t) => t.cc.includes('wrapUp') && t.cc.at(-1) === 'ready' && t.crm.at(-1) === 'available');
  const call = tl.bars.filter((b) => b.kind === 'interaction').at(-1);
  assert.deepEqual(call.phases, ['alerting', 'connected', 'done']);
  assert.ok(tl.requests.includes('requestPerformInteractionScreenPop'));
  assert.ok(tl.commands.some((c) => c.target === 'crm' && c.cause === 'work' && c.status === 'confirmed'));

  // By hand: Not ready is the xuc pauseAgent on the simulator; it settles when the simulator answers.
  await page.click('[data-act="notReady"]');
  tl = await waitTimeline(page, 'the live pause', (t) => t.commands.some((c) => c.target === 'cc' && c.cause === 'host' && c.status === 'confirmed'));
  assert.equal(tl.cc.at(-1), 'notReady');
  const stats = await sim.stats();
  assert.ok((stats.xuc.commands.pauseAgent ?? 0) >= 1, `the simulator got pauseAgent: ${JSON.stringify(stats.xuc.commands)}`);

  // The dropped connection, live: the widget frame reloads, then the simulator drops the xuc socket.
  await play(page, 'drop');
  tl = await readTimeline(page);
  assert.ok(tl.linkCc.includes('reconnecting'), JSON.stringify(tl.linkCc));
  assert.equal(tl.linkCc.at(-1), 'live');
  assert.equal(tl.cc.at(-1), 'notReady', 'events flow again after both drops');
  list = await rows(page);
  assert.ok(list.some((r) => r.kind === 'sim' && r.type === 'POST /sim/send' && / → 200 /.test(r.summary)), 'feed lines accepted');
  assert.ok(list.some((r) => r.kind === 'sim' && r.type === 'POST /sim/fault/drop' && / → 200 /.test(r.summary)), 'the fault armed');
  for (const dir of ['in', 'out']) {
    assert.ok(list.some((r) => r.kind === 'trace' && r.dir === dir && r.peer === 'widget↔cc'), `contact-centre trace entries ${dir}`);
  }
  assert.ok(list.some((r) => r.kind === 'health' && r.type === 'ccHealth' && /reconnecting/.test(r.summary)));
  await shootTimeline(page, 'console-live-xuc.png');

  // AXP, live and read-only: the host cannot set the agent state; the CRM still follows the agent.
  await page.selectOption('#cc-side', 'axp');
  await page.waitForFunction(() => document.body.dataset.cc === 'axp' && document.body.dataset.session === 'ready', null, { timeout: 20000 });
  assert.equal(await page.$eval('#frame-slot iframe', (f) => f.src), `${widgetOrigin}/widget.html?config=axp`);
  assert.match(await page.getAttribute('[data-act="ready"]', 'title'), /read-only/);
  await waitTimeline(page, 'the AXP link live', (t) => t.linkCc.includes('live'));
  await play(page, 'missed');
  tl = await waitTimeline(page, 'the AXP forced pause', (t) => t.cc.includes('notReady') && t.cc.at(-1) === 'ready');
  await page.click('[data-act="presence"][data-value="Busy"]');
  tl = await waitTimeline(page, 'notSupported towards AXP', (t) => t.commands.some((c) => c.target === 'cc' && c.status === 'notSupported' && c.state === 'notReady'));
  await shootTimeline(page, 'console-live-axp.png');
  assert.deepEqual(browser.problems, []);
  await page.close();
});

test('one agent, two tabs: the console opens a second tab of itself, each shows its role', { timeout: 90_000 }, async () => {
  const page = await openConsole('crm=crm-connector&cc=xuc&delivery=live');
  await page.waitForFunction(() => document.body.dataset.tabRole === 'leader', null, { timeout: 15000 });
  assert.match(await page.textContent('#tabs-role'), /^leader · 1 tab · leader since /);
  const [second] = await Promise.all([browser.context.waitForEvent('page'), page.click('#open-tab')]);
  await second.waitForSelector('body[data-session="ready"]', { timeout: 20000 });
  await second.waitForFunction(() => document.body.dataset.tabRole === 'follower' && /2 tabs/.test(document.getElementById('tabs-role').textContent), null, { timeout: 15000 });
  await page.waitForFunction(() => /^leader · 2 tabs/.test(document.getElementById('tabs-role').textContent), null, { timeout: 15000 });
  // Both show the same leader's start.
  const since = (p) => p.textContent('#tabs-role').then((t) => t.replace(/^.* leader since /, ''));
  assert.equal(await since(second), await since(page));
  // The leader's tab closes: the other one leads.
  await page.close();
  await second.waitForFunction(() => /^leader · 1 tab/.test(document.getElementById('tabs-role').textContent), null, { timeout: 5000 });
  await second.close();
});
