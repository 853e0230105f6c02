#!/usr/bin/env bash
# Builds the widget: wasm32 release -> wasm-bindgen (pinned) -> wasm-opt; prints sizes.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

wasm_cargo build --release -p cti-bridge --lib --quiet
raw="$ROOT/target/wasm/wasm32-unknown-unknown/release/cti_bridge.wasm"
out="$ROOT/www/pkg"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name cti_bridge "$raw"
# -Oz to a fixed point (--converge), without the name and producers sections:
# 2.7 KiB less gzip than a single -Oz pass (bench/README.md).
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/cti_bridge_bg.wasm" -o "$out/cti_bridge_bg.wasm"

# The demo (demo/, not shipped) plays the seed samples. www/samples/ was their old place.
rm -rf www/samples
mkdir -p demo/samples
cp tests/fixtures/*.jsonl demo/samples/

echo "build: widget sizes"
size_of "$out/cti_bridge_bg.wasm"
size_of "$out/cti_bridge.js"
