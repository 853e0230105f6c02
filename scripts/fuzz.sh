#!/usr/bin/env bash
# Fuzzes every decoder, the sync engine and the core's JSON text parser with
# libFuzzer (cargo fuzz), seeded with the seed samples; each target runs for
# FUZZ_SECONDS (default 60) and the script prints executions and crashes. Not part of .ci/run (a smoke run is).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install -q cargo-fuzz
fi

# Seed corpora from the fixtures: decode gets one file per sample (first byte
# picks the protocol); sync gets each protocol's samples as one sequence.
python3 - <<'PY'
import hashlib, os
sources = ["openframe", "crm-connector", "agentdesktop", "axp", "xuc"]
for target in ("decode", "sync", "json_parse"):
    os.makedirs(f"fuzz/corpus/{target}", exist_ok=True)
for i, source in enumerate(sources):
    lines = [l for l in open(f"tests/fixtures/{source}.jsonl", "rb").read().split(b"\n") if l.strip()]
    for line in lines:
        data = bytes([i]) + line
        open(f"fuzz/corpus/decode/seed-{hashlib.sha1(data).hexdigest()[:16]}", "wb").write(data)
        open(f"fuzz/corpus/json_parse/seed-{hashlib.sha1(line).hexdigest()[:16]}", "wb").write(line)
    seq = bytes([0]) + b"\n".join(bytes([i]) + l for l in lines)
    open(f"fuzz/corpus/sync/seed-{source}", "wb").write(seq)
PY

status=0
printf '%-10s %12s %8s\n' target executions crashes
for target in decode sync json_parse; do
    log=$(mktemp)
    # cargo fuzz needs nightly flags (-Zsanitizer): RUSTC_BOOTSTRAP allows them on stable.
    if RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 >"$log" 2>&1; then
        crashes=0
    else
        crashes=$(ls "fuzz/artifacts/$target" 2>/dev/null | grep -c '^crash-' || true)
        [ "$crashes" -gt 0 ] || crashes=1
        status=1
    fi
    runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -1)
    printf '%-10s %12s %8s\n' "$target" "${runs:-?}" "$crashes"
    if [ "$crashes" != 0 ]; then tail -40 "$log"; fi
    rm -f "$log"
done
exit $status
