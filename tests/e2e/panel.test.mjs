// The agent's panel inside the widget frame, driven as an agent would against `cti-bridge sim`:
// sign in (the host page gives no credentials), go ready, take a call, hold, resume, hang up,
// finish wrap-up, pause with a reason, dial out; what the simulator received is asserted.
// Also: AXP signed in through the widget's token endpoint, the host's connect() options
// (panel, locale, theme, unknown ones), screenshots (light, dark, 320 px) against docs/img/,
// an axe-core check (0 serious or critical) and a keyboard-only run. Strict CSP everywhere.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startBrowser, startOrigins } from './harness.mjs';
import { startSim } from './simproc.mjs';

const NETWORK_LINE = /^console: (WebSocket connection to '[^']*' failed: |Failed to load resource: the server responded with a status of (401|50[23]))/;
const PAUSE_REASONS = [
  { id: 'lunch', label: { en: 'Lunch', fr: 'Déjeuner' } },
  { id: 'training', label: { en: 'Training', fr: 'Formation' } },
];

let sim;
let origins;
let browser;

before(async () => {
  sim = await startSim(['--heartbeat', '3s', '--token', 'sim-token']);
  const axe = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  origins = await startOrigins((hostOrigin, variant) => {
    const base = { allowedHostOrigins: [hostOrigin], pauseReasons: PAUSE_REASONS };
    const axp = { kind: 'axp', restBase: `${sim.origin}/api/notification/v1`, accountId: 'DEMOAC', appKey: 'demo-app-key' };
    if (variant === 'axp') return { ...base, contactCentre: axp, credentialsUrl: '/cti/token' };
    if (variant === 'axp-denied') return { ...base, contactCentre: axp, credentialsUrl: '/cti/denied' };
    const agentId = { 'xuc-bob': '20', 'xuc-carol': '21' }[variant] || '19';
    return { ...base, contactCentre: { kind: 'xuc', baseUrl: sim.origin, agentId } };
  }, {
    connectSrc: [sim.origin, sim.wsOrigin],
    widgetRoutes: {
      '/axe.min.js': () => ['text/javascript', axe],
      '/cti/token': () => ['application/json', JSON.stringify({ token: 'sim-token' })],
      '/cti/denied': () => ['application/json', JSON.stringify({ error: 'not signed in' }), 401],
    },
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
  await sim?.stop();
});

const problems = () => browser.problems.splice(0).filter((p) => !NETWORK_LINE.test(p));

async function open(query, { colorScheme = 'light' } = {}) {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
  await page.setViewportSize({ width: 480, height: 760 });
  await page.goto(`${origins.hostOrigin}/panel.html?widget=${origins.widgetOrigin}&${query}`);
  await page.waitForFunction(() => window.test.bridge || window.test.error, null, { timeout: 15_000 });
  const frame = page.frameLocator('iframe');
  return { page, frame, widgetFrame: () => page.frames().find((f) => f.url().includes('/widget.html')) };
}

const commands = async () => (await sim.stats()).xuc.commands;
/** Waits until the simulator counted `n` more `name` commands than in `before`. */
async function received(before, name, n = 1) {
  const deadline = Date.now() + 8000;
  for (;;) {
    const now = await commands();
    if ((now[name] || 0) - (before[name] || 0) >= n) return now;
    if (Date.now() > deadline) throw new Error(`${name}: ${(now[name] || 0) - (before[name] || 0)} of ${n} (${JSON.stringify(now)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ringing = (id, from = '0612345678') => [
  { xuc: { msgType: 'PhoneEvent', ctiMessage: { eventType: 'EventRinging', DN: '1000', otherDN: from, linkedId: id, uniqueId: id, queueName: 'bluesky', userData: {} } }, login: 'alice' },
  { xuc: { msgType: 'AgentStateEvent', ctiMessage: { name: 'AgentRinging', agentId: 19, phoneNb: '1000', since: 0, queues: [8], cause: '' } }, login: 'alice' },
];

/** Axe-core in the widget frame (served by the widget origin, injected by Playwright): serious and critical violations. */
async function axe(widgetFrame) {
  const frame = widgetFrame();
  if (!(await frame.evaluate(() => typeof window.axe === 'object'))) await frame.addScriptTag({ url: `${origins.widgetOrigin}/axe.min.js` });
  const violations = await frame.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Compares a screenshot with docs/img/NAME (written when missing or UPDATE_SCREENSHOTS=1): at most 1% of pixels differ. */
async function compareScreenshot(page, name, png) {
  const file = join(ROOT, 'docs', 'img', name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(file)) {
    await writeFile(file, png);
    return;
  }
  const reference = await readFile(file);
  const blank = await browser.context.newPage();
  const diff = await blank.evaluate(async ([a, b]) => {
    const decode = async (b64) => createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const [x, y] = [await decode(a), await decode(b)];
    if (x.width !== y.width || x.height !== y.height) return { size: [x.width, x.height, y.width, y.height] };
    const pixels = (img) => {
      const canvas = new OffscreenCanvas(img.width, img.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return ctx.getImageData(0, 0, img.width, img.height).data;
    };
    const [p, q] = [pixels(x), pixels(y)];
    let differ = 0;
    for (let i = 0; i < p.length; i += 4) {
      if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 48) differ++;
    }
    return { ratio: differ / (p.length / 4) };
  }, [png.toString('base64'), reference.toString('base64')]);
  await blank.close();
  assert.ok(!diff.size, `${name}: size changed ${JSON.stringify(diff.size)} (UPDATE_SCREENSHOTS=1 to accept)`);
  assert.ok(diff.ratio <= 0.01, `${name}: ${(diff.ratio * 100).toFixed(2)}% of pixels differ (UPDATE_SCREENSHOTS=1 to accept)`);
}

test('xuc: the agent signs in in the panel, goes ready, takes a call, holds, resumes, hangs up, finishes wrap-up, pauses with a reason, dials out', { timeout: 90_000 }, async () => {
  const { page, frame, widgetFrame } = await open('config=xuc&credential=none&locale=en');
  // No credentials from the host: the panel's own sign-in, saying why.
  await frame.locator('#signin-login').waitFor({ timeout: 15_000 });
  await frame.locator('#signin-error', { hasText: 'The page gave no credentials: sign in here.' }).waitFor();
  assert.deepEqual(await axe(widgetFrame), [], 'the sign-in form passes axe');
  // The message comes from the client's typed fault, which the host sees on ccHealth too.
  const faults = () => page.evaluate(() => window.test.events.filter((e) => e.kind === 'ccHealth' && e.fault).map((e) => [e.fault, e.code]));
  assert.deepEqual((await faults())[0], ['noCredentials', 'cc.auth']);

  // A wrong password: its own message.
  await frame.getByLabel('User').fill('alice');
  await frame.getByLabel('Password').fill('wrong');
  await frame.getByLabel('Phone number').fill('1000');
  await frame.getByRole('button', { name: 'Sign in' }).click();
  await frame.locator('#signin-error', { hasText: 'Wrong user or password.' }).waitFor({ timeout: 10_000 });
  assert.deepEqual((await faults()).at(-1), ['badCredentials', 'cc.auth']);
  assert.equal(await frame.getByLabel('User').inputValue(), 'alice', 'what the agent typed is kept');

  let before = await commands();
  await frame.getByLabel('Password').fill('alice');
  await frame.getByRole('button', { name: 'Sign in' }).click();
  // Signed in and logged in on its phone: Ready.
  await frame.locator('.state-name[data-state="ready"]').waitFor({ timeout: 15_000 });
  await received(before, 'agentLogin');
  assert.equal(await frame.locator('#signin-login').count(), 0, 'the form is gone once live');
  assert.match(await frame.locator('.context').textContent(), /xuc live/);

  // Pause with a reason: pending, then confirmed.
  before = await commands();
  await frame.getByLabel('Change state').selectOption('notReady:lunch');
  await frame.getByRole('button', { name: 'Apply' }).click();
  await frame.locator('.state-name[data-state="notReady"]').waitFor();
  assert.match(await frame.locator('.agent-state').textContent(), /Not ready · Lunch/);
  await received(before, 'pauseAgent');
  // Ready again.
  await frame.getByLabel('Change state').selectOption('ready');
  await frame.getByRole('button', { name: 'Apply' }).click();
  await frame.locator('.state-name[data-state="ready"]').waitFor();
  await received(before, 'unpauseAgent');

  // An incoming call: a card with Answer, announced as an alert.
  await sim.send(ringing('call-1'));
  const card = frame.locator('.card[data-id="call-1"]');
  await card.locator('.card-state', { hasText: 'Ringing' }).waitFor();
  assert.match(await card.locator('.card-title').textContent(), /Inbound\s+0612345678/);
  assert.match(await card.locator('.card-meta').textContent(), /Queue bluesky/);
  await frame.locator('#announcer[role="alert"]', { hasText: 'Incoming call from 0612345678' }).waitFor();
  assert.deepEqual(await axe(widgetFrame), [], 'a ringing card passes axe');

  before = await commands();
  await card.getByRole('button', { name: 'Answer' }).click();
  await card.locator('.card-state', { hasText: 'Talking' }).waitFor();
  await received(before, 'answer');
  await card.getByRole('button', { name: 'Hold' }).click();
  await card.locator('.card-state', { hasText: 'On hold' }).waitFor();
  await card.getByRole('button', { name: 'Resume' }).click();
  await card.locator('.card-state', { hasText: 'Talking' }).waitFor();
  await received(before, 'hold', 2);

  await card.getByRole('button', { name: 'Hang up' }).click();
  await received(before, 'hangup');
  // A queue call: wrap-up follows; finishing it unpauses the agent.
  const wrap = frame.locator('.card-wrapUp');
  await wrap.waitFor();
  await wrap.getByRole('button', { name: 'Finish wrap-up' }).click();
  await frame.locator('.state-name[data-state="ready"]').waitFor();
  await received(before, 'unpauseAgent');

  // Dial out from the number field.
  before = await commands();
  await frame.getByLabel('Number to call').fill('0698765432');
  await frame.getByRole('button', { name: 'Dial' }).click();
  await received(before, 'dial');
  const out = frame.locator('.card', { hasText: 'Outbound' });
  await out.locator('.card-state', { hasText: 'Dialing' }).waitFor();
  assert.match(await out.textContent(), /0698765432/);
  await out.getByRole('button', { name: 'Hang up' }).click();
  await received(before, 'hangup');
  await out.waitFor({ state: 'detached' });

  // A missed offer: a notice, dismissible.
  await sim.send([...ringing('call-2', '0611111111'), { xuc: { msgType: 'PhoneEvent', ctiMessage: { eventType: 'EventReleased', DN: '1000', otherDN: '0611111111', linkedId: 'call-2', uniqueId: 'call-2', userData: {} } }, login: 'alice' }]);
  const missed = frame.locator('.notice-missedOffer');
  await missed.waitFor();
  assert.match(await missed.textContent(), /Missed call from 0611111111/);
  await missed.getByRole('button', { name: /Dismiss/ }).click();
  await missed.waitFor({ state: 'detached' });

  // The connection lost: a notice and the health with its reason.
  await sim.arm('xuc:drop');
  await frame.locator('.notice-connectionLost').waitFor({ timeout: 10_000 });
  await frame.locator('.notice-connectionLost').waitFor({ state: 'detached', timeout: 20_000 });
  assert.deepEqual(problems(), []);
  await page.close();
});

test('screenshots of a talking call: light, dark and 320 px wide', { timeout: 90_000 }, async () => {
  const variants = [['panel-light.png', '', 'light'], ['panel-dark.png', '', 'dark'], ['panel-320.png', '&narrow=1', 'light']];
  for (const [i, [name, query, colorScheme]] of variants.entries()) {
    const { page, frame } = await open(`config=xuc-bob&credential=bob:bob&locale=en${query}`, { colorScheme });
    await frame.locator('.context', { hasText: 'xuc live' }).waitFor({ timeout: 15_000 });
    await frame.locator('.state-name[data-state="loggedOut"], .state-name[data-state="ready"]').first().waitFor();
    if (await frame.locator('#phone-login').count()) {
      await frame.getByLabel('Phone number').fill('1001');
      await frame.getByRole('button', { name: 'Log in on phone' }).click();
    }
    await frame.locator('.state-name[data-state="ready"]').waitFor();
    const id = `shot-${i}`;
    await sim.send(ringing(id, '0612345678').map((l) => ({ ...l, login: 'bob', xuc: { ...l.xuc, ctiMessage: { ...l.xuc.ctiMessage, DN: '1001', agentId: 20, phoneNb: '1001' } } })));
    const card = frame.locator(`.card[data-id="${id}"]`);
    await card.getByRole('button', { name: 'Answer' }).click();
    await card.locator('.card-state', { hasText: 'Talking' }).waitFor();
    for (const dismiss of await frame.locator('.notice .dismiss').all()) await dismiss.click();
    await frame.locator('.notice').first().waitFor({ state: 'detached' });
    await page.locator('h1').click();
    const png = await page.locator('iframe').screenshot({ mask: [frame.locator('.timer')], animations: 'disabled', caret: 'hide' });
    await compareScreenshot(page, name, png);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await frame.getByRole('button', { name: 'Finish wrap-up' }).click();
    await frame.locator('.state-name[data-state="ready"]').waitFor();
    await page.close();
  }
  assert.deepEqual(problems(), []);
});

test('keyboard only: log in on a phone, pause with a reason, answer and hang up, with visible focus', { timeout: 60_000 }, async () => {
  const { page, frame, widgetFrame } = await open('config=xuc-carol&credential=carol:carol&locale=en');
  await frame.locator('#phone-login').waitFor({ timeout: 15_000 });
  const focused = () => widgetFrame().evaluate(() => {
    const el = document.activeElement;
    return { key: el?.dataset?.key || el?.id || el?.tagName, outline: getComputedStyle(el).outlineStyle };
  });
  /** Tabs until the element with `key` has the focus (bounded). */
  const tabTo = async (key) => {
    for (let i = 0; i < 40; i++) {
      const f = await focused();
      if (f.key === key) {
        assert.notEqual(f.outline, 'none', `${key} shows its focus`);
        return;
      }
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not reach ${key} with Tab`);
  };
  // Into the frame by keyboard: Tab from the host page.
  await page.locator('h1').click();
  await tabTo('phone-login');
  let before = await commands();
  await page.keyboard.type('1002');
  await page.keyboard.press('Enter');
  await received(before, 'agentLogin');
  await frame.locator('.state-name[data-state="ready"]').waitFor();

  await tabTo('state');
  await page.keyboard.press('End'); // the last option: Not ready: Training
  await tabTo('apply');
  before = await commands();
  await page.keyboard.press('Enter');
  await frame.locator('.state-name[data-state="notReady"]').waitFor();
  await received(before, 'pauseAgent');
  assert.match(await frame.locator('.agent-state').textContent(), /Training/);

  await sim.send(ringing('kbd-1', '0622222222').map((l) => ({ ...l, login: 'carol', xuc: { ...l.xuc, ctiMessage: { ...l.xuc.ctiMessage, DN: '1002', agentId: 21, phoneNb: '1002' } } })));
  await frame.locator('.card[data-id="kbd-1"]').waitFor();
  await tabTo('kbd-1:answer');
  before = await commands();
  await page.keyboard.press('Enter');
  await received(before, 'answer');
  await frame.locator('.card[data-id="kbd-1"] .card-state', { hasText: 'Talking' }).waitFor();
  await tabTo('kbd-1:hangup');
  await page.keyboard.press(' ');
  await received(before, 'hangup');
  assert.deepEqual(await axe(widgetFrame), []);
  assert.deepEqual(problems(), []);
  await page.close();
});

test('AXP: signed in through the widget\'s token endpoint, read-only state and cards; a refused endpoint has its message', { timeout: 40_000 }, async () => {
  const { page, frame, widgetFrame } = await open('config=axp&credential=none&locale=fr');
  // The token comes from the widget's own endpoint (its cookies decide), not from the page.
  await frame.locator('.context', { hasText: 'axp active' }).waitFor({ timeout: 15_000 });
  await sim.send([{ axp: { event: 'AgentState', state: 'NOT_READY', reasonCode: 'lunch' } }]);
  await frame.locator('.agent-state', { hasText: 'Indisponible · Déjeuner' }).waitFor();
  assert.equal(await frame.getByLabel("Changer d'état").isDisabled(), true, 'AXP events are read-only');
  await frame.getByText('Ce centre de contacts est en lecture seule ici').waitFor();
  assert.equal(await frame.getByLabel('Numéro à appeler').isDisabled(), true);
  assert.deepEqual(await axe(widgetFrame), []);
  await page.close();

  const denied = await open('config=axp-denied&credential=none&locale=en');
  const why = denied.frame.locator('#signin-error', { hasText: 'You are not signed in to the site that gives the contact-centre token.' });
  await why.waitFor({ timeout: 15_000 });
  const fault = await denied.page.evaluate(() => window.test.events.find((e) => e.kind === 'ccHealth' && e.fault));
  assert.deepEqual([fault.fault, fault.code], ['endpointRefused', 'cc.auth']);
  // Signing in again asks the endpoint again.
  await denied.frame.getByRole('button', { name: 'Sign in with your account' }).click();
  await why.waitFor({ timeout: 15_000 });
  await denied.page.close();
  assert.deepEqual(problems(), []);
});

test('host control: panel: false hides it, locale, theme, unknown options refused', { timeout: 40_000 }, async () => {
  const hidden = await open('config=xuc&credential=alice:alice&panel=0');
  assert.equal(hidden.page.url().includes('panel=0'), true);
  await hidden.page.waitForFunction(() => window.test.bridge);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await hidden.frame.locator('#panel').isHidden(), true, 'connect({panel: false}) hides the panel');
  await hidden.page.close();

  const themed = await open('config=xuc&credential=alice:alice&locale=fr&accent=%23aa0066');
  await themed.frame.getByRole('heading', { name: 'Agent' }).waitFor({ timeout: 15_000 });
  await themed.frame.getByText('Changer d\'état').waitFor();
  const accent = await themed.widgetFrame().evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--cti-accent').trim());
  assert.equal(accent, '#aa0066');
  assert.equal(await themed.widgetFrame().evaluate(() => document.documentElement.lang), 'fr');
  await themed.page.close();

  const dark = await open('config=xuc&credential=alice:alice', { colorScheme: 'dark' });
  await dark.frame.locator('.panel-agent').waitFor({ timeout: 15_000 });
  const bg = await dark.widgetFrame().evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(17, 22, 29)', 'prefers-color-scheme: dark');
  await dark.page.close();

  const bogus = await open('config=xuc&credential=alice:alice&bogus=1');
  assert.deepEqual(await bogus.page.evaluate(() => window.test.error), { code: 'invalid', message: 'unknown connect() option: bogus' });
  const refusals = await bogus.page.evaluate(async () => {
    const tryConnect = (extra) => window.CtiBridge.connect({ widgetUrl: 'http://localhost:1/widget.html', container: 'body', ...extra }).then(() => null, (e) => e.code + ': ' + e.message);
    return [await tryConnect({ panel: 'no' }), await tryConnect({ theme: { colour: 'red' } }), await tryConnect({ theme: { accent: 'url(x)' } }), await tryConnect({ locale: '<b>' })];
  });
  assert.deepEqual(refusals.map((r) => r.split(':')[0]), ['invalid', 'invalid', 'invalid', 'invalid'], JSON.stringify(refusals));
  await bogus.page.close();
  assert.deepEqual(problems(), []);
});
