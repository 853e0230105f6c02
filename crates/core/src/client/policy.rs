//! Which URLs the live clients may use: `https:` and `wss:` anywhere,
//! `http:` and `ws:` only on loopback (127.0.0.0/8, `localhost`, `[::1]`).
//!
//! URLs are parsed by a WHATWG parser, so the host that is checked is the
//! host that will be contacted: `http://127.0.0.1.evil.test` is the domain
//! `127.0.0.1.evil.test`, not a loopback address, and
//! `http://127.0.0.1@evil.test` is refused for its user name. URLs with
//! credentials or a fragment are always refused.
//!
//! The parser is the edge's: the browser's `URL` in the widget (no URL
//! parser in the wasm), the `url` crate natively (feature `url-crate`). The
//! policy itself ([`judge`]) is a pure function of the parsed parts.

use std::sync::OnceLock;
use thiserror::Error;

/// A URL as a WHATWG parser serialized it, with the parts the policy and
/// the clients read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The serialized URL.
    pub href: String,
    /// The scheme, without `:`.
    pub scheme: String,
    /// The user name (empty when none).
    pub username: String,
    /// The password (empty when none).
    pub password: String,
    /// The host as serialized: a domain, a dotted IPv4 address, or `[v6]`; empty when none.
    pub hostname: String,
    /// The port, when not the scheme's default.
    pub port: Option<u16>,
    /// The query, without `?` (`Some("")` for a bare `?`).
    pub query: Option<String>,
    /// The fragment, without `#` (`Some("")` for a bare `#`).
    pub fragment: Option<String>,
}

impl Url {
    /// The serialized URL.
    pub fn as_str(&self) -> &str {
        &self.href
    }
    /// The scheme, without `:`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// The query, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }
    /// The host as serialized (`[::1]` for IPv6), if any.
    pub fn host_str(&self) -> Option<&str> {
        (!self.hostname.is_empty()).then_some(self.hostname.as_str())
    }
    /// The port, when not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// The URL with `key=value` appended to its query, form-encoded (as
    /// `url`'s `query_pairs_mut().append_pair` does). For URLs without a
    /// fragment ([`check`] refuses those).
    pub fn with_query_pair(&self, key: &str, value: &str) -> String {
        let mut text = self.href.clone();
        match self.query.as_deref() {
            None => text.push('?'),
            Some("") => {}
            Some(_) => text.push('&'),
        }
        form_encode(key, &mut text);
        text.push('=');
        form_encode(value, &mut text);
        text
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.href)
    }
}

/// `application/x-www-form-urlencoded` byte serialization.
fn form_encode(text: &str, out: &mut String) {
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
}

/// A WHATWG URL parser, chosen by the edge that runs the clients; the error
/// is the parser's complaint.
#[derive(Clone, Copy)]
pub struct UrlParser(pub fn(&str) -> Result<Url, String>);

impl std::fmt::Debug for UrlParser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlParser")
    }
}

impl UrlParser {
    /// The `url` crate's parser (feature `url-crate`).
    #[cfg(feature = "url-crate")]
    pub const URL_CRATE: UrlParser = UrlParser(parse_with_url_crate);

    /// No parser: every URL is refused (an edge that set none).
    pub const NONE: UrlParser = UrlParser(|_| Err("no URL parser in this build".into()));
}

#[cfg(feature = "url-crate")]
fn parse_with_url_crate(text: &str) -> Result<Url, String> {
    let url = url::Url::parse(text).map_err(|e| e.to_string())?;
    Ok(Url {
        href: url.as_str().to_owned(),
        scheme: url.scheme().to_owned(),
        username: url.username().to_owned(),
        password: url.password().unwrap_or_default().to_owned(),
        hostname: url.host_str().unwrap_or_default().to_owned(),
        port: url.port(),
        query: url.query().map(str::to_owned),
        fragment: url.fragment().map(str::to_owned),
    })
}

static PARSER: OnceLock<UrlParser> = OnceLock::new();

/// Sets the URL parser the clients use (once; later calls keep the first).
/// The widget sets the browser's `URL` before it builds a client.
pub fn use_parser(parser: UrlParser) {
    let _ = PARSER.set(parser);
}

/// The parser in use: the one set with [`use_parser`], else the `url`
/// crate's (feature `url-crate`), else [`UrlParser::NONE`].
pub fn parser() -> UrlParser {
    if let Some(parser) = PARSER.get() {
        return *parser;
    }
    #[cfg(feature = "url-crate")]
    return UrlParser::URL_CRATE;
    #[cfg(not(feature = "url-crate"))]
    return UrlParser::NONE;
}

/// What a URL is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// A REST call (`https:`, or `http:` on loopback).
    Http,
    /// A WebSocket (`wss:`, or `ws:` on loopback).
    Socket,
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UrlError {
    /// Not a URL at all.
    #[error("{what}: not a valid URL ({reason})")]
    Invalid {
        /// Which URL (the setting's name).
        what: &'static str,
        /// The parser's complaint.
        reason: String,
    },
    /// A scheme the client never uses for this purpose.
    #[error("{what}: scheme `{scheme}` is not allowed (use {expected})")]
    Scheme {
        /// Which URL (the setting's name).
        what: &'static str,
        /// The scheme given.
        scheme: String,
        /// The schemes allowed (`wss:` / `https:`).
        expected: &'static str,
    },
    /// A clear-text scheme off loopback.
    #[error("{what}: `{scheme}:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `{host}` is not")]
    NotLoopback {
        /// Which URL (the setting's name).
        what: &'static str,
        /// The clear-text scheme given (`http` / `ws`).
        scheme: String,
        /// The host that is not loopback.
        host: String,
    },
    /// User name or password inside the URL.
    #[error("{what}: credentials inside the URL are not allowed")]
    Credentials {
        /// Which URL (the setting's name).
        what: &'static str,
    },
    /// A `#fragment`.
    #[error("{what}: a URL fragment is not allowed")]
    Fragment {
        /// Which URL (the setting's name).
        what: &'static str,
    },
}

/// Whether `hostname` (as a WHATWG parser serializes it) is a loopback
/// host: an IPv4 address in 127.0.0.0/8, the IPv6 address `::1`, or exactly
/// the name `localhost`. The parser has already normalized the numeric forms
/// (`0x7f.1`, `2130706433`) to dotted IPv4, and writes IPv6 compressed and
/// in lower case: `::1` is the only spelling of the loopback address it
/// gives (`[0:0::1]` is not taken for it). Checked by hand: the standard
/// library's address parsers would add ~1 KB to the wasm.
pub fn is_loopback(hostname: &str) -> bool {
    if let Some(v6) = hostname.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6 == "::1";
    }
    is_ipv4_loopback(hostname) || hostname.eq_ignore_ascii_case("localhost")
}

/// Whether `host` is a dotted IPv4 address (four decimal parts of 0-255,
/// no leading zeros: what `Ipv4Addr`'s parser accepts) in 127.0.0.0/8.
fn is_ipv4_loopback(host: &str) -> bool {
    let mut parts = 0;
    for part in host.split('.') {
        let digits = part.bytes().all(|b| b.is_ascii_digit());
        let canonical = matches!(part.len(), 1..=3) && (part == "0" || !part.starts_with('0'));
        let byte = part
            .bytes()
            .fold(0u32, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0') % 10));
        if !digits || !canonical || byte > 255 || (parts == 0 && byte != 127) {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

/// Parses `text` with the parser in use ([`parser`]) and checks it is
/// allowed for `kind`; `what` names the setting in the error.
pub fn check(text: &str, kind: UrlKind, what: &'static str) -> Result<Url, UrlError> {
    let text = text.trim();
    // Host names are ASCII (IDNs in punycode), whichever parser is in use:
    // no look-alike Unicode host names (the browser's parser would map them).
    let authority = text.split_once("://").map_or("", |(_, rest)| {
        rest.split(['/', '\\', '?', '#']).next().unwrap_or_default()
    });
    if !authority.is_ascii() {
        return Err(UrlError::Invalid {
            what,
            reason: "invalid international domain name".into(),
        });
    }
    let url = (parser().0)(text).map_err(|reason| UrlError::Invalid { what, reason })?;
    judge(&url, kind, what)?;
    Ok(url)
}

/// The policy on a parsed URL: the scheme for `kind`, no credentials, no
/// fragment, a host, and clear text only on loopback.
pub fn judge(url: &Url, kind: UrlKind, what: &'static str) -> Result<(), UrlError> {
    let (secure, clear, expected) = match kind {
        UrlKind::Http => ("https", "http", "https: (http: on loopback)"),
        UrlKind::Socket => ("wss", "ws", "wss: (ws: on loopback)"),
    };
    let scheme = url.scheme();
    if scheme != secure && scheme != clear {
        return Err(UrlError::Scheme {
            what,
            scheme: scheme.to_owned(),
            expected,
        });
    }
    if !url.username.is_empty() || !url.password.is_empty() {
        return Err(UrlError::Credentials { what });
    }
    if url.fragment.is_some() {
        return Err(UrlError::Fragment { what });
    }
    if url.hostname.is_empty() {
        return Err(UrlError::Invalid {
            what,
            reason: "no host".into(),
        });
    }
    if scheme == clear && !is_loopback(&url.hostname) {
        return Err(UrlError::NotLoopback {
            what,
            scheme: scheme.to_owned(),
            host: url.hostname.clone(),
        });
    }
    Ok(())
}

/// `base` without trailing slashes, followed by `path` (which starts with `/`).
pub fn join(base: &Url, path: &str) -> String {
    let mut text = base.as_str().trim_end_matches('/').to_owned();
    text.push_str(path);
    text
}

/// Whether `text` is safe as one URL path segment or query value without
/// escaping: ASCII letters, digits, `-`, `_`, `.`, `~`, 1 to 256 characters.
pub fn is_plain_segment(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 256
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// The hand check against the standard library's parsers it replaces,
    /// over dotted forms near the edges and the spellings a WHATWG parser
    /// gives (IPv6 compressed, lower case).
    #[test]
    fn loopback_check_agrees_with_the_std_parsers() {
        let parts = [
            "0", "1", "00", "01", "007", "9", "10", "99", "100", "127", "128", "255", "256", "999",
            "1000", "", "+1", "-1", " 1", "1 ", "a", "0x7f", "١",
        ];
        let std = |h: &str| h.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
        let mut hosts: Vec<String> = Vec::new();
        for a in ["127", "0127", "128", "0", "", "12７"] {
            for b in parts {
                for c in ["0", "255", "256", "01"] {
                    hosts.push(format!("{a}.{b}.{c}.1"));
                    hosts.push(format!("{a}.{c}.{b}"));
                    hosts.push(format!("{a}.{b}.{c}.1.2"));
                    hosts.push(format!("{a}.{b}.{c}.{b}"));
                }
            }
        }
        hosts
            .extend(["127.0.0.1.", ".127.0.0.1", "127..0.1", "localhost", "127"].map(String::from));
        for host in &hosts {
            assert_eq!(is_ipv4_loopback(host), std(host), "{host}");
            assert_eq!(
                is_loopback(host),
                std(host) || host.eq_ignore_ascii_case("localhost"),
                "{host}"
            );
        }
        for v6 in ["::1", "::2", "::", "::ffff:7f00:1", "1::", "fe80::1"] {
            let ip: Ipv6Addr = v6.parse().expect("test address");
            assert_eq!(is_loopback(&format!("[{v6}]")), ip.is_loopback(), "{v6}");
        }
    }
}
