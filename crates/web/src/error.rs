//! The web layer's errors and the one place they become responses: Open311 XML/JSON errors for
//! `/open311`, RFC 9457 problem+json for `/api`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use laksana_store::StoreError;

use crate::doc::{Node, to_json, to_xml};

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
}

impl Open311Error {
    pub fn bad_request(format: Format, description: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, description: description.into(), format }
    }

    pub fn forbidden(format: Format, description: impl Into<String>) -> Self {
        Self { status: StatusCode::FORBIDDEN, description: description.into(), format }
    }

    pub fn not_found(format: Format, description: impl Into<String>) -> Self {
        Self { status: StatusCode::NOT_FOUND, description: description.into(), format }
    }

    pub fn internal(format: Format, err: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            description: "internal error; it has been logged".into(),
            format,
        }
    }

    pub fn from_store(format: Format, err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found(format, "not found"),
            StoreError::Invalid(msg) | StoreError::Conflict(msg) => Self::bad_request(format, msg),
            StoreError::Unavailable(msg) => {
                tracing::error!(error = %msg, "database unavailable");
                Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    description: "the service is busy; try again shortly".into(),
                    format,
                }
            }
            other => Self::internal(format, &other),
        }
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
        self.format.render(self.status, "errors", &node)
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
}

/// Marks a response to a wrong follow-up code, for the rate limit in `lib.rs`.
#[derive(Debug, Clone, Copy)]
pub struct WrongFollowUpCode;

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self { status, title, detail: detail.into(), wrong_follow_up_code: false }
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
        match err {
            StoreError::NotFound => Problem::not_found("not found"),
            StoreError::Invalid(msg) => Problem::bad_request(msg),
            StoreError::Conflict(msg) => Problem::new(StatusCode::CONFLICT, "Conflict", msg),
            StoreError::Unavailable(msg) => {
                tracing::error!(error = %msg, "database unavailable");
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", "the service is busy; try again shortly")
            }
            other => {
                tracing::error!(error = %other, "internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "internal error; it has been logged")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))],
            body.to_string(),
        )
            .into_response();
        if self.wrong_follow_up_code {
            res.extensions_mut().insert(WrongFollowUpCode);
        }
        res
    }
}
