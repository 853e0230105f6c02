//! Compact JSON text of a [`serde_json::Value`], without serde_json's
//! serializer: the widget hands its outputs to JavaScript as one string for
//! one `JSON.parse`, which is much cheaper than building the objects field by
//! field across the wasm boundary.

use serde_json::Value;
use std::fmt::Write;

/// Appends the JSON text of `value` to `out` (keys in the map's order).
pub fn write(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // Writing to a String cannot fail.
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write(out, item);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (at, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `at` is an ASCII byte, so both slices are on char boundaries.
        out.push_str(s.get(plain..at).unwrap_or_default());
        plain = at + 1;
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: &Value) -> String {
        let mut out = String::new();
        write(&mut out, value);
        out
    }

    #[test]
    fn matches_serde_json() {
        let samples = [
            json!(null),
            json!({"a": [1, -2, 3.5, 1e300, -0.0, 18446744073709551615u64, true, false, null]}),
            json!({"quote\"back\\slash": "line\nfeed\r\ttab\u{8}\u{c}\u{1}\u{1f}\u{7f} é ✓ \u{2028} 🎧"}),
            json!({"": {"nested": [[], {}, [{}]]}, "z": "", "A": 0}),
            json!([0.1, 123456789.125, 5e-324, -9007199254740993i64]),
        ];
        for value in &samples {
            let ours = text(value);
            assert_eq!(ours, serde_json::to_string(value).expect("json"), "{value}");
            let back: Value = serde_json::from_str(&ours).expect("parses");
            assert_eq!(&back, value);
        }
    }
}
