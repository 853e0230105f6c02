//! Shared test helpers: fixtures and proptest strategies for hostile input.
#![allow(dead_code)]

use cti_bridge::codec;
use cti_bridge::config::DecodeConfig;
use cti_bridge::model::{Decoded, Source};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// The raw messages of `tests/fixtures/<source>.jsonl` (every seed sample).
pub fn fixtures(source: Source) -> Vec<Value> {
    let path = format!(
        "{}/tests/fixtures/{}.jsonl",
        env!("CARGO_MANIFEST_DIR"),
        source.as_str()
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}: {l}")))
        .collect()
}

/// Decodes with the default configuration.
pub fn decode(source: Source, raw: &Value) -> Result<Decoded, cti_bridge::DecodeError> {
    codec::decode(source, raw, &DecodeConfig::default())
}

/// The single event body a message decodes to, as JSON.
pub fn decode_one(source: Source, raw: &Value) -> Value {
    let decoded = decode(source, raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
    assert_eq!(decoded.bodies.len(), 1, "{raw} gave {:?}", decoded.bodies);
    serde_json::to_value(&decoded.bodies[0]).expect("serializable")
}

/// Asserts that each raw message fails to decode with exactly `reason`.
pub fn assert_errors(source: Source, cases: &[(Value, &str)]) {
    for (raw, reason) in cases {
        let err = decode(source, raw).expect_err(&raw.to_string());
        assert_eq!(err.to_string(), *reason, "{raw}");
    }
}

/// A value nested 100 levels deep under `key` (an array when `key` is empty),
/// far past the decoders' depth limit.
pub fn nested(key: &str) -> Value {
    let mut v = Value::String("x".into());
    for _ in 0..100 {
        v = if key.is_empty() {
            Value::Array(vec![v])
        } else {
            Value::Object([(key.to_owned(), v)].into_iter().collect())
        };
    }
    v
}

/// Arbitrary JSON values, including the keys and shapes vendors use.
pub fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("event".to_string()),
        Just("msgType".to_string()),
        Just("ctiMessage".to_string()),
        Just("type".to_string()),
        Just("action".to_string()),
        Just("data".to_string()),
        Just("body".to_string()),
        Just("result".to_string()),
        Just("payload".to_string()),
        Just("__proto__".to_string()),
        "[a-zA-Z_]{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A fixture with one field (at any depth) replaced by an arbitrary value:
/// close enough to real traffic to reach deep into the decoders.
pub fn mutate(mut value: Value, pick: usize, replacement: Value) -> Value {
    fn pointers(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    let p = format!("{prefix}/{}", k.replace('~', "~0").replace('/', "~1"));
                    pointers(c, &p, out);
                    out.push(p);
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    let p = format!("{prefix}/{i}");
                    pointers(c, &p, out);
                    out.push(p);
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    pointers(&value, "", &mut all);
    if !all.is_empty() {
        let target = &all[pick % all.len()];
        if let Some(slot) = value.pointer_mut(target) {
            *slot = replacement;
        }
    }
    value
}
