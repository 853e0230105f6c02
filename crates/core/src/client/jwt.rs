//! The expiry of a JSON Web Token, read without verifying it (the server
//! verifies; the widget only wants to say when it will stop working).
//!
//! No JSON parser here: the widget build parses JSON text with the browser,
//! so the payload's top-level `exp` number is found by a small scanner.

/// Longest token looked at (a JWT is a few hundred bytes to a few KiB).
const MAX_TOKEN: usize = 16 * 1024;

/// When `token` expires (ms since the epoch), if it is a JWT with a numeric
/// `exp` claim (seconds since the epoch, RFC 7519 section 4.1.4).
pub fn expiry_ms(token: &str) -> Option<u64> {
    if token.len() > MAX_TOKEN {
        return None;
    }
    let mut parts = token.trim().split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64url(payload)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let secs = number_after_key(text, "exp")?;
    secs.checked_mul(1000)
}

/// Decodes base64url (with or without `=` padding).
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The whole-seconds number of `"key": <number>` at the top level of a
/// JSON object's text (nested objects are skipped; a fraction is dropped).
fn number_after_key(text: &str, key: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        match bytes.get(i)? {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && *bytes.get(end)? != b'"' {
                    if *bytes.get(end)? == b'\\' {
                        end += 1;
                    }
                    end += 1;
                }
                let name = text.get(start..end)?;
                i = end + 1;
                let rest = text.get(i..)?.trim_start();
                if depth == 1 && name == key {
                    if let Some(value) = rest.strip_prefix(':') {
                        let digits: String = value
                            .trim_start()
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect();
                        return digits.parse().ok();
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(payload: &str) -> String {
        const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in payload.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    fn jwt(payload: &str) -> String {
        format!("eyJhbGciOiJIUzI1NiJ9.{}.c2ln", encode(payload))
    }

    #[test]
    fn reads_the_exp_claim() {
        assert_eq!(
            expiry_ms(&jwt(r#"{"sub":"19","exp":1767225600,"iat":1767222000}"#)),
            Some(1_767_225_600_000)
        );
        assert_eq!(
            expiry_ms(&jwt(r#"{ "exp" : 1767225600.5 }"#)),
            Some(1_767_225_600_000)
        );
    }

    #[test]
    fn ignores_nested_and_string_exps_and_non_jwts() {
        assert_eq!(expiry_ms(&jwt(r#"{"ctx":{"exp":1},"sub":"exp"}"#)), None);
        assert_eq!(expiry_ms(&jwt(r#"{"exp":"soon"}"#)), None);
        assert_eq!(expiry_ms("sim-token"), None);
        assert_eq!(expiry_ms("a.b"), None);
        assert_eq!(expiry_ms("a.!!.c"), None);
        assert_eq!(expiry_ms(&format!("{}.x", jwt(r#"{"exp":1}"#))), None);
        assert_eq!(expiry_ms(&jwt(r#"{"exp":99999999999999999999}"#)), None);
    }
}
