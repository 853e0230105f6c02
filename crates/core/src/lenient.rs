//! Lenient field decoders for real vendor traffic.
//!
//! Vendors' own samples disagree with each other: a number sent as a string,
//! a boolean as `"true"`, an event name in another case or with a prefix.
//! These helpers accept every unambiguous spelling and reject the rest with
//! a clear reason. Use them with `#[serde(deserialize_with = "...")]`; the
//! codecs use their equivalents over a parsed value in
//! [`crate::codec::fields`], which are tested against these.

use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::fmt;

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e21 {
            Ok(format!("{v:.0}"))
        } else if v.is_finite() {
            Ok(v.to_string())
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// A string, also accepting a number (written without a fraction when integral).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringVisitor)
}

/// An optional string: absent or `null` is `None`; numbers are accepted; an
/// empty string is `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            opt_string(d)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then(|| v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then_some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            StringVisitor.visit_i64(v).map(Some)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            StringVisitor.visit_u64(v).map(Some)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            StringVisitor.visit_f64(v).map(Some)
        }
    }
    d.deserialize_any(Opt)
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or a string holding one")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // JavaScript numbers arrive as f64; accept integral values in range.
        if v.is_finite() && v.fract() == 0.0 && v.abs() <= 9.007_199_254_740_992e15 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// An integer, also accepting a numeric string or an integral float.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor)
}

/// An optional integer: absent, `null` or `""` is `None`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer, a string holding one, or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            opt_int(d)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            IntVisitor.visit_u64(v).map(Some)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            IntVisitor.visit_f64(v).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                IntVisitor.visit_str(v).map(Some)
            }
        }
    }
    d.deserialize_any(Opt)
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean, \"true\"/\"false\" or 0/1")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        if v == 0.0 {
            Ok(false)
        } else if v == 1.0 {
            Ok(true)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if v.eq_ignore_ascii_case("true") || v == "1" {
            Ok(true)
        } else if v.eq_ignore_ascii_case("false") || v == "0" {
            Ok(false)
        } else {
            Err(E::invalid_value(Unexpected::Str(v), &self))
        }
    }
}

/// A boolean, also accepting `"true"` / `"false"` and `0` / `1`.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// An optional boolean: absent or `null` is `None`.
pub fn opt_boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a boolean or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            opt_boolean(d)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            BoolVisitor.visit_i64(v).map(Some)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            BoolVisitor.visit_u64(v).map(Some)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            BoolVisitor.visit_f64(v).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            BoolVisitor.visit_str(v).map(Some)
        }
    }
    d.deserialize_any(Opt)
}

/// Canonical form of a vendor event name for matching: ASCII upper-case with
/// everything but letters and digits removed (`"Job-Started"`, `"jobstarted"`
/// and `"JOB_STARTED"` all become `"JOBSTARTED"`).
pub fn event_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Matches a received event name against known names (given as canonical
/// keys, see [`event_key`], or in other ASCII case without separators),
/// tolerating case, separators and a vendor prefix
/// (`"AD_JOBSTARTED"`, `"onJobStarted"`). Returns the index of the match.
pub fn match_event(name: &str, known: &[&str]) -> Option<usize> {
    match_event_by(name, known, |k| k)
}

/// [`match_event`] over a table whose entries hold their canonical key, or
/// a spelling of it in other ASCII case (letters and digits only: the
/// vendor's `AgentReady` for `AGENTREADY`). Names up to 64 letters and
/// digits are canonicalized without allocating.
pub fn match_event_by<T>(name: &str, known: &[T], key_of: impl Fn(&T) -> &str) -> Option<usize> {
    match_keys(name, known.len(), &|i| known.get(i).map_or("", &key_of))
}

/// [`match_event_by`] once for every table type: `key_at(i)` is the
/// canonical key of entry `i` of `count`.
fn match_keys<'a>(name: &str, count: usize, key_at: &dyn Fn(usize) -> &'a str) -> Option<usize> {
    let mut buf = [0u8; 64];
    let owned;
    let key = match canonical_in(name, &mut buf) {
        Some(key) => key,
        None => {
            owned = event_key(name);
            owned.as_bytes()
        }
    };
    // A known name may be spelled in any case ("AgentReady" for
    // "AGENTREADY"): a table then needs no second, upper-case copy of it.
    // The first entry equal to the key wins; else a prefix: the longest
    // known name the key ends with (the last of equally long ones).
    // One plain loop (an iterator chain cost twice the code).
    let mut best: Option<(usize, usize)> = None;
    for i in 0..count {
        let k = key_at(i).as_bytes();
        if k.eq_ignore_ascii_case(key) {
            return Some(i);
        }
        let end = key
            .len()
            .checked_sub(k.len())
            .filter(|&start| start > 0)
            .and_then(|start| key.get(start..));
        if end.is_some_and(|end| end.eq_ignore_ascii_case(k))
            && best.is_none_or(|(_, len)| k.len() >= len)
        {
            best = Some((i, k.len()));
        }
    }
    best.map(|(i, _)| i)
}

/// [`event_key`] written into `buf` (ASCII bytes); `None` when it does not fit.
fn canonical_in<'a>(name: &str, buf: &'a mut [u8; 64]) -> Option<&'a [u8]> {
    let mut len = 0;
    for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
        *buf.get_mut(len)? = b.to_ascii_uppercase();
        len += 1;
    }
    buf.get(..len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(deserialize_with = "string")]
        s: String,
        #[serde(default, deserialize_with = "opt_int")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_boolean")]
        b: Option<bool>,
    }

    #[test]
    fn accepts_numbers_as_strings_and_back() {
        let t: T = T::deserialize(&json!({"s": 514, "n": "42", "b": "true"})).unwrap();
        assert_eq!(t.s, "514");
        assert_eq!(t.n, Some(42));
        assert_eq!(t.b, Some(true));
        let t: T = T::deserialize(&json!({"s": 1.0e3, "n": null})).unwrap();
        assert_eq!(t.s, "1000");
        assert_eq!(t.n, None);
        assert!(T::deserialize(&json!({"s": "x", "n": "4x"})).is_err());
        assert!(T::deserialize(&json!({"s": "x", "b": 2})).is_err());
        assert!(T::deserialize(&json!({"s": []})).is_err());
    }

    #[test]
    fn event_names_match_case_and_prefix_insensitively() {
        let known = ["JOBSTARTED", "STARTED", "RINGING"];
        assert_eq!(match_event("JobStarted", &known), Some(0));
        assert_eq!(match_event("job_started", &known), Some(0));
        assert_eq!(match_event("AD.JOBSTARTED", &known), Some(0));
        assert_eq!(match_event("ringing", &known), Some(2));
        assert_eq!(match_event("ring", &known), None);
        assert_eq!(match_event("", &known), None);
        // Past the 64-character buffer: the same rules.
        let long = format!("{}_JobStarted", "x".repeat(70));
        assert_eq!(match_event(&long, &known), Some(0));
        assert_eq!(match_event(&"Ringing".repeat(10), &known), Some(2));
    }

    /// Known names in the vendor's own case match as their canonical keys
    /// do: exactly, and as the longest suffix after a prefix.
    #[test]
    fn known_names_may_be_given_in_any_case() {
        let upper = ["JOBSTARTED", "STARTED", "RINGING"];
        let vendor = ["JobStarted", "Started", "Ringing"];
        for name in [
            "JobStarted",
            "job_started",
            "AD.JOBSTARTED",
            "onStarted",
            "started",
            "ringing",
            "ring",
            "",
            "xStarted",
            "Cti.JobStarted",
        ] {
            assert_eq!(
                match_event(name, &vendor),
                match_event(name, &upper),
                "{name}"
            );
        }
        assert_eq!(match_event("Cti.jobstarted", &vendor), Some(0));
        assert_eq!(match_event("onStarted", &vendor), Some(1));
    }

    /// The matcher as it was written before its plain loop (bench/README.md,
    /// `lean-size-core5`): every name canonicalized with `event_key`, the
    /// first entry equal to it, else the last of the longest entries it ends
    /// with (`max_by_key`).
    fn reference(name: &str, known: &[&str]) -> Option<usize> {
        let key = event_key(name);
        if let Some(i) = known.iter().position(|k| k.eq_ignore_ascii_case(&key)) {
            return Some(i);
        }
        known
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                key.len() > k.len()
                    && key
                        .get(key.len() - k.len()..)
                        .is_some_and(|end| end.eq_ignore_ascii_case(k))
            })
            .max_by_key(|(_, k)| k.len())
            .map(|(i, _)| i)
    }

    /// [`match_event`] against [`reference`] over tables with ties, empty
    /// and repeated entries and names around the 64-character buffer.
    #[test]
    fn matching_agrees_with_the_reference() {
        let tables: [&[&str]; 5] = [
            &["JOBSTARTED", "STARTED", "RINGING"],
            &["AgentReady", "Ready", "ready", "AgentOnPause", "Pause"],
            &["AB", "CD", "ab", "B", "b", ""],
            &["", "X"],
            &[],
        ];
        let parts = [
            "", "a", "B", "ab", "Agent", "ready", "READY", "_", "-", ".", "é", "Started", "job",
            "Ringing", "Pause", "On", "x", "cd", "9",
        ];
        let mut names = Vec::new();
        for a in parts {
            for b in parts {
                for c in ["", "Ready", "AB", "Started"] {
                    names.push(format!("{a}{b}{c}"));
                }
            }
        }
        for n in [60, 62, 63, 64, 65, 70] {
            for tail in ["Ready", "AgentReady", "B", "JobStarted", ""] {
                names.push(format!("{}{tail}", "x".repeat(n)));
                names.push(format!("{}{tail}", "-".repeat(n)));
            }
            names.push("Ready".repeat(n / 5 + 1));
        }
        for table in tables {
            for name in &names {
                assert_eq!(
                    match_event(name, table),
                    reference(name, table),
                    "{name:?} in {table:?}"
                );
            }
        }
    }
}
