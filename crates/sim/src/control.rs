//! The control endpoints under `/sim/` (never affected by faults):
//! `GET /sim/stats`, `POST /sim/fault/{name}`, `POST /sim/send`.

use super::fault::{FaultSpec, Proto};
use super::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The `/sim/` routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/sim/stats", get(stats))
        .route("/sim/fault/{name}", post(fault))
        .route("/sim/send", post(send))
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

/// Counters as JSON.
async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.stats_json()).into_response()
}

/// Optional `?proto=axp|xuc&count=N` of a fault request.
#[derive(Debug, Deserialize)]
struct FaultQuery {
    proto: Option<String>,
    count: Option<u32>,
}

/// Arms a fault now: `POST /sim/fault/axp:drop`, `POST /sim/fault/replay?count=2`.
async fn fault(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    Query(q): Query<FaultQuery>,
) -> Response {
    let mut spec: FaultSpec = match name.parse() {
        Ok(s) => s,
        Err(e) => return bad_request(e),
    };
    if let Some(p) = q.proto.as_deref() {
        match Proto::parse(p) {
            Some(p) if spec.fault.applies_to(p) => spec.proto = Some(p),
            Some(_) => return bad_request(format!("fault `{}` does not apply to {p}", spec.fault)),
            None => return bad_request(format!("unknown protocol `{p}`")),
        }
    }
    if let Some(c) = q.count {
        if c == 0 {
            return bad_request("count must be at least 1".into());
        }
        spec.count = c;
    }
    let text = spec.to_string();
    shared.arm(spec);
    Json(json!({ "armed": text })).into_response()
}

/// Carries out scenario lines (JSON Lines) at once.
async fn send(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return bad_request("body is not UTF-8".into());
    };
    match shared.feed(text) {
        Ok(n) => Json(json!({ "dispatched": n })).into_response(),
        Err(e) => bad_request(e),
    }
}
