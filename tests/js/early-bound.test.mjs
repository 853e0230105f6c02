// The bound on window messages kept before the widget's module runs is written twice: in
// www/widget.js, which keeps them before the wasm exists, and in src/web/widget/mod.rs, which
// handles at most that many of what it is handed. The two must say the same number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('widget.js keeps as many early messages as startWidget handles (EARLY_MAX)', () => {
  const js = read('www/widget.js').match(/^const EARLY_MAX = (\d+);/m);
  const rust = read('src/web/widget/mod.rs').match(/^const EARLY_MAX: usize = (\d+);/m);
  assert.ok(js, 'www/widget.js declares `const EARLY_MAX = <n>;`');
  assert.ok(rust, 'src/web/widget/mod.rs declares `const EARLY_MAX: usize = <n>;`');
  assert.equal(Number(js[1]), Number(rust[1]));
  assert.ok(Number(js[1]) > 0);
});
