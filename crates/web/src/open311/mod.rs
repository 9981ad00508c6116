//! Open311 GeoReport v2, served under `/open311/v2/` (see docs/open311.md, and docs/ARCHITECTURE.md, Open311).

mod intake;
mod requests;
mod services;
mod updates;

use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};

use crate::error::{Format, Open311Error};
use crate::state::{AppState, JurisdictionError, JurisdictionInfo};

/// Every Open311 route; unknown resources and methods under `/open311` are answered as Open311
/// errors in the format the path asks for (XML unless it ends in `.json`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{resource}", get(get_resource).post(post_resource))
        .route("/open311/v2/services/{file}", get(services::definition))
        .route("/open311/v2/requests/{file}", get(requests::one))
        .route("/open311/v2/tokens/{file}", get(requests::token))
        .route("/open311/{*rest}", any(unknown_resource))
        .route("/open311", any(unknown_resource))
        .method_not_allowed_fallback(method_not_allowed)
}

fn path_format(path: &str) -> Format {
    if path.ends_with(".json") { Format::Json } else { Format::Xml }
}

async fn unknown_resource(uri: Uri) -> Open311Error {
    let path = uri.path();
    Open311Error::not_found(path_format(path), format!("unknown resource {path:?}"))
}

async fn method_not_allowed(method: Method, uri: Uri) -> Open311Error {
    let path = uri.path();
    Open311Error::new(path_format(path), StatusCode::METHOD_NOT_ALLOWED, format!("{method} is not allowed on {path}"))
}

/// `name.ext` → (name, format); an unknown extension is a 404 answered in XML, the required format.
pub(crate) fn split_format(file: &str) -> Result<(&str, Format), Open311Error> {
    let (name, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    match Format::from_ext(ext) {
        Some(f) => Ok((name, f)),
        None => Err(Open311Error::not_found(
            Format::Xml,
            format!("unknown resource {file:?}: add .xml or .json to the resource name"),
        )),
    }
}

async fn get_resource(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (name, format) = match split_format(&resource) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let params = Params::parse(query.as_deref().unwrap_or(""));
    let result = match name {
        "discovery" => services::discovery(&state, format, &params),
        "services" => services::list(&state, format, &params),
        "requests" => requests::list(&state, format, &params).await,
        "servicerequestupdates" => requests::updates(&state, format, &params).await,
        _ => Err(Open311Error::not_found(format, format!("unknown resource {name:?}"))),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn post_resource(State(state): State<AppState>, Path(resource): Path<String>, req: Request) -> Response {
    let (name, format) = match split_format(&resource) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let result = match name {
        "requests" => intake::post(&state, format, req).await,
        "servicerequestupdates" => updates::post(&state, format, req).await,
        _ => Err(Open311Error::new(format, StatusCode::METHOD_NOT_ALLOWED, format!("{name} does not accept POST"))),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Query or form parameters in arrival order. Empty values count as absent.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(encoded: &str) -> Params {
        Params(serde_urlencoded::from_str::<Vec<(String, String)>>(encoded).unwrap_or_default())
    }

    /// The first non-empty value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.as_str())
    }

    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub(crate) fn push(&mut self, k: String, v: String) {
        self.0.push((k, v));
    }
}

/// Resolves the request's jurisdiction, turning the failure into the right Open311 error.
pub(crate) fn jurisdiction<'c>(
    catalog: &'c crate::state::Catalog,
    format: Format,
    params: &Params,
) -> Result<&'c JurisdictionInfo, Open311Error> {
    catalog.resolve(params.get("jurisdiction_id")).map_err(|e| match e {
        JurisdictionError::Unknown(_) => Open311Error::not_found(format, e.to_string()),
        _ => Open311Error::bad_request(format, e.to_string()),
    })
}
