//! The one guard every inbound JavaScript value passes before the core sees
//! it (window messages, vendor SDK callbacks, values given to `decode` and
//! `Bridge.ingest`): a bounded walk that builds the JSON value directly.
//!
//! Refused with a typed [`DecodeError`], never a trap: nesting deeper than
//! [`MAX_DEPTH`], a cycle, more than [`MAX_NODES`] values, more than
//! [`MAX_MESSAGE_BYTES`] of strings and keys, and anything JSON cannot say
//! (functions, symbols, bigints, `Map`, `Date`, typed arrays, class
//! instances, getters on exotic prototypes). Text (port messages, socket
//! frames) has its own checks before parsing: `codec::parse_text`.

use crate::codec::{MAX_DEPTH, MAX_MESSAGE_BYTES};
use crate::error::DecodeError;
use js_sys::{Array, Object, Reflect};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Most values (objects, arrays, scalars) in one message.
pub const MAX_NODES: usize = 20_000;

struct Walk {
    nodes: usize,
    bytes: usize,
    /// `Object.prototype`, read once per walk.
    plain: JsValue,
}

/// The objects from the root to the one being read: looked at only when
/// the depth limit is hit, to say whether it was a cycle (free otherwise).
struct Path<'a> {
    value: &'a JsValue,
    parent: Option<&'a Path<'a>>,
}

impl Path<'_> {
    fn contains(&self, value: &JsValue) -> bool {
        let mut at = Some(self);
        while let Some(path) = at {
            if Object::is(path.value, value) {
                return true;
            }
            at = path.parent;
        }
        false
    }
}

/// Converts one inbound JS value into JSON, within the limits.
pub fn to_json(value: &JsValue) -> Result<Value, DecodeError> {
    let mut walk = Walk {
        nodes: 0,
        bytes: 0,
        plain: Object::get_prototype_of(&Object::new()).into(),
    };
    walk.value(value, None, 1)
}

fn invalid(why: impl Into<String>) -> DecodeError {
    DecodeError::invalid("message", why.into())
}

impl Walk {
    fn count(&mut self, bytes: usize) -> Result<(), DecodeError> {
        self.nodes += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        if self.nodes > MAX_NODES {
            return Err(invalid(format!("more than {MAX_NODES} values")));
        }
        if self.bytes > MAX_MESSAGE_BYTES {
            return Err(DecodeError::TooLarge {
                size: self.bytes,
                limit: MAX_MESSAGE_BYTES,
            });
        }
        Ok(())
    }

    fn value(
        &mut self,
        value: &JsValue,
        parent: Option<&Path<'_>>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if let Some(text) = value.as_string() {
            self.count(text.len())?;
            return Ok(Value::String(text));
        }
        self.count(8)?;
        if value.is_null() || value.is_undefined() {
            return Ok(Value::Null);
        }
        if let Some(b) = value.as_bool() {
            return Ok(Value::Bool(b));
        }
        if let Some(n) = value.as_f64() {
            return Ok(number(n));
        }
        if !value.is_object() {
            // Symbols and bigints.
            return Err(invalid(format!(
                "a {} is not JSON",
                value.js_typeof().as_string().unwrap_or_default()
            )));
        }
        if depth > MAX_DEPTH {
            // A cycle always ends here; say which it was.
            if parent.is_some_and(|p| p.contains(value)) {
                return Err(invalid("a cycle (an object containing itself)"));
            }
            return Err(DecodeError::TooDeep { limit: MAX_DEPTH });
        }
        if value.is_function() {
            return Err(invalid("a function is not JSON"));
        }
        let path = Path { value, parent };
        if Array::is_array(value) {
            self.array(value.unchecked_ref::<Array>(), &path, depth)
        } else {
            self.object(value.unchecked_ref::<Object>(), &path, depth)
        }
    }

    fn array(
        &mut self,
        array: &Array,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let length = array.length() as usize;
        if length > MAX_NODES {
            return Err(invalid(format!("an array of {length} items")));
        }
        let mut items = Vec::with_capacity(length.min(64));
        for i in 0..array.length() {
            items.push(self.value(&array.get(i), Some(path), depth + 1)?);
        }
        Ok(Value::Array(items))
    }

    fn object(
        &mut self,
        object: &Object,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        // Plain objects only: what JSON.parse and a structured clone of
        // JSON-like data make. A Map, Date, typed array, Error ... is refused.
        let proto = Object::get_prototype_of(object);
        if !proto.is_null() && !Object::is(&proto, &self.plain) {
            let name = Reflect::get(&proto, &JsValue::from_str("constructor"))
                .ok()
                .and_then(|c| Reflect::get(&c, &JsValue::from_str("name")).ok())
                .and_then(|n| n.as_string())
                .unwrap_or_else(|| "an exotic object".into());
            return Err(invalid(format!(
                "{} is not a plain object",
                name.chars().take(64).collect::<String>()
            )));
        }
        let keys = Object::keys(object);
        if keys.length() as usize > MAX_NODES {
            return Err(invalid("too many keys"));
        }
        let mut map = Map::new();
        for key in keys.iter() {
            let Some(name) = key.as_string() else {
                continue;
            };
            self.count(name.len())?;
            let item =
                Reflect::get(object, &key).map_err(|_| invalid("a property could not be read"))?;
            if item.is_undefined() {
                continue; // as JSON.stringify does
            }
            let item = self.value(&item, Some(path), depth + 1)?;
            map.insert(name, item);
        }
        Ok(Value::Object(map))
    }
}

/// A JS number as JSON: integers stay integers, non-finite become `null`
/// (as `JSON.stringify` does).
fn number(n: f64) -> Value {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        if n >= 0.0 {
            return Value::Number(Number::from(n as u64));
        }
        return Value::Number(Number::from(n as i64));
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}
