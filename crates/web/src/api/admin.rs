//! A jurisdiction's settings: holidays, deadlines, webhooks, staff accounts, and checking the audit
//! trail. Everything but reading holidays needs the jurisdiction's `admin` role.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use laksana_core::access::{Admin, Grant, Role};
use laksana_core::limits::Holiday;
use laksana_core::workflow::Deadlines;
use laksana_store::catalog;
use laksana_store::{audit, users, webhooks};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::extract::{AdminOf, ApiJson, PathJurisdiction};
use crate::error::Problem;
use crate::state::AppState;

/// A non-working day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct HolidayIo {
    /// YYYY-MM-DD.
    date: String,
    /// libur_nasional, cuti_bersama or libur_daerah.
    kind: String,
    name: String,
}

/// Holidays to add or rename, and days to remove.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct HolidaysPut {
    #[serde(default)]
    add: Vec<HolidayIo>,
    /// Dates (YYYY-MM-DD) that are working days after all.
    #[serde(default)]
    remove: Vec<String>,
}

/// The jurisdiction's holidays (public: deadlines are computed from them).
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/holidays", tag = "admin", params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = [HolidayIo]), (status = 404, description = "Unknown jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn holidays_get(
    State(state): State<AppState>,
    PathJurisdiction { jurisdiction: j, .. }: PathJurisdiction,
) -> Result<Json<Vec<HolidayIo>>, Problem> {
    let list = catalog::holidays(state.db(), j.id()).await?;
    Ok(Json(list.into_iter().map(holiday_out).collect()))
}

/// Adds, renames or removes holidays; deadlines computed from now on use the new calendar.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/holidays", tag = "admin", request_body = HolidaysPut, params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = [HolidayIo]), (status = 400, description = "Bad date or kind", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn holidays_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    ApiJson(body): ApiJson<HolidaysPut>,
) -> Result<Json<Vec<HolidayIo>>, Problem> {
    let jid = at.jurisdiction.id().to_owned();
    // The same rule as the CSV import (`laksana_core::limits::Holiday`), so both accept the same rows.
    let mut add = Vec::with_capacity(body.add.len());
    for h in &body.add {
        let h = Holiday::parse(&h.date, &h.kind, &h.name)
            .map_err(|e| Problem::bad_request(format!("holiday {:?}: {e}", h.date)))?;
        add.push(catalog::Holiday { day: h.day(), kind: h.kind().as_str().into(), name: h.name().into() });
    }
    let mut remove = Vec::with_capacity(body.remove.len());
    for d in &body.remove {
        remove.push(Holiday::parse_date(d).map_err(|e| Problem::bad_request(e.to_string()))?.to_string());
    }
    let now = state.clock().now().as_micros();
    catalog::change_holidays(state.db(), &jid, &add, &remove, &at.caller.actor, now).await?;
    state.reload_catalog().await?;
    let list = catalog::holidays(state.db(), &jid).await?;
    Ok(Json(list.into_iter().map(holiday_out).collect()))
}

/// Sets the jurisdiction's deadlines (working days); keys left out take the national default.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/deadlines", tag = "admin", params(("jurisdiction_id" = String, Path)),
    request_body(content = serde_json::Value, description = "verification, plan, info_reply, confirmation, escalation_step, reopen_window"),
    responses((status = 200, body = serde_json::Value), (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn deadlines_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<Deadlines>, Problem> {
    let jid = at.jurisdiction.id().to_owned();
    let d: Deadlines =
        serde_json::from_value(body).map_err(|e| Problem::bad_request(format!("invalid deadlines: {e}")))?;
    d.validate().map_err(|e| Problem::bad_request(e.to_string()))?;
    catalog::set_deadlines(state.db(), &jid, &d, &at.caller.actor, state.clock().now().as_micros()).await?;
    state.reload_catalog().await?;
    Ok(Json(d))
}

/// A webhook subscriber.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct WebhookOut {
    id: i64,
    url: String,
    active: bool,
    /// Shown when the webhook is created, then never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhookIn {
    url: String,
}

#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/webhooks", tag = "admin", params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = [WebhookOut]), (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn webhooks_list(
    State(state): State<AppState>,
    at: PathJurisdiction,
) -> Result<Json<Vec<WebhookOut>>, Problem> {
    at.admin()?;
    let jid = at.jurisdiction.id().to_owned();
    let list = webhooks::list(state.db(), &jid).await?;
    Ok(Json(list.into_iter().map(|w| WebhookOut { id: w.id, url: w.url, active: w.active, secret: None }).collect()))
}

/// Subscribes a URL to the jurisdiction's public report events. Each delivery carries
/// `X-Laksana-Signature: sha256=HEX`, the HMAC-SHA256 of the body under the secret returned here.
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/webhooks", tag = "admin", request_body = WebhookIn, params(("jurisdiction_id" = String, Path)),
    responses((status = 201, body = WebhookOut), (status = 400, description = "Bad URL", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn webhooks_create(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    ApiJson(body): ApiJson<WebhookIn>,
) -> Result<(StatusCode, Json<WebhookOut>), Problem> {
    let jid = at.jurisdiction.id().to_owned();
    let w = webhooks::create(state.db(), &jid, &body.url, &at.caller.actor, state.clock().now().as_micros()).await?;
    Ok((StatusCode::CREATED, Json(WebhookOut { id: w.id, url: w.url, active: w.active, secret: Some(w.secret) })))
}

/// Whether a webhook delivers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhookState {
    active: bool,
}

/// Turns a webhook's deliveries off (events meanwhile are not sent) or on again.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/webhooks/{id}", tag = "admin", request_body = WebhookState,
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 204, description = "Done"), (status = 403, description = "Not an admin", content_type = "application/problem+json"),
              (status = 404, description = "No such webhook", content_type = "application/problem+json")))]
pub(super) async fn webhook_state(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64)>,
    ApiJson(body): ApiJson<WebhookState>,
) -> Result<StatusCode, Problem> {
    let now = state.clock().now().as_micros();
    if !webhooks::set_active(state.db(), at.jurisdiction.id(), path.1, body.active, &at.caller.actor, now).await? {
        return Err(Problem::not_found("no such webhook"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a webhook and its delivery log.
#[utoipa::path(delete, path = "/jurisdictions/{jurisdiction_id}/webhooks/{id}", tag = "admin",
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 204, description = "Removed"), (status = 403, description = "Not an admin", content_type = "application/problem+json"),
              (status = 404, description = "No such webhook", content_type = "application/problem+json")))]
pub(super) async fn webhook_delete(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, i64)>,
) -> Result<StatusCode, Problem> {
    let now = state.clock().now().as_micros();
    if !webhooks::delete(state.db(), at.jurisdiction.id(), path.1, &at.caller.actor, now).await? {
        return Err(Problem::not_found("no such webhook"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DeliveryOut {
    attempt: i64,
    /// The HTTP status the subscriber answered, if it answered.
    status_code: Option<i64>,
    error: Option<String>,
    at: String,
}

/// The delivery log of a webhook, newest first (at most 200).
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/webhooks/{id}/deliveries", tag = "admin",
    params(("jurisdiction_id" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = [DeliveryOut]), (status = 404, description = "No such webhook", content_type = "application/problem+json")))]
pub(super) async fn deliveries(
    State(state): State<AppState>,
    at: PathJurisdiction,
    Path((_jurisdiction, id)): Path<(String, i64)>,
) -> Result<Json<Vec<DeliveryOut>>, Problem> {
    at.admin()?;
    let info = &at.jurisdiction;
    let w = webhooks::get(state.db(), id)
        .await?
        .filter(|w| w.jurisdiction_id == info.id())
        .ok_or_else(|| Problem::not_found("no such webhook"))?;
    let list = webhooks::deliveries(state.db(), w.id, 200).await?;
    Ok(Json(
        list.into_iter()
            .map(|d| DeliveryOut {
                attempt: d.attempt,
                status_code: d.status_code,
                error: d.error,
                at: laksana_core::Timestamp::from_micros(d.delivered_at).to_rfc3339_in(info.tz),
            })
            .collect(),
    ))
}

/// A staff account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct UserIn {
    email: String,
    #[serde(default)]
    display_name: String,
    /// operator, officer, agency_head, leader, ombudsman or admin.
    role: String,
    /// officer and agency_head: the agency's id.
    agency_id: Option<i64>,
    /// id (default) or en.
    #[serde(default)]
    language: String,
    /// At least 10 characters; without one the account is emailed an invitation to set its own.
    password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct UserOut {
    id: i64,
    email: String,
    role: String,
}

/// Creates a staff account with one role in this jurisdiction. Without a password, the account is
/// emailed an invitation whose link (good for a week, once) sets its first password.
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/users", tag = "admin", request_body = UserIn, params(("jurisdiction_id" = String, Path)),
    responses((status = 201, body = UserOut), (status = 400, description = "Invalid role, scope or password", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json"),
              (status = 409, description = "The email has an account", content_type = "application/problem+json")))]
pub(super) async fn users_create(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    ApiJson(body): ApiJson<UserIn>,
) -> Result<(StatusCode, Json<UserOut>), Problem> {
    let jid = at.jurisdiction.id().to_owned();
    let role = Role::parse(&body.role)
        .filter(|r| *r != Role::Citizen)
        .ok_or_else(|| Problem::bad_request(format!("unknown staff role {:?}", body.role)))?;
    let grant = Grant::new(role, Some(jid.clone()), body.agency_id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let new = users::NewUser {
        email: body.email,
        display_name: body.display_name,
        language: body.language,
        password: body.password,
    };
    let user = crate::service::staff::invite(&state, &at.caller, &at.jurisdiction, &new, &grant).await?;
    Ok((StatusCode::CREATED, Json(UserOut { id: user.id, email: user.email, role: role.as_str().into() })))
}

/// The result of checking the audit trail: the hash chain and every report against its events.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AuditOut {
    /// Sealed events whose links were checked.
    events: u64,
    /// No broken link and every report as its events say.
    intact: bool,
    /// The first broken link, if any.
    broken: Option<String>,
    /// Events written but not sealed yet (sealed within a second while a sealer runs).
    unsealed: u64,
    /// Reports compared with their events.
    reports: u64,
    /// How many report fields differ from what the events say.
    mismatch_count: u64,
    /// The first of them: report, field, stored value and the value the events give.
    mismatches: Vec<String>,
}

/// Recomputes the jurisdiction's audit chain (admins, operators, leaders, the ombudsman).
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/audit", tag = "admin", params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = AuditOut), (status = 403, description = "Not allowed", content_type = "application/problem+json")))]
pub(super) async fn verify_audit(
    State(state): State<AppState>,
    at: PathJurisdiction,
) -> Result<Json<AuditOut>, Problem> {
    at.require(Admin::VerifyAudit, "the audit trail is for admins, operators, leaders and the ombudsman")?;
    let v = audit::verify_in(state.db(), Some(at.jurisdiction.id())).await?;
    Ok(Json(AuditOut {
        events: v.events,
        intact: v.intact(),
        broken: v.broken.as_ref().map(ToString::to_string),
        unsealed: v.unsealed,
        reports: v.reports,
        mismatch_count: v.mismatch_count,
        mismatches: v.mismatches.iter().map(ToString::to_string).collect(),
    }))
}

fn holiday_out(h: catalog::Holiday) -> HolidayIo {
    HolidayIo { date: h.day, kind: h.kind, name: h.name }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ActivityQuery {
    /// 1 to 200 (default 50).
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// One official act on the jurisdiction's settings or accounts.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ActivityOut {
    /// Its place in the audit chain; null for a moment, until it is sealed.
    seq: Option<i64>,
    /// user, grant, api_key, webhook, holidays or deadlines.
    subject: String,
    /// The subject's id, for accounts, grants, keys and webhooks.
    subject_id: Option<String>,
    /// created, granted, password_set, changed, …
    action: String,
    /// Who did it: `user:ID`, `cli:NAME` (the command line), or `seed`.
    actor: String,
    at: String,
    /// What was done (never a password, key or secret).
    data: serde_json::Value,
}

/// A page of the activity record.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ActivityPage {
    items: Vec<ActivityOut>,
    next_cursor: Option<String>,
}

/// Every official act on the jurisdiction's settings and accounts (role grants, passwords, API keys,
/// holidays, deadlines, webhooks), newest first, as the audit chain records it: for the ombudsman and
/// the jurisdiction's admins.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/activity", tag = "admin",
    params(("jurisdiction_id" = String, Path), ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 403, description = "Not the ombudsman or an admin", content_type = "application/problem+json")))]
pub(super) async fn activity(
    State(state): State<AppState>,
    at: PathJurisdiction,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, Problem> {
    at.require(Admin::ReadActivity, "the activity record is for the ombudsman and admins")?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Problem::bad_request(format!("limit must be from 1 to 200, got {limit}")));
    }
    let before = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<i64>().map_err(|_| Problem::bad_request("cursor is not one this server issued"))?),
        None => None,
    };
    let j = &at.jurisdiction;
    let mut list = audit::activity(state.db(), j.id(), before, limit + 1).await?;
    let next_cursor = if list.len() > limit as usize {
        list.truncate(limit as usize);
        list.last().map(|a| a.id.to_string())
    } else {
        None
    };
    let items = list
        .into_iter()
        .map(|a| ActivityOut {
            seq: a.seq,
            subject: a.subject_kind,
            subject_id: a.subject_id,
            action: a.kind,
            actor: a.actor,
            at: laksana_core::Timestamp::from_micros(a.created_at).to_rfc3339_in(j.tz),
            data: serde_json::from_str(&a.data).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(Json(ActivityPage { items, next_cursor }))
}
