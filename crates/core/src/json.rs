//! The JSON text parser the edge chooses (its own module: the codecs and
//! the configuration both name it).

use crate::codec::{check_depth, check_text_depth, MAX_DEPTH, MAX_MESSAGE_BYTES};
use crate::error::DecodeError;
use crate::json_parse::ErrorKind;
use serde_json::Value;

/// A JSON text parser, chosen by the edge that owns the bytes: `serde_json`
/// natively (feature `json-text`), the core's own [`crate::json_parse`] in
/// the widget. The core itself never picks one by target, so it decodes the
/// same way wherever it runs: `codec::parse_text` applies the same limits
/// around any parser.
#[derive(Clone, Copy)]
pub struct JsonParser(Parser);

#[derive(Clone, Copy)]
enum Parser {
    /// [`crate::json_parse`], which checks the limits while parsing.
    BuiltIn,
    /// Any other: the limits are checked around it.
    Other(fn(&str) -> Result<Value, String>),
}

impl JsonParser {
    /// `serde_json`'s parser (feature `json-text`).
    #[cfg(feature = "json-text")]
    pub const SERDE_JSON: JsonParser =
        JsonParser::other(|text| serde_json::from_str(text).map_err(|e| e.to_string()));

    /// The core's own parser ([`crate::json_parse`]): serde_json's grammar
    /// and values, the core's size and depth limits, a few KB in the wasm.
    pub const BUILT_IN: JsonParser = JsonParser(Parser::BuiltIn);

    /// No parser: JSON text is refused (a build whose edge passes none in).
    pub const NONE: JsonParser =
        JsonParser::other(|_| Err("no JSON text parser in this build".into()));

    /// Any other parser; `codec::parse_text` checks the size and the
    /// nesting before and after it.
    pub const fn other(parse: fn(&str) -> Result<Value, String>) -> JsonParser {
        JsonParser(Parser::Other(parse))
    }

    /// Parses `text` within the size and nesting limits of
    /// [`crate::codec`].
    pub(crate) fn parse(self, text: &str) -> Result<Value, DecodeError> {
        let parse = match self.0 {
            Parser::BuiltIn => return crate::json_parse::parse(text).map_err(refused),
            Parser::Other(parse) => parse,
        };
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(DecodeError::TooLarge {
                size: text.len(),
                limit: MAX_MESSAGE_BYTES,
            });
        }
        check_text_depth(text)?;
        let value = parse(text).map_err(DecodeError::Syntax)?;
        check_depth(&value)?;
        Ok(value)
    }
}

/// A refusal of [`crate::json_parse`] as the decode error `parse_text` gives.
#[cold]
fn refused(e: crate::json_parse::Error) -> DecodeError {
    match e.kind {
        ErrorKind::TooLarge => DecodeError::TooLarge {
            size: e.offset,
            limit: MAX_MESSAGE_BYTES,
        },
        ErrorKind::TooDeep => DecodeError::TooDeep { limit: MAX_DEPTH },
        _ => DecodeError::Syntax(e.to_string()),
    }
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
