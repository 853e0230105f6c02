//! Numbers as text without `core::fmt` (`itoa`, `zmij`: what serde_json's
//! `Display` uses). A `format!` is not replaced wholesale: joining parts by
//! hand made the wasm larger (bench/README.md); these spare a type's
//! `Display` and its formatter path.

use crate::json_write::JsonWriter;

/// An integer in decimal, as `Display` writes it.
pub fn num<T: itoa::Integer>(n: T) -> String {
    itoa::Buffer::new().format(n).to_owned()
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
}
