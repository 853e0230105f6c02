// The wasm-bindgen glue made self-contained (start-up, issue 14, bench/README.md):
//
//   node scripts/inline-snippets.mjs DIR     # DIR/cti_bridge.js rewritten in place, DIR/snippets/ removed
//
// wasm-bindgen writes the JS a crate brings (`src/web/edge.js`, `inline_js` snippets) as modules of
// their own under `snippets/`, which the glue imports. Each is one more request before the widget
// can start, on a server that answers them in turn and a frame whose main thread issues and
// evaluates each one: the page asked for four files before the wasm could be instantiated (widget.js,
// the glue, edge.js, the configuration), seven with the full build's three inline snippets. Here each
// snippet module becomes a scope inside the glue, `const __snippetN = (() => { ...; return {...}; })();`,
// and the glue's imports of it read that object: `import {a, b as c} from "./snippets/x.js"` becomes
// `const {a, b: c} = __snippetN;`, `import * as m from ...` becomes `const m = __snippetN;` (the
// wasm imports object takes any object). A snippet is taken only in the shape wasm-bindgen writes:
// `export function|class|const|let` declarations and no imports, `export default`, re-exports or
// `import.meta` (whose URL would change); anything else fails the build. The result must parse as
// a module with no `./snippets/` import left.
import { parse } from 'acorn';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module's syntax tree (acorn). */
export const module = (text) => parse(text, { ecmaVersion: 'latest', sourceType: 'module' });

/** `text` without the ranges `cuts` ([from, to), in order). */
export function withoutCuts(text, cuts) {
  let body = '';
  let at = 0;
  for (const [from, to] of cuts) {
    body += text.slice(at, from);
    at = to;
  }
  return body + text.slice(at);
}

/** `export` names and a body without the `export` keywords, or an Error saying what is not taken. */
function snippetScope(text, path) {
  const tree = module(text);
  const names = [];
  const cuts = [];
  for (const node of tree.body) {
    if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ExportDefaultDeclaration') {
      throw new Error(`${path}: ${node.type} is not inlined`);
    }
    if (node.type !== 'ExportNamedDeclaration') continue;
    const decl = node.declaration;
    if (!decl || node.source) throw new Error(`${path}: export lists are not inlined`);
    if (decl.type === 'VariableDeclaration') names.push(...decl.declarations.map((d) => {
      if (d.id.type !== 'Identifier') throw new Error(`${path}: destructured exports are not inlined`);
      return d.id.name;
    }));
    else names.push(decl.id.name);
    cuts.push([node.start, decl.start]);
  }
  if (/\bimport\s*\.\s*meta\b/.test(text)) throw new Error(`${path}: import.meta is not inlined`);
  return { names, body: withoutCuts(text, cuts) };
}

export function inlineSnippets(dir) {
  const gluePath = join(dir, 'cti_bridge.js');
  const glue = readFileSync(gluePath, 'utf8');
  const imports = module(glue).body.filter((n) => n.type === 'ImportDeclaration');
  const scopes = new Map(); // source -> scope variable
  let head = '';
  let out = '';
  let at = 0;
  for (const node of imports) {
    const source = node.source.value;
    if (!source.startsWith('./snippets/') || normalize(source).startsWith('..')) throw new Error(`${gluePath}: imports ${source}`);
    if (!scopes.has(source)) {
      const name = `__snippet${scopes.size}`;
      const { names, body } = snippetScope(readFileSync(join(dir, source), 'utf8'), source);
      head += `const ${name}=(()=>{${body}\nreturn{${names.join(',')}};})();\n`;
      scopes.set(source, name);
    }
    const scope = scopes.get(source);
    const parts = node.specifiers.map((s) => {
      if (s.type === 'ImportNamespaceSpecifier') return `const ${s.local.name}=${scope};`;
      if (s.type === 'ImportDefaultSpecifier') throw new Error(`${gluePath}: default import of ${source}`);
      const imported = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value;
      return `const{${imported === s.local.name ? imported : `${imported}:${s.local.name}`}}=${scope};`;
    });
    out += glue.slice(at, node.start) + parts.join('');
    at = node.end;
  }
  out = head + out + glue.slice(at);
  if (module(out).body.some((n) => n.type === 'ImportDeclaration')) throw new Error(`${gluePath}: an import is left`);
  writeFileSync(gluePath, out);
  rmSync(join(dir, 'snippets'), { recursive: true, force: true });
  return [...scopes.keys()];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const dir of process.argv.slice(2)) inlineSnippets(dir);
}
