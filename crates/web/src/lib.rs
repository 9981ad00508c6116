//! Laksana over HTTP: Open311 GeoReport v2, the JSON API, media, the operator endpoints and the HTML
//! pages (whose not-found page answers any path no module serves), each a
//! module with its own `router()` (which answers unknown paths and methods under its prefix in its
//! own error format), merged here under the shared middleware. What they do is in [`service`].

mod api;
pub mod auth;
mod doc;
pub mod error;
pub mod limit;
mod media;
mod open311;
mod ops;
mod pages;
mod server;
pub mod service;
pub mod state;

pub use server::ServerLimits;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use api::openapi_json;
pub use state::{AppState, WebConfig};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(open311::router())
        .merge(api::router())
        .merge(ops::router())
        .merge(media::router())
        .merge(pages::router(&state))
        .fallback(pages::not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(state.config().max_upload_bytes + 64 * 1024))
        .layer(middleware::from_fn_with_state(state.clone(), follow_up_limit))
        .layer(middleware::from_fn_with_state(state.clone(), record_metrics))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panicked))
                // Long enough for a 10 MiB photo from a phone on a slow network.
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(120)))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; img-src 'self'; frame-ancestors 'none'"),
                )),
        )
        .with_state(state)
}

async fn method_not_allowed(req: Request) -> Response {
    (StatusCode::METHOD_NOT_ALLOWED, format!("{} is not allowed on {}", req.method(), req.uri().path())).into_response()
}

/// A panic is a bug: log it, answer 500 without details.
fn panicked(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail =
        err.downcast_ref::<String>().map(String::as_str).or_else(|| err.downcast_ref::<&str>().copied()).unwrap_or("?");
    tracing::error!(panic = %detail, "a request handler panicked");
    error::Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "internal error; it has been logged")
        .into_response()
}

async fn record_metrics(State(_): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// Refuses follow-up codes from a client address that sent too many wrong ones, and for a report that
/// received too many wrong ones from anywhere (429), and counts the wrong ones. Behind a proxy listed in
/// `server.trusted_proxies` the address is the forwarded one.
async fn follow_up_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.headers().contains_key(auth::FOLLOW_UP_HEADER) {
        return next.run(req).await;
    }
    let client = state.client_address(req.extensions(), req.headers());
    let report = report_in_path(req.uri().path());
    if state.follow_up_blocked(client) || report.as_deref().is_some_and(|r| state.follow_up_report_blocked(r)) {
        let mut res = error::Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts",
            "too many wrong follow-up codes; try again in an hour",
        )
        .into_response();
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
        return res;
    }
    let res = next.run(req).await;
    if res.extensions().get::<error::WrongFollowUpCode>().is_some() {
        state.follow_up_failed(client, report);
    }
    res
}

/// The report a path names (`/api/v1/reports/{id}…`, `/open311/v2/requests/{id}.json`), as its public id.
fn report_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/api/v1/reports/").or_else(|| path.strip_prefix("/open311/v2/requests/"))?;
    let id = rest.split(['/', '.']).next()?;
    laksana_core::PublicId::parse(id).map(|p| p.to_string())
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish; with the default
/// [`ServerLimits`].
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ServerLimits::default(), shutdown).await
}

/// [`serve`] with these connection limits.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::run(listener, app(state), limits, shutdown).await
}
