//! Placeholder: being written.

use crate::error::DecodeError;
use crate::model::Decoded;
use serde_json::Value;

/// Decodes one raw message.
pub fn decode(_raw: &Value, _config: &crate::config::DecodeConfig) -> Result<Decoded, DecodeError> {
    Err(DecodeError::MissingField("event"))
}

/// Placeholder.
pub fn request_sync_omnichannel(status_id: &str) -> Value {
    serde_json::json!({"type": "CRMConnectMessage", "action": "requestSyncOmnichannel", "data": {"statusId": status_id}})
}
