//! The in-page core row's work, natively (no browser): what `Bridge.ingestTexts`
//! does for the bench's bursts of 64 xuc `AgentStateEvent` texts
//! (`bench/pages/core.js`): each text run through
//! [`Bridge::ingest_text_into`] (the xuc fast path, else the built-in
//! parser and the general decoder) into one list, and the
//! burst's outputs written in their compact form (`bridge::Compact`:
//! numbers, and one JSON text the page parses; the page expands both). Not a test (speed is never asserted);
//! `cargo run --release -p cti-bridge-core --example inpage_path`; counted in
//! instructions with
//! `valgrind --tool=callgrind --toggle-collect='*pass_through*' target/release/examples/inpage_path`
//! (`PASSES=2`: one warm-up, one measured pass).

use cti_bridge_core::bridge::Compact;
use cti_bridge_core::config::Config;
use cti_bridge_core::json_write::JsonWriter;
use cti_bridge_core::model::Source;
use cti_bridge_core::sync::Mode;
use cti_bridge_core::Bridge;
use std::hint::black_box;
use std::time::Instant;

/// Texts per `ingestTexts` call (`BURST` in `bench/pages/core.js`).
const BURST: usize = 64;
const ROUNDS: usize = 1_000;
/// `OUT_PER_IN` in `src/web/mod.rs`.
const OUT_PER_IN: usize = 2;

fn texts() -> [String; 2] {
    // As `JSON.stringify` writes the bench page's objects.
    ["AgentReady", "AgentOnPause"].map(|name| {
        format!(
            r#"{{"msgType":"AgentStateEvent","ctiMessage":{{"name":"{name}","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":""}}}}"#
        )
    })
}

fn main() {
    let texts = texts();
    let burst: Vec<&str> = (0..BURST).map(|i| texts[i & 1].as_str()).collect();
    let passes = std::env::var("PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(6u64)
        .max(2);
    if std::env::var("DUMP").is_ok() {
        // The outputs of the first two texts, as the page gets them.
        let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
        let mut out = Vec::new();
        for text in &burst[..2] {
            let _ = bridge.ingest_text_into(Source::Xuc, text, Some(0), &mut out);
        }
        println!("{}", cti_bridge_core::json_write::to_string(&out));
    }
    let mut best = u128::MAX;
    let mut counts = (0, 0, 0);
    for pass in 0..passes {
        let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
        let t0 = Instant::now();
        counts = pass_through(&mut bridge, &burst);
        let ns = t0.elapsed().as_nanos();
        if pass > 0 {
            best = best.min(ns);
        }
    }
    let n = (ROUNDS * BURST) as f64;
    let (outputs, errors, bytes) = counts;
    println!(
        "{} texts in bursts of {BURST} (best of {} passes): {:.0} ns/text",
        ROUNDS * BURST,
        passes - 1,
        best as f64 / n
    );
    println!(
        "outputs {:.2}/text, errors {errors}, {:.0} bytes written/text",
        outputs as f64 / n,
        bytes as f64 / n
    );
}

/// One pass: `ROUNDS` bursts as `ingestTexts` handles them; returns
/// (outputs, errors, bytes written). (Not inlined: callgrind's
/// `--toggle-collect=*pass_through*` counts it alone.)
#[inline(never)]
fn pass_through(bridge: &mut Bridge, burst: &[&str]) -> (usize, usize, usize) {
    let (mut outputs, mut errors, mut bytes) = (0, 0, 0);
    // As `ingestTexts` keeps it: the room of the bursts before, and one
    // output per text at least.
    let mut out = Vec::new();
    let mut nums = Vec::new();
    let mut compact = Compact::new();
    for round in 0..ROUNDS {
        let now = Some((round * BURST) as u64);
        out.reserve(burst.len());
        for text in burst {
            if bridge
                .ingest_text_into(Source::Xuc, text, now, &mut out)
                .is_err()
            {
                errors += 1;
            }
        }
        // As `ingestTexts` writes it: reserved at 2 bytes out per byte in,
        // the outputs compact (`Compact`, expanded in the page): numbers
        // into a kept list, the rest as one JSON text.
        let capacity = burst.iter().map(|t| t.len()).sum::<usize>() * OUT_PER_IN + 128;
        let mut w = JsonWriter::text(String::with_capacity(capacity));
        w.raw("{\"values\":");
        compact.write(&out, &mut nums, &mut w);
        w.raw(",\"errors\":[]}");
        outputs += out.len();
        bytes += black_box(w.into_text()).len() + 4 * black_box(&nums).len();
        nums.clear();
        out.clear();
    }
    (outputs, errors, bytes)
}
