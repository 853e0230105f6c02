//! Placeholder: being written.

use crate::error::DecodeError;
use crate::model::Decoded;
use serde_json::Value;

/// Decodes one raw message.
pub fn decode(_raw: &Value) -> Result<Decoded, DecodeError> {
    Err(DecodeError::MissingField("event"))
}

/// Placeholder.
pub fn agent_ready() -> Value {
    serde_json::json!({"namespace": "AGENT", "method": "Ready", "args": []})
}

/// Placeholder.
pub fn agent_pause(substate: Option<&str>) -> Value {
    serde_json::json!({"namespace": "AGENT", "method": "Pause", "args": substate.into_iter().collect::<Vec<_>>()})
}
