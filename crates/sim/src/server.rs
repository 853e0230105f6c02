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
        .layer(middleware::from_fn(cors))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), date))
        .with_state(shared)
}

/// Whether `origin` is a page on this machine (the only pages the simulator serves).
fn loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = rest.rsplit_once(':').map_or(rest, |(host, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
            host
        } else {
            rest
        }
    });
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// CORS for loopback pages: the widget (on its own origin) calls the REST
/// APIs from the browser. Preflights are answered here; other origins get no
/// CORS headers, so browsers keep them out.
async fn cors(request: Request, next: Next) -> Response {
    use axum::http::{header, HeaderValue, Method};
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| loopback_origin(o))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    let mut response = if request.method() == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, DELETE"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, appkey, content-type"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        r
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    // The widget's diagnostics compare its clock with the server's.
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Date"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// The `Date` header, skewed by `--clock-skew` (hyper's own is not).
async fn date(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let skew = shared.opts.clock_skew_ms;
    let mut response = next.run(request).await;
    let date = super::clock::http_date_skewed(skew);
    if let Ok(value) = axum::http::HeaderValue::from_str(&date) {
        response
            .headers_mut()
            .insert(axum::http::header::DATE, value);
    }
    response
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

#[cfg(test)]
mod tests {
    use super::loopback_origin;

    #[test]
    fn only_loopback_pages_get_cors() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:8081",
            "http://[::1]:9000",
            "http://localhost",
        ] {
            assert!(loopback_origin(ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1.evil.test",
            "http://localhost.evil.test:80",
            "https://crm.example.com",
            "null",
            "http://127.0.0.2:80",
        ] {
            assert!(!loopback_origin(bad), "{bad}");
        }
    }
}
