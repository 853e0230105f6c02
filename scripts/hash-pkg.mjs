// The content hash of the widget's shipped files (start-up, issue 14: immutable caching):
//
//   node scripts/hash-pkg.mjs DIR      # prints the hash of every file under DIR
//
// scripts/build.sh writes the files widget.html loads (every build's wasm, glue and entry script)
// into a staging folder, hashes it with this, and renames it www/pkg/<hash>/; widget.html names
// that folder. ONE hash for all builds: an entry script imports another build's glue relatively
// when the configuration needs another build than the page names, so any change anywhere renames
// the whole folder, and an entry cached as immutable never points at a folder that changed.
// Nothing in the files names the hash (their URLs are relative), so hashing them is not circular.
//
// The hash covers each file's path (relative, `/`-separated) and bytes, in path order: a changed
// byte, a renamed, added or removed file all give another hash. 12 hex digits of SHA-256 (48 bits):
// builds of one deployment collide with odds of about n^2 / 2^49.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Hex digits of the hash kept in the folder's name. */
export const HASH_LENGTH = 12;

/** The hash of `files`, `[{path, bytes}]` (order does not matter; paths unique). */
export function contentHash(files) {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash('sha256');
  for (let i = 0; i < sorted.length; i++) {
    const { path, bytes } = sorted[i];
    if (i > 0 && sorted[i - 1].path === path) throw new Error(`hash-pkg: ${path} twice`);
    // Lengths first: no two different lists of files give the same stream of bytes.
    const name = Buffer.from(path, 'utf8');
    const sizes = Buffer.alloc(12);
    sizes.writeUInt32BE(name.length, 0);
    sizes.writeBigUInt64BE(BigInt(bytes.length), 4);
    hash.update(sizes).update(name).update(bytes);
  }
  return hash.digest('hex').slice(0, HASH_LENGTH);
}

/** Every file under `dir`, `[{path, bytes}]`, paths relative to `dir` with `/`. */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const full = join(entry.parentPath, entry.name);
      return { path: relative(dir, full).split(sep).join('/'), bytes: readFileSync(full) };
    });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir || process.argv.length > 3) {
    console.error('usage: node scripts/hash-pkg.mjs DIR');
    process.exit(2);
  }
  const files = filesUnder(dir);
  if (!files.length) {
    console.error(`hash-pkg: no files under ${dir}`);
    process.exit(1);
  }
  console.log(contentHash(files));
}
