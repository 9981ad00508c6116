//! Health, readiness and metrics for operators and load balancers.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Prometheus metrics, for the operator only: with `server.metrics_token` set, to requests bearing it;
/// without, to clients on this machine. Anyone else is told it does not exist.
async fn metrics(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let allowed = match &state.config().metrics_token {
        Some(token) => crate::auth::bearer(&headers).is_some_and(|given| {
            // Compared as digests, so the time taken says nothing about how much of the token was right.
            laksana_store::apikeys::hash_key(given) == laksana_store::apikeys::hash_key(token)
        }),
        None => {
            extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().is_some_and(|c| c.0.ip().is_loopback())
        }
    };
    if !allowed {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    if let Ok((waiting, dead)) = laksana_store::jobs::counts(state.db()).await {
        metrics::gauge!("laksana_jobs_waiting").set(waiting as f64);
        metrics::gauge!("laksana_jobs_dead").set(dead as f64);
    }
    match state.metrics() {
        Some(h) => (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4")], h.render()).into_response(),
        None => (StatusCode::NOT_FOUND, "metrics are not enabled").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use laksana_store::testing::TestDb;
    use tower::ServiceExt;

    use crate::state::{AppState, WebConfig};

    async fn get(state: &AppState, token: Option<&str>) -> u16 {
        let mut req = Request::get("/metrics");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let res = crate::app(state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        res.status().as_u16()
    }

    #[tokio::test]
    async fn metrics_are_for_the_operator_only() {
        let t = TestDb::new(laksana_store::Backend::Sqlite).await;
        let clock: Arc<dyn laksana_core::Clock> = Arc::new(laksana_core::time::SystemClock);
        let handle = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder().handle();
        // Without a token: only clients on this machine (a request with no peer address is not one).
        let open =
            AppState::new(t.db.clone(), clock.clone(), WebConfig::default(), Some(handle.clone())).await.unwrap();
        assert_eq!(get(&open, None).await, 404);
        // With a token: exactly that bearer token.
        let config = WebConfig { metrics_token: Some("s3cret-token".into()), ..WebConfig::default() };
        let guarded = AppState::new(t.db.clone(), clock, config, Some(handle)).await.unwrap();
        assert_eq!(get(&guarded, None).await, 404);
        assert_eq!(get(&guarded, Some("s3cret-toke")).await, 404);
        assert_eq!(get(&guarded, Some("s3cret-token")).await, 200);
    }
}
