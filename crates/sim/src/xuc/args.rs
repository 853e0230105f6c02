//! Reading command arguments leniently (a number or a string of digits
//! where xuc's clients send either, docs/protocols.md#lenient-decoding).

use serde_json::{Map, Value};

/// An argument read from a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// An integer.
    Int(i64),
    /// Absent or null.
    Missing,
    /// Present but not an integer.
    Invalid,
}

fn first<'a>(args: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| args.get(*k))
        .filter(|v| !v.is_null())
}

/// An integer given as a JSON integer or a string of digits.
pub fn int_arg(args: &Map<String, Value>, keys: &[&str]) -> Arg {
    match first(args, keys) {
        None => Arg::Missing,
        Some(Value::String(s)) => s.trim().parse().map_or(Arg::Invalid, Arg::Int),
        Some(v) => v.as_i64().map_or(Arg::Invalid, Arg::Int),
    }
}

/// An integer given as a JSON integer only (the queue commands of the seed).
pub fn strict_int(args: &Map<String, Value>, keys: &[&str]) -> Arg {
    match first(args, keys) {
        None => Arg::Missing,
        Some(v) => v.as_i64().map_or(Arg::Invalid, Arg::Int),
    }
}

/// A text argument (a number is taken as its decimal text).
pub fn text_arg(args: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    match first(args, keys)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
