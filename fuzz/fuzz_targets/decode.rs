//! Every decoder on arbitrary bytes: the first byte picks the protocol, the
//! rest is the frame text. Nothing may panic; refusals are typed errors.
#![no_main]

use cti_bridge::codec::decode_text;
use cti_bridge::model::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((pick, rest)) = data.split_first() else {
        return;
    };
    let source = Source::ALL[usize::from(*pick) % Source::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    if let Err(e) = decode_text(source, &text, &Default::default()) {
        assert!(!e.to_string().is_empty());
    }
});
