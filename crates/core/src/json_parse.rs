//! A small JSON text parser producing [`serde_json::Value`], inside the
//! core: the widget parses port messages, socket frames and embedded JSON
//! strings without crossing to the browser's `JSON.parse` and walking its
//! result back (two conversions per message), and without serde_json's own
//! text parser (about 7.5 KB gzip in the wasm).
//!
//! It accepts and refuses the texts serde_json does (RFC 8259: no comments,
//! no trailing commas, no lone surrogates, no raw control characters in
//! strings) and builds the same values: integers as `u64` when non-negative,
//! `i64` when negative, `f64` otherwise (`-0`, fractions, exponents, and
//! integers out of range), duplicate keys last-wins. Floats whose digits fit
//! below 2^53 with a power of ten within ±22 (every decimal the
//! vendors send) are correctly rounded, as `JSON.parse`; beyond, the own
//! conversion (no standard-library float parser: its tables cost 16 KB gzip)
//! may be one unit in the last place off (11 in 200,000 random doubles,
//! `tests/json_parse.rs`), as serde_json without `float_roundtrip` may be.
//! Within [`MAX_MESSAGE_BYTES`] and [`MAX_DEPTH`] (the limits
//! [`crate::codec::parse_text`] applies), checked while parsing: no recursion
//! deeper than the limit, no panic on any input.

use crate::codec::{MAX_DEPTH, MAX_MESSAGE_BYTES};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Why a text is not accepted, and the byte offset where that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What was wrong.
    pub kind: ErrorKind,
    /// Byte offset in the text (0-based) where it was found.
    pub offset: usize,
}

/// The reasons a JSON text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Larger than [`MAX_MESSAGE_BYTES`] (the offset is the text's size).
    TooLarge,
    /// Objects / arrays nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start a value here.
    ExpectedValue,
    /// An object key that is not a string.
    ExpectedKey,
    /// No `:` after an object key.
    ExpectedColon,
    /// Neither `,` nor the closing bracket after an item.
    ExpectedCommaOrEnd,
    /// A misspelt `true`, `false` or `null`.
    ExpectedLiteral,
    /// A number not in JSON's grammar (`01`, `1.`, `.5`, `1e`, `+1`).
    InvalidNumber,
    /// A number too large for a double (`1e400`).
    NumberOutOfRange,
    /// A backslash followed by a character JSON does not define.
    InvalidEscape,
    /// `\u` not followed by four hex digits.
    InvalidUnicodeEscape,
    /// A UTF-16 surrogate escape without its pair (`\ud800` alone).
    LoneSurrogate,
    /// A raw control character (U+0000 to U+001F) inside a string.
    ControlCharacter,
    /// More text after the value.
    TrailingCharacters,
}

impl ErrorKind {
    /// The reason in words.
    pub fn reason(self) -> &'static str {
        match self {
            ErrorKind::TooLarge => "text over the size limit",
            ErrorKind::TooDeep => "nesting over the depth limit",
            ErrorKind::UnexpectedEnd => "unexpected end of text",
            ErrorKind::ExpectedValue => "expected a value",
            ErrorKind::ExpectedKey => "expected a string key",
            ErrorKind::ExpectedColon => "expected `:`",
            ErrorKind::ExpectedCommaOrEnd => "expected `,` or the end of the list",
            ErrorKind::ExpectedLiteral => "expected `true`, `false` or `null`",
            ErrorKind::InvalidNumber => "invalid number",
            ErrorKind::NumberOutOfRange => "number out of range",
            ErrorKind::InvalidEscape => "invalid escape",
            ErrorKind::InvalidUnicodeEscape => "invalid \\u escape",
            ErrorKind::LoneSurrogate => "lone surrogate in \\u escape",
            ErrorKind::ControlCharacter => "control character in a string",
            ErrorKind::TrailingCharacters => "trailing characters after the value",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.reason(), self.offset)
    }
}

impl std::error::Error for Error {}

/// Parses one JSON text into a value, within [`MAX_MESSAGE_BYTES`] and
/// [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Value, Error> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(Error {
            kind: ErrorKind::TooLarge,
            offset: text.len(),
        });
    }
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = p.value(0)?;
    p.skip_space();
    if p.at < p.bytes.len() {
        return Err(p.error(ErrorKind::TrailingCharacters));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    #[cold]
    fn error(&self, kind: ErrorKind) -> Error {
        Error {
            kind,
            offset: self.at,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The next non-space byte, or an end-of-text error.
    fn next_token(&mut self) -> Result<u8, Error> {
        self.skip_space();
        self.peek()
            .ok_or_else(|| self.error(ErrorKind::UnexpectedEnd))
    }

    /// A value; `depth` is the number of containers around it.
    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        match self.next_token()? {
            b'{' => self.container(depth + 1, true),
            b'[' => self.container(depth + 1, false),
            b'"' => {
                self.at += 1;
                self.string().map(Value::String)
            }
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error(ErrorKind::ExpectedValue)),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        let end = self.at + word.len();
        match self.bytes.get(self.at..end) {
            Some(found) if found == word.as_bytes() => {
                self.at = end;
                Ok(value)
            }
            Some(_) => Err(self.error(ErrorKind::ExpectedLiteral)),
            None => Err(Error {
                kind: ErrorKind::UnexpectedEnd,
                offset: self.bytes.len(),
            }),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(self.error(ErrorKind::TooDeep));
        }
        Ok(())
    }

    /// After `[` (`object` false) or `{` (true): the items or members up to
    /// the closing bracket (one loop for both: the brackets, the commas and
    /// the end are read the same way).
    fn container(&mut self, depth: usize, object: bool) -> Result<Value, Error> {
        self.enter(depth)?;
        self.at += 1;
        let close = if object { b'}' } else { b']' };
        let mut items = Vec::new();
        let mut map = Map::new();
        if self.next_token()? == close {
            self.at += 1;
        } else {
            loop {
                if object {
                    if self.next_token()? != b'"' {
                        return Err(self.error(ErrorKind::ExpectedKey));
                    }
                    self.at += 1;
                    let key = self.string()?;
                    if self.next_token()? != b':' {
                        return Err(self.error(ErrorKind::ExpectedColon));
                    }
                    self.at += 1;
                    let value = self.value(depth)?;
                    map.insert(key, value);
                } else {
                    items.push(self.value(depth)?);
                }
                match self.next_token()? {
                    b',' => self.at += 1,
                    b if b == close => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.error(ErrorKind::ExpectedCommaOrEnd)),
                }
            }
        }
        Ok(if object {
            Value::Object(map)
        } else {
            Value::Array(items)
        })
    }

    /// After the opening `"`: the string up to its closing quote. Runs
    /// without escapes are copied as slices; a string without any escape
    /// is one copy.
    fn string(&mut self) -> Result<String, Error> {
        let mut escaped: Option<String> = None;
        let mut run = self.at;
        loop {
            // Past the plain bytes at once (to a quote, a backslash, a
            // control character or the end).
            let rest = self.bytes.get(self.at..).unwrap_or_default();
            self.at += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            match self.peek() {
                None => return Err(self.error(ErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    let tail = self.slice(run)?;
                    let s = match escaped {
                        Some(mut s) => {
                            s.push_str(tail);
                            s
                        }
                        None => tail.to_owned(),
                    };
                    self.at += 1;
                    return Ok(s);
                }
                Some(b'\\') => {
                    let out = escaped.get_or_insert_with(String::new);
                    out.push_str(self.slice(run)?);
                    self.at += 1;
                    let c = match self.peek() {
                        None => return Err(self.error(ErrorKind::UnexpectedEnd)),
                        Some(b'u') => {
                            self.at += 1;
                            self.unicode_escape()?
                        }
                        Some(b) => {
                            let c = match b {
                                b'"' => '"',
                                b'\\' => '\\',
                                b'/' => '/',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'n' => '\n',
                                b'r' => '\r',
                                b't' => '\t',
                                _ => return Err(self.error(ErrorKind::InvalidEscape)),
                            };
                            self.at += 1;
                            c
                        }
                    };
                    out.push(c);
                    run = self.at;
                }
                Some(0..=0x1f) => return Err(self.error(ErrorKind::ControlCharacter)),
                Some(_) => self.at += 1,
            }
        }
    }

    /// The text from `start` to the current byte. Both are at ASCII bytes
    /// (after a `"`, at a `"` or a backslash, after an escape), so the slice is on
    /// char boundaries.
    fn slice(&self, start: usize) -> Result<&str, Error> {
        self.text
            .get(start..self.at)
            .ok_or_else(|| self.error(ErrorKind::UnexpectedEnd))
    }

    /// After `\u`: one code point (a surrogate pair takes two escapes).
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u".as_slice()) {
                    return Err(if self.at + 2 > self.bytes.len() {
                        self.error(ErrorKind::UnexpectedEnd)
                    } else {
                        self.error(ErrorKind::LoneSurrogate)
                    });
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error(ErrorKind::LoneSurrogate));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error(ErrorKind::LoneSurrogate)),
            other => u32::from(other),
        };
        char::from_u32(code).ok_or_else(|| self.error(ErrorKind::LoneSurrogate))
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let mut code = 0u16;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.error(ErrorKind::UnexpectedEnd)),
                Some(b) => (b as char)
                    .to_digit(16)
                    .ok_or_else(|| self.error(ErrorKind::InvalidUnicodeEscape))?,
            };
            code = code * 16 + digit as u16;
            self.at += 1;
        }
        Ok(code)
    }

    /// A number, classified as serde_json does, read in one pass: its
    /// exact integer value while it fits a `u64`, and its first 19
    /// significant digits and power of ten for a double.
    fn number(&mut self) -> Result<Value, Error> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let mut digits = Digits {
            integer: Some(0),
            significand: 0,
            kept: 0,
            exponent: 0,
        };
        // Integer part: `0` or a non-zero digit and more digits.
        let leading_zero = self.peek() == Some(b'0');
        self.required_digit()?;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if leading_zero && self.at > start + usize::from(negative) {
                return Err(self.error(ErrorKind::InvalidNumber));
            }
            digits.push(d - b'0', false);
            self.at += 1;
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digit()?;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                digits.push(d - b'0', true);
                self.at += 1;
            }
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            let sign = match self.peek() {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            if sign != 0 {
                self.at += 1;
            }
            self.required_digit()?;
            let mut written: i64 = 0;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                // Beyond a million the value is 0 or infinite whatever the digits.
                written = (written * 10 + i64::from(d - b'0')).min(1_000_000);
                self.at += 1;
            }
            digits.exponent += if sign < 0 { -written } else { written };
            float = true;
        }
        if let (false, Some(n)) = (float, digits.integer) {
            if !negative {
                return Ok(Value::Number(Number::from(n)));
            }
            // `-0` is a float in serde_json; `-n` an i64 when it fits.
            if n != 0 {
                if let Some(neg) = 0i64.checked_sub_unsigned(n) {
                    return Ok(Value::Number(Number::from(neg)));
                }
            }
        }
        // Within ±1,000 the value is neither 0 nor infinite for some digits.
        let f = scale(digits.significand, digits.exponent.clamp(-1_000, 1_000));
        if !f.is_finite() {
            return Err(Error {
                kind: ErrorKind::NumberOutOfRange,
                offset: start,
            });
        }
        let f = if negative { -f } else { f };
        Ok(Number::from_f64(f).map_or(Value::Null, Value::Number))
    }

    /// A digit must come next (it is read by the caller).
    fn required_digit(&self) -> Result<(), Error> {
        match self.peek() {
            Some(b'0'..=b'9') => Ok(()),
            None => Err(self.error(ErrorKind::UnexpectedEnd)),
            Some(_) => Err(self.error(ErrorKind::InvalidNumber)),
        }
    }
}

/// A number's digits as they are read.
struct Digits {
    /// The integer part's exact value, while it fits.
    integer: Option<u64>,
    /// The first 19 significant digits.
    significand: u64,
    kept: u32,
    /// The power of ten of the significand's last digit.
    exponent: i64,
}

impl Digits {
    fn push(&mut self, d: u8, fraction: bool) {
        if !fraction {
            self.integer = self
                .integer
                .and_then(|n| n.checked_mul(10)?.checked_add(u64::from(d)));
        }
        if self.significand == 0 && d == 0 {
            // Leading zeros carry no digit.
            self.exponent -= i64::from(fraction);
        } else if self.kept < 19 {
            self.significand = self.significand * 10 + u64::from(d);
            self.kept += 1;
            self.exponent -= i64::from(fraction);
        } else if !fraction {
            // Digits past the 19th: only their place counts.
            self.exponent += 1;
        }
    }
}

/// Exact powers of ten as doubles (10^0 to 10^22 are representable).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `significand` × 10^`exponent` as the nearest double, without the
/// standard library's float parser (its 10 KB power table would be most of
/// this module's size in the wasm). A significand below 2^53 with a power
/// of ten within ±22 (every decimal vendors send) is exact, as Clinger's
/// fast path; beyond, the significand is scaled in double-double arithmetic
/// (about 106 bits), correctly rounded except within a hair of a halfway
/// case (then one unit in the last place).
fn scale(significand: u64, mut exponent: i64) -> f64 {
    if significand == 0 {
        return 0.0;
    }
    if significand < 1 << 53 {
        if let Some(&p) = POW10.get(exponent.unsigned_abs() as usize) {
            // Clinger's fast path: both exact, one rounding.
            let m = significand as f64;
            return if exponent >= 0 { m * p } else { m / p };
        }
    }
    // Scaled by 2^∓128 on the way (exact), so that neither the products
    // nor their error terms overflow or underflow before the last step.
    let shift = if exponent > 0 { 1.0 / TWO_128 } else { TWO_128 };
    let hi = significand as f64;
    // What the rounding to 53 bits left out (below 2^11, exact as a double).
    let lo = significand.wrapping_sub(hi as u64) as i64 as f64;
    let (mut hi, mut lo) = (hi * shift, lo * shift);
    while exponent != 0 && hi.is_finite() && hi != 0.0 {
        let step = exponent.clamp(-22, 22);
        let p = POW10
            .get(step.unsigned_abs() as usize)
            .copied()
            .unwrap_or(1.0);
        (hi, lo) = if step > 0 {
            mul(hi, lo, p)
        } else {
            div(hi, lo, p)
        };
        exponent -= step;
    }
    (hi + lo) / shift
}

/// 2^128, exactly.
const TWO_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

/// `a` split into two halves of 26 bits (Dekker); `None` near overflow.
fn split(a: f64) -> Option<(f64, f64)> {
    let c = 134_217_729.0 * a;
    let high = c - (c - a);
    high.is_finite().then_some((high, a - high))
}

/// `a × b` and its rounding error (Dekker's product, no fused multiply-add).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let error = match (split(a), split(b)) {
        (Some((ah, al)), Some((bh, bl))) => ((ah * bh - p) + ah * bl + al * bh) + al * bl,
        _ => 0.0,
    };
    (p, error)
}

fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// The double-double (`hi`, `lo`) times `p`.
fn mul(hi: f64, lo: f64, p: f64) -> (f64, f64) {
    let (product, error) = two_prod(hi, p);
    fast_two_sum(product, error + lo * p)
}

/// The double-double (`hi`, `lo`) divided by `p`.
fn div(hi: f64, lo: f64, p: f64) -> (f64, f64) {
    let q = hi / p;
    let (t, error) = two_prod(q, p);
    let remainder = ((hi - t) - error) + lo;
    fast_two_sum(q, remainder / p)
}
