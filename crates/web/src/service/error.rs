//! The one error type of the service layer. Each transport renders it in exactly one place:
//! problem+json (`Problem: From<ServiceError>`), Open311 XML/JSON (`Open311Error::from_service`), and
//! the HTML pages to come.

use laksana_store::StoreError;

/// Why a request was refused or failed, independent of how the answer is written.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is wrong; the message names what to fix.
    #[error("{0}")]
    Invalid(String),
    /// No credentials, or credentials that stopped working.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing, or nothing the caller may know of.
    #[error("{0}")]
    NotFound(String),
    /// The thing changed since the caller saw it, or its state does not allow this.
    #[error("{0}")]
    Conflict(String),
    /// A retry key used again for a different submission: refused in every transport with 409, since
    /// answering 400 would invite the client to "fix" the submission and keep the key.
    #[error("{0}")]
    KeyReused(String),
    /// A follow-up code that does not belong to the report. `hidden`: the caller could not see the
    /// report without it, so it stays unknown to them (a 404, not a 403). Counted by the rate limit.
    #[error("{}", if *hidden { "report not found" } else { "the follow-up code does not match this report" })]
    WrongFollowUpCode { hidden: bool },
    /// Too many attempts; try again after `retry_after_secs`.
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after_secs: u64 },
    /// The database could not take the request now.
    #[error("the service is busy; try again shortly")]
    Unavailable,
    /// A bug or a broken dependency: logged where it happened, never shown.
    #[error("internal error; it has been logged")]
    Internal,
}

/// The result type of the service layer.
pub type ServiceResult<T> = Result<T, ServiceError>;

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ServiceError::NotFound("not found".into()),
            StoreError::Invalid(msg) => ServiceError::Invalid(msg),
            StoreError::Conflict(msg) => ServiceError::Conflict(msg),
            StoreError::KeyReused(msg) => ServiceError::KeyReused(msg),
            StoreError::Unavailable(msg) => {
                tracing::error!(error = %msg, "database unavailable");
                ServiceError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "internal error");
                ServiceError::Internal
            }
        }
    }
}
