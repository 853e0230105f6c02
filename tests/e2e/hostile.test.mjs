// Hostile input against the widget in a real browser (issue 7): oversized and
// deeply nested port messages, prototype-pollution keys, wrong types in every
// field of the vendor samples, replayed sequence numbers, and a flood from an
// untrusted frame. Prints how many were tried and accepted, and checks the
// widget kept serving.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startOrigins, startBrowser, until } from './harness.mjs';

let origins;
let browser;

before(async () => {
  origins = await startOrigins((hostOrigin) => ({ allowedHostOrigins: [hostOrigin], allowInject: true }));
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await origins?.close();
});

async function openHost() {
  const page = await browser.context.newPage();
  await page.goto(`${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}&mode=synchronized`);
  await until(page, () => window.test.bridge || window.test.error);
  await until(page, () => window.test.events.some((e) => e.kind === 'presence'));
  return page;
}

/** Every field of a sample replaced, one at a time, by a value of another type. */
function wrongTypes(sample) {
  const swaps = [null, 42, -1.5, true, '', 'x'.repeat(300), [], {}, { __proto__: { polluted: 1 } }];
  const out = [];
  const walk = (value, path) => {
    if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        for (const swap of swaps) {
          const copy = structuredClone(sample);
          let target = copy;
          for (const p of path) target = target[p];
          target[key] = swap;
          out.push(copy);
        }
        walk(value[key], [...path, key]);
      }
    }
  };
  walk(sample, []);
  return out;
}

test('hostile input: tried, accepted, and the widget kept serving', async () => {
  const page = await openHost();
  const tally = {};
  const count = (name, tried, accepted) => { tally[name] = { tried, accepted }; };

  // 1. Port messages the host script would never send: oversized, deeply nested,
  //    prototype pollution, unknown types, wrong field types. None may act.
  const portResults = await page.evaluate(() => {
    const b = window.test.bridge;
    const sent = [
      JSON.stringify({ t: 'crm', msg: 'x'.repeat(70 * 1024) }),
      '['.repeat(5000) + ']'.repeat(5000),
      '{"t":"request","id":1,"method":"snapshot","__proto__":{"polluted":true}}',
      '{"t":"request","id":"1","method":"snapshot"}',
      '{"t":"request","id":-5,"method":"snapshot"}',
      '{"t":"teleport"}',
      '{"t":"crm","msg":{"type":"ClientAppMessage","action":"omnichannelResponse","data":{"statusId":{"constructor":{"prototype":{"x":1}}},"success":"yes"}}}',
      'not json at all',
    ];
    for (const text of sent) b._port.postMessage(text);
    return sent.length;
  });
  const diag = await until(page, async (n) => {
    const { diagnostics } = await window.test.bridge.snapshot();
    return diagnostics.dropped.malformed >= n - 1 ? diagnostics : null;
  }, portResults);
  // The envelope with a wrong-typed statusId is well-formed on the channel: the
  // CRM Connector decoder refuses it (an `error` event), so nothing acts on it either.
  const decodeErrors = await page.evaluate(() => window.test.events.filter((e) => e.kind === 'error').length);
  count('port messages', portResults, portResults - diag.dropped.malformed - decodeErrors);

  // 2. Wrong types in every field of every vendor sample, through the widget's core.
  let tried = 0;
  let accepted = 0;
  for (const source of ['openframe', 'crm-connector', 'agentdesktop', 'axp', 'xuc']) {
    const lines = readFileSync(join(ROOT, 'tests', 'fixtures', `${source}.jsonl`), 'utf8').split('\n').filter(Boolean);
    const mutants = lines.slice(0, 3).flatMap((l) => wrongTypes(JSON.parse(l)));
    const results = await page.evaluate(async ([src, msgs]) => {
      let ok = 0;
      for (const m of msgs) {
        try {
          await window.test.bridge.inject(src, m);
          ok++;
        } catch {
          // refused with a typed error: counted as not accepted
        }
      }
      return ok;
    }, [source, mutants]);
    tried += mutants.length;
    accepted += results;
  }
  // Lenient decoding accepts harmless variations (a number as a string, an
  // extra or empty optional field): what matters is that nothing crashed.
  count('vendor fields of the wrong type (lenient: some decode)', tried, accepted);

  // 3. Replayed sequence numbers reaching the host: dropped as duplicates.
  const replay = await page.evaluate(() => {
    const b = window.test.bridge;
    const before = window.test.events.length;
    const last = b.hostStats().lastSeq;
    for (let i = 0; i < 50; i++) {
      b._onPortMessage(b._port, { t: 'event', seq: last - (i % 5), event: { kind: 'presence', name: 'Replayed' } });
    }
    return { accepted: window.test.events.length - before, duplicates: b.hostStats().duplicates };
  });
  count('replayed sequence numbers', 50, replay.accepted);
  assert.equal(replay.accepted, 0);
  assert.ok(replay.duplicates >= 50);

  // 4. A flood from an untrusted frame on a third origin.
  await page.evaluate((url) => window.addForger(url), `${origins.thirdOrigin}/forger.html`);
  await until(page, () => window.test.forged.length === 1);
  const flood = await until(page, async () => {
    const { diagnostics } = await window.test.bridge.snapshot();
    return diagnostics.dropped.origin >= 100 ? diagnostics : null;
  });
  count('untrusted-frame flood', 100, 100 - flood.dropped.origin);
  assert.equal(flood.dropped.origin, 100);

  // Still serving: a real change goes through end to end.
  await page.evaluate(() => window.test.bridge.inject('xuc', {
    msgType: 'AgentStateEvent', ctiMessage: { name: 'AgentOnPause', agentId: 19 },
  }));
  await until(page, () => window.test.events.some((e) => e.kind === 'agentState' && e.state === 'notReady'));
  const polluted = await page.evaluate(() => ({}).polluted === undefined && Object.prototype.x === undefined);
  assert.ok(polluted, 'no prototype pollution in the host page');

  process.stdout.write('\nhostile input                                            tried  accepted\n');
  for (const [name, { tried: t, accepted: a }] of Object.entries(tally)) {
    process.stdout.write(`${name.padEnd(56)} ${String(t).padStart(5)}  ${String(a).padStart(8)}\n`);
  }
  process.stdout.write('widget kept serving: yes\n');
  assert.equal(tally['port messages'].accepted, 0);
  assert.equal(tally['untrusted-frame flood'].accepted, 0);
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await page.close();
});
