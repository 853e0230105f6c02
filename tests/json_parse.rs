//! The core's own JSON text parser (`json_parse`) against serde_json: the
//! same texts accepted and refused, the same values (numbers classified as
//! serde_json does), on a corpus of hand-written cases, every fixture line,
//! and generated values and texts (proptest).
#![cfg(not(target_arch = "wasm32"))]

use cti_bridge::codec::{parse_text, JsonParser, MAX_DEPTH, MAX_MESSAGE_BYTES};
use cti_bridge::json_parse::{parse, ErrorKind};
use cti_bridge::DecodeError;
use proptest::prelude::*;
use serde_json::{Number, Value};

/// Values equal (floats within a few units in the last place: see
/// [`same_number`]).
fn same_value(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Number(a), Value::Number(b)) => same_number(a, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
        }
        _ => ours == theirs,
    }
}

fn same_number(a: &Number, b: &Number) -> bool {
    // The same class (u64 / i64 / f64) ...
    if a.is_u64() != b.is_u64() || a.is_i64() != b.is_i64() || a.is_f64() != b.is_f64() {
        return false;
    }
    if !a.is_f64() {
        return a == b;
    }
    // ... and, for floats, close: serde_json without `float_roundtrip` is
    // off by a few units in the last place on some texts (ours are checked
    // against Rust's correctly rounded parse in `floats_are_within_one_ulp`).
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => {
            x == y
                || (x.is_sign_negative() == y.is_sign_negative()
                    && x.to_bits().abs_diff(y.to_bits()) <= 16)
        }
        _ => false,
    }
}

/// Checks one text against serde_json: both accept with the same value, or
/// both refuse. Texts nested deeper than `MAX_DEPTH` are refused as too deep.
fn agrees(text: &str) {
    let ours = parse(text);
    let theirs: Result<Value, _> = serde_json::from_str(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(same_value(a, b), "{text:?}: {a:?} vs {b:?}"),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) if e.kind == ErrorKind::TooDeep => {
            assert!(
                parse_text(text, JsonParser::SERDE_JSON).is_err(),
                "{text:?}"
            );
        }
        _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

const CORPUS: &[&str] = &[
    // Scalars.
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1",
    "-1",
    "0.0",
    "-0.0",
    "1.5",
    "-1.5",
    "1e2",
    "1E2",
    "1e+2",
    "1e-2",
    "1.25e-3",
    "123456789",
    "-123456789",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999",
    "1e308",
    "1e309",
    "-1e309",
    "1e400",
    "2.2250738585072014e-308",
    "5e-324",
    "1e-400",
    "0.1",
    "0.30000000000000004",
    "3.141592653589793",
    "9007199254740993",
    "1.7976931348623157e308",
    "123456789012345678901234567890e-10",
    "0.000000000000000000000000000001",
    // Number grammar refusals.
    "01",
    "-01",
    "1.",
    ".5",
    "+1",
    "1e",
    "1e+",
    "-",
    "--1",
    "1.e5",
    "0x10",
    "NaN",
    "Infinity",
    "-Infinity",
    "1_000",
    "1.5.2",
    "00",
    // Strings.
    r#""""#,
    r#""abc""#,
    r#""a\"b""#,
    r#""\\""#,
    r#""\/""#,
    r#""\b\f\n\r\t""#,
    r#""\u0041""#,
    r#""\u00e9""#,
    r#""\u20AC""#,
    r#""\ud83d\ude00""#,
    r#""\uD83D\uDE00""#,
    r#""\u0000""#,
    r#""é€😀""#,
    r#""a\u0000b""#,
    // String refusals.
    r#""\ud83d""#,
    r#""\ude00""#,
    r#""\ud83d\u0041""#,
    r#""\ud83dx""#,
    r#""\ud83d\""#,
    r#""\u12""#,
    r#""\u12g4""#,
    r#""\x41""#,
    r#""\a""#,
    "\"a\nb\"",
    "\"a\tb\"",
    "\"\u{1f}\"",
    r#""abc"#,
    r#""\"#,
    r#""\u"#,
    "\"\u{7f}\"",
    // Containers.
    "[]",
    "{}",
    "[1]",
    "[1,2,3]",
    "[ 1 , 2 ]",
    r#"{"a":1}"#,
    r#"{ "a" : 1 , "b" : [true, null] }"#,
    r#"{"a":1,"a":2}"#,
    r#"{"b":1,"a":2,"b":3}"#,
    r#"[[[]]]"#,
    r#"{"":0}"#,
    r#"{"a":{"b":{"c":[{"d":"e"}]}}}"#,
    "\n\t\r [1] \n",
    // Container refusals.
    "[",
    "]",
    "{",
    "}",
    "[1,]",
    "[,1]",
    "[1 2]",
    r#"{"a"}"#,
    r#"{"a":}"#,
    r#"{"a":1,}"#,
    r#"{a:1}"#,
    r#"{'a':1}"#,
    r#"{1:1}"#,
    r#"{"a" 1}"#,
    r#"{"a":1 "b":2}"#,
    "[1]]",
    "[1]x",
    // Literals and the rest.
    "nul",
    "nulll",
    "tru",
    "truE",
    "fals",
    "True",
    "",
    " ",
    "\u{feff}1",
    "1 2",
    "// c\n1",
    "/* c */ 1",
    "[1] // c",
    "\u{a0}1",
];

#[test]
fn corpus_agrees_with_serde_json() {
    for text in CORPUS {
        agrees(text);
    }
}

#[test]
fn every_fixture_line_agrees_with_serde_json() {
    let mut lines = 0;
    for entry in std::fs::read_dir("tests/fixtures").expect("fixtures") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            agrees(line);
            lines += 1;
        }
        agrees(&text);
    }
    assert!(lines > 100, "{lines} fixture lines");
}

#[test]
fn numbers_are_classified_as_serde_json_does() {
    let n = |t: &str| parse(t).expect(t);
    assert!(n("0").is_u64());
    assert!(n("18446744073709551615").is_u64());
    assert!(n("18446744073709551616").is_f64());
    assert!(n("-1").is_i64());
    assert!(n("-9223372036854775808").is_i64());
    assert!(n("-9223372036854775809").is_f64());
    assert!(n("-0").is_f64());
    assert!(n("1.0").is_f64());
    assert!(n("1e0").is_f64());
    assert_eq!(n("-0").as_f64().map(f64::is_sign_negative), Some(true));
}

#[test]
fn strings_with_escapes_and_surrogate_pairs() {
    assert_eq!(
        parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z""#).ok(),
        Some(Value::String("a\"\\/\u{8}\u{c}\n\r\té😀z".into()))
    );
    assert_eq!(parse(r#""\u0000""#).ok(), Some(Value::String("\0".into())));
}

#[test]
fn duplicate_keys_last_wins() {
    assert_eq!(
        parse(r#"{"a":1,"b":2,"a":3}"#).ok(),
        Some(serde_json::json!({"a": 3, "b": 2}))
    );
}

#[test]
fn errors_are_typed_with_their_offset() {
    let kind = |t: &str| parse(t).map_err(|e| (e.kind, e.offset)).err();
    assert_eq!(kind(""), Some((ErrorKind::UnexpectedEnd, 0)));
    assert_eq!(kind("[1,]"), Some((ErrorKind::ExpectedValue, 3)));
    assert_eq!(kind("[1 2]"), Some((ErrorKind::ExpectedCommaOrEnd, 3)));
    assert_eq!(kind("{1:2}"), Some((ErrorKind::ExpectedKey, 1)));
    assert_eq!(kind(r#"{"a" 1}"#), Some((ErrorKind::ExpectedColon, 5)));
    assert_eq!(kind("01"), Some((ErrorKind::InvalidNumber, 1)));
    assert_eq!(kind("1e400"), Some((ErrorKind::NumberOutOfRange, 0)));
    assert_eq!(kind(r#""\x""#), Some((ErrorKind::InvalidEscape, 2)));
    assert_eq!(
        kind(r#""\u12g4""#),
        Some((ErrorKind::InvalidUnicodeEscape, 5))
    );
    assert_eq!(kind(r#""\ud800x""#), Some((ErrorKind::LoneSurrogate, 7)));
    assert_eq!(kind("\"a\u{1}\""), Some((ErrorKind::ControlCharacter, 2)));
    assert_eq!(kind("tru"), Some((ErrorKind::UnexpectedEnd, 3)));
    assert_eq!(kind("[trie]"), Some((ErrorKind::ExpectedLiteral, 1)));
    assert_eq!(kind("1 2"), Some((ErrorKind::TrailingCharacters, 2)));
    let e = parse("[1 2]").err().map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("expected `,` or the end of the list at byte 3")
    );
}

#[test]
fn limits_are_those_of_parse_text() {
    let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let deep = format!(
        "{}1{}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        parse(&deep).map_err(|e| e.kind).err(),
        Some(ErrorKind::TooDeep)
    );
    let mixed = format!("{}1{}", r#"{"a":["#.repeat(20), "]}".repeat(20));
    assert_eq!(
        parse(&mixed).map_err(|e| e.kind).err(),
        Some(ErrorKind::TooDeep)
    );
    // Unclosed brackets deep enough are too deep before they are unfinished,
    // and without recursion past the limit.
    assert_eq!(
        parse(&"[".repeat(100_000)).map_err(|e| e.kind).err(),
        Some(ErrorKind::TooDeep)
    );
    let big = format!("\"{}\"", "x".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(
        parse(&big).map_err(|e| e.kind).err(),
        Some(ErrorKind::TooLarge)
    );
    let fits = format!("\"{}\"", "x".repeat(MAX_MESSAGE_BYTES - 2));
    assert!(parse(&fits).is_ok());
}

#[test]
fn through_parse_text_as_a_json_parser() {
    let own = JsonParser::BUILT_IN;
    for text in CORPUS {
        let ours = parse_text(text, own);
        let theirs = parse_text(text, JsonParser::SERDE_JSON);
        assert_eq!(ours.is_ok(), theirs.is_ok(), "{text:?}");
        if let Err(e) = ours {
            assert_eq!(e.code(), "syntax", "{text:?}");
        }
    }
    let deep = format!(
        "{}1{}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        parse_text(&deep, own),
        Err(DecodeError::TooDeep { limit: MAX_DEPTH })
    );
    let big = format!("\"{}\"", "x".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(
        parse_text(&big, own),
        Err(DecodeError::TooLarge {
            size: big.len(),
            limit: MAX_MESSAGE_BYTES
        })
    );
    assert_eq!(
        parse_text(&big, own),
        parse_text(&big, JsonParser::SERDE_JSON)
    );
    assert_eq!(
        parse_text(&deep, own),
        parse_text(&deep, JsonParser::SERDE_JSON)
    );
}

/// Values equal, floats within one unit in the last place.
fn within_one_ulp(ours: &Value, exact: &Value) -> bool {
    match (ours, exact) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() && b.is_f64() => {
            match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.to_bits().abs_diff(y.to_bits()) <= 1,
                _ => false,
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| within_one_ulp(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && within_one_ulp(va, vb))
        }
        _ => ours == exact,
    }
}

/// Any JSON value (depth-bounded), for the round trip below.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// serde_json's text of any value parses back to the same value, compact
    /// and pretty-printed.
    #[test]
    fn any_value_round_trips(value in any_value()) {
        for text in [serde_json::to_string(&value), serde_json::to_string_pretty(&value)] {
            let text = text.expect("serializable");
            let parsed = parse(&text);
            prop_assert!(parsed.as_ref().is_ok_and(|p| within_one_ulp(p, &value)), "{text}: {parsed:?}");
            agrees(&text);
        }
    }

    /// Arbitrary text made of JSON's own characters: the same verdict.
    #[test]
    fn json_like_text_agrees(text in r#"[\[\]{}",:0-9eE+\-. a-z\\u]{0,40}"#) {
        agrees(&text);
    }

    /// Arbitrary text: never a panic, the same verdict.
    #[test]
    fn any_text_agrees(text in any::<String>()) {
        agrees(&text);
    }

    /// A valid text cut anywhere: the same verdict.
    #[test]
    fn cut_text_agrees(value in any_value(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_string(&value).expect("serializable");
        let at = cut.index(text.len() + 1);
        if let Some(prefix) = text.get(..at) {
            agrees(prefix);
        }
    }
}

/// Floats: Rust's correctly rounded parse as the reference; at most one
/// unit in the last place away, and exact on ordinary decimals.
fn ulps(text: &str) -> u64 {
    let ours = parse(text).ok().and_then(|v| v.as_f64()).expect(text);
    let exact: f64 = text.parse().expect(text);
    if ours == exact {
        return 0;
    }
    assert_eq!(ours.is_sign_negative(), exact.is_sign_negative(), "{text}");
    ours.to_bits().abs_diff(exact.to_bits())
}

#[test]
fn floats_are_within_one_ulp() {
    for text in [
        "0.1",
        "0.2",
        "0.30000000000000004",
        "1.5",
        "-2.75",
        "123.456",
        "1e-7",
        "6.02214076e23",
        "1.7976931348623157e308",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "5e-324",
        "4.9406564584124654e-324",
        "1e-310",
        "9007199254740993.0",
        "1e23",
        "8.41e21",
        "1e-5",
        "3.141592653589793238462643383279",
        "0.000000000000000000000000000001e30",
        "100000000000000000000000000000000000000000000e-40",
        "666666666666666666666666666666666666666",
    ] {
        assert!(ulps(text) <= 1, "{text}: {} ulps", ulps(text));
    }
    for text in [
        "0.1",
        "1.5",
        "123.456",
        "1e-7",
        "1e22",
        "12345.6789e-3",
        "0.25",
        "1e23",
    ] {
        assert_eq!(ulps(text), 0, "{text}");
    }
    // Random doubles written shortest (17 digits at most): count how many are off.
    let mut off = 0;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let f = f64::from_bits(state);
        if !f.is_finite() {
            continue;
        }
        let text = serde_json::to_string(&f).expect("text");
        let d = ulps(&text);
        assert!(d <= 1, "{text}: {d} ulps");
        off += usize::from(d > 0);
    }
    assert!(off < 50, "{off} of 200,000 one ulp off");
}
