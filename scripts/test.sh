#!/usr/bin/env bash
# Runs every test: native (unit, codec, CLI, sync engine, property tests) and
# the browser suite (wasm build in headless Chromium via wasm-bindgen-test-runner).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh

echo "== native tests"
cargo test --all-targets

echo "== browser tests (headless Chromium)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# wasm-bindgen-test-runner reads webdriver.json (Chromium binary and flags) from the crate root.
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_TIMEOUT=120 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    wasm_cargo test --lib --test web 2>&1 | tee "$log"
# A skipped or empty browser suite is a failure: require passed tests from both binaries.
passed=$(grep -cE '^test result: ok\. [1-9][0-9]* passed' "$log" || true)
if [ "$passed" -lt 2 ]; then
    echo "browser tests: expected two suites with passing tests in Chromium, found $passed" >&2
    exit 1
fi
echo "browser tests: $passed suites passed in headless Chromium"
