#!/usr/bin/env bash
# Installs what the build and the tests need, once; quick when all is present.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

missing_debs=()
need_deb() { dpkg -s "$1" >/dev/null 2>&1 || missing_debs+=("$1"); }
if [ "$WASM_TOOLCHAIN" = debian ]; then
    for p in rustc-web cargo-web rust-web-src lld-22; do need_deb "$p"; done
fi
for p in chromium chromium-driver; do need_deb "$p"; done
if [ ${#missing_debs[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing_debs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Without --locked: one locked dependency is not in the registry (../shared/TOOLCHAIN.md).
    cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/tsc ] \
    || [ ! -d node_modules/penpal ] || [ ! -d node_modules/post-robot ] || [ ! -d node_modules/amazon-connect-streams ] \
    || [ ! -x node_modules/.bin/eslint ] || [ ! -d node_modules/@eslint/js ] || [ ! -d node_modules/globals ] \
    || [ ! -d node_modules/axe-core ] || [ ! -d node_modules/acorn ] || [ ! -d node_modules/eslint-scope ]; then
    echo "setup: installing npm dev tools"
    npm ci --no-audit --no-fund --silent
fi
echo "setup: ready (wasm toolchain: $WASM_TOOLCHAIN)"
