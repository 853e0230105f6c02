// scripts/ship-js.mjs: the shipped JavaScript without comments and layout, meaning what the source means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { shipJs, sameProgram } from '../../scripts/ship-js.mjs';

/** The program's completion value, as JSON (arrays made in another context compare by value). */
const run = (code) => JSON.stringify(vm.runInNewContext(code, {}));

test('comments and indentation go; text that only looks like a comment stays', () => {
  const source = `// leading comment
/* block
   comment */ var url = "https://example.com/a//b"; // trailing
var s = '/* not a comment */ // nor this';
var re = /\\/\\/ x \\/\\*/g; /* after a regex */
var t = \`line one // kept
    indented /* kept */ \${url /* in a substitution */ + 1}
\`;
  function f(a, b) {
    return a + b; // sum
  }
[url, s, re.source, t, f(1, 2)]`;
  const out = shipJs(source, 'script');
  assert.ok(!out.includes('leading comment') && !out.includes('trailing') && !out.includes('sum'), out);
  assert.ok(!out.includes('in a substitution') && !out.includes('after a regex'), out);
  assert.ok(out.includes('"https://example.com/a//b"'));
  assert.ok(out.includes("'/* not a comment */ // nor this'"));
  assert.ok(out.includes('/\\/\\/ x \\/\\*/g'));
  assert.ok(out.includes('`line one // kept\n    indented /* kept */ ${'), out);
  assert.ok(!/^\s/m.test(out.replace(/`[^`]*`/, '``')), 'no line starts with white space outside the template');
  assert.equal(run(out), run(source));
});

test('a line break that can end a statement stays; tokens that would merge keep a space', () => {
  const cases = [
    ['function f() { return\n 1 }; f()', undefined],
    ['var a = 1, b = 2; a\n++b; [a, b]', [1, 3]],
    ['var a = 1, b = 2; a + +b', 3],
    ['var a = 1, b = 2; a - -b', 3],
    ['var a = 5; a - --a', 1],
    ['1 .toString() + typeof "x" + ("a" in {a: 1})', '1stringtrue'],
    ['var x = {}\nvar y = 2; y', 2],
    ['var a = 4, g = 2; a / /re/g.source.length', 2],
    ['var a = 1, b = 0; a<!b', false],
    ['var o = {a: 1}; o?.a ? .5 : 1', 0.5],
  ];
  for (const [source, value] of cases) {
    const out = shipJs(source, 'script');
    assert.equal(run(out), JSON.stringify(value), `${JSON.stringify(source)} -> ${JSON.stringify(out)}`);
  }
  assert.equal(shipJs('function f() {\n  return\n  1\n}'), 'function f(){return\n1}\n');
});

test('the check tells programs apart that differ only in a line break or a space', () => {
  assert.equal(sameProgram('a\n++b', 'a++\nb'), false);
  assert.equal(sameProgram('function f(){return\n1}', 'function f(){return 1}'), false);
  assert.equal(sameProgram('a + +b', 'a + b'), false);
  assert.equal(sameProgram('a /* x */ + b // y', 'a+b'), true);
  assert.throws(() => shipJs('var = 1'), SyntaxError);
});

test('the drop-in and the edge snippet strip to the same programs, smaller', () => {
  for (const [path, type] of [['../../www/cti-bridge.js', 'script'], ['../../src/web/edge.js', 'module']]) {
    const source = readFileSync(new URL(path, import.meta.url), 'utf8');
    const out = shipJs(source, type);
    assert.ok(sameProgram(source, out, type));
    assert.ok(out.length < source.length * 0.8, `${path}: ${out.length} of ${source.length}`);
  }
});
