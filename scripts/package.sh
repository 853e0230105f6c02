#!/usr/bin/env bash
# Builds the widget and assembles the npm package: dist/package/ and dist/cti-bridge-<version>.tgz.
# SKIP_BUILD=1 reuses the widget already in www/pkg (scripts/build.sh).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f www/pkg/cti_bridge_bg.wasm ]; then
    bash scripts/build.sh
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
license=$(sed -n 's/^license = "\(.*\)"$/\1/p' Cargo.toml | head -1)

out=dist/package
rm -rf "$out"
mkdir -p "$out/widget/pkg"
# The drop-in as built (www/pkg/cti-bridge.js: www/cti-bridge.js without comments and layout).
cp www/pkg/cti-bridge.js www/cti-bridge.mjs www/cti-bridge.d.ts www/cti-bridge-types.d.ts \
   www/cti-bridge-element.js www/cti-bridge-element.d.ts "$out/"
cp www/widget.html www/widget.css www/panel.js www/panel.css www/diagnostics.html www/diagnostics.js www/diagnostics.css "$out/widget/"
# The builds as widget.html loads them: the content-hashed folder it names, pkg/<hash>/ (scripts/build.sh:
# every build's wasm, glue and entry script, the glue and www/widget.js in one module), which the
# widget origin serves `immutable` (docs/package.md). Only that folder: the stable per-build folders,
# their entries and pkg/builds.json serve the repository's tests and a www/widget.js loaded by itself.
hashed=$(sed -n 's|.*<script type="module" src="pkg/\([0-9a-f]\{12\}\)/.*|\1|p' www/widget.html)
if [ -z "$hashed" ] || [ ! -d "www/pkg/$hashed" ]; then
    echo "package: www/widget.html names no built pkg/<hash>/ folder (run scripts/build.sh)" >&2
    exit 1
fi
cp -R "www/pkg/$hashed" "$out/widget/pkg/"
# The support page (diagnostics.html) runs the full build's glue from pkg/ (its stable name).
cp www/pkg/cti_bridge.js www/pkg/cti_bridge_bg.wasm "$out/widget/pkg/"

cat >"$out/package.json" <<EOF
{
  "name": "cti-bridge",
  "version": "$version",
  "description": "Contact-centre bridge for CRM pages: a Rust/wasm widget in an iframe and a drop-in host script.",
  "license": "$license",
  "private": true,
  "type": "module",
  "main": "./cti-bridge.js",
  "module": "./cti-bridge.mjs",
  "types": "./cti-bridge.d.ts",
  "exports": {
    ".": {
      "types": "./cti-bridge.d.ts",
      "import": "./cti-bridge.mjs",
      "default": "./cti-bridge.mjs"
    },
    "./classic": "./cti-bridge.js",
    "./element": {
      "types": "./cti-bridge-element.d.ts",
      "default": "./cti-bridge-element.js"
    },
    "./widget/*": "./widget/*",
    "./types": { "types": "./cti-bridge-types.d.ts" },
    "./package.json": "./package.json"
  },
  "sideEffects": ["./cti-bridge.js", "./cti-bridge.mjs", "./cti-bridge-element.js"],
  "files": ["*.js", "*.mjs", "*.d.ts", "widget/", "README.md"]
}
EOF

cat >"$out/README.md" <<'EOF'
# cti-bridge

Keeps a CRM page and a contact centre in step (agent state, presence, work items, calls). Two
parts, served from two origins:

- **The widget** (`widget/`: `widget.html`, `widget.css`, `panel.js`, `panel.css`, `diagnostics.*` (the support page),
  `pkg/<hash>/` (the builds widget.html loads, in a folder named by their content: each build's wasm,
  glue and entry script, the full one and `pkg/<hash>/<features>/` per deployment), `pkg/cti_bridge.js` and
  `pkg/cti_bridge_bg.wasm` (the full build for the support page)): host the whole folder on the widget origin, next to a
  `widget-config.json` of your own: `{"allowedHostOrigins": ["https://crm.example.com"]}`.
  Serve the wasm as `application/wasm`; the widget page needs
  `script-src 'self' 'wasm-unsafe-eval'` and `frame-ancestors <your CRM origins>`.
  Caching: `pkg/<hash>/**` `Cache-Control: public, max-age=31536000, immutable` (a new version is
  a new folder, which the new `widget.html` names; keep the previous folder a day for pages
  opened before the upload); everything else `Cache-Control: no-cache` with a validator (`ETag`
  or `Last-Modified`). Upload `pkg/<hash>/` before `widget.html`.
- **The host script**, in the CRM page (its CSP needs `frame-src <widget origin>`):

| file | how |
|---|---|
| `cti-bridge.js` | classic `<script src>`, defines `window.CtiBridge` (`cti-bridge/classic`) |
| `cti-bridge.mjs` | ES module: `import CtiBridge, { connect } from "cti-bridge"` |
| `cti-bridge-element.js` | ES module defining `<cti-bridge>` (`cti-bridge/element`) |
| `*.d.ts` | TypeScript declarations |

Zero code:

```html
<script type="module" src="/node_modules/cti-bridge/cti-bridge-element.js"></script>
<cti-bridge widget-url="https://widget.example.com/widget.html" mode="synchronized"></cti-bridge>
<script type="module" src="crm-glue.js"></script>
```

```js
// crm-glue.js
const el = document.querySelector("cti-bridge");
el.addEventListener("cti-bridge:agentState", (e) => console.log("agent is", e.detail.state));
el.addEventListener("cti-bridge:event", (e) => console.log(e.detail.kind));
await el.setAgentState("notReady", "lunch");
```

Attributes: `widget-url` (required), `allowed-origins` (space-separated widget origins; default
the widget URL's origin), `mode` (`synchronized` | `complementary` | `off`), `timeout-ms`,
`title`. Events: `cti-bridge:<kind>` and `cti-bridge:event` (detail = the bridge event),
`cti-bridge:error` when the connection fails. Removing the element disposes the bridge.

With code: `CtiBridge.connect({ widgetUrl, container, mode, crm, logger })` resolves to a bridge
with `on(kind, handler)`, `setAgentState`, `setPresence`, `setMode`, `snapshot`, `dispose`.

Logging: `CtiBridge.setLogLevel("debug" | "info" | "warn" | "error" | "silent")` (default
`warn`); the `logger` option sends records elsewhere. Phone numbers (digit runs of 6+ keep their
last two digits), names and tokens are redacted by default (`redact: false` turns it off).

Copying files instead of installing: `cti-bridge.js` (and `cti-bridge-element.js` for the element) to the CRM, and `widget/` (the page,
its script and the wasm) to the widget origin.
EOF

mkdir -p dist
rm -f dist/cti-bridge-*.tgz
tgz=$(cd dist && npm pack ./package --silent --pack-destination . | tail -1)
echo "package: $ROOT/dist/$tgz"
size_of "dist/$tgz"
size_of "$out/widget/pkg/cti_bridge_bg.wasm"
size_of "$out/cti-bridge.js"
size_of "$out/cti-bridge-element.js"
