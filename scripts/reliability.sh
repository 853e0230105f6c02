#!/usr/bin/env bash
# Reliability table (headless Chromium, cti-bridge sim on a free port): faults injected per
# simulator fault mode and widget reloads, events sent / delivered / lost / duplicated, reconnects
# and recovery times, hostile inputs tried / accepted. Prints the table, writes
# bench/reliability.json, exits 1 on any loss, duplicate or accepted untrusted input.
# Not part of .ci/run (tests/e2e/reliability-smoke.test.mjs runs it tiny). Knobs: REL_EVENTS
# REL_INJECTIONS REL_RELOADS REL_RELOAD_EVENTS REL_PACE_MS REL_FAULTS REL_OUT (see bench/reliability.mjs).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
if [ ! -f www/pkg/cti_bridge_bg.wasm ] || [ "${REL_BUILD:-0}" = 1 ]; then
    bash scripts/build.sh
fi
if [ ! -x target/debug/cti-bridge ] || [ "${REL_BUILD:-0}" = 1 ]; then
    cargo build -q --bin cti-bridge
fi
exec node bench/reliability.mjs
