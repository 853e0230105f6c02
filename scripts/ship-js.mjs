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
import { parse } from 'acorn';
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
  const tree = parse(source, { ecmaVersion: 'latest', sourceType, onToken: list });
  return { tree, list };
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

/** The syntax tree without positions, as text: equal trees mean the same program. */
function shape(tree) {
  return JSON.stringify(tree, (key, value) => {
    if (key === 'start' || key === 'end' || key === 'loc' || key === 'range') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof RegExp) return String(value);
    return value;
  });
}

/** Whether two texts parse to the same program (the same syntax tree, positions aside). */
export function sameProgram(a, b, sourceType = 'module') {
  return shape(tokens(a, sourceType).tree) === shape(tokens(b, sourceType).tree);
}

/**
 * `source` without comments and layout. `sourceType`: `"module"` or `"script"`. Throws where the
 * source does not parse or the result would not mean the same.
 */
export function shipJs(source, sourceType = 'module') {
  const { tree, list } = tokens(source, sourceType);
  let out = '';
  let prev = null;
  for (const token of list) {
    if (token.type.label === 'eof') break;
    const text = source.slice(token.start, token.end);
    if (prev) {
      const gap = source.slice(prev.end, token.start);
      if (!GAP.test(gap)) throw new Error(`ship-js: unexpected text between tokens at ${prev.end}: ${JSON.stringify(gap)}`);
      const prevText = source.slice(prev.start, prev.end);
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
  if (shape(again) !== shape(tree)) throw new Error('ship-js: the stripped text parses to another program');
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

if (import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
