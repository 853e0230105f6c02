// The hostile-input scenarios against the widget in a real browser, shared by
// tests/e2e/hostile.test.mjs (which asserts on the result) and
// bench/reliability.mjs (which reports it): oversized and deeply nested port
// messages, prototype-pollution keys, wrong types in every field of the vendor
// samples, replayed sequence numbers, and a flood from an untrusted frame.
//
// Needs the origins of harness.mjs `startOrigins` with the widget configured
// `{allowedHostOrigins: [hostOrigin], allowInject: true}`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, until } from './harness.mjs';

/** Opens the test CRM page (tests/e2e/host) on the host origin and waits for the bridge. */
export async function openHostPage(context, origins, mode = 'synchronized', query = '') {
  const page = await context.newPage();
  await page.goto(`${origins.hostOrigin}/index.html?widget=${encodeURIComponent(origins.widgetOrigin)}&mode=${mode}${query ? `&${query}` : ''}`);
  await until(page, () => window.test.bridge || window.test.error);
  const error = await page.evaluate(() => window.test.error);
  if (error) throw new Error(`connect failed: ${JSON.stringify(error)}`);
  await until(page, () => window.test.events.some((e) => e.kind === 'presence'));
  return page;
}

/** Every field of a sample replaced, one at a time, by a value of another type. */
export function wrongTypes(sample) {
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

/**
 * Runs every hostile scenario on `page` (from `openHostPage`). Returns
 * `{rows: [{name, tried, accepted, untrusted}], replayDuplicates, floodDroppedOrigin,
 * stillServing, noPollution}`. `untrusted` rows come from outside the trusted
 * host channel contract: their `accepted` must be 0. The vendor-field row goes
 * through the trusted `inject` and lenient decoding accepts harmless variations.
 */
export async function runHostile(page, origins) {
  const rows = [];
  const count = (name, tried, accepted, untrusted) => rows.push({ name, tried, accepted, untrusted });

  // 1. Port messages the host script would never send: oversized, deeply nested,
  //    prototype pollution, unknown types, wrong field types. None may act.
  const portSent = await page.evaluate(() => {
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
  }, portSent);
  // The envelope with a wrong-typed statusId is well-formed on the channel: the
  // CRM Connector decoder refuses it (an `error` event), so nothing acts on it either.
  const decodeErrors = await page.evaluate(() => window.test.events.filter((e) => e.kind === 'error').length);
  count('port messages', portSent, portSent - diag.dropped.malformed - decodeErrors, true);

  // 2. Wrong types in every field of every vendor sample, through the widget's core.
  let tried = 0;
  let accepted = 0;
  for (const source of ['openframe', 'crm-connector', 'agentdesktop', 'axp', 'xuc']) {
    const lines = readFileSync(join(ROOT, 'tests', 'fixtures', `${source}.jsonl`), 'utf8').split('\n').filter(Boolean);
    const mutants = lines.slice(0, 3).flatMap((l) => wrongTypes(JSON.parse(l)));
    const ok = await page.evaluate(async ([src, msgs]) => {
      let n = 0;
      for (const m of msgs) {
        try {
          await window.test.bridge.inject(src, m);
          n++;
        } catch {
          // refused with a typed error: counted as not accepted
        }
      }
      return n;
    }, [source, mutants]);
    tried += mutants.length;
    accepted += ok;
  }
  // Lenient decoding accepts harmless variations (a number as a string, an
  // extra or empty optional field): what matters is that nothing crashed.
  count('vendor fields of the wrong type (lenient: some decode)', tried, accepted, false);

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
  count('replayed sequence numbers', 50, replay.accepted, true);

  // 4. A flood from an untrusted frame on a third origin.
  await page.evaluate((url) => window.addForger(url), `${origins.thirdOrigin}/forger.html`);
  await until(page, () => window.test.forged.length === 1);
  const flood = await until(page, async () => {
    const { diagnostics } = await window.test.bridge.snapshot();
    return diagnostics.dropped.origin >= 100 ? diagnostics : null;
  });
  count('untrusted-frame flood', 100, 100 - flood.dropped.origin, true);

  // Still serving: a real change goes through end to end.
  let stillServing = true;
  try {
    await page.evaluate(() => window.test.bridge.inject('xuc', {
      msgType: 'AgentStateEvent', ctiMessage: { name: 'AgentOnPause', agentId: 19 },
    }));
    await until(page, () => window.test.events.some((e) => e.kind === 'agentState' && e.state === 'notReady'));
  } catch {
    stillServing = false;
  }
  const noPollution = await page.evaluate(() => ({}).polluted === undefined && Object.prototype.x === undefined);
  return {
    rows,
    replayDuplicates: replay.duplicates,
    floodDroppedOrigin: flood.dropped.origin,
    stillServing,
    noPollution,
  };
}

/** The result as a small text table. */
export function hostileTable(result) {
  const lines = ['hostile input                                            tried  accepted'];
  for (const r of result.rows) {
    const name = `${r.name}${r.untrusted ? ' (must be 0)' : ''}`;
    lines.push(`${name.padEnd(56)} ${String(r.tried).padStart(5)}  ${String(r.accepted).padStart(8)}`);
  }
  lines.push(`widget kept serving: ${result.stillServing ? 'yes' : 'NO'}`);
  lines.push(`host page prototype untouched: ${result.noPollution ? 'yes' : 'NO'}`);
  return lines.join('\n');
}
