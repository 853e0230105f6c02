//! Hand-written readers over a parsed [`Value`]: the wire structs of every
//! codec, the messages between host, widget and tabs, and the settings.
//!
//! A serde-derived `Deserialize` costs a visitor, a field matcher and their
//! error paths per struct (1.5-2.5 KB of wasm each; an internally tagged
//! enum far more, bench/README.md); a reader here is a few calls into the
//! shared functions below. Types that other code deserializes with serde keep
//! a `Deserialize` implementation through [`deserialize`] or
//! [`deserialize_name`] (the crate's `by_name!`); the readers themselves never go
//! through serde (a unit enum is read by [`named`]). The rules are
//! those of the derives they replace: same field names and aliases, same
//! lenient spellings ([`crate::lenient`]), same error texts (serde_json's
//! wording, written by [`Error`] without `core::fmt`) and the same field path
//! ([`Error::path`]: `queues[2]`, `agent.id`). One difference: where a
//! message carries a field under two of its aliases, the first name listed
//! wins (a derive refused it as a duplicate).

use super::path_de::{unexpected, Error};
use serde::de::{Error as _, Unexpected};
use serde_json::{Map, Value};

/// A wire struct read from a JSON object.
pub trait Wire: Sized {
    /// What a type error says was expected (`struct AgentStateWire`).
    const EXPECTED: &'static str;
    /// Reads the struct's fields.
    fn read(fields: Fields<'_>) -> Result<Self, Error>;
}

/// The fields of one JSON object.
#[derive(Clone, Copy)]
pub struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    /// The object itself.
    pub fn map(self) -> &'a Map<String, Value> {
        self.0
    }

    /// The first of `names` (a name and its aliases) the object has.
    fn find(self, names: &[&'static str]) -> Option<(&'a String, &'a Value)> {
        names.iter().find_map(|name| self.0.get_key_value(*name))
    }

    /// A required field read by `read`: absent is `missing field`.
    pub fn req<T>(
        self,
        names: &[&'static str],
        read: impl FnOnce(&'a Value) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let (key, value) = self.field(names)?;
        read(value).map_err(|e| e.at_key(key))
    }

    /// The field of [`Fields::req`], found once for every reader: absent is
    /// `missing field`.
    #[inline(never)]
    fn field(self, names: &[&'static str]) -> Result<(&'a String, &'a Value), Error> {
        self.find(names).ok_or_else(|| missing(names))
    }

    /// A field read by `read` when present (`#[serde(default)]`).
    pub fn get<T>(
        self,
        names: &[&'static str],
        read: impl FnOnce(&'a Value) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.find(names) {
            Some((key, value)) => read(value).map(Some).map_err(|e| e.at_key(key)),
            None => Ok(None),
        }
    }

    /// Refuses a field not in `known` (`#[serde(deny_unknown_fields)]`).
    pub fn only(self, known: &'static [&'static str]) -> Result<(), Error> {
        match self.0.keys().find(|k| !known.contains(&k.as_str())) {
            Some(key) => Err(Error::unknown_field(key, known)),
            None => Ok(()),
        }
    }

    /// A required plain string ([`text`]).
    pub fn text(self, names: &[&'static str]) -> Result<String, Error> {
        self.req(names, text)
    }

    /// A required plain string, borrowed ([`text`] without its copy).
    pub fn str(self, names: &[&'static str]) -> Result<&'a str, Error> {
        self.req(names, as_str)
    }

    /// A required JSON value, borrowed: absent is `missing field`.
    pub fn value_ref(self, name: &'static str) -> Result<&'a Value, Error> {
        self.field(&[name]).map(|(_, value)| value)
    }

    /// An optional JSON value, borrowed: absent or `null` is `None`.
    pub fn opt_value(self, name: &'static str) -> Option<&'a Value> {
        self.present(&[name]).map(|(_, value)| value)
    }

    /// A lenient string ([`string`]), required.
    pub fn string(self, names: &[&'static str]) -> Result<String, Error> {
        self.req(names, string)
    }

    /// A lenient optional string ([`opt_string`]).
    pub fn opt_string(self, names: &[&'static str]) -> Result<Option<String>, Error> {
        Ok(self.get(names, opt_string)?.flatten())
    }

    /// A lenient integer ([`int`]), required.
    pub fn int(self, names: &[&'static str]) -> Result<i64, Error> {
        self.req(names, int)
    }

    /// A lenient optional integer ([`opt_int`]).
    pub fn opt_int(self, names: &[&'static str]) -> Result<Option<i64>, Error> {
        Ok(self.get(names, opt_int)?.flatten())
    }

    /// A lenient boolean ([`boolean`]), required.
    pub fn boolean(self, names: &[&'static str]) -> Result<bool, Error> {
        self.req(names, boolean)
    }

    /// A lenient optional boolean ([`opt_boolean`]).
    pub fn opt_boolean(self, names: &[&'static str]) -> Result<Option<bool>, Error> {
        Ok(self.get(names, opt_boolean)?.flatten())
    }

    /// An optional nested struct: absent or `null` is `None`.
    pub fn opt_wire<T: Wire>(self, names: &[&'static str]) -> Result<Option<T>, Error> {
        self.opt_wire_by(names, T::EXPECTED, T::read)
    }

    /// [`Fields::opt_wire`] with the reader passed as a function.
    #[inline(never)]
    fn opt_wire_by<T>(
        self,
        names: &[&'static str],
        expected: &'static str,
        read: fn(Fields<'a>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.opt_object(names, expected)? {
            Some((key, fields)) => read(fields).map(Some).map_err(|e| e.at_key(key)),
            None => Ok(None),
        }
    }

    /// The object of [`Fields::opt_wire`] and its key, checked once for
    /// every wire type: absent or `null` is `None`, another value an error
    /// naming `expected` at its key.
    #[inline(never)]
    fn opt_object(
        self,
        names: &[&'static str],
        expected: &'static str,
    ) -> Result<Option<(&'a String, Fields<'a>)>, Error> {
        match self.find(names) {
            None | Some((_, Value::Null)) => Ok(None),
            Some((key, Value::Object(map))) => Ok(Some((key, Fields(map)))),
            Some((key, other)) => Err(invalid_type(other, expected).at_key(key)),
        }
    }

    /// An optional list: absent or `null` is `None`.
    pub fn opt_list<T>(
        self,
        names: &[&'static str],
        item: fn(&'a Value) -> Result<T, Error>,
    ) -> Result<Option<Vec<T>>, Error> {
        match self.present(names) {
            Some((key, value)) => list(value, item).map(Some).map_err(|e| e.at_key(key)),
            None => Ok(None),
        }
    }

    /// The first of `names` the object has, unless it is `null`.
    #[inline(never)]
    fn present(self, names: &[&'static str]) -> Option<(&'a String, &'a Value)> {
        self.find(names).filter(|(_, value)| !value.is_null())
    }
}

#[cold]
fn missing(names: &[&'static str]) -> Error {
    Error::missing_field(names.first().copied().unwrap_or_default())
}

/// serde_json's `invalid type: <found>, expected <expected>`.
#[cold]
pub fn invalid_type(found: &Value, expected: &'static str) -> Error {
    Error::wrong_type(unexpected(found), expected)
}

#[cold]
fn invalid_value(found: Unexpected, expected: &'static str) -> Error {
    Error::wrong_value(found, expected)
}

/// A wire struct from an object.
pub fn wire<T: Wire>(value: &Value) -> Result<T, Error> {
    wire_by(value, T::EXPECTED, T::read)
}

/// [`wire`] with the reader passed as a function.
#[inline(never)]
fn wire_by<'a, T>(
    value: &'a Value,
    expected: &'static str,
    read: fn(Fields<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    read(fields_of(value, expected)?)
}

/// The fields of `value`, or the type error naming `expected`: the part of
/// [`wire`] that is the same for every wire type, compiled once.
pub fn fields_of<'a>(value: &'a Value, expected: &'static str) -> Result<Fields<'a>, Error> {
    match value {
        Value::Object(map) => Ok(Fields(map)),
        other => Err(invalid_type(other, expected)),
    }
}

/// `null` as `None`, anything else read by `read`.
pub fn opt<'a, T>(
    value: &'a Value,
    read: impl FnOnce(&'a Value) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    match value {
        Value::Null => Ok(None),
        other => read(other).map(Some),
    }
}

/// An array, each item read by `item`; a failing item's path is its index.
pub fn list<'a, T>(
    value: &'a Value,
    item: impl Fn(&'a Value) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    // A plain loop: `collect` into a `Result<Vec<_>>` costs an iterator
    // adapter per item type (up to 1.9 KB of wasm each).
    let Value::Array(items) = value else {
        return Err(invalid_type(value, "a sequence"));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        out.push(item(v).map_err(|e| e.at_index(i))?);
    }
    Ok(out)
}

/// An array of any values, copied whole: what [`list`] of [`any`] reads,
/// without a reader per item.
pub fn any_list(value: &Value) -> Result<Vec<Value>, Error> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        other => Err(invalid_type(other, "a sequence")),
    }
}

/// Any JSON value, as it is.
pub fn any(value: &Value) -> Result<Value, Error> {
    Ok(value.clone())
}

/// An object, copied.
pub fn object(value: &Value) -> Result<Map<String, Value>, Error> {
    match value {
        Value::Object(map) => Ok(map.clone()),
        other => Err(invalid_type(other, "a map")),
    }
}

/// The number as the lenient rules see it: `Ok(())` for an integer
/// (`u64` or `i64`), `Err(float)` for the rest. (No `i128`: its formatting
/// would add 1.9 KB to the wasm.)
fn number(n: &serde_json::Number) -> Result<(), f64> {
    if n.is_u64() || n.is_i64() {
        Ok(())
    } else {
        Err(n.as_f64().unwrap_or(f64::NAN))
    }
}

const STRING: &str = "a string or a number";

/// A string, also accepting a number (written without a fraction when
/// integral), as [`crate::lenient::string`].
pub fn string(value: &Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => match number(n) {
            Ok(()) => Ok(crate::text::number(n)),
            Err(f) if f.is_finite() => Ok(float_text(f)),
            Err(f) => Err(invalid_value(Unexpected::Float(f), STRING)),
        },
        other => Err(invalid_type(other, STRING)),
    }
}

/// An optional string: `null` and `""` are `None`, numbers accepted, as
/// [`crate::lenient::opt_string`].
pub fn opt_string(value: &Value) -> Result<Option<String>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok((!s.is_empty()).then(|| s.clone())),
        Value::Number(_) => string(value).map(Some),
        other => Err(invalid_type(other, "a string, a number or null")),
    }
}

/// A finite float as [`string`] takes it: `{f:.0}` when integral and below
/// 1e21 (all its digits), else `{f}` (the shortest digits that read back,
/// never an exponent), written without `core::fmt`.
pub fn float_text(f: f64) -> String {
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    let a = f.abs();
    if a.fract() == 0.0 && a < 1e21 {
        if a < 18_446_744_073_709_551_616.0 {
            out.push_str(itoa::Buffer::new().format(a as u64));
        } else {
            push_big_integer(&mut out, a);
        }
        return out;
    }
    // zmij's shortest digits ("2.5", "1e-7", "1.5e+300"), laid out in full.
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(a);
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exp = match exp.strip_prefix('-') {
        Some(e) => -small_int(e),
        None => small_int(exp.trim_start_matches('+')),
    };
    // Two slice copies, not a `collect` of chained iterators (its own code).
    let mut all = Vec::with_capacity(int.len() + frac.len());
    all.extend_from_slice(int.as_bytes());
    all.extend_from_slice(frac.as_bytes());
    let lead = all.iter().take_while(|&&b| b == b'0').count();
    let digits = all.get(lead..).unwrap_or_default();
    let used = digits.len() - digits.iter().rev().take_while(|&&b| b == b'0').count();
    let digits = digits.get(..used).unwrap_or_default();
    let point = int.len() as i64 - lead as i64 + exp;
    match tie_rounded_up(a, digits, point) {
        Some((up, point)) => push_plain(&mut out, itoa::Buffer::new().format(up).as_bytes(), point),
        None => push_plain(&mut out, digits, point),
    }
    out
}

/// Significant `digits` with the decimal point `point` digits from their
/// start (before them when negative, after them when past their end),
/// without an exponent; trailing zeros of the fraction dropped.
fn push_plain(out: &mut String, digits: &[u8], point: i64) {
    let used = digits.len() - digits.iter().rev().take_while(|&&b| b == b'0').count();
    let digits = digits.get(..used).unwrap_or_default();
    let zeros = |out: &mut String, n: i64| (0..n).for_each(|_| out.push('0'));
    let push = |out: &mut String, d: &[u8]| d.iter().for_each(|&b| out.push(char::from(b)));
    if point <= 0 {
        out.push_str("0.");
        zeros(out, -point);
        push(out, digits);
    } else if point as usize >= digits.len() {
        push(out, digits);
        zeros(out, point - digits.len() as i64);
    } else {
        push(out, digits.get(..point as usize).unwrap_or_default());
        out.push('.');
        push(out, digits.get(point as usize..).unwrap_or_default());
    }
}

/// The one case where `Display` and zmij pick different shortest digits:
/// the float lies exactly halfway between the two nearest candidates of
/// `digits.len()` digits (e.g. 1658206780088562.25); zmij rounds that tie
/// to even, `Display` up. Such a float has an exact decimal form of one
/// digit more, ending in 5: for `a = m * 2^-k` that is `m * 5^k`. Returns
/// the digits `Display` writes and where the point falls, when they differ
/// from `digits` (zmij's, with the point at `point`).
fn tie_rounded_up(a: f64, digits: &[u8], point: i64) -> Option<(u64, i64)> {
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let mut m = bits & ((1 << 52) - 1);
    let mut k = 1074;
    if biased > 0 {
        m |= 1 << 52;
        k = 1075 - biased;
    }
    if m == 0 || k <= 0 || digits.len() > 17 {
        return None;
    }
    let zeros = i64::from(m.trailing_zeros()).min(k);
    m >>= zeros;
    k -= zeros;
    if k == 0 || k > 26 {
        return None;
    }
    let exact = u64::try_from(u128::from(m) * u128::from(5u64.pow(k as u32))).ok()?;
    let down = digits
        .iter()
        .fold(0u64, |n, &b| n * 10 + u64::from(b.wrapping_sub(b'0') % 10));
    let len = |n: u64| itoa::Buffer::new().format(n).len();
    let tie = exact % 10 == 5 && exact / 10 == down && len(exact) == digits.len() + 1;
    tie.then(|| {
        let up = down + 1;
        // A carry (`9.5` -> `10`) moves the point one digit right.
        (up, point + i64::from(len(up) > digits.len()))
    })
}

/// The digits of an exponent zmij wrote.
fn small_int(digits: &str) -> i64 {
    digits
        .bytes()
        .fold(0, |n, b| n * 10 + i64::from(b.wrapping_sub(b'0') % 10))
}

/// An integral float from 2^64 up to 1e21, exactly: its 53-bit mantissa,
/// doubled in decimal (at most 17 times).
#[cold]
fn push_big_integer(out: &mut String, a: f64) {
    let bits = a.to_bits();
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let shift = ((bits >> 52) & 0x7ff) as i64 - 1075;
    // Little-endian decimal digits.
    let mut digits = itoa::Buffer::new().format(mantissa).as_bytes().to_vec();
    digits.reverse();
    for d in digits.iter_mut() {
        *d -= b'0';
    }
    for _ in 0..shift {
        let mut carry = 0;
        for d in digits.iter_mut() {
            let twice = *d * 2 + carry;
            *d = twice % 10;
            carry = twice / 10;
        }
        if carry > 0 {
            digits.push(carry);
        }
    }
    for d in digits.iter().rev() {
        out.push(char::from(b'0' + d));
    }
}

const INT: &str = "an integer or a string holding one";

/// An integer, also accepting a numeric string or an integral float, as
/// [`crate::lenient::int`].
pub fn int(value: &Value) -> Result<i64, Error> {
    match value {
        Value::Number(n) => match number(n) {
            Ok(()) => n
                .as_i64()
                .ok_or_else(|| invalid_value(Unexpected::Unsigned(n.as_u64().unwrap_or(0)), INT)),
            Err(f) if f.is_finite() && f.fract() == 0.0 && f.abs() <= 9.007_199_254_740_992e15 => {
                Ok(f as i64)
            }
            Err(f) => Err(invalid_value(Unexpected::Float(f), INT)),
        },
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| invalid_value(Unexpected::Str(s), INT)),
        other => Err(invalid_type(other, INT)),
    }
}

/// An optional integer: `null` and `""` are `None`, as
/// [`crate::lenient::opt_int`].
pub fn opt_int(value: &Value) -> Result<Option<i64>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::Number(_) | Value::String(_) => int(value).map(Some),
        other => Err(invalid_type(
            other,
            "an integer, a string holding one, or null",
        )),
    }
}

const BOOL: &str = "a boolean, \"true\"/\"false\" or 0/1";

/// A boolean, also accepting `"true"` / `"false"` and `0` / `1`, as
/// [`crate::lenient::boolean`].
pub fn boolean(value: &Value) -> Result<bool, Error> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match number(n) {
            Ok(()) if n.as_u64() == Some(0) => Ok(false),
            Ok(()) if n.as_u64() == Some(1) => Ok(true),
            Ok(()) => Err(invalid_value(unexpected(value), BOOL)),
            Err(0.0) => Ok(false),
            Err(1.0) => Ok(true),
            Err(f) => Err(invalid_value(Unexpected::Float(f), BOOL)),
        },
        Value::String(s) if s.eq_ignore_ascii_case("true") || s == "1" => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") || s == "0" => Ok(false),
        Value::String(s) => Err(invalid_value(Unexpected::Str(s), BOOL)),
        other => Err(invalid_type(other, BOOL)),
    }
}

/// An optional boolean: `null` is `None`, as [`crate::lenient::opt_boolean`].
pub fn opt_boolean(value: &Value) -> Result<Option<bool>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => boolean(value).map(Some),
        other => Err(invalid_type(other, "a boolean or null")),
    }
}

/// A plain string (a number is refused), as a derived `String` field.
pub fn text(value: &Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid_type(other, "a string")),
    }
}

/// A plain string, borrowed (a number is refused), as [`text`] reads it.
pub fn as_str(value: &Value) -> Result<&str, Error> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid_type(other, "a string")),
    }
}

/// A plain boolean, as a derived `bool` field.
pub fn flag(value: &Value) -> Result<bool, Error> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(invalid_type(other, "a boolean")),
    }
}

/// A non-negative integer, as a derived `u64` field.
pub fn unsigned(value: &Value) -> Result<u64, Error> {
    match value {
        Value::Number(n) if n.is_u64() => Ok(n.as_u64().unwrap_or_default()),
        Value::Number(n) if n.is_i64() => Err(invalid_value(unexpected(value), "u64")),
        other => Err(invalid_type(other, "u64")),
    }
}

/// An unsigned integer that fits `T` (`u32`, `usize`), as a derived field.
pub fn small<T: TryFrom<u64>>(value: &Value) -> Result<T, Error> {
    let name = std::any::type_name::<T>();
    match value {
        Value::Number(n) if n.is_u64() => {
            let n = n.as_u64().unwrap_or_default();
            T::try_from(n).map_err(|_| invalid_value(Unexpected::Unsigned(n), name))
        }
        Value::Number(n) if n.is_i64() => Err(invalid_value(unexpected(value), name)),
        other => Err(invalid_type(other, name)),
    }
}

/// A unit-variant enum read by its JSON name ([`name`]).
pub trait Named: Copy + 'static {
    /// The JSON names, in the order of [`Named::VALUES`].
    const NAMES: &'static [&'static str];
    /// The variants.
    const VALUES: &'static [Self];
}

/// A unit-variant enum by its JSON name ([`Named`]; `Side`, `Source` ...),
/// read directly (no serde visitor, no copy of the value).
pub fn named<T: Named>(value: &Value) -> Result<T, Error> {
    name(value, T::NAMES, T::VALUES)
}

/// [`named`] under the name it had when it read through serde (the edge
/// still calls it so).
pub use self::named as serde;

/// [`Named`] for a unit-variant enum (its JSON names, its variants in the
/// same order) and a `Deserialize` through [`deserialize_name`].
macro_rules! by_name {
    ($ty:ty, $names:expr, $values:expr) => {
        impl $crate::codec::fields::Named for $ty {
            const NAMES: &'static [&'static str] = $names;
            const VALUES: &'static [Self] = $values;
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use $crate::codec::fields::Named as _;
                $crate::codec::fields::deserialize_name(d, Self::NAMES, Self::VALUES)
            }
        }
    };
}
pub(crate) use by_name;

/// A unit-variant enum by its JSON name: `names[i]` is `values[i]`.
pub fn name<T: Copy>(
    value: &Value,
    names: &'static [&'static str],
    values: &[T],
) -> Result<T, Error> {
    match value {
        Value::String(s) => {
            lookup(s, names, values).ok_or_else(|| Error::unknown_variant(s, names))
        }
        other => Err(invalid_type(other, "a variant name")),
    }
}

/// The variant named `name` (`values` in the order of `names`).
fn lookup<T: Copy>(name: &str, names: &[&str], values: &[T]) -> Option<T> {
    names
        .iter()
        .position(|n| *n == name)
        .and_then(|i| values.get(i).copied())
}

/// A [`Named`] enum's variant by its JSON name, from a plain text.
pub fn variant_named<T: Named>(name: &str) -> Option<T> {
    lookup(name, T::NAMES, T::VALUES)
}

/// A `Deserialize` implementation of a unit-variant enum through [`name`].
pub fn deserialize_name<'de, D, T>(
    deserializer: D,
    names: &'static [&'static str],
    values: &[T],
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Copy,
{
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    name(&value, names, values).map_err(|e| D::Error::custom(e.message()))
}

/// A `Deserialize` implementation through a [`Wire`] reader: the value is
/// taken as a JSON value (its deserializer is compiled once for every type),
/// then read by hand. The error says where (`number: invalid type ...`).
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Wire,
{
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    wire(&value).map_err(|e| D::Error::custom(located(&e)))
}

/// A reader's error as [`deserialize`] gives it: the path first unless it
/// is the value itself (`since: invalid type ...`).
pub fn located(e: &Error) -> String {
    match e.path().as_str() {
        "." => e.message().to_owned(),
        path => format!("{path}: {}", e.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::path_de::with;
    use super::*;
    use crate::lenient;
    use serde::Deserialize;
    use serde_json::json;

    /// The float writer of [`string`] against `f64`'s `Display` (`{f:.0}`
    /// for integral values below 1e21, `{f}` for the rest), over edge cases
    /// and a million pseudo-random bit patterns and short decimals.
    #[test]
    fn float_text_writes_what_display_writes() {
        let display = |f: f64| {
            if f.fract() == 0.0 && f.abs() < 1e21 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        };
        let mut samples = vec![
            0.0,
            -0.0,
            0.5,
            -2.5,
            1e-7,
            1.5e-300,
            5e-324,
            1e21,
            1e22,
            1.7976931348623157e308,
            9007199254740993.0,
            18446744073709551616.0,
            18446744073709551615.0,
            2.0f64.powi(64),
            2.0f64.powi(69),
            999999999999999999999.0,
            1e20 + 65536.0,
            0.1,
            0.3,
            123456.789,
            -1e-5,
            4.35,
            1e15 + 0.5,
            1e16,
            2.0f64.powi(-1074) * 3.0,
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..1_000_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(match i % 4 {
                0 => f64::from_bits(x),
                1 => (x % 2_000_000_000) as f64 / 10f64.powi((x >> 40) as i32 % 12),
                2 => (x >> 11) as f64 * 2f64.powi((x % 80) as i32),
                _ => (x >> 11) as f64 / 2f64.powi((x % 27) as i32 + 1),
            });
        }
        for f in samples.into_iter().filter(|f| f.is_finite()) {
            assert_eq!(float_text(f), display(f), "{f:e} ({:#x})", f.to_bits());
        }
    }

    /// Each reader against the serde function it replaces (a `lenient`
    /// one, or a primitive's derive-side `Deserialize`): same value or same
    /// error text.
    #[test]
    fn readers_agree_with_the_serde_functions_they_replace() {
        let samples = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!(2),
            json!(-3),
            json!(18446744073709551615u64),
            json!(1.0),
            json!(0.0),
            json!(2.5),
            json!(1e300),
            json!(""),
            json!(" "),
            json!("42"),
            json!(" 7 "),
            json!("4x"),
            json!("quote \" backslash \\ tick ' end"),
            json!("é\n\u{7f}\u{200b}"),
            json!(-0.0),
            json!(-2.5),
            json!(1e21),
            json!("true"),
            json!("FALSE"),
            json!("1"),
            json!([]),
            json!({}),
        ];
        for v in &samples {
            let ours = string(v).map_err(|e| e.to_string());
            let theirs = with(v, lenient::string).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "string {v}");
            let ours = opt_string(v).map_err(|e| e.to_string());
            let theirs = with(v, lenient::opt_string).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "opt_string {v}");
            let ours = int(v).map_err(|e| e.to_string());
            let theirs = with(v, lenient::int).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "int {v}");
            let ours = opt_int(v).map_err(|e| e.to_string());
            let theirs = with(v, lenient::opt_int).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "opt_int {v}");
            let ours = boolean(v).map_err(|e| e.to_string());
            let theirs = with(v, lenient::boolean).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "boolean {v}");
            let ours = opt_boolean(v).map_err(|e| e.to_string());
            let theirs = with(v, lenient::opt_boolean).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "opt_boolean {v}");
            let ours = small::<u32>(v).map_err(|e| e.to_string());
            let theirs = with(v, u32::deserialize).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "u32 {v}");
            let ours = unsigned(v).map_err(|e| e.to_string());
            let theirs = with(v, u64::deserialize).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "u64 {v}");
            let ours = text(v).map_err(|e| e.to_string());
            let theirs = with(v, String::deserialize).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "String {v}");
            let ours = flag(v).map_err(|e| e.to_string());
            let theirs = with(v, bool::deserialize).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "bool {v}");
        }
    }
}
