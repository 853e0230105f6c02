#!/usr/bin/env bash
# Builds the widget: wasm32 release -> wasm-bindgen (pinned) -> wasm-opt; prints sizes.
#
# The full widget (every protocol) goes to www/pkg/ (the tests and the fallback
# use it). Per-deployment builds go to www/pkg/<features>/, one per name in
# CTI_BUILDS (space-separated; each name is Cargo features of the widget joined
# by "+", e.g. `crm-connector+xuc`), or in the arguments:
#
#   bash scripts/build.sh                          # full + the default deployments
#   CTI_BUILDS="crm-connector+xuc openframe+axp" bash scripts/build.sh
#   bash scripts/build.sh crm-connector+axp        # full + this one
#
# widget.js loads the build that its widget-config.json needs when it exists
# (README "Building a deployment's bundle"). Each build also gets its entry script,
# widget.js in its folder: its glue and www/widget.js in one module, which widget.html
# loads for the build it names (scripts/widget-entry.mjs). All of it is written a second time
# into www/pkg/<hash>/ (a content hash), which the generated www/widget.html names (below).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

if [ $# -gt 0 ]; then
    builds="$*"
else
    builds=${CTI_BUILDS-crm-connector+xuc}
fi

# Release-only size flags (bench/README.md, issue 14): no panic locations, and
# panics abort at once without formatting a message. Only where the toolchain
# takes -Z flags (Debian's rustc-web with RUSTC_BOOTSTRAP=1).
# The standard library is built from source there, with its `optimize_for_size`
# feature (smaller sort, formatting and string search code; -5 KB gzip).
release_rustflags=""
std_features=()
if [ "$WASM_TOOLCHAIN" = debian ]; then
    release_rustflags="-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort"
    std_features=(-Zbuild-std-features=optimize_for_size)
fi

raw="$ROOT/target/wasm/wasm32-unknown-unknown/release/cti_bridge.wasm"

# build_one <features joined by "+", empty for the full widget> <output dir>
build_one() {
    local features=$1 out=$2
    if [ -z "$features" ]; then
        RUSTFLAGS="$release_rustflags" wasm_cargo build --release -p cti-bridge --lib --quiet "${std_features[@]}"
    else
        RUSTFLAGS="$release_rustflags" wasm_cargo build --release -p cti-bridge --lib --quiet "${std_features[@]}" \
            --no-default-features --features "${features//+/,}"
    fi
    mkdir -p "$out"
    # The unstripped module, for twiggy (bench/README.md).
    cp "$raw" "$ROOT/target/wasm/cti_bridge-${features:-full}.wasm"
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name cti_bridge "$raw"
    # -Oz to a fixed point (--converge), without the name and producers sections:
    # 2.7 KiB less gzip than a single -Oz pass (bench/README.md).
    # --low-memory-unused: rustc places the 1 MiB stack first in memory, so its
    # lowest 1 KiB is reached only by a stack about to overflow; binaryen may then
    # fold pointer offsets (-2.2 KB gzip).
    node_modules/.bin/wasm-opt -Oz --converge --low-memory-unused --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$out/cti_bridge_bg.wasm" -o "$out/cti_bridge_bg.wasm"
    # The glue's snippet modules (src/web/edge.js, inline_js) inlined into it: one request instead
    # of one per module before the widget can start (scripts/inline-snippets.mjs, start-up).
    node scripts/inline-snippets.mjs "$out"
    # The glue without comments and layout, local names shortened, checked to parse to the same
    # program (scripts/ship-js.mjs; -2.5 KB gzip on the lead build).
    node scripts/ship-js.mjs module "$out/cti_bridge.js"
}

out="$ROOT/www/pkg"
# Stale per-deployment builds would be served as if current.
rm -rf "$out"
for name in $builds; do
    case $name in
    *[!a-z+-]* | "" | +* | *+ | *++*)
        echo "build: bad deployment name \`$name\` (features joined by +)" >&2
        exit 1
        ;;
    esac
    build_one "$name" "$out/$name"
done
# The full build last: target/.../cti_bridge.wasm is then the full module (twiggy).
build_one "" "$out"
# The drop-in as deployments load it (www/pkg/cti-bridge.js: the demo, the tests, the npm
# package and bench/sizes.mjs all take this file): www/cti-bridge.js without comments and
# layout, local names shortened, the same program (scripts/ship-js.mjs; -5.4 KB gzip).
node scripts/ship-js.mjs script www/cti-bridge.js "$out/cti-bridge.js"
# What widget.js may load: each build ("" the full one) and the snippet modules its glue
# imports, which widget.js preloads with the glue (start-up, issue 14; none since they are
# inlined into the glue, above).
node -e '
const fs = require("fs");
const { parse } = require("acorn");
const out = process.argv[1];
const built = {};
for (const name of ["", ...process.argv.slice(2)]) {
  const glue = fs.readFileSync(`${out}/${name ? name + "/" : ""}cti_bridge.js`, "utf8");
  // The glue'"'"'s import declarations (it is shipped without layout); each module once (the glue
  // imports a snippet module once per function it calls directly).
  const sources = parse(glue, { ecmaVersion: "latest", sourceType: "module" }).body
    .filter((node) => node.type === "ImportDeclaration").map((node) => node.source.value);
  built[name] = [...new Set(sources.filter((s) => s.startsWith("./snippets/")).map((s) => s.slice(2)))];
}
console.log(JSON.stringify(built));
' "$out" $builds >"$out/builds.json"
# Each build's entry script, pkg/<build>/widget.js (pkg/widget.js): its glue and www/widget.js in
# one module, carrying the list of builds above, which widget.html loads instead of widget.js, the
# glue and pkg/builds.json (scripts/widget-entry.mjs: two requests fewer before the handshake,
# start-up); then shipped like the glue.
for name in "" $builds; do
    dir="$out${name:+/$name}"
    node scripts/widget-entry.mjs www/widget.js "$out/builds.json" "$dir" "$name"
    node scripts/ship-js.mjs module "$dir/widget.js"
done

# The content-hashed copy widget.html loads (start-up, issue 14): what the page may load (each
# build's wasm, glue and entry script, and its snippet modules if any) again in www/pkg/<hash>/, in
# the same layout, so that a deployment serves it `Cache-Control: immutable` and a returning agent's
# browser asks for none of it (the revalidation round is ~8 ms of the widget's start-up,
# bench/README.md). ONE hash over every build's files (scripts/hash-pkg.mjs): the entry of one build
# imports another build's glue and wasm relatively (a wrong hint), so any change renames them all.
# The entries are written for that folder (one `../` more to www/; nothing in them names the hash).
# The folders above stay as they are (the tests, bench/sizes.mjs, diagnostics.html and a
# www/widget.js loaded by itself use them); the old hashed folders went with `rm -rf "$out"`.
staging="$out/.hashed"
for name in "" $builds; do
    src="$out${name:+/$name}"
    dst="$staging${name:+/$name}"
    mkdir -p "$dst"
    cp "$src/cti_bridge_bg.wasm" "$src/cti_bridge.js" "$dst/"
    if [ -d "$src/snippets" ]; then cp -R "$src/snippets" "$dst/"; fi
    node scripts/widget-entry.mjs www/widget.js "$out/builds.json" "$dst" "$name" hashed
    node scripts/ship-js.mjs module "$dst/widget.js"
done
hash=$(node scripts/hash-pkg.mjs "$staging")
mv "$staging" "$out/$hash"
# widget.html names that folder: written from www/widget.template.html (tracked; widget.html is not),
# its `{{hash}}` placeholders replaced.
if ! grep -q '{{hash}}' www/widget.template.html; then
    echo 'build: www/widget.template.html names no pkg/{{hash}}/ folder' >&2
    exit 1
fi
sed "s|{{hash}}|$hash|g" www/widget.template.html >www/widget.html.tmp
mv www/widget.html.tmp www/widget.html

# The demo (demo/, not shipped) plays the seed samples. www/samples/ was their old place.
rm -rf www/samples
mkdir -p demo/samples
cp tests/fixtures/*.jsonl demo/samples/

echo "build: widget.html loads www/pkg/$hash/ (serve it immutable: docs/package.md)"
echo "build: widget sizes"
size_of "$out/cti-bridge.js"
size_of "$out/cti_bridge_bg.wasm"
size_of "$out/cti_bridge.js"
size_of "$out/widget.js"
for name in $builds; do
    echo "build: $name"
    size_of "$out/$name/cti_bridge_bg.wasm"
    size_of "$out/$name/cti_bridge.js"
    size_of "$out/$name/widget.js"
done
