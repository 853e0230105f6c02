#!/usr/bin/env bash
# Benchmarks (headless Chromium): prints a table and writes bench/results.json.
# Not part of .ci/run. Knobs: BENCH_N BENCH_LAT BENCH_CORE BENCH_CHANNEL BENCH_OUT (see bench/run.mjs).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
if [ ! -f www/pkg/cti_bridge_bg.wasm ] || [ "${BENCH_BUILD:-0}" = 1 ]; then
    bash scripts/build.sh
fi
exec node bench/run.mjs
