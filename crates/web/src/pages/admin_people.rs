//! The admin pages for people and programs: a jurisdiction's staff (invite someone with a role,
//! disable or enable an account) and its API keys (make one, shown once; revoke one).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::Timestamp;
use laksana_core::access::{Grant, Role};
use laksana_store::{apikeys, users};
use serde::Deserialize;

use super::admin::{DoneQuery, admin_of};
use super::staff::Staff;
use super::{Chrome, PageError, read_form};
use crate::service::{ServiceError, staff};
use crate::state::{AppState, JurisdictionRef};

/// One account as the page lists it.
pub(super) struct Person {
    id: i64,
    email: String,
    name: String,
    roles: String,
    /// The role names it holds here, each removable.
    role_keys: Vec<&'static str>,
    disabled: bool,
    invited: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_people.html")]
struct PeoplePage {
    chrome: Chrome,
    id: String,
    name: String,
    people: Vec<Person>,
    roles: Vec<&'static str>,
    agencies: Vec<(i64, String)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn people_page(
    state: &AppState,
    chrome: Chrome,
    j: &JurisdictionRef,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let members = users::members(state.db(), j.id()).await.map_err(|e| chrome.fail(e.into()))?;
    let people = members
        .into_iter()
        .map(|m| Person {
            role_keys: {
                let mut keys: Vec<&'static str> = m.grants.iter().map(|g| g.role.as_str()).collect();
                keys.dedup();
                keys
            },
            roles: m
                .grants
                .iter()
                .map(|g| match g.agency_id.and_then(|a| j.agency_names.get(&a)) {
                    Some(a) => format!("{} ({a})", g.role.as_str()),
                    None => g.role.as_str().to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            id: m.user.id,
            email: m.user.email,
            name: m.user.display_name,
            disabled: m.user.disabled_at.is_some(),
            invited: !m.has_password,
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PeoplePage {
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        people,
        roles: Role::ALL.iter().filter(|r| **r != Role::Citizen).map(|r| r.as_str()).collect(),
        agencies: j.active_agencies_by_name(),
        notice,
        error,
        chrome,
    };
    Ok((status, page).into_response())
}

/// `GET /admin/{jurisdiction}/pengguna`: the staff, and the form to invite someone.
pub(super) async fn people(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let notice = q.notice(&chrome);
    people_page(&state, chrome, &j, notice, None).await
}

#[derive(Debug, Deserialize)]
pub(super) struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
}

/// `POST /admin/{jurisdiction}/pengguna`: an account with one role here, invited by email to set its
/// password.
pub(super) async fn invite(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let f: InviteForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let role = Role::parse(f.role.trim()).filter(|r| *r != Role::Citizen);
    let agency = f.agency.trim().parse::<i64>().ok();
    let grant = match role.map(|r| Grant::new(r, Some(j.id().to_owned()), agency)) {
        Some(Ok(g)) => g,
        Some(Err(e)) => return people_page(&state, chrome, &j, None, Some(e.to_string())).await,
        None => return people_page(&state, chrome, &j, None, Some(t.get("admin-role-needed"))).await,
    };
    if !laksana_core::ids::plausible_email(&f.email) {
        return people_page(&state, chrome, &j, None, Some(t.get("submit-email-invalid"))).await;
    }
    let new = users::NewUser {
        email: f.email.trim().to_owned(),
        display_name: f.name.trim().to_owned(),
        language: t.lang.as_str().into(),
        password: None,
    };
    match staff::invite(&state, &who.caller, &j, &new, &grant).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/{id}/pengguna?selesai=1")).into_response()),
        Err(ServiceError::Conflict(m) | ServiceError::Invalid(m)) => {
            people_page(&state, chrome, &j, None, Some(m)).await
        }
        Err(e) => Err(chrome.fail(e)),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AccountForm {
    #[serde(default)]
    action: String,
    /// For `revoke`: the role to take away here.
    #[serde(default)]
    role: String,
}

/// `POST /admin/{jurisdiction}/pengguna/{id}`: disables or enables an account that works only here, or
/// takes one of its roles here away.
pub(super) async fn account(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path((id, user_id)): Path<(String, i64)>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let f: AccountForm = read_form(req, &chrome).await?;
    let user = staff::managed_here(&state, j.id(), user_id).await.map_err(|e| chrome.fail(e))?;
    if f.action == "revoke" {
        let Some(role) = Role::parse(f.role.trim()) else {
            return Err(chrome.fail(ServiceError::Invalid(chrome.t.get("act-unknown"))));
        };
        if role == Role::Admin && who.caller.principal.user_id == Some(user.id) {
            return people_page(&state, chrome.clone(), &j, None, Some(chrome.t.get("admin-not-yourself"))).await;
        }
        users::revoke_grant(state.db(), user.id, role, Some(j.id()), &who.caller.actor, state.clock().now())
            .await
            .map_err(|e| chrome.fail(e.into()))?;
        return Ok(Redirect::to(&format!("/admin/{id}/pengguna?selesai=1")).into_response());
    }
    let disable = match f.action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return Err(chrome.fail(ServiceError::Invalid(chrome.t.get("act-unknown")))),
    };
    if disable && who.caller.principal.user_id == Some(user.id) {
        return people_page(&state, chrome.clone(), &j, None, Some(chrome.t.get("admin-not-yourself"))).await;
    }
    users::set_disabled(state.db(), &user.email, disable, &who.caller.actor, state.clock().now())
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    Ok(Redirect::to(&format!("/admin/{id}/pengguna?selesai=1")).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct GrantForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
}

/// `POST /admin/{jurisdiction}/pengguna/peran`: gives an account that works only here another role.
pub(super) async fn grant(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let f: GrantForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let Ok(user_id) = f.user.trim().parse::<i64>() else {
        return people_page(&state, chrome, &j, None, Some(t.get("act-unknown"))).await;
    };
    let user = staff::managed_here(&state, j.id(), user_id).await.map_err(|e| chrome.fail(e))?;
    let role = Role::parse(f.role.trim()).filter(|r| *r != Role::Citizen);
    let grant = match role.map(|r| Grant::new(r, Some(j.id().to_owned()), f.agency.trim().parse::<i64>().ok())) {
        Some(Ok(g)) => g,
        Some(Err(e)) => return people_page(&state, chrome, &j, None, Some(e.to_string())).await,
        None => return people_page(&state, chrome, &j, None, Some(t.get("admin-role-needed"))).await,
    };
    match users::grant(state.db(), user.id, &grant, &who.caller.actor, state.clock().now()).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/{id}/pengguna?selesai=1")).into_response()),
        Err(laksana_store::StoreError::Invalid(m) | laksana_store::StoreError::Conflict(m)) => {
            people_page(&state, chrome, &j, None, Some(m)).await
        }
        Err(e) => Err(chrome.fail(e.into())),
    }
}

/// One key as the page lists it (never the key itself).
pub(super) struct Key {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    revoked: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_keys.html")]
struct KeysPage {
    chrome: Chrome,
    id: String,
    name: String,
    keys: Vec<Key>,
    /// A key just made: shown this once.
    new_key: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

async fn keys_page(
    state: &AppState,
    chrome: Chrome,
    j: &JurisdictionRef,
    new_key: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = chrome.t;
    let keys = apikeys::list(state.db(), j.id())
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .into_iter()
        .map(|k| Key {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created: t.datetime(Timestamp::from_micros(k.created_at), j.tz),
            revoked: k.revoked_at.map(|at| t.datetime(Timestamp::from_micros(at), j.tz)),
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page =
        KeysPage { id: j.id().to_owned(), name: j.jurisdiction.name.clone(), keys, new_key, notice, error, chrome };
    Ok((status, page).into_response())
}

/// `GET /admin/{jurisdiction}/kunci`: the jurisdiction's API keys.
pub(super) async fn keys(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let notice = q.notice(&chrome);
    keys_page(&state, chrome, &j, None, notice, None).await
}

#[derive(Debug, Deserialize)]
pub(super) struct KeyForm {
    #[serde(default)]
    name: String,
}

/// `POST /admin/{jurisdiction}/kunci`: a new key for a program that submits reports (Open311); the page
/// shows it once, and only its hash is kept.
pub(super) async fn key_create(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let f: KeyForm = read_form(req, &chrome).await?;
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        let error = Some(chrome.t.get("admin-key-name-needed"));
        return keys_page(&state, chrome, &j, None, None, error).await;
    }
    let now = state.clock().now().as_micros();
    let (_, plain) = apikeys::create(state.db(), j.id(), name, None, &who.caller.actor, now)
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    keys_page(&state, chrome, &j, Some(plain), None, None).await
}

/// `POST /admin/{jurisdiction}/kunci/{id}/cabut`: revokes a key, at once on this instance and within a
/// minute on the others.
pub(super) async fn key_revoke(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path((id, key)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let now = state.clock().now().as_micros();
    apikeys::revoke(state.db(), Some(j.id()), key, &who.caller.actor, now).await.map_err(|e| chrome.fail(e.into()))?;
    state.forget_api_keys();
    Ok(Redirect::to(&format!("/admin/{id}/kunci?selesai=1")).into_response())
}

/// Deliveries shown per webhook (the API lists 200).
const HOOK_DELIVERIES: u32 = 10;

/// One webhook as the page lists it, with its latest deliveries.
pub(super) struct Hook {
    id: i64,
    url: String,
    active: bool,
    /// The latest deliveries, newest first: when, and the answer or the error.
    deliveries: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_webhooks.html")]
struct HooksPage {
    chrome: Chrome,
    id: String,
    name: String,
    hooks: Vec<Hook>,
    /// A webhook just made, with its secret: shown this once.
    new_secret: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

async fn hooks_page(
    state: &AppState,
    chrome: Chrome,
    j: &JurisdictionRef,
    new_secret: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = chrome.t;
    let mut hooks = Vec::new();
    for w in laksana_store::webhooks::list(state.db(), j.id()).await.map_err(|e| chrome.fail(e.into()))? {
        let deliveries = laksana_store::webhooks::deliveries(state.db(), w.id, HOOK_DELIVERIES)
            .await
            .map_err(|e| chrome.fail(e.into()))?
            .into_iter()
            .map(|d| {
                let how = d.status_code.map_or_else(|| d.error.clone().unwrap_or_default(), |c| format!("HTTP {c}"));
                format!("{} · #{} · {how}", t.datetime(Timestamp::from_micros(d.delivered_at), j.tz), d.attempt)
            })
            .collect();
        hooks.push(Hook { id: w.id, url: w.url, active: w.active, deliveries });
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = HooksPage {
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        hooks,
        new_secret,
        notice,
        error,
        chrome,
    };
    Ok((status, page).into_response())
}

/// `GET /admin/{jurisdiction}/webhook`: the subscribers to the jurisdiction's public report events.
pub(super) async fn hooks(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let notice = q.notice(&chrome);
    hooks_page(&state, chrome, &j, None, notice, None).await
}

#[derive(Debug, Deserialize)]
pub(super) struct HookForm {
    #[serde(default)]
    url: String,
    /// `enable`, `disable` or `delete` for an existing one (with `id`); empty to make one.
    #[serde(default)]
    action: String,
    #[serde(default)]
    id: String,
}

/// `POST /admin/{jurisdiction}/webhook`: makes a webhook (its signing secret shown once), or turns one
/// off or on, or removes it.
pub(super) async fn hook(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    use laksana_store::webhooks;
    let j = admin_of(&state, &chrome, &who, &id)?;
    let f: HookForm = read_form(req, &chrome).await?;
    let now = state.clock().now().as_micros();
    let actor = &who.caller.actor;
    let hook_id = f.id.trim().parse::<i64>().ok();
    let found = match (f.action.as_str(), hook_id) {
        ("", _) => match webhooks::create(state.db(), j.id(), &f.url, actor, now).await {
            Ok(w) => return hooks_page(&state, chrome, &j, Some(w.secret), None, None).await,
            Err(laksana_store::StoreError::Invalid(m)) => {
                return hooks_page(&state, chrome, &j, None, None, Some(m)).await;
            }
            Err(e) => return Err(chrome.fail(e.into())),
        },
        ("enable" | "disable", Some(h)) => {
            webhooks::set_active(state.db(), j.id(), h, f.action == "enable", actor, now).await
        }
        ("delete", Some(h)) => webhooks::delete(state.db(), j.id(), h, actor, now).await,
        _ => return Err(chrome.fail(ServiceError::Invalid(chrome.t.get("act-unknown")))),
    };
    match found.map_err(|e| chrome.fail(e.into()))? {
        true => Ok(Redirect::to(&format!("/admin/{id}/webhook?selesai=1")).into_response()),
        false => Err(chrome.fail(ServiceError::NotFound(String::new()))),
    }
}
