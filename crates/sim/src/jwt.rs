//! AXP tokens that are JSON Web Tokens: one whose `exp` claim is past (on
//! the simulator's clock, skew included) is refused, as the real token
//! server's resource servers refuse it. The signature is not checked: the
//! simulator accepts the tokens it is told to (`--token`).

use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

/// Whether `token` is a JWT whose `exp` (seconds since the epoch) is at or
/// before now plus `skew_ms`. Anything else (an opaque token) never expires.
pub fn expired(token: &str, skew_ms: i64) -> bool {
    let Some(exp) = exp_of(token) else {
        return false;
    };
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
        .saturating_add(skew_ms);
    (exp as i64).saturating_mul(1000) <= now_ms
}

/// The `exp` claim of a JWT.
pub fn exp_of(token: &str) -> Option<u64> {
    let mut parts = token.split('.');
    let payload = parts.nth(1)?;
    if parts.count() != 1 {
        return None;
    }
    let json: Value = serde_json::from_slice(&base64url(payload)?).ok()?;
    json.get("exp")?.as_f64().map(|e| e as u64)
}

fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_exps_are_expired_and_opaque_tokens_never() {
        // {"exp":1} and {"exp":4102444800} (2100-01-01).
        assert!(expired("e30.eyJleHAiOjF9.c2ln", 0));
        assert!(!expired("e30.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln", 0));
        assert_eq!(exp_of("e30.eyJleHAiOjF9.c2ln"), Some(1));
        assert!(!expired("sim-token", 0));
        assert!(!expired("a.b.c.d", 0));
    }
}
