// A build's entry script: its wasm-bindgen glue and www/widget.js in one module (start-up, issue 14,
// bench/README.md `lean-startup5`):
//
//   node scripts/widget-entry.mjs WIDGET_JS BUILDS_JSON DIR NAME [hashed]   # writes DIR/widget.js (NAME: the build, "" the full one)
//
// widget.html used to load widget.js, which imported the build's glue (DIR/cti_bridge.js): two
// scripts on the way to the handshake, each a request the frame waits 10-50 ms for on a loaded
// machine. The entry is one: the glue (self-contained, scripts/inline-snippets.mjs) becomes a scope,
// `const __ctiGlue = (() => { ...; return {initSync, default: __wbg_init, ...}; })();`, and widget.js
// follows it with two top-level constants set: `CARRIED = {name: NAME, glue: __ctiGlue, builds}` (it
// then needs no import() of the glue it carries, and no request for the list of builds,
// pkg/builds.json, which is BUILDS_JSON's content, written by scripts/build.sh first), `BASE`, the
// widget's folder (www/), from which widget.js finds panel.js, and `PKG`, the folder of the builds,
// both relative to the entry's own URL: `BASE` `../` or `../../` below www/pkg/, one more `../`
// below the content-hashed copy www/pkg/<hash>/ (`hashed`: scripts/build.sh), `PKG` the folder
// above the build's (`./` for the full build). Nothing in the entry names the hash: the copy is
// the same program in another folder. The glue's own `import.meta.url` (the default URL of its
// wasm) stays right: the entry sits in the build's folder, next to the glue. The glue file stays:
// widget.js imports another build's glue when the configuration needs another build than the page
// names.
//
// Taken only in the shapes the two files have: the glue without imports (snippets inlined), with
// `export` declarations and export lists of its own names; widget.js without static imports, with
// `import.meta` only in BASE's value, each of CARRIED, BASE and PKG declared once at its top level, and
// no top-level `__ctiGlue`. Anything else fails the build. The result must parse as a module.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { module, withoutCuts } from './inline-snippets.mjs';

const GLUE = '__ctiGlue';

/** Every node under `node` (a syntax tree), depth first. */
function* nodes(node) {
  if (!node || typeof node.type !== 'string') return;
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) yield* nodes(item);
    else if (value && typeof value === 'object') yield* nodes(value);
  }
}

/** The glue as a scope: `const __ctiGlue = (() => {...; return {...}})();`. */
export function glueScope(text, path = 'glue') {
  const tree = module(text);
  const exported = []; // [exported name, local name]
  const cuts = []; // [from, to): text removed
  for (const node of tree.body) {
    if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration') throw new Error(`${path}: ${node.type} is not taken`);
    if (node.type === 'ExportDefaultDeclaration') {
      const decl = node.declaration;
      if (!/Declaration$/.test(decl.type) || !decl.id) throw new Error(`${path}: an anonymous default export is not taken`);
      exported.push(['default', decl.id.name]);
      cuts.push([node.start, decl.start]);
      continue;
    }
    if (node.type !== 'ExportNamedDeclaration') continue;
    if (node.source) throw new Error(`${path}: re-exports are not taken`);
    const decl = node.declaration;
    if (decl) {
      if (decl.type === 'VariableDeclaration') {
        for (const d of decl.declarations) {
          if (d.id.type !== 'Identifier') throw new Error(`${path}: destructured exports are not taken`);
          exported.push([d.id.name, d.id.name]);
        }
      } else exported.push([decl.id.name, decl.id.name]);
      cuts.push([node.start, decl.start]);
    } else {
      for (const s of node.specifiers) {
        const name = s.exported.type === 'Identifier' ? s.exported.name : s.exported.value;
        exported.push([name, s.local.name]);
      }
      cuts.push([node.start, node.end]);
    }
  }
  const body = withoutCuts(text, cuts);
  const fields = exported.map(([name, local]) => (name === local ? name : `${JSON.stringify(name)}:${local}`));
  return `const ${GLUE}=(()=>{${body}\nreturn{${fields.join(',')}};})();\n`;
}

/** widget.js with CARRIED, BASE and PKG set for the entry of build `name` (`depth` folders below www/). */
export function carriedWidget(text, name, depth, builds = {}, path = 'widget.js') {
  const tree = module(text);
  const found = {};
  for (const node of tree.body) {
    if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration') throw new Error(`${path}: ${node.type} is not taken`);
    const decl = node.type === 'VariableDeclaration' ? node : node.type === 'ExportNamedDeclaration' ? node.declaration : null;
    if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') found[node.id.name] = (found[node.id.name] || []).concat(node);
    if (!decl || decl.type !== 'VariableDeclaration') {
      if (decl && decl.id) found[decl.id.name] = (found[decl.id.name] || []).concat(decl);
      continue;
    }
    for (const d of decl.declarations) {
      if (d.id.type === 'Identifier') found[d.id.name] = (found[d.id.name] || []).concat(d);
    }
  }
  if (found[GLUE]) throw new Error(`${path}: declares ${GLUE}`);
  for (const id of ['CARRIED', 'BASE', 'PKG']) {
    if (found[id]?.length !== 1 || found[id][0].type !== 'VariableDeclarator' || !found[id][0].init) throw new Error(`${path}: ${id} is not one top-level constant`);
  }
  const base = found.BASE[0].init;
  const metas = [...nodes(tree)].filter((n) => n.type === 'MetaProperty' && n.meta.name === 'import');
  if (metas.some((m) => m.start < base.start || m.end > base.end)) throw new Error(`${path}: import.meta outside BASE`);
  const carried = found.CARRIED[0].init;
  const edits = [
    [carried, `{name:${JSON.stringify(name)},glue:${GLUE},builds:${JSON.stringify(builds)}}`],
    [base, `new URL(${JSON.stringify('../'.repeat(depth))},import.meta.url)`],
    [found.PKG[0].init, `new URL(${JSON.stringify(name ? '../' : './')},import.meta.url)`],
  ].sort((a, b) => b[0].start - a[0].start);
  let out = text;
  for (const [node, value] of edits) out = out.slice(0, node.start) + value + out.slice(node.end);
  return out;
}

/**
 * Writes `dir`/widget.js: the glue of build `name` ("" the full build) and widget.js, one module,
 * carrying `builds` (pkg/builds.json: build name -> snippet modules to preload, one of them `name`).
 * `hashed`: `dir` is in the content-hashed copy of pkg/ (pkg/<hash>/), one folder deeper.
 */
export function writeEntry(widgetPath, dir, name, builds, hashed = false) {
  if (name && !/^[a-z-]+(\+[a-z-]+)*$/.test(name)) throw new Error(`bad build name ${name}`);
  if (!builds || typeof builds !== 'object' || Array.isArray(builds) || !Object.hasOwn(builds, name)
    || !Object.values(builds).every((list) => Array.isArray(list) && list.every((p) => typeof p === 'string'))) {
    throw new Error(`the list of builds does not name build "${name}"`);
  }
  const gluePath = join(dir, 'cti_bridge.js');
  const glue = glueScope(readFileSync(gluePath, 'utf8'), gluePath);
  const widget = carriedWidget(readFileSync(widgetPath, 'utf8'), name, (name ? 2 : 1) + (hashed ? 1 : 0), builds, widgetPath);
  const out = glue + widget;
  module(out);
  writeFileSync(join(dir, 'widget.js'), out);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [widgetPath, buildsPath, dir, name = '', where = ''] = process.argv.slice(2);
  if (!widgetPath || !buildsPath || !dir || !['', 'hashed'].includes(where)) {
    console.error('usage: node scripts/widget-entry.mjs WIDGET_JS BUILDS_JSON DIR [NAME [hashed]]');
    process.exit(2);
  }
  writeEntry(widgetPath, dir, name, JSON.parse(readFileSync(buildsPath, 'utf8')), where === 'hashed');
}
