// scripts/widget-entry.mjs: a build's entry script is its glue (as a scope) and widget.js in one
// module; widget.js then carries that build's glue and finds www/ and the builds' folder from the
// entry's own folder, in pkg/ and in the content-hashed copy pkg/<hash>/ alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { carriedWidget, glueScope, writeEntry } from '../../scripts/widget-entry.mjs';

const ROOT = join(import.meta.dirname, '../..');

/** A glue in wasm-bindgen's shape: state, declarations exported, an export list with `default`. */
const GLUE = 'let calls=0;\nexport function startWidget(x){return `${x}:${++calls}`;}\nexport const version="1";\n'
  + 'function initSync(m){return m.module;}\nasync function __wbg_init(){return new URL("cti_bridge_bg.wasm",import.meta.url).href;}\n'
  + 'export{initSync,__wbg_init as default};\n';
/** A widget.js in the shape scripts/widget-entry.mjs takes. */
const WIDGET = '/** carried */\nconst CARRIED = null;\nconst BASE = new URL("./", import.meta.url);\nconst PKG = new URL("pkg/", BASE);\n'
  + 'export const carried = () => CARRIED;\nexport const base = () => BASE.href;\nexport const pkg = () => PKG.href;\nexport function calls(){return CARRIED&&CARRIED.glue.startWidget("a");}\n';

/** www/ with widget.js and the glue under pkg/[<hash>/] or pkg/[<hash>/]<name>/; the build folder. */
function www(name, hash = '', widget = WIDGET) {
  const root = mkdtempSync(join(tmpdir(), 'widget-entry-'));
  const dir = join(root, 'pkg', hash, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'widget.js'), widget);
  writeFileSync(join(dir, 'cti_bridge.js'), GLUE);
  return { root, dir };
}

for (const [name, hash] of [['crm-connector+xuc', ''], ['', ''], ['crm-connector+xuc', '0123456789ab'], ['', '0123456789ab']]) {
  test(`the entry of build "${name}" carries its glue and finds www/ from pkg/${hash ? '<hash>/' : ''}`, async () => {
    const { root, dir } = www(name, hash);
    const builds = { '': [], 'crm-connector+xuc': [] };
    writeEntry(join(root, 'widget.js'), dir, name, builds, !!hash);
    const entry = await import(pathToFileURL(join(dir, 'widget.js')));
    const carried = entry.carried();
    assert.equal(carried.name, name);
    // The list of builds rides along: no pkg/builds.json to ask for.
    assert.deepEqual(carried.builds, builds);
    assert.deepEqual(Object.keys(carried.glue).sort(), ['default', 'initSync', 'startWidget', 'version']);
    // The glue's state is its own; its import.meta.url is the entry's, in the build's folder.
    assert.equal(entry.calls(), 'a:1');
    assert.equal(entry.calls(), 'a:2');
    assert.equal(carried.glue.initSync({ module: 7 }), 7);
    assert.equal(await carried.glue.default(), pathToFileURL(join(dir, 'cti_bridge_bg.wasm')).href);
    assert.equal(entry.base(), pathToFileURL(root).href + '/');
    // The builds are found next to this one's folder: the hashed copy's, not the stable pkg/.
    assert.equal(entry.pkg(), pathToFileURL(join(root, 'pkg', hash)).href + '/');
    assert.equal(entry.calls.name, 'calls');
    // What the glue did not export stays private to it.
    assert.doesNotMatch(readFileSync(join(dir, 'widget.js'), 'utf8'), /^let calls/m);
  });
}

test('www/widget.js is taken: CARRIED, BASE and PKG set, nothing else changed', () => {
  const source = readFileSync(join(ROOT, 'www/widget.js'), 'utf8');
  const out = carriedWidget(source, 'crm-connector+xuc', 2, { '': [], 'crm-connector+xuc': [] });
  assert.match(out, /const CARRIED = \{name:"crm-connector\+xuc",glue:__ctiGlue,builds:\{"":\[\],"crm-connector\+xuc":\[\]\}\};/);
  assert.match(out, /const BASE = new URL\("\.\.\/\.\.\/",import\.meta\.url\);/);
  assert.match(out, /const PKG = new URL\("\.\.\/",import\.meta\.url\);/);
  const rest = (text) => text.replace(/const CARRIED = [^;]*;/, '').replace(/const BASE = [^;]*;/, '').replace(/const PKG = [^;]*;/, '');
  assert.equal(rest(out), rest(source));
});

test('shapes it does not take fail the build', () => {
  const refuse = (widget, pattern) => assert.throws(() => carriedWidget(widget, 'x', 2), pattern);
  refuse('import x from "./x.js";\n' + WIDGET, /ImportDeclaration/);
  refuse(WIDGET + 'const u = import.meta.url;\n', /import\.meta outside BASE/);
  refuse(WIDGET.replace('const CARRIED = null;', ''), /CARRIED is not one top-level constant/);
  refuse(WIDGET.replace('const BASE = new URL("./", import.meta.url);', 'function BASE(){}'), /BASE is not one top-level constant/);
  refuse(WIDGET.replace('const PKG = new URL("pkg/", BASE);', ''), /PKG is not one top-level constant/);
  refuse(WIDGET + 'let __ctiGlue;\n', /declares __ctiGlue/);
  assert.throws(() => glueScope('import{a}from"./snippets/x.js";\n' + GLUE), /ImportDeclaration/);
  assert.throws(() => glueScope(GLUE + 'export*from"./x.js";\n'), /ExportAllDeclaration/);
  assert.throws(() => glueScope(GLUE + 'export{a}from"./x.js";\n'), /re-exports/);
  assert.throws(() => writeEntry('widget.js', '.', '../x', { '../x': [] }), /bad build name/);
  // The list of builds must name the build and hold lists of paths.
  assert.throws(() => writeEntry('widget.js', '.', 'xuc', { '': [] }), /does not name build "xuc"/);
  assert.throws(() => writeEntry('widget.js', '.', '', { '': 'x' }), /does not name build ""/);
});
