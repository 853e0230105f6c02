//! Values that must never be printed: tokens, passwords, URLs that carry a
//! token, frames and request bodies that contain one.
//!
//! Their `Debug` and `Display` show `[redacted]`; the only way to the text is
//! an explicit `expose()` at the point where it goes on the wire.

use serde_json::Value;
use std::fmt;

/// A secret string (access token, password). Never shown by `Debug` / `Display`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The secret text, for the wire only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// One outgoing JSON document (a WebSocket frame or a request body). A
/// sensitive one (it carries a token or a password) prints as `[redacted]`.
#[derive(Clone, PartialEq)]
pub struct Frame {
    value: Value,
    sensitive: bool,
}

impl Frame {
    /// A frame with nothing secret in it.
    pub fn plain(value: Value) -> Self {
        Frame {
            value,
            sensitive: false,
        }
    }

    /// A frame that carries a secret.
    pub fn sensitive(value: Value) -> Self {
        Frame {
            value,
            sensitive: true,
        }
    }

    /// The JSON document, for the wire only.
    pub fn expose(&self) -> &Value {
        &self.value
    }

    /// Whether the frame carries a secret.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sensitive {
            f.write_str("Frame([redacted])")
        } else {
            write!(f, "Frame({})", self.value)
        }
    }
}

/// A URL to open, with the form safe to show (query redacted when it holds a token).
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    full: Secret,
    shown: String,
}

impl Target {
    /// A URL with nothing secret in it.
    pub fn plain(url: String) -> Self {
        Target {
            shown: url.clone(),
            full: Secret::new(url),
        }
    }

    /// A URL whose query carries a secret: shown without it.
    pub fn with_secret_query(url: String) -> Self {
        let shown = match url.split_once('?') {
            Some((path, _)) => format!("{path}?[redacted]"),
            None => url.clone(),
        };
        Target {
            full: Secret::new(url),
            shown,
        }
    }

    /// The URL to connect to, for the wire only.
    pub fn expose(&self) -> &str {
        self.full.expose()
    }

    /// The URL as it may be shown and logged.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.shown)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}
