// The widget page of a deployment that names its build (start-up, issue 14): www/widget.html
// (written by scripts/build.sh from www/widget.template.html) names the README's lead deployment
// (crm-connector+xuc) in the content-hashed folder pkg/<hash>/, in its `data-build` preloads; a
// deployment that runs another build names that one instead. Used by the bench widget (the full
// build: it allows injection) and tests/e2e/startup.test.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The build www/widget.html names. */
export const SHIPPED_HINT = 'crm-connector+xuc';

/**
 * The content-hashed folder www/widget.html loads its build from (scripts/build.sh writes the page
 * from www/widget.template.html): `pkg/<hash>/`.
 */
export function hashedFolder(root) {
  const page = readFileSync(join(root, 'www/widget.html'), 'utf8');
  const found = [...new Set([...page.matchAll(/"(pkg\/[0-9a-f]+\/)/g)].map((m) => m[1]))];
  if (found.length !== 1) throw new Error(`www/widget.html names ${found.length} hashed folders (pkg/<hash>/), not one: run scripts/build.sh`);
  return found[0];
}

/**
 * www/widget.html naming `build` ("" the full build in pkg/<hash>/) instead: its wasm and glue, and
 * the snippet modules its glue imports (pkg/builds.json). Read from disk on each call, as a file is
 * served (the blank iframe the start-up is compared with is a file too).
 */
export function widgetPageNaming(root, build) {
  // Its own snippet lines dropped: the named build's come from pkg/builds.json below.
  const page = readFileSync(join(root, 'www/widget.html'), 'utf8').replace(/\n[^\n]*<link rel="modulepreload" href="pkg\/[^"]*snippets\/[^\n]*/g, '');
  const hashed = hashedFolder(root);
  const dir = build ? `${hashed}${build}/` : hashed;
  const built = JSON.parse(readFileSync(join(root, 'www/pkg/builds.json'), 'utf8'));
  const snippets = (built[build] || []).map((path) => `\n  <link rel="modulepreload" href="${dir}${path}" data-build="${build}">`).join('');
  const named = page
    .replaceAll(`${hashed}${SHIPPED_HINT}/`, dir)
    .replaceAll(`data-build="${SHIPPED_HINT}"`, `data-build="${build}"`);
  // After the entry script's modulepreload (scripts/widget-entry.mjs: the glue and widget.js).
  const glue = named.indexOf('\n', named.indexOf(`${dir}widget.js`));
  if (named === page && build !== SHIPPED_HINT) throw new Error('www/widget.html names no build');
  return named.slice(0, glue) + snippets + named.slice(glue);
}
