// scripts/inline-snippets.mjs: the glue's snippet modules become scopes inside it; the result is
// one self-contained module that means what the glue and its snippets meant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inlineSnippets } from '../../scripts/inline-snippets.mjs';

/** A build folder with `glue` as cti_bridge.js and `snippets` ({path: text}) under it. */
function build(glue, snippets) {
  const dir = mkdtempSync(join(tmpdir(), 'inline-snippets-'));
  writeFileSync(join(dir, 'cti_bridge.js'), glue);
  for (const [path, text] of Object.entries(snippets)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const EDGE = 'let count=0;\nfunction tell(x){return `${x}:${++count}`;}\nexport function listen(x){return tell(x);}\nexport const twice=(x)=>listen(x)+listen(x);\nexport class Box{constructor(v){this.v=v;}}\n';

test('named and namespace imports read the inlined scope; the snippet folder is removed', async () => {
  const dir = build(
    "import{listen,twice as both}from'./snippets/c-1/src/web/edge.js';import*as import1 from\"./snippets/c-1/src/web/edge.js\"\n"
      + "import*as import2 from\"./snippets/c-1/inline0.js\"\n"
      + 'export function run(){return [listen("a"),both("b"),new import1.Box(3).v,import2.add(2,3),typeof import1.tell];}\n',
    { 'snippets/c-1/src/web/edge.js': EDGE, 'snippets/c-1/inline0.js': 'export function add(a,b){return a+b;}\n' },
  );
  assert.deepEqual(inlineSnippets(dir), ['./snippets/c-1/src/web/edge.js', './snippets/c-1/inline0.js']);
  assert.equal(existsSync(join(dir, 'snippets')), false);
  const text = readFileSync(join(dir, 'cti_bridge.js'), 'utf8');
  assert.doesNotMatch(text, /\bimport\b/);
  const { run } = await import(pathToFileURL(join(dir, 'cti_bridge.js')));
  // One scope per snippet module, shared by every import of it (its state, `count`, too);
  // what the snippet did not export stays private to it.
  assert.deepEqual(run(), ['a:1', 'b:2b:3', 3, 5, 'undefined']);
});

test('a glue without snippet modules is left as it is', () => {
  const glue = 'export function run(){return 1;}\n';
  const dir = build(glue, {});
  assert.deepEqual(inlineSnippets(dir), []);
  assert.equal(readFileSync(join(dir, 'cti_bridge.js'), 'utf8'), glue);
});

test('snippets in another shape than wasm-bindgen writes fail the build', () => {
  const glue = "import{f}from'./snippets/c/x.js';\nexport const g=f;\n";
  for (const [snippet, why] of [
    ["import{h}from'./y.js';export function f(){return h;}", /ImportDeclaration/],
    ['export default function f(){}', /ExportDefaultDeclaration/],
    ["export*from'./y.js';", /ExportAllDeclaration/],
    ['function f(){}export{f};', /export lists/],
    ['export const{f}={f:1};', /destructured/],
    ['export function f(){return import.meta.url;}', /import\.meta/],
  ]) {
    assert.throws(() => inlineSnippets(build(glue, { 'snippets/c/x.js': snippet })), why, snippet);
  }
  assert.throws(() => inlineSnippets(build("import{f}from'./other.js';\n", {})), /imports \.\/other\.js/);
});
