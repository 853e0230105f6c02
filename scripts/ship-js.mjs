// The JavaScript we ship, without comments and layout (issue 14, bench/README.md).
//
//   node scripts/ship-js.mjs module FILE...        # ES modules, rewritten in place
//   node scripts/ship-js.mjs script IN OUT         # a classic script, written to OUT
//
// The text is rebuilt from acorn's tokens, each kept byte for byte (strings, regular expressions and
// template literals are single tokens, so a `//` or `/*` inside one is never touched). Between two
// tokens: nothing, one space where the two would otherwise merge into other tokens, or one newline
// where the source had a line break that may matter (automatic semicolon insertion, `return`,
// postfix `++`): a break after `{ ; , ( [` or before `} ) ] , ;` is dropped. No identifier is
// renamed. The result is parsed again and its syntax tree must equal the source's (positions aside),
// or this fails: the shipped file means what the source means.
//
// Local names are shortened too (`rename`, the default): a parameter, `var`, `let`, `const` or
// `catch` binding inside a function or block, found with eslint-scope. Kept as written: every name at
// a script's or module's top level (exports, globals), function and class names, and a binding ever
// given an anonymous function or class (its `name` comes from the binding), so no `name` property
// changes; nothing is renamed where `eval` or `with` could see names. A shorthand property
// (`{on}`) becomes `{on:a}`. The check then compares the trees with each name replaced by the
// binding it resolves to: the same bindings, used in the same places.
import { parse } from 'acorn';
import { analyze } from 'eslint-scope';
import { KEYS } from 'eslint-visitor-keys';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const LINE_BREAK = /[\n\r\u2028\u2029]/;
/** What may stand between two tokens: white space and comments, nothing else. */
const GAP = /^(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*$/;
/** Characters that continue an identifier, keyword or number (a `\` starts a Unicode escape). */
const WORD = /[\p{ID_Continue}$\\#]|\u200c|\u200d/u;
/** A line break after these tokens or before those cannot end a statement: dropped. */
const BREAK_AFTER = new Set(['{', ';', ',', '(', '[']);
const BREAK_BEFORE = new Set(['}', ')', ']', ',', ';']);

function tokens(source, sourceType) {
  const list = [];
  const tree = parse(source, { ecmaVersion: 'latest', sourceType, onToken: list, ranges: true });
  return { tree, list };
}

const scopesOf = (tree, sourceType) =>
  analyze(tree, { ecmaVersion: 2022, sourceType, childVisitorKeys: KEYS, fallback: 'iteration' });

/** Words that cannot name a binding in strict code, and names best left alone. */
const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends '
  + 'false finally for function if import in instanceof new null return super switch this throw true try typeof var void '
  + 'while with yield let static implements interface package private protected public await arguments eval undefined '
  + 'NaN Infinity async of get set').split(' '));

const FIRST = 'etnsrilaocdupfmhgbvyxwkjqzETNSRILAOCDUPFMHGBVYXWKJQZ_$';
const NEXT = FIRST + '0123456789';

/** The `n`-th short name: e, t, n, ..., $, ee, et, ... */
function shortName(n) {
  let name = FIRST[n % FIRST.length];
  n = Math.floor(n / FIRST.length);
  while (n > 0) {
    n -= 1;
    name += NEXT[n % NEXT.length];
    n = Math.floor(n / NEXT.length);
  }
  return name;
}

const isAnonymousFunction = (node) =>
  node != null && (node.type === 'ArrowFunctionExpression'
    || ((node.type === 'FunctionExpression' || node.type === 'ClassExpression') && !node.id));

/** Whether `variable` may take a short name (see the top of this file). */
function renamable(variable) {
  if (variable.name === 'arguments' || variable.defs.length === 0) return false;
  if (!variable.defs.every((d) => ['Parameter', 'Variable', 'CatchClause'].includes(d.type))) return false;
  if (variable.defs.some((d) => d.type === 'Variable' && isAnonymousFunction(d.node.init))) return false;
  return !variable.references.some((r) => isAnonymousFunction(r.writeExpr));
}

/** Where nothing may be renamed: `eval` or `with` anywhere. */
function dynamic(manager) {
  return manager.scopes.some((s) => s.type === 'with' || s.through.some((r) => r.identifier.name === 'eval'));
}

/**
 * New names for local bindings: `Map` of an identifier's start offset to its text in the output
 * (`key:name` for a shorthand property's value).
 */
function renames(tree, sourceType) {
  const manager = scopesOf(tree, sourceType);
  const edits = new Map();
  if (dynamic(manager)) return edits;
  const newName = new Map(); // Variable -> its short name
  const nameOf = (v) => newName.get(v) ?? v.name;
  // Names kept in a scope or below it: a short name there would shadow them.
  const keptBelow = new Map();
  for (const scope of [...manager.scopes].reverse()) {
    const kept = new Set();
    for (const v of scope.variables) {
      if (scope.type === 'global' || scope.type === 'module' || !renamable(v)) kept.add(v.name);
    }
    for (const child of scope.childScopes) for (const name of keptBelow.get(child)) kept.add(name);
    keptBelow.set(scope, kept);
  }
  for (const scope of manager.scopes) {
    if (scope.type === 'global' || scope.type === 'module') continue;
    const own = scope.variables.filter(renamable);
    if (own.length === 0) continue;
    const taken = new Set(keptBelow.get(scope));
    for (const r of scope.through) taken.add(r.resolved ? nameOf(r.resolved) : r.identifier.name);
    // The most used binding gets the shortest name.
    own.sort((a, b) => b.references.length - a.references.length);
    let n = 0;
    for (const v of own) {
      let name;
      do name = shortName(n++);
      while (taken.has(name) || RESERVED.has(name));
      taken.add(name);
      newName.set(v, name);
    }
  }
  for (const [v, name] of newName) {
    for (const id of [...v.identifiers, ...v.references.map((r) => r.identifier)]) edits.set(id.start, name);
  }
  // `{on}` and `{on = 1}` (object literals and patterns) keep their key.
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Property' && node.shorthand) {
      const value = node.value.type === 'AssignmentPattern' ? node.value.left : node.value;
      if (edits.has(value.start)) edits.set(value.start, `${node.key.name}:${edits.get(value.start)}`);
    }
    for (const key of KEYS[node.type] ?? []) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(tree);
  return edits;
}

/** Whether `a` then `b` (two token texts) need a space to stay two tokens of the same kinds. */
function needsSpace(a, b, aIsNumber) {
  const last = a[a.length - 1];
  const first = b[0];
  if (WORD.test(last) && WORD.test(first)) return true;
  if ((last === '+' || last === '-') && last === first) return true; // a + +b, a - --b
  if (last === '/' && (first === '/' || first === '*')) return true; // a / /re/: no comment
  if (last === '<' && first === '!') return true; // `<!--` opens an HTML-like comment in scripts
  if (last === '-' && first === '>') return true; // `-->`
  if (first === '.' && (aIsNumber || last === '.' || last === '?')) return true; // 1 .x, a ? .5 : b
  return false;
}

/**
 * The syntax tree without positions, as text: equal trees mean the same program. Each name that
 * resolves to a local binding is written as that binding (its place among all bindings), so two
 * programs that differ only in what their local bindings are called have the same shape.
 */
function shape(tree, sourceType) {
  const binding = new Map();
  let index = 0;
  for (const scope of scopesOf(tree, sourceType).scopes) {
    for (const v of scope.variables) {
      const label = `#${index++}`;
      if (scope.type === 'global' || scope.type === 'module') continue;
      for (const id of [...v.identifiers, ...v.references.map((r) => r.identifier)]) binding.set(id, label);
    }
  }
  return JSON.stringify(tree, function (key, value) {
    if (key === 'start' || key === 'end' || key === 'loc' || key === 'range' || key === 'shorthand') return undefined;
    if (key === 'name' && binding.has(this)) return binding.get(this);
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof RegExp) return String(value);
    return value;
  });
}

/** Whether two texts parse to the same program (the same syntax tree, positions aside). */
export function sameProgram(a, b, sourceType = 'module') {
  return shape(tokens(a, sourceType).tree, sourceType) === shape(tokens(b, sourceType).tree, sourceType);
}

/**
 * `source` without comments and layout. `sourceType`: `"module"` or `"script"`. Throws where the
 * source does not parse or the result would not mean the same.
 */
export function shipJs(source, sourceType = 'module', { rename = true } = {}) {
  const { tree, list } = tokens(source, sourceType);
  const edits = rename ? renames(tree, sourceType) : new Map();
  let out = '';
  let prev = null;
  for (const token of list) {
    if (token.type.label === 'eof') break;
    const text = edits.get(token.start) ?? source.slice(token.start, token.end);
    if (prev) {
      const gap = source.slice(prev.end, token.start);
      if (!GAP.test(gap)) throw new Error(`ship-js: unexpected text between tokens at ${prev.end}: ${JSON.stringify(gap)}`);
      const prevText = edits.get(prev.start) ?? source.slice(prev.start, prev.end);
      const label = token.type.label;
      if (LINE_BREAK.test(gap) && !BREAK_AFTER.has(prev.type.label) && !BREAK_BEFORE.has(label)) {
        out += '\n';
      } else if (gap !== '' && needsSpace(prevText, text, prev.type.label === 'num')) {
        out += ' ';
      }
    }
    out += text;
    prev = token;
  }
  out += '\n';
  let again;
  try {
    again = tokens(out, sourceType).tree;
  } catch (e) {
    throw new Error(`ship-js: the stripped text does not parse: ${e.message}`);
  }
  if (shape(again, sourceType) !== shape(tree, sourceType)) throw new Error('ship-js: the stripped text parses to another program');
  return out;
}

function main([kind, ...files]) {
  if (kind === 'module' && files.length > 0) {
    for (const file of files) writeFileSync(file, shipJs(readFileSync(file, 'utf8'), 'module'));
  } else if (kind === 'script' && files.length === 2) {
    writeFileSync(files[1], shipJs(readFileSync(files[0], 'utf8'), 'script'));
  } else {
    console.error('usage: node scripts/ship-js.mjs module FILE... | script IN OUT');
    process.exit(2);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
