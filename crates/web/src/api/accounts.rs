//! A jurisdiction's API keys and staff accounts, for its admins: make, list and revoke keys, disable
//! and enable accounts, give and remove a role. Each change is an act in the jurisdiction's audit chain.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use laksana_core::access::Role;
use laksana_store::{apikeys, users};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::AdminOf;
use crate::error::Problem;
use crate::state::AppState;

/// A key as its admins see it: never the key itself, only its first characters.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct KeyOut {
    id: i64,
    name: String,
    /// The key's first eight characters, to recognise it.
    prefix: String,
    /// The account the key acts as; absent for a client that only submits reports.
    user_id: Option<i64>,
    /// RFC 3339.
    created_at: String,
    /// RFC 3339; absent while the key works.
    revoked_at: Option<String>,
}

/// The jurisdiction's API keys, revoked ones included.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/apikeys", tag = "admin", params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = [KeyOut]), (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn keys_list(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
) -> Result<Json<Vec<KeyOut>>, Problem> {
    let keys = apikeys::list(state.db(), at.jurisdiction.id()).await?;
    let tz = at.jurisdiction.tz;
    let time = |us: i64| laksana_core::Timestamp::from_micros(us).to_rfc3339_in(tz);
    Ok(Json(
        keys.into_iter()
            .map(|k| KeyOut {
                id: k.id,
                name: k.name,
                prefix: k.prefix,
                user_id: k.user_id,
                created_at: time(k.created_at),
                revoked_at: k.revoked_at.map(time),
            })
            .collect(),
    ))
}

/// Revokes a key: refused from the next request on this instance, within a minute on the others.
#[utoipa::path(delete, path = "/jurisdictions/{jurisdiction_id}/apikeys/{id}", tag = "admin",
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 204, description = "Revoked (or revoked already)"), (status = 403, description = "Not an admin", content_type = "application/problem+json"),
              (status = 404, description = "No such key in this jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn keys_revoke(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64)>,
) -> Result<StatusCode, Problem> {
    let id = path.1;
    let now = state.clock().now().as_micros();
    apikeys::revoke(state.db(), Some(at.jurisdiction.id()), id, &at.caller.actor, now).await?;
    state.forget_api_keys();
    Ok(StatusCode::NO_CONTENT)
}

/// The account `user_id`, if an admin of `jurisdiction_id` may manage it: it works in this
/// jurisdiction and in no other (an account that also works elsewhere is the deployment's to manage,
/// with `laksana user`).
async fn managed_here(state: &AppState, jurisdiction_id: &str, user_id: i64) -> Result<users::User, Problem> {
    Ok(crate::service::staff::managed_here(state, jurisdiction_id, user_id).await?)
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AccountOut {
    id: i64,
    email: String,
    disabled: bool,
}

/// Disables an account: it cannot sign in, its sessions end, and keys bound to it stop working at once.
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/users/{id}/disable", tag = "admin",
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = AccountOut), (status = 403, description = "Not an admin, or the account works elsewhere too", content_type = "application/problem+json"),
              (status = 404, description = "No such account in this jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn user_disable(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64)>,
) -> Result<Json<AccountOut>, Problem> {
    set_disabled(&state, &at, path.1, true).await
}

/// Enables a disabled account again (its old sessions stay ended).
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/users/{id}/enable", tag = "admin",
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = AccountOut), (status = 403, description = "Not an admin, or the account works elsewhere too", content_type = "application/problem+json"),
              (status = 404, description = "No such account in this jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn user_enable(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64)>,
) -> Result<Json<AccountOut>, Problem> {
    set_disabled(&state, &at, path.1, false).await
}

async fn set_disabled(
    state: &AppState,
    at: &super::extract::PathJurisdiction,
    id: i64,
    disabled: bool,
) -> Result<Json<AccountOut>, Problem> {
    if disabled && at.caller.principal.user_id == Some(id) {
        return Err(Problem::bad_request("an admin cannot disable their own account"));
    }
    let user = managed_here(state, at.jurisdiction.id(), id).await?;
    users::set_disabled(state.db(), &user.email, disabled, &at.caller.actor, state.clock().now()).await?;
    Ok(Json(AccountOut { id, email: user.email, disabled }))
}

/// Removes a role from an account in this jurisdiction (every agency it held it for).
#[utoipa::path(delete, path = "/jurisdictions/{jurisdiction_id}/users/{id}/roles/{role}", tag = "admin",
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path), ("role" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, description = "Not an admin", content_type = "application/problem+json"),
              (status = 404, description = "The account has no such role here", content_type = "application/problem+json")))]
pub(super) async fn role_remove(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64, String)>,
) -> Result<StatusCode, Problem> {
    let (_, id, role) = path;
    let role = Role::parse(&role).ok_or_else(|| Problem::bad_request(format!("unknown role {role:?}")))?;
    if role == Role::Admin && at.caller.principal.user_id == Some(id) {
        return Err(Problem::bad_request("an admin cannot remove their own admin role"));
    }
    let removed =
        users::revoke_grant(state.db(), id, role, Some(at.jurisdiction.id()), &at.caller.actor, state.clock().now())
            .await?;
    if removed == 0 {
        return Err(Problem::not_found(format!("the account has no {} role here", role.as_str())));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A new key's name.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct KeyIn {
    /// The program it is for, e.g. `Aplikasi warga` (1–100 characters).
    name: String,
}

/// A key just made: the only time the key itself is shown.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct KeyMade {
    id: i64,
    name: String,
    prefix: String,
    /// The key; only its hash is kept.
    api_key: String,
}

/// Makes a key for a program that submits reports (Open311 and the JSON API's intake).
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/apikeys", tag = "admin", request_body = KeyIn, params(("jurisdiction_id" = String, Path)),
    responses((status = 201, body = KeyMade), (status = 400, description = "No name", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn keys_create(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    super::extract::ApiJson(body): super::extract::ApiJson<KeyIn>,
) -> Result<(StatusCode, Json<KeyMade>), Problem> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Problem::bad_request("name is 1 to 100 characters"));
    }
    let now = state.clock().now().as_micros();
    let (key, plain) = apikeys::create(state.db(), at.jurisdiction.id(), name, None, &at.caller.actor, now).await?;
    Ok((StatusCode::CREATED, Json(KeyMade { id: key.id, name: key.name, prefix: key.prefix, api_key: plain })))
}

/// A role to give.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleIn {
    /// operator, officer, agency_head, leader, ombudsman or admin.
    role: String,
    /// For officer and agency_head.
    agency_id: Option<i64>,
}

/// Gives an account that works only here another role here.
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/users/{id}/roles", tag = "admin", request_body = RoleIn,
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 204, description = "Given"), (status = 400, description = "Unknown role, or the agency is missing or not allowed", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin, or the account works elsewhere too", content_type = "application/problem+json"),
              (status = 404, description = "No such account here", content_type = "application/problem+json")))]
pub(super) async fn role_grant(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64)>,
    super::extract::ApiJson(body): super::extract::ApiJson<RoleIn>,
) -> Result<StatusCode, Problem> {
    let user = managed_here(&state, at.jurisdiction.id(), path.1).await?;
    let role = Role::parse(&body.role)
        .filter(|r| *r != Role::Citizen)
        .ok_or_else(|| Problem::bad_request(format!("unknown staff role {:?}", body.role)))?;
    let grant = laksana_core::access::Grant::new(role, Some(at.jurisdiction.id().to_owned()), body.agency_id)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    users::grant(state.db(), user.id, &grant, &at.caller.actor, state.clock().now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
