// Smoke run of the reliability table (bash scripts/reliability.sh) with tiny sizes, so it cannot
// rot: every simulator fault that applies to AXP or xuc gets a row (one injection each), so do the
// baselines (streaming, idle) and the storm of each protocol; the widget reload row and the
// hostile-input rows are there (the dead widget's row killed with a save older than what its host
// saw); nothing is lost or duplicated, every fault fired and the client
// came back; the JSON has the table's shape.
//   node --test tests/e2e/reliability-smoke.test.mjs   (needs bash scripts/build.sh and cargo build first)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

/** The simulator's fault names and the protocols each applies to, read from crates/sim/src/fault.rs. */
function simFaults() {
  const src = readFileSync(join(ROOT, 'crates', 'sim', 'src', 'fault.rs'), 'utf8');
  const names = [...src.matchAll(/Fault::(\w+) => "([a-z-]+)"/g)].map(([, variant, name]) => ({ variant, name }));
  const only = (proto) => [...src.matchAll(new RegExp(`([\\w:| ]+) => proto == Proto::${proto}`, 'g'))]
    .flatMap(([, lhs]) => [...lhs.matchAll(/Fault::(\w+)/g)].map(([, v]) => v));
  const axpOnly = only('Axp');
  const xucOnly = only('Xuc');
  return names.map(({ variant, name }) => ({
    name,
    axp: !xucOnly.includes(variant),
    xuc: !axpOnly.includes(variant),
  }));
}

test('reliability smoke run: every fault row, no loss but the known in-flight frames at a widget reload, JSON in the table\'s shape', { timeout: 240_000 }, async () => {
  const faults = simFaults();
  assert.ok(faults.length >= 10, `faults read from crates/sim/src/fault.rs: ${JSON.stringify(faults)}`);
  assert.ok(faults.some((f) => f.axp && !f.xuc) && faults.some((f) => f.xuc && !f.axp), 'protocol-specific faults found');
  const dir = await mkdtemp(join(tmpdir(), 'cti-bridge-rel-'));
  const out = join(dir, 'reliability.json');
  try {
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile('node', [join(ROOT, 'bench', 'reliability.mjs')], {
        cwd: ROOT,
        env: { ...process.env, REL_EVENTS: '8', REL_INJECTIONS: '1', REL_RELOADS: '1', REL_RELOAD_EVENTS: '60', REL_PACE_MS: '2', REL_IDLE_MS: '200', REL_HANDOVERS: '1', REL_HANDOVER_EVENTS: '9', REL_FAULTS: '', REL_OUT: out },
        timeout: 230_000,
      }, (err, so, se) => resolve({ code: err ? err.code ?? 1 : 0, stdout: so, stderr: se }));
    });
    assert.equal(code, 0, `the command failed\n${stdout}\n${stderr}`);

    // The printed table.
    const header = stdout.split('\n').find((l) => l.startsWith('| fault'));
    assert.ok(header, stdout);
    for (const col of ['injected', 'sent', 'delivered', 'lost', 'duplicated', 'reconnects', 'recover median / max']) {
      assert.ok(header.includes(col), `column ${col}: ${header}`);
    }
    const expected = ['axp none', 'xuc none', 'axp idle', 'xuc idle', 'axp storm', 'xuc storm', 'widget reload', 'widget unresponsive, liveness reload', 'widget xuc client, widget reload', '3 tabs, leader closed', '3 tabs, leader crashed', '3 tabs, leader reloaded'];
    for (const f of faults) for (const p of ['axp', 'xuc']) if (f[p]) expected.push(`${p} ${f.name}`);
    for (const row of expected) assert.ok(new RegExp(`^\\| ${row} +\\|`, 'm').test(stdout), `table row "${row}"\n${stdout}`);
    for (const line of ['port messages (must be 0)', 'untrusted-frame flood (must be 0)', 'replayed sequence numbers (must be 0)', 'widget kept serving: yes']) {
      assert.ok(stdout.includes(line), `hostile line "${line}"\n${stdout}`);
    }

    // The JSON.
    const r = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(r.ok, true, JSON.stringify(r.failures));
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.problems, []);
    assert.deepEqual([...r.simFaults].sort(), faults.map((f) => f.name).sort(), 'the rows follow the simulator\'s own fault list');
    assert.equal(r.faults.length, expected.length);
    for (const f of r.faults) {
      const name = `${f.proto} ${f.fault}`;
      for (const k of ['injected', 'expected', 'sent', 'delivered', 'unique', 'lost', 'duplicated', 'reconnects']) {
        assert.ok(Number.isInteger(f[k]) && f[k] >= 0, `${name}.${k}: ${f[k]}`);
      }
      assert.ok(f.sent > 0, name);
      // Only the widget's own client may lose frames in flight at a reload (known, see RELIABILITY.md).
      assert.ok(f.lost <= (f.knownLoss?.upTo ?? 0), `${name}: lost ${f.lost}`);
      assert.equal(f.unique, f.sent - f.lost, `${name}: every other event delivered`);
      if (f.knownLoss) continue;
      assert.equal(f.delivered, f.unique + f.duplicated, name);
      assert.ok(f.duplicated <= (f.knownDuplicates?.upTo ?? 0), `${name}: duplicated ${f.duplicated}`);
      assert.equal(f.injected, f.expected, `${name}: injected`);
      assert.deepEqual(f.problems, [], name);
      const { samples, median, max } = f.recoverMs;
      assert.ok(Array.isArray(samples), name);
      if (samples.length) {
        assert.ok(samples.every((x) => Number.isFinite(x) && x >= 0), name);
        assert.ok(median <= max && max === Math.max(...samples), `${name}: median ${median}, max ${max}`);
      } else {
        assert.equal(median, null, name);
      }
    }
    // Reconnecting faults recovered once per injection; the others never left `live`.
    const row = (p, n) => r.faults.find((f) => f.proto === p && f.fault === n);
    for (const [p, n] of [['axp', 'drop'], ['axp', 'stall-pongs'], ['xuc', 'drop'], ['xuc', 'stall-heartbeats'], ['xuc', 'restart']]) {
      assert.equal(row(p, n).recoverMs.samples.length, 1, `${p} ${n}`);
      assert.ok(row(p, n).reconnects >= 1, `${p} ${n}`);
    }
    // (An idle xuc link is shown degraded, never rebuilt: the idle rows reconnect nothing either.)
    for (const [p, n] of [['axp', 'none'], ['axp', 'malformed'], ['axp', 'oversized'], ['axp', 'replay'],
      ['axp', 'idle'], ['xuc', 'none'], ['xuc', 'idle'], ['xuc', 'malformed'], ['xuc', 'oversized'], ['xuc', 'replay']]) {
      assert.equal(row(p, n).reconnects, 0, `${p} ${n}`);
    }
    assert.equal(row('axp', 'replay').client.duplicatesDropped, 1, 'the AXP replay was dropped by the client');
    for (const p of ['axp', 'xuc']) {
      const storm = row(p, 'storm');
      assert.deepEqual([...storm.kinds].sort(), faults.filter((f) => f[p]).map((f) => f.name).sort(), `${p} storm: every fault`);
      assert.ok(storm.injected >= storm.kinds.length, `${p} storm: every fault fired (${storm.injected})`);
      assert.ok(storm.reconnects >= 1, `${p} storm`);
    }
    assert.equal(row('axp', 'malformed').client.badFrames, 1);
    const reload = row('channel', 'widget reload');
    assert.equal(reload.injected, 1);
    assert.equal(reload.inOrder, true);
    const dead = row('channel', 'widget unresponsive, liveness reload');
    assert.equal(dead.injected, 1);
    assert.equal(dead.reconnects, 1, 'the host noticed the dead widget and reloaded it');
    assert.equal(dead.inOrder, true);
    // The widget died with a save older than what the host saw (60 events: a save lands mid-stream,
    // the kill waits for the host to be ahead of it): the reloaded widget numbers on after the host's
    // last event, nothing lost, nothing twice (with 20 events no save came before the kill).
    assert.equal(dead.saves.length, 1);
    for (const { saved, seen } of dead.saves) assert.ok(Number.isInteger(saved) && saved < seen, `killed with a stale save: ${JSON.stringify(dead.saves)}`);
    assert.equal(dead.lost, 0, 'dead widget: lost');
    assert.equal(dead.duplicated, 0, 'dead widget: duplicated');
    assert.equal(r.hostile.stillServing, true);
    assert.equal(r.hostile.noPollution, true);
    assert.ok(r.hostile.rows.length >= 4);
    for (const h of r.hostile.rows) {
      assert.ok(h.tried > 0, h.name);
      if (h.untrusted) assert.equal(h.accepted, 0, h.name);
    }
    assert.deepEqual(r.params, { EVENTS: 8, INJECTIONS: 1, RELOADS: 1, RELOAD_EVENTS: 60, PACE_MS: 2, IDLE_MS: 200, HANDOVERS: 1, HANDOVER_EVENTS: 9, only: [] });
    assert.match(r.command, /bash scripts\/reliability\.sh$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
