//! Signing in and out, and the credentials a request carries (session cookie, bearer key); who they
//! make the caller is decided in `service::caller`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use laksana_store::users::{self, Login};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::Problem;
use crate::service::{Caller, ServiceError};
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "laksana_session";
/// How long a session lasts.
const SESSION_SECS: i64 = 12 * 3600;
/// The header an anonymous reporter sends their follow-up code in.
pub const FOLLOW_UP_HEADER: &str = "x-follow-up-code";

pub(crate) fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        v.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")).map(|(_, k)| k.trim())
    })
}

/// A browser sending our cookie from another site's page is refused (CSRF). A write must say where it
/// comes from: an `Origin` that is this server's own, scheme included (`public_url`'s, or its scheme
/// with the request's `Host`), or, from a browser that sends no `Origin` (or `null`),
/// `Sec-Fetch-Site: same-origin`.
/// A request that says neither is refused: browsers always send one of them on a cross-site POST.
pub(crate) fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let header = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    // Under `Referrer-Policy: no-referrer` (which every answer carries) a browser's form POST says
    // `Origin: null`: then, as without an Origin, its `Sec-Fetch-Site` decides.
    let Some(origin) = header(header::ORIGIN).filter(|o| *o != "null") else {
        return header(axum::http::HeaderName::from_static("sec-fetch-site")) == Some("same-origin");
    };
    let origin = origin.trim_end_matches('/');
    let own = public_url.trim_end_matches('/');
    let own_origin = match own.find("://").and_then(|i| own[i + 3..].find('/').map(|j| i + 3 + j)) {
        Some(path) => &own[..path],
        None => own,
    };
    if origin.eq_ignore_ascii_case(own_origin) {
        return true;
    }
    let scheme = own_origin.split_once("://").map_or("http", |(s, _)| s);
    header(header::HOST).is_some_and(|host| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
}

/// Sign-in details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginIn {
    email: String,
    password: String,
}

/// The signed-in user and their roles.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Me {
    id: i64,
    email: String,
    display_name: String,
    language: String,
    roles: Vec<RoleOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RoleOut {
    role: String,
    jurisdiction_id: Option<String>,
    agency_id: Option<i64>,
}

async fn me_of(state: &AppState, user: users::User) -> Result<Me, Problem> {
    let grants = users::grants_of(state.db(), user.id).await?;
    Ok(Me {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        language: user.language,
        roles: grants
            .into_iter()
            .map(|g| RoleOut {
                role: g.role.as_str().into(),
                jurisdiction_id: g.jurisdiction_id,
                agency_id: g.agency_id,
            })
            .collect(),
    })
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config().secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"))
        .expect("hex tokens make valid header values")
}

/// Signs in with email and password; sets a fresh session cookie. Failures are throttled per client
/// address (20 in 15 minutes), per client and account (5) and per account (50, for clients that failed
/// for it), alike for emails with and without an account; a client that has not failed for an account
/// may still sign in to it.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginIn,
    responses((status = 200, body = Me), (status = 401, description = "Wrong email or password", content_type = "application/problem+json"),
              (status = 429, description = "Too many failures; see Retry-After", content_type = "application/problem+json"),
              (status = 503, description = "Too many sign-ins at once", content_type = "application/problem+json")))]
pub(crate) async fn login(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, Problem> {
    let client = state.client_address(&extensions, &headers);
    // The client's own limit first, on its headers alone; then a body of a few kilobytes at most.
    if let Some(secs) = sign_in_blocked(&state, client) {
        return Ok(too_many_sign_ins(secs));
    }
    crate::api::extract::require_json(&headers)?;
    let bytes = axum::body::to_bytes(body, MAX_LOGIN_BODY)
        .await
        .map_err(|_| Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large", "a sign-in is at most 4 KiB"))?;
    let body: LoginIn =
        serde_json::from_slice(&bytes).map_err(|e| Problem::bad_request(format!("invalid sign-in: {e}")))?;
    let old = cookie_value(&headers, COOKIE);
    match sign_in(&state, client, &body.email, &body.password, old).await {
        Ok((user, token)) => {
            let me = me_of(&state, user).await?;
            let mut res = Json(me).into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, &token, SESSION_SECS));
            Ok(res)
        }
        Err(ServiceError::TooManyRequests { retry_after_secs, .. }) => Ok(too_many_sign_ins(retry_after_secs)),
        Err(e) => Err(e.into()),
    }
}

/// Seconds a client must wait before it may try to sign in again, judged on its address alone
/// (before anything it sent is read).
pub(crate) fn sign_in_blocked(state: &AppState, client: std::net::IpAddr) -> Option<u64> {
    state.sign_in().by_client.blocked(&crate::limit::client_key(client))
}

/// Checks an email and password under the sign-in throttles and starts a session (replacing `old`):
/// the user and the new session token. Refused with `Unauthenticated` for a wrong pair, with
/// `Forbidden` ([`UNCONFIRMED`]) for an account whose email address is not confirmed yet, with
/// `TooManyRequests` once a throttle is reached, for every transport alike.
pub(crate) async fn sign_in(
    state: &AppState,
    client: std::net::IpAddr,
    email: &str,
    password: &str,
    old: Option<&str>,
) -> Result<(users::User, String), ServiceError> {
    let client = crate::limit::client_key(client);
    let throttle = state.sign_in();
    let too_many = |secs: u64| ServiceError::TooManyRequests {
        detail: format!("too many failed sign-ins; try again in {} minutes", secs.div_ceil(60)),
        retry_after_secs: secs,
    };
    if let Some(secs) = throttle.by_client.blocked(&client) {
        return Err(too_many(secs));
    }
    // The account as a digest of its email: the throttle keeps no email addresses in memory.
    let account = laksana_store::apikeys::hash_key(&email.to_lowercase());
    let pair = (client, account.clone());
    let wait = throttle
        .by_pair
        .blocked(&pair)
        .or_else(|| (throttle.by_pair.failures(&pair) > 0).then(|| throttle.by_account.blocked(&account)).flatten());
    if let Some(secs) = wait {
        return Err(too_many(secs));
    }
    // Counted before the password is checked, so that concurrent attempts cannot all pass the check
    // above before the first failure is counted; a success takes its count back.
    throttle.by_client.failed(client);
    throttle.by_account.failed(account.clone());
    throttle.by_pair.failed(pair.clone());
    let refund = || {
        throttle.by_client.refund(&client);
        throttle.by_account.refund(&account);
        throttle.by_pair.refund(&pair);
    };
    match users::login(state.db(), email, password).await {
        Err(e) => {
            refund();
            Err(e.into())
        }
        Ok(Login::Refused) => Err(ServiceError::Unauthenticated("wrong email or password".into())),
        // The right password: no guess to count. The account waits for its emailed link.
        Ok(Login::Unconfirmed(_)) => {
            refund();
            Err(ServiceError::Forbidden(UNCONFIRMED.into()))
        }
        Ok(Login::Ok(user)) => {
            refund();
            throttle.by_pair.forget(&pair);
            let token = users::start_session(state.db(), user.id, state.clock().now(), SESSION_SECS, old).await?;
            Ok((user, token))
        }
    }
}

/// Ends the session `token` (if any): the cookie that clears it.
pub(crate) async fn sign_out(state: &AppState, token: Option<&str>) -> Result<HeaderValue, ServiceError> {
    if let Some(token) = token {
        users::end_session(state.db(), token).await?;
    }
    Ok(session_cookie(state, "", 0))
}

/// The session cookie for `token`, as the pages set it.
pub(crate) fn new_session_cookie(state: &AppState, token: &str) -> HeaderValue {
    session_cookie(state, token, SESSION_SECS)
}

/// Why an account with the right password may not sign in yet.
pub(crate) const UNCONFIRMED: &str = "confirm your email address first, with the link we emailed to it";

/// The largest sign-in body read.
const MAX_LOGIN_BODY: usize = 4 * 1024;

fn too_many_sign_ins(secs: u64) -> Response {
    let mut res = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        format!("too many failed sign-ins; try again in {} minutes", secs.div_ceil(60)),
    )
    .into_response();
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    res
}

/// Ends the session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Problem> {
    let cookie = sign_out(&state, cookie_value(&headers, COOKIE)).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// The signed-in user (by session or by an API key bound to a user).
#[utoipa::path(get, path = "/auth/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, description = "Not signed in", content_type = "application/problem+json")))]
pub(crate) async fn me(State(state): State<AppState>, c: Caller) -> Result<Json<Me>, Problem> {
    let uid = c.principal.user_id.ok_or_else(|| Problem::unauthorized("sign in first"))?;
    let user = users::get(state.db(), uid).await?.ok_or_else(|| Problem::unauthorized("sign in first"))?;
    Ok(Json(me_of(&state, user).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (axum::http::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn a_write_must_come_from_this_server() {
        let own = "https://laksana.kota.go.id";
        assert!(same_origin(&headers(&[("origin", "https://laksana.kota.go.id")]), own));
        assert!(!same_origin(&headers(&[("origin", "https://evil.example")]), own));
        assert!(!same_origin(&headers(&[("origin", "http://laksana.kota.go.id")]), own), "the scheme counts");
        // A browser's form POST under no-referrer says Origin: null; Sec-Fetch-Site then decides.
        assert!(same_origin(&headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]), own));
        assert!(!same_origin(&headers(&[("origin", "null"), ("sec-fetch-site", "cross-site")]), own));
        assert!(!same_origin(&headers(&[("origin", "null")]), own));
        assert!(!same_origin(&headers(&[]), own), "saying nothing is refused");
    }
}
