//! The one place each transport turns a [`ServiceError`] into a response: Open311 XML/JSON errors
//! for `/open311`, RFC 9457 problem+json for `/api`.
//!
//! A stale-state conflict is a 409 in the JSON API (RFC 9110: the client reloads and decides again)
//! and a 400 in Open311, whose clients (GeoReport v2) only know 400, 403 and 404 and show a 400's
//! description to the person who sent the update.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use laksana_store::StoreError;

use crate::doc::{Node, to_json, to_xml};
use crate::service::ServiceError;

/// Response format of an Open311 resource, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    pub fn from_ext(ext: &str) -> Option<Format> {
        match ext {
            "xml" => Some(Format::Xml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }

    /// Renders `node` under `root` (XML) or as-is (JSON).
    pub fn render(self, status: StatusCode, root: &str, node: &Node) -> Response {
        let body = match self {
            Format::Xml => to_xml(root, node),
            Format::Json => to_json(node),
        };
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type()))], body).into_response()
    }
}

/// An Open311 error: its HTTP status and the description a client developer reads.
#[derive(Debug)]
pub struct Open311Error {
    pub status: StatusCode,
    pub description: String,
    pub format: Format,
    /// Seconds after which a refused client may try again (`Retry-After`, with 429).
    pub retry_after: Option<u64>,
}

impl Open311Error {
    pub fn new(format: Format, status: StatusCode, description: impl Into<String>) -> Self {
        Self { status, description: description.into(), format, retry_after: None }
    }

    pub fn bad_request(format: Format, description: impl Into<String>) -> Self {
        Self::new(format, StatusCode::BAD_REQUEST, description)
    }

    pub fn forbidden(format: Format, description: impl Into<String>) -> Self {
        Self::new(format, StatusCode::FORBIDDEN, description)
    }

    pub fn not_found(format: Format, description: impl Into<String>) -> Self {
        Self::new(format, StatusCode::NOT_FOUND, description)
    }

    pub fn internal(format: Format, err: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(format, StatusCode::INTERNAL_SERVER_ERROR, "internal error; it has been logged")
    }

    pub fn from_store(format: Format, err: StoreError) -> Self {
        Self::from_service(format, err.into())
    }

    /// The Open311 rendering of a service error (see the module's note on conflicts).
    pub fn from_service(format: Format, err: ServiceError) -> Self {
        let status = match &err {
            ServiceError::Invalid(_) | ServiceError::Conflict(_) => StatusCode::BAD_REQUEST,
            // GeoReport v2: a missing or bad api_key is a 403.
            ServiceError::Unauthenticated(_) | ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            // Not 400: the client must not resend the same key with a "fixed" submission.
            ServiceError::KeyReused(_) => StatusCode::CONFLICT,
            ServiceError::WrongFollowUpCode { hidden: true } => StatusCode::NOT_FOUND,
            ServiceError::WrongFollowUpCode { hidden: false } => StatusCode::FORBIDDEN,
            ServiceError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let retry_after = match &err {
            ServiceError::TooManyRequests { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
        };
        Self { status, description: err.to_string(), format, retry_after }
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let node = Node::List(
            "error",
            vec![Node::Obj(vec![
                ("code", Node::str(self.status.as_u16().to_string())),
                ("description", Node::str(self.description)),
            ])],
        );
        let mut res = self.format.render(self.status, "errors", &node);
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// An RFC 9457 problem for the JSON API.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    /// The request showed a wrong follow-up code (counted against its client by the rate limit).
    pub wrong_follow_up_code: bool,
    /// Seconds after which a refused client may try again (`Retry-After`).
    pub retry_after: Option<u64>,
    /// Every problem found, when there are several (a region pack, a districts file): the `errors`
    /// member.
    pub errors: Vec<String>,
}

/// Marks a response to a wrong follow-up code, for the rate limit in `lib.rs`.
#[derive(Debug, Clone, Copy)]
pub struct WrongFollowUpCode;

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            title,
            detail: detail.into(),
            wrong_follow_up_code: false,
            retry_after: None,
            errors: Vec::new(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Invalid request", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Authentication required", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", detail)
    }
}

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        ServiceError::from(err).into()
    }
}

impl From<ServiceError> for Problem {
    fn from(err: ServiceError) -> Self {
        let detail = err.to_string();
        match err {
            ServiceError::Invalid(_) => Problem::bad_request(detail),
            ServiceError::Unauthenticated(_) => Problem::unauthorized(detail),
            ServiceError::Forbidden(_) => Problem::forbidden(detail),
            ServiceError::NotFound(_) => Problem::not_found(detail),
            ServiceError::Conflict(_) => Problem::new(StatusCode::CONFLICT, "Conflict", detail),
            ServiceError::KeyReused(_) => Problem::new(StatusCode::CONFLICT, "Retry key reused", detail),
            ServiceError::WrongFollowUpCode { hidden } => {
                let mut p = if hidden { Problem::not_found(detail) } else { Problem::forbidden(detail) };
                p.wrong_follow_up_code = true;
                p
            }
            ServiceError::TooManyRequests { retry_after_secs, .. } => {
                let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", detail);
                p.retry_after = Some(retry_after_secs);
                p
            }
            ServiceError::Unavailable => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", detail),
            ServiceError::Internal => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", detail),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if !self.errors.is_empty() {
            body["errors"] = serde_json::json!(self.errors);
        }
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))],
            body.to_string(),
        )
            .into_response();
        if self.wrong_follow_up_code {
            res.extensions_mut().insert(WrongFollowUpCode);
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}
