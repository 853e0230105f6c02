//! The bridge and its sync engine driven by arbitrary event sequences:
//! newline-separated frames, each prefixed by a byte that picks the
//! protocol, with arbitrary clock steps. Nothing may panic, and at most one
//! command may be pending per side.
#![no_main]

use cti_bridge::model::Source;
use cti_bridge::{Bridge, Config, Mode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let mode = [Mode::Synchronized, Mode::Complementary, Mode::Off][usize::from(*mode) % 3];
    let mut bridge = Bridge::new(mode, Config::default());
    let mut now = 0u64;
    for line in rest.split(|b| *b == b'\n') {
        let Some((pick, frame)) = line.split_first() else {
            continue;
        };
        now = now.saturating_add(u64::from(*pick) * 100);
        let source = Source::ALL[usize::from(*pick) % Source::ALL.len()];
        if let Ok(value) = cti_bridge::codec::parse_text(
            &String::from_utf8_lossy(frame),
            cti_bridge::codec::JsonParser::SERDE_JSON,
        ) {
            let _ = bridge.ingest(source, &value, Some(now));
        }
        let _ = bridge.tick(now);
        let pending = bridge.snapshot().pending;
        assert!(pending.len() <= 2);
        assert!(pending.len() < 2 || pending[0].target != pending[1].target);
    }
});
