//! The AXP notification WebSocket: `authentication` first, then `ping` /
//! `pong` with the server-side timeout, and notifications from the log.

use crate::fault::{Fault, Proto};
use crate::session::SessionMsg;
use crate::state::{Shared, State};
use crate::{clock, ws};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State as AxumState};
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::time::{sleep_until, Instant};

/// The five `authenticationResponse` statuses.
pub const CONFIRMED: &str = "CONNECTION_CONFIRMED";
/// Bad token.
pub const INVALID_TOKEN: &str = "CONNECTION_FAILED_INVALID_TOKEN";
/// Unknown or INACTIVE subscription.
pub const UNKNOWN_SUBSCRIPTION: &str = "CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION";
/// Server error (the `refuse-auth` fault).
pub const INTERNAL_SERVER_ERROR: &str = "CONNECTION_FAILED_INTERNAL_SERVER_ERROR";
/// Malformed authentication message.
pub const CONSTRAINT_VIOLATION: &str = "CONNECTION_FAILED_CONSTRAINT_VIOLATION";

/// `GET /ws/notification/v1/agent-engagement` (ids in the message only).
pub async fn upgrade_bare(
    AxumState(shared): AxumState<Arc<Shared>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(ws::MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| run(shared, socket, None))
}

/// `GET /ws/notification/v1/agent-engagement/{accountId}/{subscriptionId}`.
pub async fn upgrade(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path(ids): Path<(String, String)>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(ws::MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| run(shared, socket, Some(ids)))
}

/// The subscription id and token of a well-formed `authentication` message.
fn parse_authentication(text: &str) -> Option<(String, String)> {
    let v: Value = serde_json::from_str(text).ok()?;
    let map = v.as_object()?;
    let allowed = ["event", "subscriptionId", "token"];
    if map.keys().any(|k| !allowed.contains(&k.as_str())) {
        return None;
    }
    if map.get("event")?.as_str()? != "authentication" {
        return None;
    }
    let sub = map.get("subscriptionId")?.as_str()?.trim();
    let token = map.get("token")?.as_str()?.trim();
    (!sub.is_empty() && !token.is_empty()).then(|| (sub.to_owned(), token.to_owned()))
}

/// Decides the authentication status; attaches the socket when confirmed.
fn authenticate(
    st: &mut State,
    shared: &Shared,
    session: u64,
    first: Option<&str>,
    path: Option<&(String, String)>,
) -> (&'static str, Option<String>) {
    let Some((sub_id, token)) = first.and_then(parse_authentication) else {
        let sub = first
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|v| v.get("subscriptionId")?.as_str().map(str::to_owned));
        return (CONSTRAINT_VIOLATION, sub);
    };
    let token_ok = shared.opts.tokens.contains(&token)
        && !crate::jwt::expired(&token, shared.opts.clock_skew_ms);
    let status = if st.faults.take(Fault::RefuseAuth, Proto::Axp) {
        INTERNAL_SERVER_ERROR
    } else if !token_ok || st.faults.take(Fault::RejectToken, Proto::Axp) {
        INVALID_TOKEN
    } else {
        let path_ok = path.is_none_or(|(account, id)| {
            *id == sub_id
                && st
                    .axp
                    .subs
                    .get(&sub_id)
                    .is_some_and(|s| s.account == *account)
        });
        let active = st.axp.subs.get(&sub_id).is_some_and(|s| s.active);
        if path_ok && active {
            if let Some(old) = st.axp.attach(&sub_id, session) {
                st.sessions.send(
                    old,
                    SessionMsg::Close(ws::CLOSE_NORMAL, "replaced by a new connection"),
                );
            }
            CONFIRMED
        } else {
            UNKNOWN_SUBSCRIPTION
        }
    };
    (status, Some(sub_id))
}

/// What a live session does next.
enum Step {
    Drop,
    Expire,
    Stall,
    Send(String),
    Replay(Arc<str>),
    Nothing,
}

/// Takes one session fault that applies now.
fn session_fault(st: &mut State, sub_id: &str, stalled: bool) -> Step {
    let p = Proto::Axp;
    if st.faults.take(Fault::Drop, p) {
        return Step::Drop;
    }
    if st.faults.take(Fault::ExpireSubscription, p) {
        return Step::Expire;
    }
    if !stalled && st.faults.take(Fault::StallPongs, p) {
        return Step::Stall;
    }
    if stalled {
        return Step::Nothing;
    }
    if st.faults.take(Fault::Malformed, p) {
        return Step::Send(ws::malformed(p));
    }
    if st.faults.take(Fault::Oversized, p) {
        return Step::Send(ws::oversized(p));
    }
    let last = st.axp.subs.get(sub_id).and_then(|s| s.last_frame.clone());
    if let Some(frame) = last {
        if st.faults.take(Fault::Replay, p) {
            st.stats.axp.replays_sent += 1;
            return Step::Replay(frame);
        }
    }
    Step::Nothing
}

/// One socket, from upgrade to close.
async fn run(shared: Arc<Shared>, mut socket: WebSocket, path: Option<(String, String)>) {
    let (reg, mut rx) = shared.register(Proto::Axp);
    shared.lock().stats.axp.connections += 1;
    let ping_every = shared.opts.ping_interval;

    // Before authentication: the first message must be `authentication`.
    let auth_deadline = Instant::now() + ping_every;
    let first: Option<String> = loop {
        tokio::select! {
            m = socket.recv() => match m {
                Some(Ok(Message::Text(t))) => break Some(t.to_string()),
                Some(Ok(Message::Binary(_))) => break None,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
            },
            msg = rx.recv() => match msg {
                Some(SessionMsg::Close(code, reason)) => return ws::close(socket, code, reason).await,
                Some(SessionMsg::Kill) | None => return,
                Some(_) => {}
            },
            _ = sleep_until(auth_deadline) => {
                shared.log("axp: no authentication message in time");
                return ws::close(socket, ws::CLOSE_POLICY, "authentication timeout").await;
            }
        }
    };
    let (status, sub_id) = {
        let mut st = shared.lock();
        let r = authenticate(&mut st, &shared, reg.id, first.as_deref(), path.as_ref());
        st.stats.axp.auth(r.0);
        r
    };
    let mut response = json!({"event": "authenticationResponse", "status": status});
    if let Some(id) = &sub_id {
        response["subscriptionId"] = json!(id);
    }
    if status == CONFIRMED {
        let left = sub_id
            .as_ref()
            .and_then(|id| shared.lock().axp.subs.get(id).map(|s| s.expires_in_secs()))
            .unwrap_or(0);
        response["pingInterval"] = json!(clock::ceil_secs(ping_every));
        response["expiresInterval"] = json!(left);
    }
    shared.log(format!("axp authentication: {status}"));
    if !ws::send_text(&mut socket, &response.to_string()).await {
        return;
    }
    let (Some(sub_id), CONFIRMED) = (sub_id, status) else {
        let code = if status == INTERNAL_SERVER_ERROR {
            ws::CLOSE_SERVER_ERROR
        } else {
            ws::CLOSE_POLICY
        };
        return ws::close(socket, code, status).await;
    };
    shared.mark_live(reg.id);

    // Live: faults, notifications, pings.
    let mut ping_deadline = Instant::now() + ping_every;
    let mut stalled = false;
    loop {
        let step = session_fault(&mut shared.lock(), &sub_id, stalled);
        match step {
            Step::Drop => {
                shared.log("axp: fault drop");
                return;
            }
            Step::Expire => {
                expire(&shared, &sub_id, "subscription expired");
                shared.log("axp: fault expire-subscription");
                return ws::close(socket, ws::CLOSE_NORMAL, "subscription expired").await;
            }
            Step::Stall => {
                shared.log("axp: fault stall-pongs (the socket goes silent)");
                stalled = true;
            }
            Step::Send(text) => {
                if !ws::send_text(&mut socket, &text).await {
                    return;
                }
            }
            Step::Replay(frame) => {
                if !ws::send_text(&mut socket, &frame).await {
                    return;
                }
            }
            Step::Nothing => {}
        }
        let next = if stalled {
            None
        } else {
            shared.lock().axp.next_frame(&sub_id, &shared.opts.login_id)
        };
        let pending = next.is_some();
        if let Some((index, text)) = next {
            if !ws::send_text(&mut socket, &text).await {
                return;
            }
            let mut st = shared.lock();
            st.axp.delivered(&sub_id, index, text.into());
            st.stats.axp.events_sent += 1;
        }
        tokio::select! {
            biased;
            m = socket.recv() => match m {
                Some(Ok(Message::Text(t))) => {
                    if is_ping(&t) {
                        ping_deadline = Instant::now() + ping_every;
                        shared.lock().stats.axp.pings += 1;
                        if !stalled {
                            if !ws::send_text(&mut socket, r#"{"event":"pong"}"#).await {
                                return;
                            }
                            shared.lock().stats.axp.pongs += 1;
                        }
                    } else {
                        shared.lock().stats.axp.unexpected_frames += 1;
                        shared.log("axp: unexpected client frame ignored");
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    shared.lock().stats.axp.unexpected_frames += 1;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
            },
            msg = rx.recv() => match msg {
                Some(SessionMsg::Close(code, reason)) => return ws::close(socket, code, reason).await,
                Some(SessionMsg::Kill) | None => return,
                Some(_) => {}
            },
            _ = sleep_until(ping_deadline) => {
                shared.lock().stats.axp.ping_timeouts += 1;
                expire(&shared, &sub_id, "ping timeout");
                shared.log("axp: no ping within pingInterval: socket closed, subscription INACTIVE");
                return ws::close(socket, ws::CLOSE_POLICY, "ping timeout").await;
            }
            _ = std::future::ready(()), if pending => {}
        }
    }
}

/// Turns the session's own subscription INACTIVE (the caller closes the socket).
fn expire(shared: &Shared, sub_id: &str, reason: &'static str) {
    let mut guard = shared.lock();
    let st = &mut *guard;
    if let Some(s) = st.axp.subs.get_mut(sub_id) {
        s.session = None;
    }
    if st.axp.deactivate(sub_id, &st.sessions, reason) {
        st.stats.axp.subscriptions_expired += 1;
    }
}

/// `{"event": "ping"}` (an optional `subscriptionId` is allowed).
fn is_ping(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("event").and_then(Value::as_str).map(|e| e == "ping"))
        .unwrap_or(false)
}
