//! The one guard every inbound JavaScript value passes before the core sees
//! it (window messages, vendor SDK callbacks, values given to `decode` and
//! `Bridge.ingest`): a bounded walk in `edge.js` (`jsonOf`) that checks the
//! value and writes it as JSON text, read by the core's own parser (one
//! string across the boundary instead of a call per property).
//!
//! Refused with a typed [`DecodeError`], never a trap: nesting deeper than
//! [`MAX_DEPTH`], a cycle, more than [`MAX_NODES`] values, JSON text over
//! [`crate::codec::MAX_MESSAGE_BYTES`], and anything JSON cannot say
//! (functions, symbols, bigints, `Map`, `Date`, typed arrays, class
//! instances, getters on exotic prototypes). Text (port messages, socket
//! frames) has the same checks before parsing: `codec::parse_text`.

use crate::codec::{JsonParser, MAX_DEPTH};
use crate::error::DecodeError;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// Most values (objects, arrays, scalars, keys) in one message.
pub const MAX_NODES: usize = 20_000;

/// Converts one inbound JS value into JSON, within the limits: `edge.js`
/// walks it (types, plain objects, cycles, nesting, values) and writes its
/// JSON text, which the core's parser reads within its own size and
/// nesting limits ([`crate::codec::parse_text`]).
pub fn to_json(value: &JsValue) -> Result<Value, DecodeError> {
    let checked = super::edge::json_of(value, MAX_DEPTH as u32, MAX_NODES as u32);
    if let Some(text) = checked.as_string() {
        return crate::codec::parse_text(&text, JsonParser::BUILT_IN);
    }
    let why: js_sys::Array = checked.unchecked_into();
    match why.get(1).as_string() {
        Some(reason) => Err(DecodeError::invalid("message", reason)),
        None => Err(DecodeError::TooDeep { limit: MAX_DEPTH }),
    }
}
