#!/usr/bin/env bash
# Measures one variant of the lead wasm (issue 14, the wasm-split spike): builds
# `cti-bridge` for the lead deployment plus the extra features given, then ships it
# as scripts/build.sh does (wasm-bindgen, wasm-opt -Oz --converge) and prints
# raw / gzip -9 of the shipped wasm.
#
#   bash bench/split-measure.sh LABEL [extra,features]
#   SPLIT_PROBE=1 bash bench/split-measure.sh LABEL features   # the probe crate instead
#
# The cut features (split-cut-*) live only in the spike's scratch patch
# and the probe cdylib (crates/splitprobe: a second module's own weight) live only in
# the spike's scratch patch (bench/README.md, "wasm split spike"); without them this
# measures the lead build.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
cd "$ROOT"
label=$1
extra=${2:-}
features=crm-connector,xuc${extra:+,$extra}
package=cti-bridge
crate=cti_bridge
if [ -n "${SPLIT_PROBE-}" ]; then
    features=$extra
    package=splitprobe
    crate=splitprobe
fi
release_rustflags=""
std_features=()
if [ "$WASM_TOOLCHAIN" = debian ]; then
    release_rustflags="-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort"
    std_features=(-Zbuild-std-features=optimize_for_size)
fi
RUSTFLAGS="$release_rustflags" wasm_cargo build --release -p "$package" --lib --quiet "${std_features[@]}" \
    --no-default-features --features "$features"
out="$ROOT/target/split/$label"
rm -rf "$out"
mkdir -p "$out"
cp "$ROOT/target/wasm/wasm32-unknown-unknown/release/$crate.wasm" "$out/raw.wasm"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name cti_bridge "$out/raw.wasm"
node_modules/.bin/wasm-opt -Oz --converge --low-memory-unused --strip-debug --strip-producers --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    --enable-multivalue "$out/cti_bridge_bg.wasm" -o "$out/cti_bridge_bg.wasm"
printf '%-32s wasm raw %8d gzip %8d   glue raw %6d gzip %6d\n' "$label" \
    "$(wc -c <"$out/cti_bridge_bg.wasm")" "$(gzip -9 -c "$out/cti_bridge_bg.wasm" | wc -c)" \
    "$(wc -c <"$out/cti_bridge.js")" "$(gzip -9 -c "$out/cti_bridge.js" | wc -c)"
