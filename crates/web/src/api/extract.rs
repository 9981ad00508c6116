//! Extractors of the JSON API: who is asking and which report a request is about, established before
//! a handler runs (and before any body is read), with failures as problem+json.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Deserialize;

use crate::auth::FOLLOW_UP_HEADER;
use crate::error::Problem;
use crate::service::{self, Caller, ServiceError};
use crate::state::{AppState, JurisdictionRef};

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let c = service::caller::caller(state, &parts.method, &parts.headers).await?;
        parts.extensions.insert(c.clone());
        Ok(c)
    }
}

#[derive(Deserialize)]
struct Named {
    jurisdiction_id: Option<String>,
}

fn named_jurisdiction(parts: &Parts) -> Result<Option<String>, Problem> {
    let q: Named = serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
        .map_err(|e| Problem::bad_request(format!("invalid query parameter: {e}")))?;
    Ok(q.jurisdiction_id)
}

/// The caller and the jurisdiction a request is about: an API key's own, or `?jurisdiction_id=`
/// (which may be left out when the server hosts one).
pub(crate) struct InJurisdiction {
    pub caller: Caller,
    pub jurisdiction: JurisdictionRef,
}

impl FromRequestParts<AppState> for InJurisdiction {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let named = named_jurisdiction(parts)?;
        let jurisdiction = service::jurisdiction::for_caller(state, &caller, named.as_deref())?;
        Ok(InJurisdiction { caller, jurisdiction })
    }
}

/// Like [`InJurisdiction`], for routes only signed-in staff may use: a caller without an account is
/// refused (401) before anything else about the request is looked at.
pub(crate) struct StaffIn(pub InJurisdiction);

impl FromRequestParts<AppState> for StaffIn {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.principal.user_id.is_none() {
            return Err(Problem::unauthorized("sign in, or use an API key bound to a staff account"));
        }
        Ok(StaffIn(InJurisdiction::from_request_parts(parts, state).await?))
    }
}

/// A request about the report `/reports/{id}`: the caller, the report's jurisdiction (named, the
/// key's, or found from the id), the id and the follow-up code the caller shows, if any.
pub(crate) struct ReportTarget {
    pub caller: Caller,
    pub jurisdiction: JurisdictionRef,
    pub id: String,
    pub follow_up_code: Option<String>,
}

impl FromRequestParts<AppState> for ReportTarget {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| Problem::bad_request(format!("invalid path: {e}")))?;
        let named = named_jurisdiction(parts)?;
        let jurisdiction = service::jurisdiction::for_report(state, &caller, named.as_deref(), &id).await?;
        let follow_up_code = parts.headers.get(FOLLOW_UP_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(ReportTarget { caller, jurisdiction, id, follow_up_code })
    }
}

impl ReportTarget {
    /// Loads the report and checks that the caller may do `op` to it.
    pub(crate) async fn load(
        self,
        state: &AppState,
        op: impl FnOnce(&laksana_store::workflow::WorkItem) -> laksana_core::access::Operation,
    ) -> Result<(JurisdictionRef, service::reports::Loaded), Problem> {
        let l = service::reports::load(
            state,
            &self.jurisdiction,
            self.caller,
            self.follow_up_code.as_deref(),
            &self.id,
            op,
        )
        .await?;
        Ok((self.jurisdiction, l))
    }
}

/// The caller and the jurisdiction of `/jurisdictions/{jurisdiction_id}/…`.
pub(crate) struct PathJurisdiction {
    pub caller: Caller,
    pub jurisdiction: JurisdictionRef,
}

impl FromRequestParts<AppState> for PathJurisdiction {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| Problem::bad_request(format!("invalid path: {e}")))?;
        let named = params.iter().find(|(k, _)| *k == "jurisdiction_id").map(|(_, v)| v.to_owned());
        let jurisdiction = service::jurisdiction::named(state, named.as_deref())?;
        Ok(PathJurisdiction { caller, jurisdiction })
    }
}

impl PathJurisdiction {
    /// The caller, if they may do `op` in this jurisdiction: signed in (401 otherwise) and allowed
    /// (403 with `refusal` otherwise).
    pub(crate) fn require(&self, op: laksana_core::access::Admin, refusal: &str) -> Result<&Caller, Problem> {
        if self.caller.principal.user_id.is_none() {
            return Err(Problem::unauthorized(format!("sign in as staff of {}", self.jurisdiction.id())));
        }
        laksana_core::access::authorize_jurisdiction(&self.caller.principal, op, self.jurisdiction.id())
            .map_err(|_| Problem::forbidden(refusal))?;
        Ok(&self.caller)
    }

    /// The caller, if they are an admin of this jurisdiction.
    pub(crate) fn admin(&self) -> Result<&Caller, Problem> {
        self.require(
            laksana_core::access::Admin::Configure,
            &format!("only an admin of {} may change its settings", self.jurisdiction.id()),
        )
    }
}

/// [`PathJurisdiction`] whose caller is an admin of the jurisdiction, checked before any body is read.
pub(crate) struct AdminOf(pub PathJurisdiction);

impl FromRequestParts<AppState> for AdminOf {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let at = PathJurisdiction::from_request_parts(parts, state).await?;
        at.admin()?;
        Ok(AdminOf(at))
    }
}

/// A JSON body whose rejection (not JSON, wrong content type, wrong shape) is a problem+json document
/// like every other API error.
pub(crate) struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(v)| ApiJson(v))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}

/// Refuses (415) a body not sent as `application/json` or a `+json` type.
pub(crate) fn require_json(headers: &axum::http::HeaderMap) -> Result<(), Problem> {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || (m.starts_with("application/") && m.ends_with("+json")));
    if json {
        Ok(())
    } else {
        Err(Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            "send the body as application/json",
        ))
    }
}

/// A JSON body as bytes, for handlers that parse it themselves: refused with 415 unless it is sent as
/// `application/json` (or a `+json` type). A page on another site can post `text/plain` without asking
/// the browser's permission first; it cannot post JSON.
pub(crate) struct JsonBody(pub axum::body::Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        require_json(req.headers())?;
        axum::body::Bytes::from_request(req, state)
            .await
            .map(JsonBody)
            .map_err(|e| Problem::new(e.status(), "Invalid request", e.body_text()))
    }
}

/// The API key of a submission, checked and counted against its rate before the body is read: a client
/// without a valid key, or over its key's rate, costs no more than its headers. A missing or wrong key
/// counts against the client's address, so guessing keys is bounded too.
pub(crate) struct SubmissionKey(pub laksana_store::apikeys::ApiKey);

impl FromRequestParts<AppState> for SubmissionKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let client = state.client_address(&parts.extensions, &parts.headers);
        let refused = |e| Problem::from(service::intake::refused_key(state, client, e));
        let key = crate::auth::bearer(&parts.headers).ok_or_else(|| {
            refused(ServiceError::Unauthenticated("send an API key as `Authorization: Bearer <key>`".into()))
        })?;
        let found = service::intake::find_key(state, Some(key)).await.map_err(refused)?;
        service::intake::count_submission(state, found.id)?;
        Ok(SubmissionKey(found))
    }
}
