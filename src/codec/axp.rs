//! Placeholder: being written.

use crate::error::DecodeError;
use crate::model::Decoded;
use serde_json::Value;

/// Decodes one raw message.
pub fn decode(_raw: &Value) -> Result<Decoded, DecodeError> {
    Err(DecodeError::MissingField("event"))
}
