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
cp www/widget.html www/widget.js www/widget.css www/panel.js www/panel.css www/diagnostics.html www/diagnostics.js www/diagnostics.css "$out/widget/"
# The wasm-bindgen output: glue (its JS snippets inlined by scripts/build.sh), wasm, and each
# build's entry script (widget.js: the glue and www/widget.js in one module, which widget.html loads).
cp -R www/pkg/. "$out/widget/pkg/"
rm -f "$out/widget/pkg/.gitignore" "$out/widget/pkg/package.json" "$out/widget/pkg/cti-bridge.js"

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

- **The widget** (`widget/`: `widget.html`, `widget.js`, `widget.css`, `panel.js`, `panel.css`, `diagnostics.*` (the support page), `pkg/widget.js` (the entry script widget.html loads), `pkg/cti_bridge.js`,
  `pkg/cti_bridge_bg.wasm`, the per-deployment builds `pkg/<features>/`): host the whole folder on the widget origin, next to a
  `widget-config.json` of your own: `{"allowedHostOrigins": ["https://crm.example.com"]}`.
  Serve the wasm as `application/wasm`; the widget page needs
  `script-src 'self' 'wasm-unsafe-eval'` and `frame-ancestors <your CRM origins>`.
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
