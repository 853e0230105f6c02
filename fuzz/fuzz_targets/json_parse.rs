//! The core's own JSON text parser on arbitrary bytes, against serde_json:
//! nothing may panic, and both accept or both refuse (texts nested deeper
//! than the core's limit are refused as too deep).
#![no_main]

use cti_bridge::json_parse::{parse, ErrorKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) if e.kind == ErrorKind::TooDeep => {}
        _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
    if let (Ok(a), Ok(b)) = (&ours, &theirs) {
        // Integers and strings exactly; floats may differ by one unit in the
        // last place (serde_json without `float_roundtrip`), so compare texts
        // of values without floats only.
        if !text.contains(['.', 'e', 'E']) {
            assert_eq!(a, b, "{text:?}");
        }
    }
});
