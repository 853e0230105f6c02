//! The JSON text parser the edge chooses (its own module: the codecs and
//! the configuration both name it).

use serde_json::Value;

/// A JSON text parser, chosen by the edge that owns the bytes: `serde_json`
/// natively (feature `json-text`), the core's own [`crate::json_parse`] in
/// the widget. The core itself never picks one by target, so it decodes the
/// same way wherever it runs: `codec::parse_text` applies the same limits
/// around any parser.
#[derive(Clone, Copy)]
pub struct JsonParser(pub fn(&str) -> Result<Value, String>);

impl JsonParser {
    /// `serde_json`'s parser (feature `json-text`).
    #[cfg(feature = "json-text")]
    pub const SERDE_JSON: JsonParser =
        JsonParser(|text| serde_json::from_str(text).map_err(|e| e.to_string()));

    /// The core's own parser ([`crate::json_parse`]): serde_json's grammar
    /// and values, the core's size and depth limits, a few KB in the wasm.
    pub const BUILT_IN: JsonParser =
        JsonParser(|text| crate::json_parse::parse(text).map_err(|e| e.to_string()));

    /// No parser: JSON text is refused (a build whose edge passes none in).
    pub const NONE: JsonParser = JsonParser(|_| Err("no JSON text parser in this build".into()));
}

impl Default for JsonParser {
    /// `serde_json` with feature `json-text`, else [`JsonParser::BUILT_IN`].
    fn default() -> Self {
        #[cfg(feature = "json-text")]
        return JsonParser::SERDE_JSON;
        #[cfg(not(feature = "json-text"))]
        return JsonParser::BUILT_IN;
    }
}

impl std::fmt::Debug for JsonParser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsonParser")
    }
}
