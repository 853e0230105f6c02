//! Typed decoding of a [`serde_json::Value`] whose errors carry the path of
//! the offending field (`result.workItem.sys_id`, `queues[2]`).
//!
//! It behaves like serde_json's `&Value` deserializer (same visits, same
//! error texts) with the path tracking of `serde_path_to_error`, in one
//! deserializer, so every wire struct is compiled once, for this type alone.
//! The path costs nothing until a field fails: segments are collected while
//! the error unwinds, no key is copied on success. One difference: a struct
//! must be a JSON object (serde_json also reads an array positionally into a
//! struct, which no vendor sends).
//!
//! The codecs no longer derive `Deserialize` for their wire structs: they
//! read them by hand ([`super::fields`], far less wasm), with this module's
//! [`Error`] and the same texts and paths. The deserializer stays for
//! [`super::typed`] (serde types, native users) and as the reference those
//! readers are tested against.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Number, Value};
use std::fmt;

/// A decoding failure: serde_json's message and where it happened.
#[derive(Debug)]
pub struct Error(Box<Failure>);

/// The parts of an [`Error`], boxed: a reader's `Result` then carries one
/// pointer, and every `?` of every field moves 4 bytes, not 24.
#[derive(Debug)]
struct Failure {
    message: String,
    /// Innermost segment first (pushed while unwinding).
    path: Vec<Segment>,
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

impl Error {
    /// The reason, worded as serde_json words it.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The path of the failing field as `serde_path_to_error` prints it
    /// (`a.b[0].c`), or `.` for the value itself.
    pub fn path(&self) -> String {
        if self.0.path.is_empty() {
            return ".".into();
        }
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Index(index) => out.push_str(&format!("[{index}]")),
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
            }
        }
        out
    }

    #[cold]
    pub(crate) fn at_key(mut self, key: &str) -> Self {
        self.0.path.push(Segment::Key(key.to_owned()));
        self
    }

    #[cold]
    pub(crate) fn at_index(mut self, index: usize) -> Self {
        self.0.path.push(Segment::Index(index));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Error {}

// The texts of serde_json's `&Value` deserializer, written without
// `core::fmt` (no serde_json error, no `Unexpected` or `f64` display in the
// wasm): the hand readers of `fields` reach only these builders.
impl Error {
    fn text(message: String) -> Self {
        Error(Box::new(Failure {
            message,
            path: Vec::new(),
        }))
    }

    /// `invalid type: <found>, expected <expected>`.
    #[cold]
    pub(crate) fn wrong_type(unexp: Unexpected, expected: &str) -> Self {
        Self::unexpected("invalid type: ", unexp, expected)
    }

    /// `invalid value: <found>, expected <expected>`.
    #[cold]
    pub(crate) fn wrong_value(unexp: Unexpected, expected: &str) -> Self {
        Self::unexpected("invalid value: ", unexp, expected)
    }

    #[inline(never)]
    fn unexpected(lead: &str, unexp: Unexpected, expected: &str) -> Self {
        let mut out = String::from(lead);
        push_unexpected(&mut out, unexp);
        out.push_str(", expected ");
        out.push_str(expected);
        Self::text(out)
    }

    /// `unknown <what> `<name>`, expected <one of names>` (or `there are
    /// no <what>s`), as serde words `unknown_field` and `unknown_variant`.
    #[inline(never)]
    fn unknown(what: &str, name: &str, names: &[&str]) -> Self {
        let mut out = String::from("unknown ");
        out.push_str(what);
        out.push_str(" `");
        out.push_str(name);
        out.push_str("`, ");
        match names {
            [] => {
                out.push_str("there are no ");
                out.push_str(what);
                out.push('s');
            }
            [one] => {
                out.push_str("expected ");
                push_quoted(&mut out, one);
            }
            [a, b] => {
                out.push_str("expected ");
                push_quoted(&mut out, a);
                out.push_str(" or ");
                push_quoted(&mut out, b);
            }
            _ => {
                out.push_str("expected one of ");
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    push_quoted(&mut out, name);
                }
            }
        }
        Self::text(out)
    }
}

fn push_quoted(out: &mut String, name: &str) {
    out.push('`');
    out.push_str(name);
    out.push('`');
}

/// What serde_json's errors say was found (``integer `5` ``, `null`,
/// ``floating point `2.5` ``, `string "x"`).
fn push_unexpected(out: &mut String, unexp: Unexpected) {
    let plain = match unexp {
        Unexpected::Bool(b) => {
            out.push_str("boolean ");
            return push_quoted(out, if b { "true" } else { "false" });
        }
        Unexpected::Unsigned(n) => {
            out.push_str("integer ");
            return push_quoted(out, itoa::Buffer::new().format(n));
        }
        Unexpected::Signed(n) => {
            out.push_str("integer ");
            return push_quoted(out, itoa::Buffer::new().format(n));
        }
        Unexpected::Float(f) => {
            out.push_str("floating point ");
            return push_quoted(out, zmij::Buffer::new().format(f));
        }
        Unexpected::Char(c) => {
            out.push_str("character `");
            out.push(c);
            out.push('`');
            return;
        }
        Unexpected::Str(s) => {
            out.push_str("string ");
            return crate::text::push_debug_str(out, s);
        }
        Unexpected::Unit => "null",
        Unexpected::Bytes(_) => "byte array",
        Unexpected::Option => "Option value",
        Unexpected::NewtypeStruct => "newtype struct",
        Unexpected::Seq => "sequence",
        Unexpected::Map => "map",
        Unexpected::Enum => "enum",
        Unexpected::UnitVariant => "unit variant",
        Unexpected::NewtypeVariant => "newtype variant",
        Unexpected::TupleVariant => "tuple variant",
        Unexpected::StructVariant => "struct variant",
        Unexpected::Other(other) => other,
    };
    out.push_str(plain);
}

impl de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::text(msg.to_string())
    }

    // serde_json words these two its own way (`null`, float formatting).
    #[cold]
    fn invalid_type(unexp: Unexpected, exp: &dyn Expected) -> Self {
        Self::wrong_type(unexp, &exp.to_string())
    }

    #[cold]
    fn invalid_value(unexp: Unexpected, exp: &dyn Expected) -> Self {
        Self::wrong_value(unexp, &exp.to_string())
    }

    #[cold]
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::unknown("variant", variant, expected)
    }

    #[cold]
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::unknown("field", field, expected)
    }

    #[cold]
    fn missing_field(field: &'static str) -> Self {
        let mut out = String::from("missing field ");
        push_quoted(&mut out, field);
        Self::text(out)
    }
}

/// Deserializes a `T` from `value`.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    T::deserialize(At(value))
}

/// Runs a `deserialize_with` function on `value` (tests compare it with
/// the hand-written readers of [`super::fields`]).
#[cfg(test)]
pub(crate) fn with<'de, T>(
    value: &'de Value,
    f: impl FnOnce(At<'de>) -> Result<T, Error>,
) -> Result<T, Error> {
    f(At(value))
}

/// The deserializer: one value of the tree.
#[derive(Clone, Copy)]
pub(crate) struct At<'de>(&'de Value);

pub(crate) fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number_unexpected(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn number_unexpected(n: &Number) -> Unexpected<'static> {
    if let Some(u) = n.as_u64() {
        Unexpected::Unsigned(u)
    } else if let Some(i) = n.as_i64() {
        Unexpected::Signed(i)
    } else {
        Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn visit_number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: &'de [Value], visitor: V) -> Result<V::Value, Error> {
    let mut seq = Seq {
        items: items.iter(),
        index: 0,
    };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.items.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(
            items.len(),
            &"fewer elements in array",
        ))
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    map: &'de Map<String, Value>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut access = Entries {
        entries: map.iter(),
        value: None,
    };
    let out = visitor.visit_map(&mut access)?;
    if access.entries.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(
            map.len(),
            &"fewer elements in map",
        ))
    }
}

impl<'de> At<'de> {
    #[cold]
    fn invalid_type(self, exp: &dyn Expected) -> Error {
        de::Error::invalid_type(unexpected(self.0), exp)
    }

    fn number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(n) => visit_number(n, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
}

impl<'de> de::Deserializer<'de> for At<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // serde_json would also read an array positionally into a struct;
        // no vendor sends that, so it is refused (and not compiled per struct).
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(Enum {
                variant,
                value: None,
            }),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(Enum {
                        variant,
                        value: Some(value),
                    }),
                    (None, _) => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                    (Some(_), Some(_)) => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }
}

/// The elements of an array, numbered for the path.
struct Seq<'de> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(At(item))
            .map(Some)
            .map_err(|e| e.at_index(index))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of an object; the current key names the path of its value.
struct Entries<'de> {
    entries: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(Key(key))
            .map(Some)
            .map_err(|e| e.at_key(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some((key, value)) => seed.deserialize(At(value)).map_err(|e| e.at_key(key)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An object key: a borrowed string.
struct Key<'de>(&'de str);

impl<'de> de::Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.0)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// An enum as serde_json encodes it: `"Variant"` or `{"Variant": content}`.
struct Enum<'de> {
    variant: &'de str,
    value: Option<&'de Value>,
}

impl<'de> EnumAccess<'de> for Enum<'de> {
    type Error = Error;
    type Variant = Variant<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Variant<'de>), Error> {
        let variant = self.variant;
        let value = seed.deserialize(Key(variant))?;
        Ok((
            value,
            Variant {
                variant,
                value: self.value,
            },
        ))
    }
}

/// The content of an enum variant; errors inside it name the variant.
struct Variant<'de> {
    variant: &'de str,
    value: Option<&'de Value>,
}

impl<'de> Variant<'de> {
    #[cold]
    fn missing(exp: &str) -> Error {
        de::Error::invalid_type(Unexpected::UnitVariant, &exp)
    }
}

impl<'de> VariantAccess<'de> for Variant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            Some(value) => {
                de::Deserialize::deserialize(At(value)).map_err(|e| e.at_key(self.variant))
            }
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.value {
            Some(value) => seed
                .deserialize(At(value))
                .map_err(|e| e.at_key(self.variant)),
            None => Err(Self::missing("newtype variant")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Some(Value::Array(items)) if items.is_empty() => visitor.visit_unit(),
            Some(Value::Array(items)) => visit_array(items, visitor),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"tuple variant")),
            None => return Err(Self::missing("tuple variant")),
        };
        result.map_err(|e| e.at_key(self.variant))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.value {
            Some(Value::Object(map)) => visit_object(map, visitor),
            Some(other) => Err(de::Error::invalid_type(
                unexpected(other),
                &"struct variant",
            )),
            None => return Err(Self::missing("struct variant")),
        };
        result.map_err(|e| e.at_key(self.variant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    /// The texts built without `core::fmt` are serde_json's, word for word.
    #[test]
    fn own_texts_match_serde_json() {
        use de::Error as _;
        let ours = |e: Error| e.message().to_owned();
        let theirs = |e: serde_json::Error| e.to_string();
        for names in [&[][..], &["a"], &["a", "b"], &["a", "b", "c"]] {
            assert_eq!(
                ours(Error::unknown_field("x\"y", names)),
                theirs(serde_json::Error::unknown_field("x\"y", names))
            );
            assert_eq!(
                ours(Error::unknown_variant("é", names)),
                theirs(serde_json::Error::unknown_variant("é", names))
            );
        }
        assert_eq!(
            ours(Error::missing_field("id")),
            theirs(serde_json::Error::missing_field("id"))
        );
        let found = [
            Unexpected::Bool(true),
            Unexpected::Unsigned(7),
            Unexpected::Signed(-7),
            Unexpected::Float(2.5),
            Unexpected::Float(1e300),
            Unexpected::Float(f64::NAN),
            Unexpected::Char('c'),
            Unexpected::Str("a \"b\" \\ c"),
            Unexpected::Str("tab\t é \u{0}"),
            Unexpected::Bytes(b"x"),
            Unexpected::Unit,
            Unexpected::Option,
            Unexpected::NewtypeStruct,
            Unexpected::Seq,
            Unexpected::Map,
            Unexpected::Enum,
            Unexpected::UnitVariant,
            Unexpected::NewtypeVariant,
            Unexpected::TupleVariant,
            Unexpected::StructVariant,
            Unexpected::Other("other"),
        ];
        for unexp in found {
            assert_eq!(
                ours(Error::wrong_type(unexp, "a thing")),
                theirs(serde_json::Error::invalid_type(unexp, &"a thing"))
            );
            assert_eq!(
                ours(Error::wrong_value(unexp, "a thing")),
                theirs(serde_json::Error::invalid_value(unexp, &"a thing"))
            );
        }
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        #[serde(default)]
        items: Vec<Inner>,
        #[serde(default)]
        tag: Option<Tag>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner {
        id: u32,
        #[serde(default)]
        extra: Option<Value>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    enum Tag {
        Plain,
        Named { label: String },
    }

    /// A failure as (path, message).
    type Failure = Option<(String, String)>;

    /// Message and path from this module and from serde_json + serde_path_to_error.
    fn both<T: DeserializeOwned>(value: &Value) -> (Failure, Failure) {
        let ours = from_value::<T>(value)
            .err()
            .map(|e| (e.path(), e.to_string()));
        let reference = serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|e| (e.path().to_string(), e.into_inner().to_string()));
        (ours, reference)
    }

    #[test]
    fn agrees_with_serde_json_and_path_to_error() {
        let samples = [
            json!({"name": "a", "items": [{"id": 1}, {"id": 2, "extra": {"x": [1, 2.5]}}]}),
            json!({"name": "a", "items": [{"id": 1}, {"id": "2"}]}),
            json!({"name": "a", "items": [{"id": 1}, {"id": -3}]}),
            json!({"name": "a", "items": [{"id": 1.5}]}),
            json!({"name": "a", "items": [{}]}),
            json!({"name": null}),
            json!({"name": "a", "other": 1}),
            json!({"items": []}),
            json!("text"),
            json!({"name": "a", "tag": "Plain"}),
            json!({"name": "a", "tag": {"Named": {"label": 7}}}),
            json!({"name": "a", "tag": {"Named": {"label": "x"}, "Plain": null}}),
            json!({"name": "a", "tag": "Other"}),
            json!({"name": "a", "tag": 3}),
            json!({"name": "a", "items": {"id": 1}}),
        ];
        for sample in &samples {
            let (ours, reference) = both::<Outer>(sample);
            assert_eq!(ours, reference, "{sample}");
            if ours.is_none() {
                assert_eq!(
                    from_value::<Outer>(sample).ok(),
                    Outer::deserialize(sample).ok()
                );
            }
        }
        // The one difference: no positional structs.
        let positional = json!({"name": "a", "items": [[1]]});
        let (ours, reference) = both::<Outer>(&positional);
        assert!(reference.is_none());
        assert_eq!(
            ours,
            Some((
                "items[0]".into(),
                "invalid type: sequence, expected struct Inner".into()
            ))
        );
        let value = json!({"a": [1, {"b": null}], "c": -1.25, "d": true});
        assert_eq!(from_value::<Value>(&value).ok(), Some(value));
    }
}
