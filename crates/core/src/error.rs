//! Typed decode errors: every rejected message says what was wrong.

use thiserror::Error;

/// Why an inbound message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The text is not JSON at all.
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// The message is larger than the bridge accepts.
    #[error("message is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Size of the message, in bytes.
        size: usize,
        /// The limit it went over ([`crate::codec::MAX_MESSAGE_BYTES`]).
        limit: usize,
    },
    /// The message nests objects/arrays deeper than the bridge accepts.
    #[error("message nests deeper than {limit} levels")]
    TooDeep {
        /// The nesting limit ([`crate::codec::MAX_DEPTH`]).
        limit: usize,
    },
    /// A JSON object was expected.
    #[error("expected a JSON object, got {found}")]
    NotAnObject {
        /// The JSON type received instead (`an array`, `a string` ...).
        found: &'static str,
    },
    /// The discriminator field (`event`, `msgType`, `action` ...) is missing.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// The message names an event/action/type this protocol does not define.
    #[error("unknown {what} `{name}`")]
    Unknown {
        /// What kind of name it is (`xuc message type`, `AXP frame` ...).
        what: &'static str,
        /// The name as received.
        name: String,
    },
    /// A field has the wrong type or an impossible value (with its path).
    #[error("{context}: {reason}")]
    Invalid {
        /// Where: message type and field path (`xuc AgentStateEvent at agentId`).
        context: String,
        /// What was wrong with it.
        reason: String,
    },
}

/// A [`DecodeError`] behind one pointer: the codecs' helpers return it, so
/// that every `?` between them moves a pointer, not the whole error
/// (bench/README.md). The public decoders return the error itself.
pub type Fault = Box<DecodeError>;

impl From<Fault> for DecodeError {
    fn from(fault: Fault) -> Self {
        *fault
    }
}

impl DecodeError {
    /// An invalid-field error with context.
    pub fn invalid(context: impl Into<String>, reason: impl Into<String>) -> Self {
        DecodeError::Invalid {
            context: context.into(),
            reason: reason.into(),
        }
    }

    /// A short stable code for counting errors by kind. Not inlined: each
    /// inlined copy held the seven codes' texts again in the data.
    #[inline(never)]
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Syntax(_) => "syntax",
            DecodeError::TooLarge { .. } => "tooLarge",
            DecodeError::TooDeep { .. } => "tooDeep",
            DecodeError::NotAnObject { .. } => "notAnObject",
            DecodeError::MissingField(_) => "missingField",
            DecodeError::Unknown { .. } => "unknown",
            DecodeError::Invalid { .. } => "invalid",
        }
    }
}
