// scripts/hash-pkg.mjs: the name of the content-hashed folder widget.html loads (www/pkg/<hash>/).
// Served `immutable`, a folder's files must never change under its name: every change to what is
// in it gives another name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, filesUnder, HASH_LENGTH } from '../../scripts/hash-pkg.mjs';

const ROOT = join(import.meta.dirname, '../..');
const file = (path, text) => ({ path, bytes: Buffer.from(text) });
/** Two builds' shipped files, as scripts/build.sh stages them. */
const FILES = [
  file('cti_bridge_bg.wasm', '\0asm full'),
  file('cti_bridge.js', 'glue full'),
  file('widget.js', 'entry full'),
  file('crm-connector+xuc/cti_bridge_bg.wasm', '\0asm lead'),
  file('crm-connector+xuc/cti_bridge.js', 'glue lead'),
  file('crm-connector+xuc/widget.js', 'entry lead'),
];

test('the hash is short hex, and the same files give the same hash in any order', () => {
  const hash = contentHash(FILES);
  assert.match(hash, new RegExp(`^[0-9a-f]{${HASH_LENGTH}}$`));
  assert.equal(contentHash([...FILES].reverse()), hash);
  assert.equal(contentHash(FILES.map((f) => ({ path: f.path, bytes: Buffer.from(f.bytes) }))), hash);
});

test('any change to any build gives another hash', () => {
  const hash = contentHash(FILES);
  const seen = new Set([hash]);
  const changed = (files, what) => {
    const other = contentHash(files);
    assert.ok(!seen.has(other), `${what}: ${other}`);
    seen.add(other);
  };
  for (let i = 0; i < FILES.length; i++) {
    // One byte of one artefact (a wasm, a glue, an entry script), of either build.
    const bytes = Buffer.from(FILES[i].bytes);
    bytes[bytes.length - 1] ^= 1;
    changed(FILES.map((f, j) => (j === i ? { path: f.path, bytes } : f)), `a byte of ${FILES[i].path}`);
  }
  changed(FILES.slice(1), 'a file removed');
  changed([...FILES, file('openframe+axp/widget.js', 'entry other')], 'a build added');
  changed(FILES.map((f) => (f.path === 'widget.js' ? { ...f, path: 'entry.js' } : f)), 'a file renamed');
  // Bytes moved from one file's end to the next one's start: the lengths tell them apart.
  changed([file('a', 'xy'), file('b', 'z')], 'two files');
  changed([file('a', 'x'), file('b', 'yz')], 'the same bytes, split elsewhere');
  assert.throws(() => contentHash([file('a', 'x'), file('a', 'y')]), /a twice/);
});

test('the command hashes every file under a folder, as the build runs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hash-pkg-'));
  for (const f of FILES) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true });
    writeFileSync(join(dir, f.path), f.bytes);
  }
  assert.deepEqual(filesUnder(dir).map((f) => f.path).sort(), FILES.map((f) => f.path).sort());
  const run = () => execFileSync('node', [join(ROOT, 'scripts/hash-pkg.mjs'), dir], { encoding: 'utf8' }).trim();
  assert.equal(run(), contentHash(FILES));
  writeFileSync(join(dir, 'crm-connector+xuc/widget.js'), 'entry lead, changed');
  assert.notEqual(run(), contentHash(FILES));
});
