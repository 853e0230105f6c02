#!/usr/bin/env bash
# Builds the widget: wasm32 release -> wasm-bindgen (pinned) -> wasm-opt; prints sizes.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

wasm_cargo build --release --lib --quiet
raw="$ROOT/target/wasm/wasm32-unknown-unknown/release/cti_bridge.wasm"
out="$ROOT/www/pkg"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name cti_bridge "$raw"
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/cti_bridge_bg.wasm" -o "$out/cti_bridge_bg.wasm"

# The demo plays the seed samples.
mkdir -p www/samples
cp tests/fixtures/*.jsonl www/samples/

echo "build: widget sizes"
size_of "$out/cti_bridge_bg.wasm"
size_of "$out/cti_bridge.js"
