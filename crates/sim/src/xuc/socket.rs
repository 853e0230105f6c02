//! The xuc CTI WebSocket `/xuc/api/2.0/cti?token=...`: greeting frames,
//! `{claz: "web"}` commands, `{claz: "ping"}` heartbeats (each answered with
//! [`PONG`], so that xuc's own `cti.js`, which drops a link after three
//! heartbeat periods without any frame, stays connected to an idle server)
//! with the three-miss close, scenario frames and session faults.

use crate::fault::{Fault, Proto};
use crate::session::{SessionMsg, XucPeer};
use crate::state::{Shared, State};
use crate::ws;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State as AxumState};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use tokio::time::{sleep_until, Instant};

/// Heartbeats missed before the server closes the socket.
pub const MISSED_HEARTBEATS: u32 = 3;

/// The answer to every `{"claz": "ping"}`. `cti.js` counts any frame from the
/// server as the link being alive; which frame a real xuc server sends is
/// unconfirmed (docs/protocols.md#xuc-heartbeat), this one decodes as a
/// `connection` `pong`.
pub const PONG: &str = r#"{"msgType":"Pong","ctiMessage":{}}"#;

/// The socket's query string.
#[derive(Debug, Deserialize)]
pub struct CtiQuery {
    token: Option<String>,
}

/// `GET /xuc/api/2.0/cti?token=...`.
pub async fn upgrade(
    AxumState(shared): AxumState<Arc<Shared>>,
    Query(query): Query<CtiQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(ws::MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| run(shared, socket, query.token))
}

/// What a live session does next.
enum Step {
    Drop,
    Stall,
    Send(String),
    Replay(Arc<str>),
    Nothing,
}

fn session_fault(st: &mut State, stalled: bool, last: Option<&Arc<str>>) -> Step {
    let p = Proto::Xuc;
    if st.faults.take(Fault::Drop, p) {
        return Step::Drop;
    }
    if stalled {
        return Step::Nothing;
    }
    if st.faults.take(Fault::StallHeartbeats, p) {
        return Step::Stall;
    }
    if st.faults.take(Fault::Malformed, p) {
        return Step::Send(ws::malformed(p));
    }
    if st.faults.take(Fault::Oversized, p) {
        return Step::Send(ws::oversized(p));
    }
    if let Some(frame) = last {
        if st.faults.take(Fault::Replay, p) {
            st.stats.xuc.replays_sent += 1;
            return Step::Replay(Arc::clone(frame));
        }
    }
    Step::Nothing
}

/// The login a token stands for (`None`: unknown, or refused by `reject-token`).
fn check_token(shared: &Shared, token: Option<&str>) -> Option<String> {
    let mut st = shared.lock();
    let expired = token
        .and_then(|t| st.xuc.token_expiry.get(t))
        .is_some_and(|at| *at <= std::time::Instant::now());
    let login = token
        .filter(|_| !expired)
        .and_then(|t| st.xuc.tokens.get(t).cloned());
    let refused = login.is_none() || st.faults.take(Fault::RejectToken, Proto::Xuc);
    if refused {
        st.stats.xuc.token_rejections += 1;
        return None;
    }
    login
}

async fn run(shared: Arc<Shared>, mut socket: WebSocket, token: Option<String>) {
    let (reg, mut rx) = shared.register(Proto::Xuc);
    shared.lock().stats.xuc.connections += 1;
    let greeting = check_token(&shared, token.as_deref())
        .and_then(|login| super::hello(&shared, reg.id, &login));
    let Some((peer, frames)) = greeting else {
        shared.log("xuc: socket refused: invalid token");
        let error = r#"{"msgType":"Error","ctiMessage":{"Error":"InvalidToken"}}"#;
        if ws::send_text(&mut socket, error).await {
            shared.lock().stats.xuc.events_sent += 1;
        }
        return ws::close(socket, ws::CLOSE_POLICY, "invalid token").await;
    };
    for f in &frames {
        if !ws::send_text(&mut socket, f).await {
            return;
        }
    }
    shared.lock().stats.xuc.events_sent += frames.len() as u64;
    shared.mark_live(reg.id);
    shared.log(format!("xuc: {} connected", peer.login));

    let heartbeat = shared.opts.heartbeat;
    let window = heartbeat.saturating_mul(MISSED_HEARTBEATS);
    let mut deadline = Instant::now() + window;
    let mut stalled = false;
    let mut last: Option<Arc<str>> = None;
    let mut cursor = shared.lock().xuc.cursor(&peer.login);
    loop {
        let step = session_fault(&mut shared.lock(), stalled, last.as_ref());
        match step {
            Step::Drop => {
                shared.log("xuc: fault drop");
                return;
            }
            Step::Stall => {
                shared.log("xuc: fault stall-heartbeats (heartbeats are lost from now on)");
                stalled = true;
            }
            Step::Send(text) => {
                if !ws::send_text(&mut socket, &text).await {
                    return;
                }
            }
            Step::Replay(text) => {
                if !ws::send_text(&mut socket, &text).await {
                    return;
                }
            }
            Step::Nothing => {}
        }
        let next = if stalled {
            None
        } else {
            let current = current_peer(&shared, reg.id).unwrap_or_else(|| peer.clone());
            let st = shared.lock();
            let next = st.xuc.next_item(cursor, &current);
            if next.is_none() {
                // Nothing this session may see: skip what it may not.
                cursor = cursor.max(st.xuc.log.end());
            }
            next
        };
        let pending = next.is_some();
        if let Some((index, text)) = next {
            if !ws::send_text(&mut socket, &text).await {
                return;
            }
            cursor = index + 1;
            let mut st = shared.lock();
            st.xuc.delivered(&peer.login, index);
            st.stats.xuc.events_sent += 1;
            last = Some(text);
        }
        tokio::select! {
            biased;
            m = socket.recv() => match m {
                Some(Ok(Message::Text(t))) => {
                    if !stalled && client_frame(&shared, reg.id, &t, &mut deadline, window) {
                        if !ws::send_text(&mut socket, PONG).await {
                            return;
                        }
                        shared.lock().stats.xuc.events_sent += 1;
                    }
                }
                Some(Ok(Message::Binary(_))) => shared.lock().stats.xuc.unexpected_frames += 1,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
            },
            msg = rx.recv() => match msg {
                Some(SessionMsg::Frame(text)) => {
                    if !stalled {
                        if !ws::send_text(&mut socket, &text).await {
                            return;
                        }
                        shared.lock().stats.xuc.events_sent += 1;
                        last = Some(text);
                    }
                }
                Some(SessionMsg::Close(code, reason)) => return ws::close(socket, code, reason).await,
                Some(SessionMsg::Kill) | None => return,
                Some(SessionMsg::Wake) => {}
            },
            _ = sleep_until(deadline) => {
                shared.lock().stats.xuc.heartbeat_timeouts += 1;
                shared.log(format!("xuc: {MISSED_HEARTBEATS} heartbeats missed: socket closed"));
                return ws::close(socket, ws::CLOSE_POLICY, "missed heartbeats").await;
            }
            _ = std::future::ready(()), if pending => {}
        }
    }
}

/// The session's peer data as it is now (subscriptions may have changed).
fn current_peer(shared: &Shared, id: u64) -> Option<XucPeer> {
    shared
        .lock()
        .sessions
        .get_mut(id)
        .and_then(|e| e.xuc.clone())
}

/// A heartbeat resets the deadline (true: answer it with [`PONG`]); a command
/// is carried out; anything else is counted.
fn client_frame(
    shared: &Shared,
    id: u64,
    text: &str,
    deadline: &mut Instant,
    window: std::time::Duration,
) -> bool {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let map = parsed.as_ref().and_then(Value::as_object);
    match map.and_then(|m| m.get("claz")).and_then(Value::as_str) {
        Some("ping") => {
            *deadline = Instant::now() + window;
            shared.lock().stats.xuc.heartbeats += 1;
            true
        }
        Some("web") => {
            if let Some(m) = map {
                super::command(shared, id, m);
            }
            false
        }
        _ => {
            shared.lock().stats.xuc.unexpected_frames += 1;
            shared.log("xuc: unexpected client frame ignored");
            false
        }
    }
}
