// Size budgets (issue 14): every build scripts/build.sh made must fit its gzip budget in
// bench/budgets.json (wasm + glue, or the entry script that carries it, + drop-in: bench/sizes.mjs; gzip -9: deterministic for a given build).
// The budgeted builds must exist, so a budget cannot be skipped by not building.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT } from './harness.mjs';
import { buildSizes, budgets } from '../../bench/sizes.mjs';

test('every widget build fits its gzip budget', async () => {
  const sizes = await buildSizes(ROOT);
  const limits = await budgets(ROOT);
  for (const [name, { gzip }] of Object.entries(limits)) {
    assert.ok(sizes[name], `build ${name} is missing: bash scripts/build.sh builds it (CTI_BUILDS)`);
    assert.ok(
      sizes[name].gzip <= gzip,
      `build ${name}: ${sizes[name].gzip} bytes gzip, over its budget of ${gzip} (bench/budgets.json)`,
    );
  }
});
