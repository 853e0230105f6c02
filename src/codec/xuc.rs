//! Placeholder: being written.

use crate::error::DecodeError;
use crate::model::Decoded;
use serde_json::Value;

/// Decodes one raw message.
pub fn decode(_raw: &Value) -> Result<Decoded, DecodeError> {
    Err(DecodeError::MissingField("event"))
}

/// The `pauseAgent` command: make the agent Not Ready (`reason` labels the pause).
pub fn pause_agent(agent_id: Option<&str>, reason: Option<&str>) -> Value {
    let mut cmd = serde_json::json!({"claz": "web", "command": "pauseAgent"});
    if let Some(map) = cmd.as_object_mut() {
        if let Some(id) = agent_id {
            map.insert("agentid".into(), agent_id_value(id));
        }
        if let Some(reason) = reason {
            map.insert("reason".into(), Value::String(reason.to_owned()));
        }
    }
    cmd
}

/// The `unpauseAgent` command: make the agent Ready.
pub fn unpause_agent(agent_id: Option<&str>) -> Value {
    let mut cmd = serde_json::json!({"claz": "web", "command": "unpauseAgent"});
    if let (Some(map), Some(id)) = (cmd.as_object_mut(), agent_id) {
        map.insert("agentid".into(), agent_id_value(id));
    }
    cmd
}

/// xuc agent ids are integers; send a number when the id is numeric.
fn agent_id_value(id: &str) -> Value {
    id.parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(id.to_owned()))
}
