//! Numbers as text without `core::fmt` (`itoa`, `zmij`: what serde_json's
//! `Display` uses). A `format!` is not replaced wholesale: joining parts by
//! hand made the wasm larger (bench/README.md); these spare a type's
//! `Display` and its formatter path.

use crate::json_write::JsonWriter;

/// An integer in decimal, as `Display` writes it.
pub fn num<T: itoa::Integer>(n: T) -> String {
    itoa::Buffer::new().format(n).to_owned()
}

/// Appends `s` as `{:?}` writes it (`"` quoted, `\\`, `"` and control
/// characters escaped, Unicode that is not printable as `\u{..}`), without
/// `core::fmt`: `char::escape_debug` decides, with the same Unicode tables,
/// except that a string leaves `'` as it is.
pub fn push_debug_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '\'' {
            out.push(c);
        } else {
            for e in c.escape_debug() {
                out.push(e);
            }
        }
    }
    out.push('"');
}

/// A JSON number as serde_json's `Display` writes it: its JSON text, by
/// the writer every output uses ([`JsonWriter::number`]).
pub fn number(n: &serde_json::Number) -> String {
    let mut w = JsonWriter::text(String::new());
    w.number(n);
    w.into_text()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn writes_what_display_writes() {
        let samples = [
            json!(0),
            json!(-3),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(2.5),
            json!(1e300),
            json!(-0.0),
            json!(1e-7),
            json!(1.0),
        ];
        for v in samples {
            let Value::Number(n) = &v else { unreachable!() };
            assert_eq!(number(n), n.to_string());
        }
        assert_eq!(num(u16::MAX), u16::MAX.to_string());
        assert_eq!(num(-7i64), "-7");
    }

    #[test]
    fn debug_str_writes_what_debug_writes() {
        let one = |s: &str| {
            let mut out = String::new();
            push_debug_str(&mut out, s);
            assert_eq!(out, format!("{s:?}"), "{s:?}");
        };
        // Every char alone, then after a letter and before one (grapheme
        // extenders are escaped wherever they stand in a string).
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            one(&c.to_string());
            one(&format!("a{c}b"));
        }
        one("");
        one("it's \"quoted\" \\ \n\t\r\0 é \u{200b} \u{301}e");
    }
}
