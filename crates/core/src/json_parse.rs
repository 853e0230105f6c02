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
//! integers out of range), duplicate keys last-wins. Floats are correctly
//! rounded (Rust's `f64` parsing, as `JSON.parse`); serde_json without its
//! `float_roundtrip` feature may differ from it by one unit in the last place.
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
    /// Larger than [`MAX_MESSAGE_BYTES`].
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
            offset: MAX_MESSAGE_BYTES,
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
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
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
            _ => {
                // Point at the first byte that differs (or the end).
                let same = self
                    .bytes
                    .iter()
                    .skip(self.at)
                    .zip(word.as_bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                self.at += same;
                let kind = if self.at >= self.bytes.len() {
                    ErrorKind::UnexpectedEnd
                } else {
                    ErrorKind::ExpectedLiteral
                };
                Err(self.error(kind))
            }
        }
    }

    fn enter(&self, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(self.error(ErrorKind::TooDeep));
        }
        Ok(())
    }

    /// After `[`.
    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        self.enter(depth)?;
        self.at += 1;
        let mut items = Vec::new();
        if self.next_token()? == b']' {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            match self.next_token()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(ErrorKind::ExpectedCommaOrEnd)),
            }
        }
    }

    /// After `{`.
    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        self.enter(depth)?;
        self.at += 1;
        let mut map = Map::new();
        if self.next_token()? == b'}' {
            self.at += 1;
            return Ok(Value::Object(map));
        }
        loop {
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
            match self.next_token()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.error(ErrorKind::ExpectedCommaOrEnd)),
            }
        }
    }

    /// After the opening `"`: the string up to its closing quote.
    fn string(&mut self) -> Result<String, Error> {
        let start = self.at;
        // Fast path: no escapes, copied as one slice.
        loop {
            match self.peek() {
                None => return Err(self.error(ErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    let s = self.slice(start)?.to_owned();
                    self.at += 1;
                    return Ok(s);
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.error(ErrorKind::ControlCharacter)),
                Some(_) => self.at += 1,
            }
        }
        let mut out = String::from(self.slice(start)?);
        self.escaped(&mut out)?;
        Ok(out)
    }

    /// The text from `start` to the current byte. Both are at ASCII bytes
    /// (after a `"`, at a `"` or `\`), so the slice is on char boundaries.
    fn slice(&self, start: usize) -> Result<&str, Error> {
        self.text
            .get(start..self.at)
            .ok_or_else(|| self.error(ErrorKind::UnexpectedEnd))
    }

    /// The rest of a string that has escapes, appended to `out`.
    fn escaped(&mut self, out: &mut String) -> Result<(), Error> {
        loop {
            let run = self.at;
            loop {
                match self.peek() {
                    None => return Err(self.error(ErrorKind::UnexpectedEnd)),
                    Some(b'"' | b'\\') => break,
                    Some(0..=0x1f) => return Err(self.error(ErrorKind::ControlCharacter)),
                    Some(_) => self.at += 1,
                }
            }
            out.push_str(self.slice(run)?);
            if self.peek() == Some(b'"') {
                self.at += 1;
                return Ok(());
            }
            // A backslash.
            self.at += 1;
            let c = match self.peek() {
                None => return Err(self.error(ErrorKind::UnexpectedEnd)),
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    self.at += 1;
                    out.push(self.unicode_escape()?);
                    continue;
                }
                Some(_) => return Err(self.error(ErrorKind::InvalidEscape)),
            };
            self.at += 1;
            out.push(c);
        }
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

    /// A number, classified as serde_json does.
    fn number(&mut self) -> Result<Value, Error> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        // Integer part: `0` or a non-zero digit and more digits.
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(ErrorKind::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            None => return Err(self.error(ErrorKind::UnexpectedEnd)),
            Some(_) => return Err(self.error(ErrorKind::InvalidNumber)),
        }
        let int_end = self.at;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.required_digits()?;
            float = true;
        }
        let text = self.slice(start)?;
        if !float {
            let digits = self.text.get(start + usize::from(negative)..int_end);
            if let Some(digits) = digits {
                if let Ok(n) = digits.parse::<u64>() {
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
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Number::from_f64(f).map_or(Value::Null, Value::Number)),
            _ => Err(Error {
                kind: ErrorKind::NumberOutOfRange,
                offset: start,
            }),
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            None => Err(self.error(ErrorKind::UnexpectedEnd)),
            Some(_) => Err(self.error(ErrorKind::InvalidNumber)),
        }
    }
}
