//! Scrubbing free text before it is kept in the log ring: the same rules as
//! the drop-in's `redact` (www/cti-bridge.js), so a line logged in the widget
//! and one logged on the host read the same.
//!
//! - `Bearer x`, `Basic x`, `Token x` lose the credential (one that looks
//!   opaque: 16 characters or more, or 8 with a digit or punctuation);
//! - JWTs (`eyJ…`) and long opaque strings that mix letters and digits (API
//!   keys, session ids, 24 characters or more) become `[redacted]`;
//! - runs of six or more digits, with the separators phone numbers use
//!   (space, `-`, `.`, parentheses, a leading `+`), keep their last two digits.
//!
//! Secrets held as [`crate::client::secret::Secret`] never reach a log line
//! at all (their `Display` is `[redacted]`); this is the second line of defence.

/// The redacted form of a secret.
pub const REDACTED: &str = "[redacted]";

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn is_credential(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/' | '=')
}

/// `text` with credentials, tokens and phone-like digit runs scrubbed.
pub fn redact_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let prev_word = i > 0 && chars.get(i - 1).is_some_and(|p| is_word(*p));
        if !prev_word {
            if let Some(end) = phone_end(&chars, i) {
                mask_digits(chars.get(i..end).unwrap_or(&[]), &mut out);
                i = end;
                continue;
            }
        }
        if is_word(c) && !prev_word {
            let mut end = i;
            while chars.get(end).is_some_and(|c| is_word(*c)) {
                end += 1;
            }
            // Read in place (words and credentials are ASCII: no copies).
            let word = chars.get(i..end).unwrap_or(&[]);
            // `Bearer <credential>`: the scheme stays, the credential goes.
            let scheme = ["bearer", "basic", "token"].iter().any(|s| {
                s.len() == word.len()
                    && s.chars().zip(word).all(|(a, b)| b.eq_ignore_ascii_case(&a))
            });
            if scheme {
                let mut j = end;
                while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\t') {
                    j += 1;
                }
                let mut k = j;
                while chars.get(k).is_some_and(|c| is_credential(*c)) {
                    k += 1;
                }
                // A credential, not an English word ("the token was refused").
                let credential = chars.get(j..k).unwrap_or(&[]);
                let opaque = credential.len() >= 16
                    || (credential.len() >= 8
                        && credential.iter().any(|c| !c.is_ascii_alphabetic()));
                if j > end && opaque {
                    out.push_str(REDACTED);
                    i = k;
                    continue;
                }
            }
            // A JWT: three base64url parts joined by dots.
            if word.starts_with(&['e', 'y', 'J']) {
                let mut k = end;
                while chars
                    .get(k)
                    .is_some_and(|c| is_word(*c) || (*c == '.' && k + 1 < chars.len()))
                {
                    k += 1;
                }
                if k > end {
                    out.push_str(REDACTED);
                    i = k;
                    continue;
                }
            }
            let long = end - i >= 24;
            let digit = word.iter().any(char::is_ascii_digit);
            let letter = word.iter().any(char::is_ascii_alphabetic);
            if long && digit && letter {
                out.push_str(REDACTED);
            } else {
                out.extend(word);
            }
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The end of a phone-like run starting at `start` (six digits or more), if any.
fn phone_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start;
    if chars.get(i) == Some(&'+') {
        i += 1;
    }
    if chars.get(i) == Some(&'(') {
        i += 1;
    }
    if !chars.get(i).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut last_digit = i;
    let mut digits = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_digit() {
            digits += 1;
            last_digit = i;
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')') {
            break;
        }
        i += 1;
    }
    let end = last_digit + 1;
    let followed_by_word = chars.get(end).is_some_and(|c| is_word(*c));
    (digits >= 6 && !followed_by_word).then_some(end)
}

fn mask_digits(run: &[char], out: &mut String) {
    let digits = run.iter().filter(|c| c.is_ascii_digit());
    let masked = digits.clone().count().saturating_sub(2);
    for (n, digit) in digits.enumerate() {
        out.push(if n < masked { '*' } else { *digit });
    }
}

#[cfg(test)]
mod tests {
    use super::{is_credential, is_word, phone_end, redact_text, REDACTED};

    /// [`redact_text`] as it was before the size pass (bench/README.md,
    /// "Diagnostics report").
    fn old_redact_text(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            let prev_word = i > 0 && chars.get(i - 1).is_some_and(|p| is_word(*p));
            if !prev_word {
                if let Some(end) = phone_end(&chars, i) {
                    old_mask_digits(chars.get(i..end).unwrap_or(&[]), &mut out);
                    i = end;
                    continue;
                }
            }
            if is_word(c) && !prev_word {
                let mut end = i;
                while chars.get(end).is_some_and(|c| is_word(*c)) {
                    end += 1;
                }
                let word: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
                // `Bearer <credential>`: the scheme stays, the credential goes.
                if ["bearer", "basic", "token"].contains(&word.to_ascii_lowercase().as_str()) {
                    let mut j = end;
                    while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\t') {
                        j += 1;
                    }
                    let mut k = j;
                    while chars.get(k).is_some_and(|c| is_credential(*c)) {
                        k += 1;
                    }
                    // A credential, not an English word ("the token was refused").
                    let credential: String = chars.get(j..k).unwrap_or(&[]).iter().collect();
                    let opaque = credential.len() >= 16
                        || (credential.len() >= 8
                            && credential.chars().any(|c| !c.is_ascii_alphabetic()));
                    if j > end && opaque {
                        out.push_str(REDACTED);
                        i = k;
                        continue;
                    }
                }
                // A JWT: three base64url parts joined by dots.
                if word.starts_with("eyJ") {
                    let mut k = end;
                    while chars
                        .get(k)
                        .is_some_and(|c| is_word(*c) || (*c == '.' && k + 1 < chars.len()))
                    {
                        k += 1;
                    }
                    if k > end {
                        out.push_str(REDACTED);
                        i = k;
                        continue;
                    }
                }
                let long = end - i >= 24;
                let digit = word.chars().any(|c| c.is_ascii_digit());
                let letter = word.chars().any(|c| c.is_ascii_alphabetic());
                if long && digit && letter {
                    out.push_str(REDACTED);
                } else {
                    out.push_str(&word);
                }
                i = end;
                continue;
            }
            out.push(c);
            i += 1;
        }
        out
    }

    fn old_mask_digits(run: &[char], out: &mut String) {
        let digits: Vec<char> = run.iter().copied().filter(char::is_ascii_digit).collect();
        let keep = digits.len().saturating_sub(2);
        for _ in 0..keep {
            out.push('*');
        }
        out.extend(digits.iter().skip(keep));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The same text as before the size pass, for any text made of the
        /// characters the rules look at.
        #[test]
        fn redaction_is_as_before_the_size_pass(
            text in "([a-zA-Z0-9 ._~+/=()\\t-]|Bearer |basic |TOKEN |eyJ|é|[0-9]{6}){0,40}"
        ) {
            proptest::prop_assert_eq!(redact_text(&text), old_redact_text(&text));
        }
    }

    #[test]
    fn phone_numbers_keep_their_last_two_digits() {
        assert_eq!(
            redact_text("call +44 20 7946 0958 now"),
            "call **********58 now"
        );
        assert_eq!(redact_text("dial 0612345678."), "dial ********78.");
        assert_eq!(redact_text("(020) 7946-0958"), "*********58");
        assert_eq!(redact_text("queue 12345 agent 19"), "queue 12345 agent 19");
        assert_eq!(redact_text("id abc1234567"), "id abc1234567");
    }

    #[test]
    fn credentials_and_tokens_go() {
        assert_eq!(
            redact_text("Authorization: Bearer sim-token"),
            "Authorization: [redacted]"
        );
        assert_eq!(
            redact_text("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ok"),
            "[redacted] ok"
        );
        assert_eq!(
            redact_text("jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ok"),
            "jwt=[redacted] ok"
        );
        assert_eq!(
            redact_text("key 9f8e7d6c5b4a39281706f5e4d3c2b1a0 end"),
            "key [redacted] end"
        );
        assert_eq!(
            redact_text("the token was refused (HTTP 401)"),
            "the token was refused (HTTP 401)"
        );
        assert_eq!(redact_text("état connecté"), "état connecté");
    }
}
