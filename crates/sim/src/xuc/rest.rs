//! `POST /xuc/api/2.0/auth/login {login, password}` -> `{login, token}`, and
//! `TTL` (seconds) when tokens expire (`--token-ttl`; a real server's TTL
//! field is unconfirmed, docs/protocols.md#xuc-login).

use crate::fault::{Fault, Proto};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

fn refuse(shared: &Shared, status: StatusCode, error: &str, message: &str) -> Response {
    shared.lock().stats.xuc.login_failures += 1;
    (status, Json(json!({"error": error, "message": message}))).into_response()
}

/// Checks the credentials against the configured users and issues a token.
pub async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let parsed: Option<(String, String)> =
        serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
            let login = v.get("login")?.as_str()?.to_owned();
            let password = v.get("password")?.as_str()?.to_owned();
            Some((login, password))
        });
    let Some((login, password)) = parsed else {
        return refuse(
            &shared,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "expected {\"login\": ..., \"password\": ...}",
        );
    };
    if shared.lock().faults.take(Fault::RefuseAuth, Proto::Xuc) {
        shared.log("xuc: fault refuse-auth (login answered 503)");
        return refuse(
            &shared,
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "authentication service unavailable (injected fault)",
        );
    }
    let known = shared
        .opts
        .xuc
        .users
        .iter()
        .any(|u| u.login == login && u.password == password);
    if !known {
        return refuse(
            &shared,
            StatusCode::UNAUTHORIZED,
            "InvalidCredentials",
            "invalid login or password",
        );
    }
    let token = uuid::Uuid::new_v4().simple().to_string();
    let ttl = shared.opts.token_ttl;
    {
        let mut st = shared.lock();
        st.xuc.tokens.insert(token.clone(), login.clone());
        if let Some(ttl) = ttl {
            st.xuc
                .token_expiry
                .insert(token.clone(), std::time::Instant::now() + ttl);
        }
        st.stats.xuc.logins += 1;
    }
    shared.log(format!("xuc: {login} logged in"));
    let mut answer = json!({"login": login, "token": token});
    if let Some(ttl) = ttl {
        answer["TTL"] = json!(crate::clock::ceil_secs(ttl));
    }
    Json(answer).into_response()
}
