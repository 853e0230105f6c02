//! Which URLs the live clients may use: `https:` and `wss:` anywhere,
//! `http:` and `ws:` only on loopback (127.0.0.0/8, `localhost`, `[::1]`).
//!
//! URLs are parsed with the WHATWG parser of the `url` crate, so the host
//! that is checked is the host that will be contacted:
//! `http://127.0.0.1.evil.test` is the domain `127.0.0.1.evil.test`, not a
//! loopback address, and `http://127.0.0.1@evil.test` is refused for its
//! user name. URLs with credentials or a fragment are always refused.

use thiserror::Error;
use url::{Host, Url};

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

/// Whether `host` is a loopback host: an IPv4 address in 127.0.0.0/8,
/// the IPv6 address `::1`, or exactly the name `localhost`.
pub fn is_loopback(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses `text` and checks it is allowed for `kind`; `what` names the
/// setting in the error.
pub fn check(text: &str, kind: UrlKind, what: &'static str) -> Result<Url, UrlError> {
    let url = Url::parse(text.trim()).map_err(|e| UrlError::Invalid {
        what,
        reason: e.to_string(),
    })?;
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
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::Credentials { what });
    }
    if url.fragment().is_some() {
        return Err(UrlError::Fragment { what });
    }
    if url.host().is_none() {
        return Err(UrlError::Invalid {
            what,
            reason: "no host".into(),
        });
    }
    if scheme == clear && !is_loopback(url.host()) {
        return Err(UrlError::NotLoopback {
            what,
            scheme: scheme.to_owned(),
            host: url.host_str().unwrap_or_default().to_owned(),
        });
    }
    Ok(url)
}

/// `base` without trailing slashes, followed by `path` (which starts with `/`).
pub fn join(base: &Url, path: &str) -> String {
    let text = base.as_str();
    format!("{}{}", text.trim_end_matches('/'), path)
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
