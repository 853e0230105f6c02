//! The core's own JSON text parser on arbitrary bytes, against serde_json:
//! nothing may panic, both accept or both refuse (texts nested deeper than
//! the core's limit are refused as too deep), and accepted texts give the
//! same values (floats within a few units in the last place: serde_json
//! without `float_roundtrip` is not always correctly rounded, ours is closer).
#![no_main]

use cti_bridge::json_parse::{parse, ErrorKind};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y || x.to_bits().abs_diff(y.to_bits()) <= 16,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = parse(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "{text:?}: {a:?} vs {b:?}"),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) if e.kind == ErrorKind::TooDeep => {}
        _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
});
