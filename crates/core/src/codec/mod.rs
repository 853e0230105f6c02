//! Protocol codecs: vendor message -> normalized [`Decoded`] events.
//!
//! Every decoder takes one raw message as a [`serde_json::Value`] (parsed
//! from text by the [`JsonParser`] the edge passes in, or converted from a JS
//! value by the widget), checks it against the limits below, and returns typed events or
//! a [`DecodeError`] that says what was wrong. No input can make them panic.

// Each protocol's decoder is compiled only with its feature (per-deployment
// builds); `crm_connector` keeps its request builders in every build.
#[cfg(any(feature = "openframe", feature = "agentdesktop"))]
pub mod agentdesktop;
#[cfg(feature = "axp")]
pub mod axp;
pub mod crm_connector;
pub mod fields;
#[cfg(any(feature = "openframe", feature = "agentdesktop"))]
pub mod openframe;
pub mod path_de;
#[cfg(feature = "xuc")]
pub mod xuc;
#[cfg(feature = "xuc")]
pub mod xuc_text;

use crate::config::DecodeConfig;
use crate::error::{DecodeError, Fault};
pub use crate::json::JsonParser;
use crate::model::{Decoded, Source};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest accepted message, in bytes of JSON text.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// Deepest accepted nesting of objects and arrays.
pub const MAX_DEPTH: usize = 32;

/// Decodes one raw message from `source`.
pub fn decode(source: Source, raw: &Value, config: &DecodeConfig) -> Result<Decoded, DecodeError> {
    check_depth(raw)?;
    decode_within_limits(source, raw, config)
}

/// [`decode`] of a value already held to the depth limit (parsed by
/// [`parse_text`] or walked by the edge's guard): the protocol's decoder
/// without a second walk over the value.
pub fn decode_within_limits(
    source: Source,
    raw: &Value,
    config: &DecodeConfig,
) -> Result<Decoded, DecodeError> {
    let _ = (raw, config); // used only by the protocols this build has
    let decoded: Result<Decoded, Fault> = match source {
        #[cfg(any(feature = "openframe", feature = "agentdesktop"))]
        Source::Openframe => openframe::decode_in(raw),
        #[cfg(feature = "crm-connector")]
        Source::CrmConnector => crm_connector::decode_in(raw, config),
        #[cfg(any(feature = "openframe", feature = "agentdesktop"))]
        Source::Agentdesktop => agentdesktop::decode_in(raw),
        #[cfg(feature = "axp")]
        Source::Axp => axp::decode_in(raw),
        #[cfg(feature = "xuc")]
        Source::Xuc => xuc::decode_in(raw),
        #[allow(unreachable_patterns)]
        other => Err(Box::new(DecodeError::Unknown {
            what: "source in this build (a per-deployment build without its feature)",
            name: other.as_str().to_owned(),
        })),
    };
    decoded.map_err(|fault| *fault)
}

/// Parses JSON text with `parser` within the size and depth limits: the
/// built-in parser checks them while parsing; around any other, the size
/// and the nesting are checked before parsing, the result after.
pub fn parse_text(text: &str, parser: JsonParser) -> Result<Value, DecodeError> {
    parser.parse(text)
}

/// Decodes one raw message given as JSON text (a WebSocket text frame),
/// parsed with the configuration's parser.
pub fn decode_text(
    source: Source,
    text: &str,
    config: &DecodeConfig,
) -> Result<Decoded, DecodeError> {
    decode(source, &parse_text(text, config.json)?, config)
}

/// Rejects JSON text nested deeper than [`MAX_DEPTH`] before it is parsed
/// (one pass over the bytes, no allocation).
pub fn check_text_depth(text: &str) -> Result<(), DecodeError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(DecodeError::TooDeep { limit: MAX_DEPTH });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Rejects values nested deeper than [`MAX_DEPTH`], without recursion (one
/// stack, no allocation per container).
pub fn check_depth(value: &Value) -> Result<(), DecodeError> {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        let at = depth + 1;
        match v {
            Value::Array(items) if depth <= MAX_DEPTH => {
                stack.extend(items.iter().map(|c| (c, at)));
            }
            Value::Object(map) if depth <= MAX_DEPTH => {
                stack.extend(map.values().map(|c| (c, at)));
            }
            Value::Array(_) | Value::Object(_) => {
                return Err(DecodeError::TooDeep { limit: MAX_DEPTH })
            }
            _ => {}
        }
    }
    Ok(())
}

/// The fields of `value` (an object) not named in `consumed`: vendor data the
/// normalized event has no slot for, kept rather than dropped.
pub fn extras(value: &Value, consumed: &[&str]) -> serde_json::Map<String, Value> {
    value
        .as_object()
        .map(|map| extras_of(map, consumed))
        .unwrap_or_default()
}

/// [`extras`] for a map already at hand.
pub fn extras_of(
    map: &serde_json::Map<String, Value>,
    consumed: &[&str],
) -> serde_json::Map<String, Value> {
    map_of(
        map.iter()
            .filter(|(k, _)| !consumed.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone())),
    )
}

/// A map of `pairs`, inserted in order (a later duplicate key wins, as with
/// `collect`). `collect` into a map sorts a vector of the pairs and builds
/// the tree in bulk: ~3 KB of wasm that the insertions, needed anyway,
/// spare.
pub fn map_of(pairs: impl IntoIterator<Item = (String, Value)>) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    for (key, value) in pairs {
        map.insert(key, value);
    }
    map
}

/// The JSON type name of a value, for error messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value as an object, or a typed error naming what it was.
pub fn as_object(value: &Value) -> Result<&serde_json::Map<String, Value>, Fault> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Box::new(DecodeError::NotAnObject {
            found: type_name(other),
        })),
    }
}

/// Deserializes `value` into a typed wire struct; the error names `context`
/// and the path of the offending field (e.g. `result.workItem.sys_id`).
pub fn typed<T: DeserializeOwned>(value: &Value, context: &str) -> Result<T, Fault> {
    path_de::from_value(value).map_err(|e| typed_error(e, context))
}

/// Reads `value` into a wire struct with a hand-written reader
/// ([`fields::Wire`]); errors as [`typed`] words them.
pub fn read<T: fields::Wire>(value: &Value, context: &str) -> Result<T, Fault> {
    read_by(value, context, T::EXPECTED, T::read)
}

/// [`read`] with the reader passed as a function (`expected` names its
/// shape in a type error): the checks and the error wording compiled once
/// for every reader of the same result type (the messages read straight
/// into their event).
#[inline(never)]
pub fn read_by<T>(
    value: &Value,
    context: &str,
    expected: &'static str,
    read: fn(fields::Fields<'_>) -> Result<T, path_de::Error>,
) -> Result<T, Fault> {
    let fields = read_fields(value, expected, context)?;
    read(fields).map_err(|e| typed_error(e, context))
}

/// The object check of [`read`], compiled once for every wire type.
#[inline(never)]
fn read_fields<'a>(
    value: &'a Value,
    expected: &'static str,
    context: &str,
) -> Result<fields::Fields<'a>, Fault> {
    fields::fields_of(value, expected).map_err(|e| typed_error(e, context))
}

/// [`read`] with any reader of [`fields`] (a list, a plain value).
pub fn read_with<'a, T>(
    value: &'a Value,
    context: &str,
    reader: impl FnOnce(&'a Value) -> Result<T, path_de::Error>,
) -> Result<T, Fault> {
    reader(value).map_err(|e| typed_error(e, context))
}

/// The error of [`typed`], built once for every wire type.
#[cold]
#[inline(never)]
fn typed_error(e: path_de::Error, context: &str) -> Fault {
    let path = e.path();
    Box::new(if path == "." {
        DecodeError::invalid(context, e.message())
    } else {
        DecodeError::invalid(format!("{context} at {path}"), e.message())
    })
}

/// A string discriminator field (`event`, `msgType`, `action` ...), with a
/// typed error when it is absent or not a string.
pub fn discriminator<'a>(
    map: &'a serde_json::Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, Fault> {
    match map.get(field) {
        None | Some(Value::Null) => Err(Box::new(DecodeError::MissingField(field))),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Box::new(DecodeError::invalid(
            format!("field `{field}`"),
            format!("expected a string, got {}", type_name(other)),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_limit_is_enforced_without_recursion() {
        let mut v = json!(1);
        for _ in 0..MAX_DEPTH {
            v = json!([v]);
        }
        assert!(check_depth(&v).is_ok());
        v = json!({ "a": v });
        assert_eq!(
            check_depth(&v),
            Err(DecodeError::TooDeep { limit: MAX_DEPTH })
        );
    }

    #[test]
    fn text_depth_check_agrees_with_value_depth_check() {
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(check_text_depth(&ok).is_ok());
        assert!(parse_text(&ok, JsonParser::SERDE_JSON).is_ok());
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(check_text_depth(&deep).is_err());
        assert!(parse_text(&deep, JsonParser::SERDE_JSON).is_err());
        // Brackets inside strings (and escaped quotes) do not count.
        let quoted = format!("[\"\\\"{}\"]", "[".repeat(100));
        assert!(check_text_depth(&quoted).is_ok());
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = format!("\"{}\"", "x".repeat(MAX_MESSAGE_BYTES));
        assert!(matches!(
            parse_text(&text, JsonParser::SERDE_JSON),
            Err(DecodeError::TooLarge { .. })
        ));
        assert!(matches!(
            parse_text("{", JsonParser::SERDE_JSON),
            Err(DecodeError::Syntax(_))
        ));
    }
}

#[cfg(all(
    test,
    any(
        all(feature = "xuc", feature = "crm-connector"),
        all(feature = "axp", feature = "agentdesktop", feature = "openframe")
    )
))]
mod golden_tests;
