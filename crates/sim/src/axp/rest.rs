//! The AXP Notification REST API (docs/protocols.md#axp-subscription): create, read,
//! delete and renew subscriptions. Every call needs a bearer token the
//! simulator accepts and an `appkey` header.

use super::subscription::FAMILY;
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// An error answer `{"code", "message"}`.
fn error(shared: &Shared, status: StatusCode, message: impl Into<String>) -> Response {
    shared.lock().stats.axp.rest_refused += 1;
    let code = status
        .canonical_reason()
        .unwrap_or("Error")
        .to_uppercase()
        .replace(' ', "_");
    (
        status,
        Json(json!({"code": code, "message": message.into()})),
    )
        .into_response()
}

/// A refused request: status and message.
type Refusal = (StatusCode, &'static str);

/// Checks the bearer token, the `appkey` header and the account id.
fn check(shared: &Shared, headers: &HeaderMap, account: &str) -> Result<(), Refusal> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match token {
        None => return Err((StatusCode::UNAUTHORIZED, "missing bearer token")),
        Some(t) if !shared.opts.tokens.iter().any(|k| k == t) => {
            return Err((StatusCode::UNAUTHORIZED, "invalid token"))
        }
        Some(t) if crate::jwt::expired(t, shared.opts.clock_skew_ms) => {
            return Err((StatusCode::UNAUTHORIZED, "token expired"))
        }
        Some(_) => {}
    }
    let appkey = headers
        .get("appkey")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty());
    match (appkey, &shared.opts.appkey) {
        (None, _) => return Err((StatusCode::UNAUTHORIZED, "missing appkey header")),
        (Some(k), Some(want)) if k != want => {
            return Err((StatusCode::UNAUTHORIZED, "invalid appkey"))
        }
        _ => {}
    }
    if account.len() != 6 || !account.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err((StatusCode::BAD_REQUEST, "accountId must be six letters"));
    }
    Ok(())
}

/// The requested event list of a creation body.
fn creation_events(body: &[u8]) -> Result<Vec<String>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    let family = v.get("family").and_then(Value::as_str);
    if family != Some(FAMILY) {
        return Err(format!("family must be {FAMILY}"));
    }
    let transport = v
        .get("transport")
        .and_then(|t| t.get("type"))
        .and_then(Value::as_str);
    if transport != Some("WEBSOCKET") {
        return Err("transport.type must be WEBSOCKET".into());
    }
    let events: Vec<String> = match v.get("events") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|e| e.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or("events must be strings")?,
        _ => return Err("events must be a list (e.g. [\"ALL\"])".into()),
    };
    if events.is_empty() || events.len() > 64 {
        return Err("events must list 1 to 64 names".into());
    }
    Ok(events)
}

/// `POST /api/notification/v1/accounts/{accountId}/subscriptions` -> 201.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err((status, message)) = check(&shared, &headers, &account) {
        return error(&shared, status, message);
    }
    let events = match creation_events(&body) {
        Ok(e) => e,
        Err(m) => return error(&shared, StatusCode::BAD_REQUEST, m),
    };
    let mut st = shared.lock();
    st.stats.axp.subscriptions_created += 1;
    let sub = st.axp.create(&account, events, shared.opts.expires_in);
    let doc = sub.json(&shared.opts, shared.addr);
    let id = sub.id.clone();
    drop(st);
    shared.log(format!("axp subscription created: {account}/{id}"));
    (StatusCode::CREATED, Json(doc)).into_response()
}

/// `GET .../subscriptions/{id}`: ACTIVE or INACTIVE; 404 when unknown.
pub async fn read(
    State(shared): State<Arc<Shared>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err((status, message)) = check(&shared, &headers, &account) {
        return error(&shared, status, message);
    }
    let doc = {
        let st = shared.lock();
        st.axp
            .subs
            .get(&id)
            .filter(|s| s.account == account)
            .map(|s| s.json(&shared.opts, shared.addr))
    };
    match doc {
        Some(doc) => Json(doc).into_response(),
        None => error(&shared, StatusCode::NOT_FOUND, "unknown subscription"),
    }
}

/// `DELETE .../subscriptions/{id}` -> 204 (its socket is closed).
pub async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err((status, message)) = check(&shared, &headers, &account) {
        return error(&shared, status, message);
    }
    let deleted = {
        let mut st = shared.lock();
        let st = &mut *st;
        let mine = st.axp.subs.get(&id).is_some_and(|s| s.account == account);
        let deleted = mine && st.axp.delete(&id, &st.sessions);
        if deleted {
            st.stats.axp.subscriptions_deleted += 1;
        }
        deleted
    };
    if deleted {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error(&shared, StatusCode::NOT_FOUND, "unknown subscription")
    }
}

/// `POST .../subscriptions/{id}:renew` -> 200 with the new `expiresAt`;
/// 404 for an unknown or INACTIVE subscription.
pub async fn renew(
    State(shared): State<Arc<Shared>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err((status, message)) = check(&shared, &headers, &account) {
        return error(&shared, status, message);
    }
    let Some(id) = id.strip_suffix(":renew") else {
        return error(
            &shared,
            StatusCode::METHOD_NOT_ALLOWED,
            "POST is only for .../subscriptions/{id}:renew",
        );
    };
    let doc = {
        let mut st = shared.lock();
        let mine = st.axp.subs.get(id).is_some_and(|s| s.account == account);
        let doc = if mine {
            st.axp
                .renew(id, shared.opts.expires_in)
                .map(|s| s.json(&shared.opts, shared.addr))
        } else {
            None
        };
        if doc.is_some() {
            st.stats.axp.subscriptions_renewed += 1;
        }
        doc
    };
    match doc {
        Some(doc) => Json(doc).into_response(),
        None => error(
            &shared,
            StatusCode::NOT_FOUND,
            "unknown or inactive subscription",
        ),
    }
}
