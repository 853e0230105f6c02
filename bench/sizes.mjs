// Sizes of the widget builds in www/pkg (scripts/build.sh) and their budgets (bench/budgets.json).
// A build's total is what a deployment ships: its wasm + its wasm-bindgen glue and snippets + the drop-in
// as shipped; where the build has an entry script (widget.js in its folder: the glue and www/widget.js in
// one module, scripts/widget-entry.mjs, which widget.html loads instead of the glue), that entry counts in
// place of the glue: the bytes an agent's browser downloads (the glue file is then used only when the
// configuration needs another build than the page names), (DROP_IN: www/cti-bridge.js without comments and layout, scripts/ship-js.mjs), raw and gzip -9. Used by bench/run.mjs and tests/e2e/size-budget.test.mjs.
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

/** Every protocol feature, in the order build names use (scripts/build.sh, www/widget.js). */
export const FEATURES = ['crm-connector', 'openframe', 'agentdesktop', 'axp', 'xuc'];
/** The full build's name (www/pkg/ itself). */
export const FULL = FEATURES.join('+');
/** The drop-in as deployments load it (scripts/build.sh writes it from www/cti-bridge.js). */
export const DROP_IN = 'www/pkg/cti-bridge.js';

export async function sizeOf(path) {
  const body = await readFile(path);
  return { raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}

/** `{name: {raw, gzip}}` totals for the full build (named FULL) and each www/pkg/<features>/. */
export async function buildSizes(root) {
  const pkg = join(root, 'www/pkg');
  const dropIn = await sizeOf(join(root, DROP_IN));
  const total = async (dir) => {
    const entry = join(dir, 'widget.js');
    const script = existsSync(entry) ? entry : join(dir, 'cti_bridge.js');
    const parts = [dropIn, await sizeOf(join(dir, 'cti_bridge_bg.wasm')), await sizeOf(script)];
    // The glue's snippet modules (src/web/edge.js, inline snippets) ship with it.
    const snippets = join(dir, 'snippets');
    if (existsSync(snippets)) {
      for (const entry of await readdir(snippets, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) parts.push(await sizeOf(join(entry.parentPath ?? entry.path, entry.name)));
      }
    }
    return parts.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }));
  };
  const builds = { [FULL]: await total(pkg) };
  // The builds scripts/build.sh lists (pkg/builds.json), not every folder: pkg/<hash>/ is the
  // same builds again, content-hashed for widget.html.
  const listed = Object.keys(JSON.parse(await readFile(join(pkg, 'builds.json'), 'utf8'))).filter(Boolean);
  for (const name of listed.sort((a, b) => a.localeCompare(b))) {
    if (existsSync(join(pkg, name, 'cti_bridge_bg.wasm'))) builds[name] = await total(join(pkg, name));
  }
  return builds;
}

/** The gzip budgets in bytes: `{name: {gzip, goal, note}}` (bench/budgets.json). */
export async function budgets(root) {
  return JSON.parse(await readFile(join(root, 'bench/budgets.json'), 'utf8')).builds;
}
