#!/usr/bin/env bash
# Runs every test: native (unit, codec, CLI, sync engine, property tests) and
# the browser suite (wasm build in headless Chromium via wasm-bindgen-test-runner).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh

echo "== JavaScript lint (eslint)"
# eslint.config.js: www/ (shipped), demo/, bench/ and tests/ JavaScript.
node_modules/.bin/eslint .
echo "eslint: no problems"

echo "== formatting and lints (cargo fmt, clippy on the native targets)"
cargo fmt --all --check
cargo clippy --workspace --all-targets -q -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
# Per-deployment builds: the core with no protocol and with the README's lead deployment
# (library only: the tests need every protocol), the widget edge likewise for wasm32.
cargo clippy -p cti-bridge-core --no-default-features --lib -q -- -D warnings
cargo clippy -p cti-bridge-core --no-default-features --features crm-connector,xuc --lib -q -- -D warnings
for features in "" "crm-connector,xuc" "openframe,axp"; do
    RUSTFLAGS="-D warnings" wasm_cargo check -p cti-bridge --lib -q --no-default-features --features "$features"
done

echo "== native tests"
cargo test --workspace --all-targets

echo "== browser tests (headless Chromium)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# wasm-bindgen-test-runner reads webdriver.json (Chromium binary and flags) from the crate root.
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_TIMEOUT=120 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    wasm_cargo test -p cti-bridge --test web --test web_clients --test web_guard 2>&1 | tee "$log"
# A skipped or empty browser suite is a failure: the runner must report passed tests.
if [ "$(grep -cE '^test result: ok\. [1-9][0-9]* passed; 0 failed' "$log")" -lt 3 ]; then
    echo "browser tests: expected the three browser suites to pass in Chromium" >&2
    exit 1
fi
echo "browser tests: the three suites passed in headless Chromium"

echo "== TypeScript declarations (generated types current: see tests/typescript.rs; API usage compiles)"
node_modules/.bin/tsc --noEmit --strict --lib es2020,dom --module es2020 --moduleResolution node tests/types-usage.ts
echo "tsc: declarations check passed"

echo "== host script unit tests (logger, redaction)"
node --test tests/js/

echo "== end-to-end tests (Playwright, headless Chromium; package.test.mjs packs and installs the npm package, ~5 s;"
echo "   size-budget.test.mjs: every build within its gzip budget, bench/budgets.json)"
bash scripts/build.sh
node --test --test-concurrency=1 tests/e2e/

echo "== fuzzing smoke run (cargo fuzz, 5 s per target; bash scripts/fuzz.sh for a real run)"
FUZZ_SECONDS=5 bash scripts/fuzz.sh
