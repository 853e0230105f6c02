//! The HTTP router: AXP and xuc endpoints (refused during a restart's
//! downtime), the control endpoints, and a JSON 404.

use super::state::Shared;
use super::{axp, control, xuc};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

/// Every route of a simulator run.
pub fn router(shared: Arc<Shared>) -> Router {
    let base = "/api/notification/v1/accounts/{account}/subscriptions";
    let protocols = Router::new()
        .route(base, post(axp::rest::create))
        .route(
            &format!("{base}/{{id}}"),
            get(axp::rest::read)
                .delete(axp::rest::delete)
                .post(axp::rest::renew),
        )
        .route(
            "/ws/notification/v1/agent-engagement",
            get(axp::socket::upgrade_bare),
        )
        .route(
            "/ws/notification/v1/agent-engagement/{account}/{id}",
            get(axp::socket::upgrade),
        )
        .route("/xuc/api/2.0/auth/login", post(xuc::rest::login))
        .route("/xuc/api/2.0/cti", get(xuc::socket::upgrade))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            downtime,
        ));
    protocols
        .merge(control::routes())
        .fallback(not_found)
        .with_state(shared)
}

/// 503 while a restart's downtime lasts (per protocol).
async fn downtime(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let xuc = request.uri().path().starts_with("/xuc/");
    let down = {
        let st = shared.lock();
        let until = if xuc {
            st.xuc_down_until
        } else {
            st.axp_down_until
        };
        until.is_some_and(|until| Instant::now() < until)
    };
    if down {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "restarting"})),
        )
            .into_response();
    }
    next.run(request).await
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response()
}
