// scripts/ship-js.mjs: the shipped JavaScript without comments and layout, meaning what the source means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('local bindings get short names that resolve as before; names a program can see are kept', () => {
  const source = `var top = 1;
(function (global) {
  "use strict";
  var counter = 10, unused;
  function named(first, second) {
    var inner = function () {};
    var arrow = () => 0;
    let later;
    later = class {};
    const { on, other = 2 } = first;
    function nested(third) {
      try { throw third; } catch (caught) { return caught + counter + second + on + other; }
    }
    return [nested(5), named.name, inner.name, arrow.name, later.name, { on, other }];
  }
  global.result = named({ on: 3 }, 4);
})(this);
[top, result];`;
  const out = shipJs(source, 'script');
  assert.equal(run(out), run(source));
  assert.equal(run(out), JSON.stringify([1, [24, 'named', 'inner', 'arrow', 'later', { on: 3, other: 2 }]]));
  for (const kept of ['var top', 'named', 'inner', 'arrow', 'later', 'on:', 'other:', '.result']) {
    assert.ok(out.includes(kept), `${kept}: ${out}`);
  }
  for (const renamed of ['global', 'counter', 'first', 'second', 'third', 'caught', 'unused']) {
    assert.ok(!out.includes(renamed), `${renamed}: ${out}`);
  }
  // An inner binding never takes the name of an outer one it uses.
  const shadow = 'function f(outer) { return function (inner) { return [outer, inner]; }; } f(1)(2)';
  assert.equal(run(shipJs(shadow, 'script')), '[1,2]');
  // Where `eval` could see the names, none is renamed.
  assert.ok(shipJs('function f(secret) { return eval("secret"); }', 'script').includes('secret'));
  assert.equal(shipJs('const x = 1; export function f(long) { return long + x; }', 'module'), 'const x=1;export function f(e){return e+x;}\n');
});

test('the check tells a renaming that captures a name from one that does not', () => {
  const source = 'function f(a) { return function (b) { return a + b; }; }';
  assert.equal(sameProgram(source, 'function f(x) { return function (y) { return x + y; }; }', 'script'), true);
  assert.equal(sameProgram(source, 'function f(a) { return function (a) { return a + a; }; }', 'script'), false);
  assert.equal(sameProgram(source, 'function g(a) { return function (b) { return a + b; }; }', 'script'), false);
  assert.equal(sameProgram('var a = 1; a', 'var b = 1; b', 'script'), false, 'top-level names are not local');
});

test('the drop-in as shipped passes the drop-in\'s unit tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ship-js-'));
  const shipped = join(dir, 'cti-bridge.js');
  writeFileSync(shipped, shipJs(readFileSync(new URL('../../www/cti-bridge.js', import.meta.url), 'utf8'), 'script'));
  const suites = ['batch', 'call-deadline', 'handshake', 'logger'].map((name) => new URL(`${name}.test.mjs`, import.meta.url).pathname);
  const { NODE_TEST_CONTEXT: _, ...env } = process.env; // a test run of its own, reporting on stdout
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...suites], { env: { ...env, CTI_DROP_IN: shipped }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^# pass [1-9]\d*$/m);
  assert.match(result.stdout, /^# fail 0$/m);
});

test('the drop-in and the edge snippet strip to the same programs, smaller', () => {
  for (const [path, type] of [['../../www/cti-bridge.js', 'script'], ['../../src/web/edge.js', 'module']]) {
    const source = readFileSync(new URL(path, import.meta.url), 'utf8');
    const out = shipJs(source, type);
    assert.ok(sameProgram(source, out, type));
    assert.ok(out.length < source.length * 0.8, `${path}: ${out.length} of ${source.length}`);
  }
});
