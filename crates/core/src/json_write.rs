//! JSON out, written by hand: [`ToJson`] writes a value straight into JSON
//! text (what the host, the port and storage get), or into a
//! [`serde_json::Value`] where the channel keeps one.
//!
//! It replaces serde's `Serialize`: derived code per type and per serializer
//! (`serde_json`'s value serializer, its writer, `flatten`) cost about 39 KB
//! of the lead deployment's wasm after wasm-opt, 11 KB gzip (bench/README.md).
//! The text is serde_json's, byte for byte: the
//! same escaping, integers, floats (`zmij`), field order, skipped `None`s
//! and tags; `cfg(test)` checks each [`to_string`] / [`to_value`] against
//! `serde_json` (the types derive `Serialize` in tests and with feature `ts`).

use serde_json::{Map, Value};

/// A value that writes itself as JSON.
pub trait ToJson {
    /// Writes `self` as one JSON value.
    fn write_json(&self, w: &mut JsonWriter);
}

/// What [`to_string`] and [`to_value`] take: [`ToJson`], and in tests also
/// `Serialize`, so each call is checked against serde_json's output.
#[cfg(not(test))]
pub trait Checked: ToJson {}
#[cfg(not(test))]
impl<T: ToJson + ?Sized> Checked for T {}
/// What [`to_string`] and [`to_value`] take: [`ToJson`], and in tests also
/// `Serialize`, so each call is checked against serde_json's output.
#[cfg(test)]
pub trait Checked: ToJson + serde::Serialize {}
#[cfg(test)]
impl<T: ToJson + serde::Serialize + ?Sized> Checked for T {}

/// `value` as JSON text.
pub fn to_string<T: Checked + ?Sized>(value: &T) -> String {
    let mut w = JsonWriter::text(String::with_capacity(128));
    value.write_json(&mut w);
    let text = w.into_text();
    #[cfg(test)]
    assert_eq!(
        text,
        serde_json::to_string(value).unwrap(),
        "ToJson differs from serde_json"
    );
    text
}

/// `value` as JSON text appended to `out`.
pub fn write_to<T: ToJson + ?Sized>(out: &mut String, value: &T) {
    let mut w = JsonWriter::text(std::mem::take(out));
    value.write_json(&mut w);
    *out = w.into_text();
}

/// `value` as a JSON value (for the channel, which keeps its events as values).
pub fn to_value<T: Checked + ?Sized>(value: &T) -> Value {
    let mut w = JsonWriter::tree();
    value.write_json(&mut w);
    let tree = w.into_value();
    #[cfg(test)]
    assert_eq!(
        tree,
        serde_json::to_value(value).unwrap(),
        "ToJson differs from serde_json"
    );
    tree
}

/// An object of `members` as a JSON value (`json!` for typed members,
/// without serde).
pub fn object(members: &[(&str, &dyn ToJson)]) -> Value {
    let mut w = JsonWriter::tree();
    w.object(|o| {
        for (key, value) in members {
            o.field(key, value);
        }
    });
    w.into_value()
}

/// An object whose members `members` writes, as a [`Value`] (a request the
/// core hands on as a tree, built without a map insert and a key copy
/// written out per member).
pub(crate) fn object_with(members: impl FnOnce(&mut JsonObject<'_>)) -> Value {
    let mut w = JsonWriter::tree();
    w.object(members);
    w.into_value()
}

/// A nested object whose members a closure writes ([`members`]).
pub(crate) struct Members<F>(F);

/// A nested object whose members `f` writes (for [`JsonObject::field`]).
pub(crate) fn members<F: Fn(&mut JsonObject<'_>)>(f: F) -> Members<F> {
    Members(f)
}

impl<F: Fn(&mut JsonObject<'_>)> ToJson for Members<F> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(&self.0);
    }
}

/// A nested array whose items a closure writes ([`items`]).
pub(crate) struct Items<F>(F);

/// A nested array whose items `f` writes (for [`JsonObject::field`]).
pub(crate) fn items<F: Fn(&mut JsonArray<'_>)>(f: F) -> Items<F> {
    Items(f)
}

impl<F: Fn(&mut JsonArray<'_>)> ToJson for Items<F> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.items(&self.0);
    }
}

/// Where [`ToJson`] writes: JSON text, or a [`Value`] tree.
pub struct JsonWriter {
    out: Out,
}

enum Out {
    /// The text's bytes (only ever whole UTF-8 strings and ASCII are
    /// appended: bytes are pushed without a `char` encoding per push).
    Text(Vec<u8>),
    /// Open arrays and objects (with the key of the next member), and the
    /// finished root.
    Tree(Vec<Frame>, Option<Value>),
}

enum Frame {
    Array(Vec<Value>),
    Object(Map<String, Value>, String),
}

impl JsonWriter {
    /// A writer appending JSON text to `out`.
    pub fn text(out: String) -> JsonWriter {
        JsonWriter {
            out: Out::Text(out.into_bytes()),
        }
    }

    /// The text written (empty for a tree writer).
    pub fn into_text(self) -> String {
        match self.out {
            Out::Text(text) => utf8(text),
            Out::Tree(..) => String::new(),
        }
    }

    /// A writer building a [`Value`] tree.
    fn tree() -> JsonWriter {
        JsonWriter {
            out: Out::Tree(Vec::new(), None),
        }
    }

    /// The value built (`null` for a text writer, or when nothing was written).
    fn into_value(self) -> Value {
        match self.out {
            Out::Tree(_, root) => root.unwrap_or(Value::Null),
            Out::Text(_) => Value::Null,
        }
    }

    /// A string.
    pub fn str(&mut self, s: &str) {
        match &mut self.out {
            Out::Text(out) => escape(out, s),
            Out::Tree(..) => self.place(Value::String(s.to_owned())),
        }
    }

    /// An unsigned integer (one digit, as the compact tags and most small
    /// counts are, pushed as it is).
    pub fn u64(&mut self, n: u64) {
        match &mut self.out {
            Out::Text(out) => match u8::try_from(n) {
                Ok(digit @ 0..=9) => out.push(b'0' + digit),
                _ => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
            },
            Out::Tree(..) => self.place(Value::from(n)),
        }
    }

    /// A signed integer.
    pub fn i64(&mut self, n: i64) {
        match &mut self.out {
            Out::Text(out) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
            Out::Tree(..) => self.place(Value::from(n)),
        }
    }

    /// A float as serde_json writes it (`zmij`; `null` when not finite).
    pub fn f64(&mut self, n: f64) {
        match &mut self.out {
            Out::Text(out) if n.is_finite() => {
                out.extend_from_slice(zmij::Buffer::new().format_finite(n).as_bytes())
            }
            Out::Text(out) => out.extend_from_slice(b"null"),
            Out::Tree(..) => self.place(Value::from(n)),
        }
    }

    /// A JSON number as serde_json writes it (integers in full, floats in
    /// their shortest form).
    pub fn number(&mut self, n: &serde_json::Number) {
        match (n.as_u64(), n.as_i64()) {
            (Some(n), _) => self.u64(n),
            (None, Some(n)) => self.i64(n),
            _ => self.f64(n.as_f64().unwrap_or(f64::NAN)),
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        match &mut self.out {
            Out::Text(out) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Out::Tree(..) => self.place(Value::Bool(b)),
        }
    }

    /// `null`.
    pub fn null(&mut self) {
        match &mut self.out {
            Out::Text(out) => out.extend_from_slice(b"null"),
            Out::Tree(..) => self.place(Value::Null),
        }
    }

    /// An object whose members `members` writes.
    pub fn object(&mut self, members: impl FnOnce(&mut JsonObject<'_>)) {
        self.open(b'{');
        let mut o = JsonObject {
            w: self,
            first: true,
        };
        members(&mut o);
        self.close(b'}');
    }

    /// An array of `items`.
    pub fn array<'a, T: ToJson + ?Sized + 'a>(&mut self, items: impl IntoIterator<Item = &'a T>) {
        self.open(b'[');
        for (i, item) in items.into_iter().enumerate() {
            self.comma(i == 0);
            item.write_json(self);
        }
        self.close(b']');
    }

    /// An array whose items `items` writes one by one (items of mixed types).
    pub fn items(&mut self, items: impl FnOnce(&mut JsonArray<'_>)) {
        self.open(b'[');
        let mut a = JsonArray {
            w: self,
            first: true,
        };
        items(&mut a);
        self.close(b']');
    }

    /// A JSON value as it is (text: written out; tree: cloned in).
    pub fn value(&mut self, value: &Value) {
        if let Out::Tree(..) = self.out {
            return self.place(value.clone());
        }
        match value {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.str(s),
            Value::Array(items) => self.array(items),
            // The map's own writer (its object loop written once).
            Value::Object(map) => map.write_json(self),
        }
    }

    /// JSON text written before (by this writer), copied as it is; in a tree,
    /// parsed back (`null` if it is not JSON within the core's limits).
    pub fn raw(&mut self, text: &str) {
        match &mut self.out {
            Out::Text(out) => out.extend_from_slice(text.as_bytes()),
            Out::Tree(..) => self.place(crate::json_parse::parse(text).unwrap_or(Value::Null)),
        }
    }

    /// A string known to need no escaping, given with its quotes
    /// ([`Name`]): copied at once.
    pub(crate) fn quoted(&mut self, quoted: &str) {
        match &mut self.out {
            Out::Text(out) => out.extend_from_slice(quoted.as_bytes()),
            Out::Tree(..) => self.place(Value::String(unquote(quoted).to_owned())),
        }
    }

    fn key(&mut self, first: bool, key: &str) {
        match &mut self.out {
            Out::Text(out) => {
                if !first {
                    out.push(b',');
                }
                escape(out, key);
                out.push(b':');
            }
            Out::Tree(frames, _) => {
                if let Some(Frame::Object(_, next)) = frames.last_mut() {
                    key.clone_into(next);
                }
            }
        }
    }

    /// Opens an object (`{`) or an array (`[`): written once, not in each
    /// generic `object` / `array` / `items` (one per closure and item type).
    #[inline(never)]
    fn open(&mut self, bracket: u8) {
        match &mut self.out {
            Out::Text(out) => out.push(bracket),
            Out::Tree(frames, _) => frames.push(if bracket == b'{' {
                Frame::Object(Map::new(), String::new())
            } else {
                Frame::Array(Vec::new())
            }),
        }
    }

    /// The comma before an array item (none before the first; a tree has none).
    fn comma(&mut self, first: bool) {
        if let (Out::Text(out), false) = (&mut self.out, first) {
            out.push(b',');
        }
    }

    fn close(&mut self, bracket: u8) {
        match &mut self.out {
            Out::Text(out) => out.push(bracket),
            Out::Tree(frames, _) => {
                let value = match frames.pop() {
                    Some(Frame::Array(items)) => Value::Array(items),
                    Some(Frame::Object(map, _)) => Value::Object(map),
                    None => return,
                };
                self.place(value);
            }
        }
    }

    /// A finished value into the open array or object, or as the root.
    fn place(&mut self, value: Value) {
        if let Out::Tree(frames, root) = &mut self.out {
            match frames.last_mut() {
                Some(Frame::Array(items)) => items.push(value),
                Some(Frame::Object(map, key)) => {
                    map.insert(std::mem::take(key), value);
                }
                None => *root = Some(value),
            }
        }
    }
}

/// `"text"` without its quotes (as it is if it has none).
fn unquote(quoted: &str) -> &str {
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted)
}

/// An object key written ahead of time as `,"key":` (`key!`): the text
/// writer copies it at once (one copy instead of a comma, an escape scan,
/// two quotes and a colon).
#[derive(Clone, Copy)]
pub struct Key(&'static str);

impl Key {
    /// `text` is `,"key":` for a key that needs no escaping (`key!`
    /// writes it).
    pub const fn new(text: &'static str) -> Key {
        Key(text)
    }

    /// The key itself.
    fn name(self) -> &'static str {
        self.0
            .strip_prefix(",\"")
            .and_then(|s| s.strip_suffix("\":"))
            .unwrap_or(self.0)
    }
}

/// A [`Key`] from a key literal that needs no escaping (letters, digits).
macro_rules! key {
    ($key:literal) => {
        $crate::json_write::Key::new(concat!(",\"", $key, "\":"))
    };
}
pub(crate) use key;

/// A string value that needs no escaping, kept with its quotes (`"ready"`):
/// the text writer copies it at once.
#[derive(Clone, Copy)]
pub struct Name(pub &'static str);

impl Name {
    /// The name without its quotes.
    pub fn as_str(self) -> &'static str {
        unquote(self.0)
    }
}

impl ToJson for Name {
    fn write_json(&self, w: &mut JsonWriter) {
        w.quoted(self.0);
    }
}

/// How an object member's key is written: a `&str` escaped as it is
/// written, a [`Key`] copied as written ahead of time.
pub trait MemberKey: Copy {
    /// Writes the key (and the comma before it unless `first`).
    fn write_key(self, w: &mut JsonWriter, first: bool);
}

impl<S: AsRef<str> + ?Sized> MemberKey for &S {
    fn write_key(self, w: &mut JsonWriter, first: bool) {
        w.key(first, self.as_ref());
    }
}

impl MemberKey for Key {
    fn write_key(self, w: &mut JsonWriter, first: bool) {
        match &mut w.out {
            Out::Text(out) => {
                let text = self.0.as_bytes();
                out.extend_from_slice(if first {
                    text.get(1..).unwrap_or_default()
                } else {
                    text
                });
            }
            Out::Tree(..) => w.key(first, self.name()),
        }
    }
}

/// The writer's bytes as text. They are valid UTF-8 (whole strings and
/// ASCII only); were they not, the text would be empty, which every reader
/// refuses (not JSON), rather than a text changed in place. (A `String`
/// buffer instead, each ASCII byte pushed as a `char`, measured 1.3 % more
/// instructions per event than this one check.)
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// The bytes a JSON string cannot hold as they are: `"`, `\\` and the
/// control characters (one table load per byte instead of three compares;
/// also where `codec::xuc_text` ends a string's plain part).
pub(crate) static ESCAPED: [bool; 256] = {
    let mut escaped = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        escaped[b] = true;
        b += 1;
    }
    escaped[b'"' as usize] = true;
    escaped[b'\\' as usize] = true;
    escaped
};

/// serde_json's string escaping: `"`, `\` and the control characters
/// (`\b \t \n \f \r` short, the rest as `\u00xx`); everything else as is.
fn escape(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.push(b'"');
    if !bytes
        .iter()
        .any(|&b| ESCAPED.get(usize::from(b)) == Some(&true))
    {
        // Most text: nothing to escape, copied at once.
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0..=0x1f => b'u',
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        out.push(b'\\');
        out.push(short);
        if short == b'u' {
            out.extend_from_slice(b"00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        }
        start = i + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

/// The members of an object being written ([`JsonWriter::object`]).
pub struct JsonObject<'a> {
    w: &'a mut JsonWriter,
    first: bool,
}

impl JsonObject<'_> {
    /// A member.
    pub fn field<K: MemberKey, T: ToJson + ?Sized>(&mut self, key: K, value: &T) -> &mut Self {
        self.key(key);
        value.write_json(self.w);
        self
    }

    /// A member's key (one per key type, not one per key and value type).
    #[inline(never)]
    fn key<K: MemberKey>(&mut self, key: K) {
        key.write_key(self.w, self.first);
        self.first = false;
    }

    /// A member, left out when `None` (serde's `skip_serializing_if = "Option::is_none"`).
    pub fn opt<K: MemberKey, T: ToJson>(&mut self, key: K, value: &Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.field(key, value);
        }
        self
    }

    /// A list member, left out when empty.
    pub fn list<K: MemberKey, T: ToJson>(&mut self, key: K, items: &[T]) -> &mut Self {
        if !items.is_empty() {
            self.field(key, items);
        }
        self
    }

    /// An object member, left out when empty.
    pub fn map<K: MemberKey>(&mut self, key: K, map: &Map<String, Value>) -> &mut Self {
        if !map.is_empty() {
            self.field(key, map);
        }
        self
    }

    /// The members of `value` in this object (serde's `flatten`).
    pub fn flatten<T: JsonFields + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.write_fields(self);
        self
    }
}

/// The items of an array being written ([`JsonWriter::items`]).
pub struct JsonArray<'a> {
    w: &'a mut JsonWriter,
    first: bool,
}

impl JsonArray<'_> {
    /// An item.
    pub fn item<T: ToJson + ?Sized>(&mut self, value: &T) -> &mut Self {
        self.w.comma(self.first);
        self.first = false;
        value.write_json(self.w);
        self
    }
}

/// A value written as members of an enclosing object: a tagged enum's
/// variants, a struct that other objects flatten.
pub trait JsonFields {
    /// Writes the members.
    fn write_fields(&self, o: &mut JsonObject<'_>);
}

/// An object key: the keys of [`crate::keyed::Counts`].
pub trait JsonKey {
    /// The key text.
    fn json_key(&self) -> &str;
}

impl JsonKey for &str {
    fn json_key(&self) -> &str {
        self
    }
}

impl ToJson for Value {
    fn write_json(&self, w: &mut JsonWriter) {
        w.value(self);
    }
}

impl ToJson for Map<String, Value> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            for (k, v) in self {
                o.field(k, v);
            }
        });
    }
}

impl ToJson for str {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(self);
    }
}

impl ToJson for String {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(self);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, w: &mut JsonWriter) {
        (**self).write_json(w);
    }
}

impl ToJson for bool {
    fn write_json(&self, w: &mut JsonWriter) {
        w.bool(*self);
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, w: &mut JsonWriter) {
                w.u64(*self as u64);
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

impl ToJson for i64 {
    fn write_json(&self, w: &mut JsonWriter) {
        w.i64(*self);
    }
}

impl ToJson for f64 {
    fn write_json(&self, w: &mut JsonWriter) {
        w.f64(*self);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Some(value) => value.write_json(w),
            None => w.null(),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array(self);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array(self);
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, w: &mut JsonWriter) {
        w.array([&self.0 as &dyn ToJson, &self.1]);
    }
}

/// `ToJson` for unit enums, as their names (serde's `rename_all`).
macro_rules! json_names {
    ($ty:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $crate::json_write::ToJson for $ty {
            fn write_json(&self, w: &mut $crate::json_write::JsonWriter) {
                w.quoted(match self {
                    $(Self::$variant => concat!("\"", $name, "\""),)*
                });
            }
        }
    };
}
pub(crate) use json_names;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_and_tree_match_serde_json() {
        let samples = [
            json!(null),
            json!([true, false, 0, 1, -1, u64::MAX, i64::MIN, 1.5, 1.0, -0.0, 1e21, 1e-7, 0.1]),
            json!({"b": {"z": [], "a": {}}, "a": "x", "": ""}),
            json!("quote \" backslash \\ slash / nl \n cr \r tab \t bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f} é 😀"),
            json!([[[[]]], [{}], {"k": [1, {"k": null}]}]),
        ];
        for sample in &samples {
            assert_eq!(to_string(sample), serde_json::to_string(sample).unwrap());
            assert_eq!(&to_value(sample), sample);
        }
        let list: Vec<(u64, Option<String>)> = vec![(1, None), (2, Some("\u{1}".into()))];
        assert_eq!(to_string(&list), r#"[[1,null],[2,"\u0001"]]"#);
        let mut out = String::from("x");
        write_to(&mut out, "y");
        assert_eq!(out, r#"x"y""#);
    }

    #[test]
    fn keys_and_names_written_ahead_of_time_match_serde_json() {
        struct Mixed;
        impl ToJson for Mixed {
            fn write_json(&self, w: &mut JsonWriter) {
                w.object(|o| {
                    // In serde_json's (sorted) key order.
                    o.field("escaped\"", &1u64)
                        .field(key!("first"), &Name("\"ready\""))
                        .list(key!("list"), &[Name("\"a\""), Name("\"b\"")])
                        .map(key!("map"), &Map::new())
                        .field(key!("nested"), &Members)
                        .opt(key!("none"), &None::<u64>)
                        .opt(key!("some"), &Some(Name("\"crm-connector\"")));
                });
            }
        }
        struct Members;
        impl ToJson for Members {
            fn write_json(&self, w: &mut JsonWriter) {
                w.object(|o| {
                    o.field(key!("agentId"), "19").field("plain", &true);
                });
            }
        }
        impl serde::Serialize for Mixed {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                json!({
                    "first": "ready",
                    "escaped\"": 1,
                    "some": "crm-connector",
                    "list": ["a", "b"],
                    "nested": {"plain": true, "agentId": "19"},
                })
                .serialize(s)
            }
        }
        assert_eq!(
            to_string(&Mixed),
            r#"{"escaped\"":1,"first":"ready","list":["a","b"],"nested":{"agentId":"19","plain":true},"some":"crm-connector"}"#
        );
        to_value(&Mixed);
        assert_eq!(key!("agentId").name(), "agentId");
        assert_eq!(Name("\"ready\"").as_str(), "ready");
    }

    #[test]
    fn a_difference_from_serde_json_fails() {
        struct Wrong;
        impl ToJson for Wrong {
            fn write_json(&self, w: &mut JsonWriter) {
                w.object(|o| {
                    o.field("a", &1u64);
                });
            }
        }
        impl serde::Serialize for Wrong {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u64(1)
            }
        }
        assert!(std::panic::catch_unwind(|| to_string(&Wrong)).is_err());
        assert!(std::panic::catch_unwind(|| to_value(&Wrong)).is_err());
    }
}

#[cfg(test)]
#[path = "json_write_tests.rs"]
mod samples;
