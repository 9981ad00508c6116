//! The native JSON API under `/api/v1/`, described by an OpenAPI 3.1 document generated from the
//! handlers and served at `/api/v1/openapi.json`.

mod accounts;
mod admin;
mod catalog;
pub(crate) use catalog::merge_districts;
pub(crate) mod extract;
mod quality;
mod reports;
mod services;
mod stats;
mod workflow;

use std::sync::Arc;

use axum::Router;
use axum::http::{Method, StatusCode, Uri, header};
use axum::routing::{any, get};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Problem;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Laksana API",
        description = "Complaints, aspirations and suggestions about public services: the native JSON API. \
                       Errors are RFC 9457 problem+json documents.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerKey),
    tags((name = "reports", description = "Citizens' reports"), (name = "services", description = "Report categories"),
         (name = "workflow", description = "Handling a report: actions, replies, privacy, timeline"),
         (name = "auth", description = "Signing in"), (name = "admin", description = "Calendars, deadlines, webhooks, users, audit, activity"),
         (name = "open data", description = "Public performance figures and the public reports, without sign-in"))
)]
struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `laksana apikey create`"))
                    .build(),
            ),
        );
    }
}

/// Query parameters whose rejection is a problem+json document, like every other API error.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|e| Problem::bad_request(format!("invalid query parameter: {e}")))
    }
}

/// The routes and their OpenAPI description, from one source.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .routes(routes!(services::list))
            .routes(routes!(reports::list, reports::create))
            .routes(routes!(workflow::get_one))
            .routes(routes!(workflow::events))
            .routes(routes!(workflow::inbox))
            .routes(routes!(workflow::act))
            .routes(routes!(workflow::comment))
            .routes(routes!(workflow::privacy))
            .routes(routes!(workflow::location))
            .routes(routes!(crate::auth::login))
            .routes(routes!(crate::auth::logout))
            .routes(routes!(crate::auth::me))
            .routes(routes!(admin::holidays_get, admin::holidays_put))
            .routes(routes!(admin::deadlines_put))
            .routes(routes!(catalog::catalog_get))
            .routes(routes!(catalog::settings_put))
            .routes(routes!(catalog::logo_put))
            .routes(routes!(catalog::agency_put))
            .routes(routes!(catalog::service_put))
            .routes(routes!(catalog::districts_put))
            .routes(routes!(catalog::jurisdiction_create))
            .routes(routes!(admin::webhooks_list, admin::webhooks_create))
            .routes(routes!(admin::deliveries))
            .routes(routes!(admin::webhook_state, admin::webhook_delete))
            .routes(routes!(admin::users_create))
            .routes(routes!(accounts::keys_list, accounts::keys_create))
            .routes(routes!(accounts::keys_revoke))
            .routes(routes!(accounts::user_disable))
            .routes(routes!(accounts::user_enable))
            .routes(routes!(accounts::role_remove))
            .routes(routes!(accounts::role_grant))
            .routes(routes!(admin::verify_audit))
            .routes(routes!(admin::activity))
            .routes(routes!(stats::stats_get))
            .routes(routes!(stats::reports_csv))
            .routes(routes!(stats::reports_geojson))
            .routes(routes!(stats::reports_xlsx))
            .routes(routes!(stats::ikm_get))
            .routes(routes!(stats::surveys_csv))
            .routes(routes!(stats::ikm_weights_put))
            .routes(routes!(quality::compliance_list))
            .routes(routes!(quality::compliance_agency, quality::compliance_record))
            .routes(routes!(quality::standard_get, quality::standard_post))
            .routes(routes!(quality::pledge_put)),
    )
}

/// The OpenAPI document as served.
pub fn openapi_json() -> String {
    openapi_router().split_for_parts().1.to_pretty_json().expect("the OpenAPI document always serialises")
}

/// The JSON API; unknown endpoints and methods under `/api` are problem+json documents.
pub fn router() -> Router<AppState> {
    let (router, api) = openapi_router().split_for_parts();
    let doc = Arc::new(api.to_pretty_json().expect("the OpenAPI document always serialises"));
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], doc.as_str().to_owned()) }
            }),
        )
        .route("/api/{*rest}", any(unknown_endpoint))
        .route("/api", any(unknown_endpoint))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn unknown_endpoint(uri: Uri) -> Problem {
    Problem::not_found(format!("no endpoint {:?}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}
