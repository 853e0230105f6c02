//! Socket helpers shared by both simulators: closing, and the frames the
//! `malformed` and `oversized` faults send.

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde_json::json;
use std::time::Duration;

/// Normal closure.
pub const CLOSE_NORMAL: u16 = 1000;
/// Server going away (shutdown).
pub const CLOSE_GOING_AWAY: u16 = 1001;
/// Policy violation (authentication refused, heartbeat or ping timeout).
pub const CLOSE_POLICY: u16 = 1008;
/// Server error.
pub const CLOSE_SERVER_ERROR: u16 = 1011;

/// Largest client frame read (the project's message limit plus room).
pub const MAX_CLIENT_MESSAGE: usize = 512 * 1024;

/// Size of the `oversized` fault's frame: over the 256 KiB limit.
pub const OVERSIZED_BYTES: usize = 300 * 1024;

/// Sends a text frame; false when the socket is gone.
pub async fn send_text(ws: &mut WebSocket, text: &str) -> bool {
    ws.send(Message::Text(text.into())).await.is_ok()
}

/// Sends a close frame and waits briefly for the peer's close.
pub async fn close(mut ws: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if ws.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(m)) = ws.recv().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// A frame cut in the middle: not valid JSON.
pub fn malformed(proto: super::fault::Proto) -> String {
    match proto {
        super::fault::Proto::Axp => {
            r#"{"correlationId":"malformed","family":"AGENT_ENGAGEMENT","body":{"event":"AgentState","state":"#
                .to_owned()
        }
        super::fault::Proto::Xuc => {
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentRea"#.to_owned()
        }
    }
}

/// A well-formed frame of [`OVERSIZED_BYTES`] (over the message limit).
pub fn oversized(proto: super::fault::Proto) -> String {
    let padding = "x".repeat(OVERSIZED_BYTES);
    match proto {
        super::fault::Proto::Axp => json!({
            "correlationId": uuid::Uuid::new_v4().to_string(),
            "family": "AGENT_ENGAGEMENT",
            "sentAt": super::clock::now_iso(),
            "body": {"event": "AgentState", "state": "READY", "padding": padding,
                     "id": uuid::Uuid::new_v4().to_string()},
        })
        .to_string(),
        super::fault::Proto::Xuc => json!({
            "msgType": "Sheet",
            "ctiMessage": {"timenow": 0, "compressed": false, "serial": "xml",
                           "payload": {"padding": padding}},
        })
        .to_string(),
    }
}
