//! Working on a report: lifecycle actions, replies and notes, privacy, and the report and its
//! timeline as the caller may see them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use laksana_core::access::{self, Denied, Operation, Scope, View};
use laksana_core::workflow::{Command, Text};
use laksana_core::{Privacy, PublicId, Status, Timestamp};
use laksana_store::lifecycle;
use laksana_store::workflow::{self, WorkItem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::reports::{ReportOut, resolve, with_media};
use crate::auth::{self, Caller};
use crate::error::Problem;
use crate::state::{AppState, JurisdictionInfo};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct JQuery {
    /// Required when the server hosts several jurisdictions (and the caller is not an API key).
    jurisdiction_id: Option<String>,
}

/// A report the caller may see, with how they stand to it.
pub(crate) struct Loaded {
    pub item: WorkItem,
    pub view: View,
    pub caller: Caller,
}

pub(crate) fn scope(item: &WorkItem) -> Result<Scope<'_>, Problem> {
    Ok(Scope {
        report_id: item.id,
        jurisdiction_id: &item.jurisdiction_id,
        agency_id: item.agency_id,
        reporter_user_id: item.user_id,
        privacy: item.privacy()?,
    })
}

pub(crate) fn denied(e: Denied, id: &str) -> Problem {
    match e {
        Denied::Hidden => Problem::not_found(format!("report {id:?} not found")),
        Denied::Forbidden => Problem::forbidden(format!("you may not do this to report {id}")),
    }
}

/// Loads a report and checks that the caller may do `op` to it; the one path every report route takes.
pub(crate) async fn load(
    state: &AppState,
    j: &JurisdictionInfo,
    mut caller: Caller,
    headers: &HeaderMap,
    id: &str,
    op: impl FnOnce(&WorkItem) -> Operation,
) -> Result<Loaded, Problem> {
    let not_found = || Problem::not_found(format!("report {id:?} not found"));
    let pid = PublicId::parse(id).ok_or_else(not_found)?;
    let item = workflow::load(state.db(), j.id(), pid.as_str()).await?.ok_or_else(not_found)?;
    if let Some(code) = headers.get(auth::FOLLOW_UP_HEADER).and_then(|v| v.to_str().ok()) {
        if !item.follow_up_matches(code) {
            // A report the caller could not see without the code stays unknown to them.
            let visible = access::authorize(&caller.principal, Operation::Read, &scope(&item)?).is_ok();
            let mut p = if visible {
                Problem::forbidden("the follow-up code does not match this report")
            } else {
                Problem::not_found(format!("report {id:?} not found"))
            };
            p.wrong_follow_up_code = true;
            return Err(p);
        }
        caller.principal.follow_up_report = Some(item.id);
    }
    let view = access::authorize(&caller.principal, op(&item), &scope(&item)?).map_err(|e| denied(e, pid.as_str()))?;
    Ok(Loaded { item, view, caller })
}

/// Whether the caller may read a report (for its photos).
pub(crate) async fn load_report(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    headers: &HeaderMap,
    id: &str,
) -> Result<(), Problem> {
    load(state, j, caller, headers, id, |_| Operation::Read).await.map(|_| ())
}

/// The jurisdiction of a request about one report: as [`jurisdiction`], except that with none named
/// on a server of several, the report's own (public ids are unique across jurisdictions).
pub(crate) async fn report_jurisdiction<'c>(
    state: &AppState,
    catalog: &'c crate::state::Catalog,
    caller: &Caller,
    named: Option<&str>,
    id: &str,
) -> Result<&'c JurisdictionInfo, Problem> {
    if caller.key_jurisdiction.is_some()
        || named.is_some_and(|n| !n.trim().is_empty())
        || catalog.jurisdictions.len() <= 1
    {
        return jurisdiction(catalog, caller, named);
    }
    let not_found = || Problem::not_found(format!("report {id:?} not found"));
    let pid = PublicId::parse(id).ok_or_else(not_found)?;
    let j = laksana_store::reports::jurisdiction_of(state.db(), pid.as_str()).await?.ok_or_else(not_found)?;
    catalog.get(&j).ok_or_else(not_found)
}

/// The jurisdiction of a request: an API key's own, or the one named.
pub(crate) fn jurisdiction<'c>(
    catalog: &'c crate::state::Catalog,
    caller: &Caller,
    named: Option<&str>,
) -> Result<&'c JurisdictionInfo, Problem> {
    match (&caller.key_jurisdiction, named) {
        (Some(k), Some(n)) if k != n.trim() => {
            Err(Problem::forbidden(format!("the API key is not valid for jurisdiction_id {n:?}")))
        }
        (Some(k), _) => resolve(catalog, Some(k)),
        (None, n) => resolve(catalog, n),
    }
}

/// The reporter as the caller may see them. Every output of reporter identity goes through here.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReporterOut {
    /// First name only, unless the caller may see the full identity.
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

pub(crate) fn project_reporter(view: View, item: &WorkItem) -> Option<ReporterOut> {
    let first = item.reporter_first_name.clone().filter(|s| !s.is_empty());
    if view.reporter_contact {
        let full = [item.reporter_first_name.as_deref(), item.reporter_last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let out = ReporterOut {
            name: (!full.is_empty()).then_some(full),
            email: item.reporter_email.clone(),
            phone: item.reporter_phone.clone(),
        };
        return (out.name.is_some() || out.email.is_some() || out.phone.is_some()).then_some(out);
    }
    if view.reporter_name {
        return first.map(|name| ReporterOut { name: Some(name), email: None, phone: None });
    }
    None
}

/// A report with what the caller may see of its handling.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReportDetail {
    #[serde(flatten)]
    report: ReportOut,
    /// publik, anonim or rahasia.
    privacy: String,
    /// Pass as `expected_version` to make an action fail if anyone changed the report since.
    version: i64,
    /// 0 none, 1 agency head watching, 2 leader watching.
    escalation_level: i64,
    /// The clock now running: verification, plan, resolution, info_reply or confirmation.
    clock: Option<String>,
    /// The report this one duplicates, whose progress it follows.
    duplicate_of: Option<String>,
    /// Present only for callers entitled to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    reporter: Option<ReporterOut>,
}

pub(crate) async fn detail(state: &AppState, j: &JurisdictionInfo, l: &Loaded) -> Result<ReportDetail, Problem> {
    let r = laksana_store::reports::get(state.db(), j.id(), &l.item.public_id)
        .await?
        .ok_or_else(|| Problem::not_found("report not found"))?;
    let mut out = with_media(state, j, std::slice::from_ref(&r)).await?;
    // The original is named only to those who may see it (it may be rahasia).
    let duplicate_of = match l.item.duplicate_of {
        Some(id) => match workflow::load_by_id(state.db(), id).await? {
            Some(o) if access::authorize(&l.caller.principal, Operation::Read, &scope(&o)?).is_ok() => {
                Some(o.public_id)
            }
            _ => None,
        },
        None => None,
    };
    Ok(ReportDetail {
        report: out.pop().expect("one report in, one out"),
        privacy: l.item.privacy.clone(),
        version: l.item.version,
        escalation_level: l.item.escalation_level,
        clock: l.item.clock.clone(),
        duplicate_of,
        reporter: project_reporter(l.view, &l.item),
    })
}

/// One report as the caller may see it: the public for `publik` and `anonim` reports; staff, the
/// reporter (signed in, or with the `X-Follow-Up-Code` header) and the ombudsman by their rights.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = ReportDetail), (status = 404, description = "No such report, or not one the caller may see", content_type = "application/problem+json")))]
pub(super) async fn get_one(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<JQuery>,
) -> Result<Json<ReportDetail>, Problem> {
    let caller = auth::caller(&state, &method, &headers).await?;
    let catalog = state.catalog();
    let j = report_jurisdiction(&state, &catalog, &caller, q.jurisdiction_id.as_deref(), &id).await?;
    let l = load(&state, j, caller, &headers, &id, |_| Operation::Read).await?;
    Ok(Json(detail(&state, j, &l).await?))
}

/// One event of a report's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventOut {
    /// `status`, `comment`, `note`, `escalation`, `privacy`, `reporter_comment`.
    kind: String,
    status: Option<String>,
    note: Option<String>,
    /// Whether the public timeline shows it.
    public: bool,
    /// Who did it: `user:ID`, `reporter`, `system`, or the intake channel.
    actor: String,
    at: String,
    /// The action's details (agency, reason, duplicate, photo, escalation level).
    data: serde_json::Value,
}

/// The timeline of a report: public events for everyone who may see the report, internal notes and
/// escalations for staff.
#[utoipa::path(get, path = "/reports/{id}/events", tag = "workflow", params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = [EventOut]), (status = 404, description = "No such report", content_type = "application/problem+json")))]
pub(super) async fn events(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<JQuery>,
) -> Result<Json<Vec<EventOut>>, Problem> {
    let caller = auth::caller(&state, &method, &headers).await?;
    let catalog = state.catalog();
    let j = report_jurisdiction(&state, &catalog, &caller, q.jurisdiction_id.as_deref(), &id).await?;
    let l = load(&state, j, caller, &headers, &id, |_| Operation::Read).await?;
    let list = workflow::events_of(state.db(), l.item.id, l.view.internal).await?;
    Ok(Json(
        list.into_iter()
            .map(|e| EventOut {
                kind: e.kind,
                status: e.status,
                note: e.note,
                public: e.is_public,
                actor: e.actor,
                at: Timestamp::from_micros(e.created_at).to_rfc3339_in(j.tz),
                data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    ))
}

/// An action on a report: the command, and the state the caller saw.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // the body is read as JSON and split; this type documents it
pub(crate) struct ActionIn {
    /// verify, request_info, provide_info, dispose, hand_back, plan, resolve, confirm, reopen,
    /// forward_not_authority, archive or mark_duplicate.
    action: String,
    /// The status the caller saw; if the report has moved on, the action fails with 409.
    expected_status: String,
    /// The version the caller saw (optional, stricter).
    expected_version: Option<i64>,
    /// verify / dispose: the agency that will handle it.
    agency_id: Option<i64>,
    note: Option<String>,
    question: Option<String>,
    answer: Option<String>,
    reason: Option<String>,
    plan: Option<String>,
    evidence: Option<String>,
    photo_url: Option<String>,
    rating: Option<u8>,
    to: Option<String>,
    /// mark_duplicate: the public id of the original.
    of: Option<String>,
}

/// What an action did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionOut {
    pub id: String,
    pub status: String,
    pub version: i64,
}

/// Splits an action body into the expected state and the command.
pub(crate) fn parse_action(body: &[u8]) -> Result<(Status, Option<i64>, Command), Problem> {
    let mut v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Problem::bad_request(format!("the body is not JSON: {e}")))?;
    let obj = v.as_object_mut().ok_or_else(|| Problem::bad_request("the body must be a JSON object"))?;
    let expected = obj
        .remove("expected_status")
        .and_then(|s| s.as_str().map(str::to_owned))
        .ok_or_else(|| Problem::bad_request("expected_status is required: the status you saw the report in"))?;
    let expected: Status =
        expected.parse().map_err(|_| Problem::bad_request(format!("expected_status {expected:?} is not a status")))?;
    let version = match obj.remove("expected_version") {
        None | Some(serde_json::Value::Null) => None,
        Some(n) => Some(n.as_i64().ok_or_else(|| Problem::bad_request("expected_version must be an integer"))?),
    };
    let cmd: Command = serde_json::from_value(v).map_err(|e| Problem::bad_request(format!("invalid action: {e}")))?;
    Ok((expected, version, cmd))
}

/// The actor recorded for a caller acting on a report: the reporter is never named by account, so an
/// `anonim` report's timeline cannot identify them.
fn actor_for(l: &Loaded) -> String {
    let st = access::standing(&l.caller.principal, &scope(&l.item).expect("checked in load"));
    if st.reporter && !(st.operator || st.officer || st.agency_head) {
        "reporter".into()
    } else {
        l.caller.actor.clone()
    }
}

/// Takes an action on a report. Who may take which action is in `docs/workflow.md`; a stale
/// `expected_status` or `expected_version` is a 409 and changes nothing.
#[utoipa::path(post, path = "/reports/{id}/actions", tag = "workflow", request_body = ActionIn, params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = ActionOut),
              (status = 400, description = "Missing or invalid input", content_type = "application/problem+json"),
              (status = 403, description = "Not allowed for this caller", content_type = "application/problem+json"),
              (status = 404, description = "No such report", content_type = "application/problem+json"),
              (status = 409, description = "The report changed, or the action does not apply to its state", content_type = "application/problem+json")))]
pub(super) async fn act(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<JQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ActionOut>, Problem> {
    let caller = auth::caller(&state, &method, &headers).await?;
    let (expected, version, cmd) = parse_action(&body)?;
    let catalog = state.catalog();
    let j = report_jurisdiction(&state, &catalog, &caller, q.jurisdiction_id.as_deref(), &id).await?;
    let out = perform(&state, j, caller, &headers, &id, expected, version, &cmd).await?;
    Ok(Json(out))
}

/// Checks and applies one action (shared with Open311 `servicerequestupdates`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn perform(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    headers: &HeaderMap,
    id: &str,
    expected: Status,
    version: Option<i64>,
    cmd: &Command,
) -> Result<ActionOut, Problem> {
    let l = load(state, j, caller, headers, id, |_| Operation::Transition(cmd.action())).await?;
    let now_status = l.item.status()?;
    if now_status != expected {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!("report {} is {now_status} now, not {expected}; reload it", l.item.public_id),
        ));
    }
    if version.is_some_and(|v| v != l.item.version) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!("report {} changed since version {}; reload it", l.item.public_id, version.unwrap_or(0)),
        ));
    }
    let rules = j.rules(&state.config().public_url);
    let out = lifecycle::transition(state.db(), &rules, &l.item, cmd, &actor_for(&l), state.clock().now()).await?;
    Ok(ActionOut { id: l.item.public_id, status: out.status.as_str().into(), version: out.version })
}

/// A reply on a report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentIn {
    text: String,
    /// Staff only: `true` shows it on the public timeline and as the report's status notes; `false`
    /// (default) keeps it internal. A reporter's comment is always seen by staff only.
    #[serde(default)]
    public: bool,
    expected_version: Option<i64>,
}

/// Adds a public reply or an internal note.
#[utoipa::path(post, path = "/reports/{id}/comments", tag = "workflow", request_body = CommentIn, params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = ActionOut), (status = 403, description = "Not allowed", content_type = "application/problem+json"),
              (status = 404, description = "No such report", content_type = "application/problem+json"),
              (status = 409, description = "Stale expected_version", content_type = "application/problem+json")))]
pub(super) async fn comment(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<JQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ActionOut>, Problem> {
    let caller = auth::caller(&state, &method, &headers).await?;
    let c: CommentIn =
        serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("invalid comment: {e}")))?;
    let text = Text::parse(&c.text).map_err(|e| Problem::bad_request(format!("text {e}")))?;
    let catalog = state.catalog();
    let j = report_jurisdiction(&state, &catalog, &caller, q.jurisdiction_id.as_deref(), &id).await?;
    let l = load(&state, j, caller, &headers, &id, |_| Operation::Read).await?;
    // A public reply needs Comment; a private one is a staff note (InternalNote) or a reporter's
    // comment (Comment).
    let sc = scope(&l.item)?;
    let may = |op| access::authorize(&l.caller.principal, op, &sc).is_ok();
    let allowed =
        if c.public { may(Operation::Comment) } else { may(Operation::InternalNote) || may(Operation::Comment) };
    if !allowed {
        return Err(denied(Denied::Forbidden, &l.item.public_id));
    }
    if c.expected_version.is_some_and(|v| v != l.item.version) {
        return Err(Problem::new(StatusCode::CONFLICT, "Conflict", "the report changed since you read it; reload it"));
    }
    let st = access::standing(&l.caller.principal, &scope(&l.item)?);
    // Only those handling the report reply publicly; every other staff member writes internal notes.
    let handling = st.operator || st.officer || st.agency_head;
    let staff = handling || st.leader || st.ombudsman || st.admin;
    let (public, kind) = match (handling, staff) {
        (true, _) if c.public => (true, "comment"),
        (_, true) => (false, "note"),
        _ => (false, "reporter_comment"),
    };
    let version =
        lifecycle::comment(state.db(), &l.item, text.as_str(), public, kind, &actor_for(&l), state.clock().now())
            .await?;
    Ok(Json(ActionOut { id: l.item.public_id.clone(), status: l.item.status.clone(), version }))
}

/// A public staff reply (Open311 updates without a status).
pub(crate) async fn reply(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    id: &str,
    text: &str,
) -> Result<i64, Problem> {
    let l = load(state, j, caller, &HeaderMap::new(), id, |_| Operation::Comment).await?;
    let st = access::standing(&l.caller.principal, &scope(&l.item)?);
    if !(st.operator || st.officer || st.agency_head) {
        return Err(Problem::forbidden("only staff may post public replies"));
    }
    Ok(lifecycle::comment(state.db(), &l.item, text, true, "comment", &l.caller.actor, state.clock().now()).await?)
}

/// A privacy change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PrivacyIn {
    /// anonim or rahasia; lowering is refused.
    privacy: String,
}

/// Raises a report's privacy level (operators).
#[utoipa::path(post, path = "/reports/{id}/privacy", tag = "workflow", request_body = PrivacyIn, params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = ActionOut), (status = 400, description = "Lowering, or unknown level", content_type = "application/problem+json"),
              (status = 403, description = "Not an operator", content_type = "application/problem+json")))]
pub(super) async fn privacy(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<JQuery>,
    Json(p): Json<PrivacyIn>,
) -> Result<Json<ActionOut>, Problem> {
    let caller = auth::caller(&state, &method, &headers).await?;
    let to = Privacy::parse(&p.privacy).ok_or_else(|| {
        Problem::bad_request(format!("privacy must be publik, anonim or rahasia, got {:?}", p.privacy))
    })?;
    let catalog = state.catalog();
    let j = report_jurisdiction(&state, &catalog, &caller, q.jurisdiction_id.as_deref(), &id).await?;
    let l = load(&state, j, caller, &headers, &id, |_| Operation::RaisePrivacy).await?;
    let version = lifecycle::raise_privacy(state.db(), &l.item, to, &l.caller.actor, state.clock().now()).await?;
    Ok(Json(ActionOut { id: l.item.public_id.clone(), status: l.item.status.clone(), version }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct InboxQuery {
    jurisdiction_id: Option<String>,
    /// Comma-separated statuses, or `open` / `closed` (default: open).
    status: Option<String>,
    /// Only reports of this agency (operators and leaders; officers always see their own agency).
    agency_id: Option<i64>,
    /// Only reports escalated to at least this level (1 or 2).
    min_escalation: Option<i64>,
    /// 1 to 200 (default 50).
    limit: Option<u32>,
    cursor: Option<String>,
}

/// A page of the work queue.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InboxPage {
    items: Vec<InboxItem>,
    next_cursor: Option<String>,
}

/// A report in the work queue, with its deadline countdown.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InboxItem {
    #[serde(flatten)]
    report: ReportOut,
    privacy: String,
    escalation_level: i64,
}

/// The caller's work queue: operators, leaders, the ombudsman and admins see every report of the
/// jurisdiction (rahasia included); officers and agency heads see their agencies' reports. Reporter
/// identity is never part of a list; open a report to see what the caller may of it.
#[utoipa::path(get, path = "/inbox", tag = "workflow", params(InboxQuery),
    responses((status = 200, body = InboxPage), (status = 401, description = "Not signed in", content_type = "application/problem+json"),
              (status = 403, description = "Not staff of this jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn inbox(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Json<InboxPage>, Problem> {
    use laksana_core::access::Role;
    let caller = auth::caller(&state, &method, &headers).await?;
    if caller.principal.user_id.is_none() {
        return Err(Problem::unauthorized("sign in, or use an API key bound to a staff account"));
    }
    let catalog = state.catalog();
    let j = jurisdiction(&catalog, &caller, q.jurisdiction_id.as_deref())?;
    let p = &caller.principal;
    access::authorize_jurisdiction(p, access::Admin::ReadQueue, j.id())
        .map_err(|_| Problem::forbidden(format!("you are not staff of {}", j.id())))?;
    let whole = [Role::Operator, Role::Leader, Role::Ombudsman, Role::Admin].into_iter().any(|r| p.has_role(r, j.id()));
    let agency = if whole {
        q.agency_id.map(|a| vec![a])
    } else {
        let mine: Vec<i64> = p
            .grants
            .iter()
            .filter(|g| {
                matches!(g.role, Role::Officer | Role::AgencyHead)
                    && g.jurisdiction_id.as_deref().is_none_or(|x| x == j.id())
            })
            .filter_map(|g| g.agency_id)
            .collect();
        match q.agency_id {
            Some(a) if mine.contains(&a) => Some(vec![a]),
            Some(a) => return Err(Problem::forbidden(format!("you are not staff of agency {a}"))),
            None => Some(mine),
        }
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Problem::bad_request(format!("limit must be from 1 to 200, got {limit}")));
    }
    let statuses = super::reports::parse_statuses(q.status.as_deref().unwrap_or("open"))?;
    let filter = laksana_store::reports::ReportFilter {
        jurisdiction_id: j.id().to_owned(),
        statuses,
        include_rahasia: true,
        agency_ids: agency,
        min_escalation: q.min_escalation,
        before: match q.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(
                super::reports::parse_cursor(c)
                    .ok_or_else(|| Problem::bad_request("cursor is not one this server issued"))?,
            ),
            None => None,
        },
        limit: limit + 1,
        ..Default::default()
    };
    let mut list = laksana_store::reports::list(state.db(), &filter).await?;
    let next_cursor = if list.len() > limit as usize {
        list.truncate(limit as usize);
        list.last().map(|r| format!("{}.{}", r.requested_at, r.id))
    } else {
        None
    };
    let outs = with_media(&state, j, &list).await?;
    Ok(Json(InboxPage {
        items: outs
            .into_iter()
            .zip(&list)
            .map(|(report, r)| InboxItem { report, privacy: r.privacy.clone(), escalation_level: r.escalation_level })
            .collect(),
        next_cursor,
    }))
}
