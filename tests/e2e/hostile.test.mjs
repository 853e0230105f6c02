// Hostile input against the widget in a real browser (issue 7): oversized and
// deeply nested port messages, prototype-pollution keys, wrong types in every
// field of the vendor samples, replayed sequence numbers, and a flood from an
// untrusted frame. Prints how many were tried and accepted, and checks the
// widget kept serving. The scenarios live in hostile-runner.mjs (shared with
// bench/reliability.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigins, startBrowser } from './harness.mjs';
import { openHostPage, runHostile, hostileTable } from './hostile-runner.mjs';

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

test('hostile input: tried, accepted, and the widget kept serving', async () => {
  const page = await openHostPage(browser.context, origins);
  const result = await runHostile(page, origins);
  process.stdout.write(`\n${hostileTable(result)}\n`);
  const row = (name) => result.rows.find((r) => r.name === name);
  assert.equal(row('port messages').accepted, 0);
  assert.equal(row('replayed sequence numbers').accepted, 0);
  assert.ok(result.replayDuplicates >= 50);
  assert.equal(row('untrusted-frame flood').accepted, 0);
  assert.equal(result.floodDroppedOrigin, 100);
  for (const r of result.rows.filter((x) => x.untrusted)) assert.equal(r.accepted, 0, r.name);
  assert.ok(row('vendor fields of the wrong type (lenient: some decode)').tried > 100);
  assert.ok(result.stillServing, 'the widget kept serving');
  assert.ok(result.noPollution, 'no prototype pollution in the host page');
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await page.close();
});
