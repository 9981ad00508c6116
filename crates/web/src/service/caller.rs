//! Who is asking: a session cookie (people), a bearer API key (integrations), or nobody. A follow-up
//! code (anonymous reporters) is checked against its report in `service::reports::load`.

use axum::http::{HeaderMap, Method};
use laksana_core::access::{Grant, Principal};
use laksana_store::users;

use super::{ServiceError, ServiceResult};
use crate::auth::{COOKIE, bearer, cookie_value, same_origin};
use crate::state::AppState;

/// A principal and how it was established.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// How the caller is named in events: `user:ID`, `apikey:ID`, or `public`.
    pub actor: String,
    /// The API key's jurisdiction, when the caller is a key.
    pub key_jurisdiction: Option<String>,
    /// The report (public id) whose reporter the caller proved to be with a signed link from an email:
    /// it stands for the follow-up code.
    pub reporter_of: Option<String>,
}

impl Caller {
    /// Nobody in particular: what the public may do.
    pub fn anonymous() -> Caller {
        Caller { principal: Principal::anonymous(), actor: "public".into(), key_jurisdiction: None, reporter_of: None }
    }
}

/// Establishes the caller from a request's method and headers. A bad or expired credential is refused
/// rather than treated as anonymous, so a client learns that its key or session stopped working.
pub async fn caller(state: &AppState, method: &Method, headers: &HeaderMap) -> ServiceResult<Caller> {
    if let Some(key) = bearer(headers) {
        return key_caller(state, key).await;
    }
    if let Some(token) = cookie_value(headers, COOKIE) {
        if method != Method::GET && method != Method::HEAD && !same_origin(headers, &state.config().public_url) {
            return Err(ServiceError::Forbidden("cross-site request refused".into()));
        }
        let user = users::session_user(state.db(), token, state.clock().now())
            .await?
            .ok_or_else(|| ServiceError::Unauthenticated("the session has ended; sign in again".into()))?;
        let grants = users::grants_of(state.db(), user.id).await?;
        return Ok(Caller {
            principal: Principal { user_id: Some(user.id), grants, ..Principal::default() },
            actor: format!("user:{}", user.id),
            key_jurisdiction: None,
            reporter_of: None,
        });
    }
    Ok(Caller::anonymous())
}

/// The caller an API key stands for: its user (limited to the key's jurisdiction), or a client that
/// may only submit reports.
pub async fn key_caller(state: &AppState, key: &str) -> ServiceResult<Caller> {
    let key =
        state.api_key(key).await?.ok_or_else(|| ServiceError::Unauthenticated("the API key is not valid".into()))?;
    let (grants, actor) = match key.user_id {
        // Read on every use, not cached with the key: disabling the account stops its keys at once.
        Some(uid) => match users::active_grants(state.db(), uid).await? {
            Some(grants) => (grants, format!("user:{uid}")),
            None => return Err(ServiceError::Unauthenticated("the API key's account is disabled".into())),
        },
        None => (Vec::new(), format!("apikey:{}", key.id)),
    };
    // A key only ever acts within its own jurisdiction, whatever its user may do elsewhere.
    let grants = grants
        .into_iter()
        .filter(|g| g.jurisdiction_id.as_deref().is_none_or(|j| j == key.jurisdiction_id))
        .map(|g| Grant { jurisdiction_id: Some(key.jurisdiction_id.clone()), ..g })
        .collect();
    Ok(Caller {
        principal: Principal { user_id: key.user_id, grants, ..Principal::default() },
        actor,
        key_jurisdiction: Some(key.jurisdiction_id),
        reporter_of: None,
    })
}
