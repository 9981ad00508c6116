//! Working on a report over the JSON API: lifecycle actions, replies and notes, privacy, and the
//! report and its timeline as the caller may see them. The rules are in `crate::service`; these
//! handlers parse, call one service function and shape the answer.

use axum::Json;
use axum::extract::State;
use laksana_core::access::{self, Operation};
use laksana_core::workflow::{Command, Text};
use laksana_core::{Privacy, Status, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::extract::{ApiJson, InJurisdiction, JsonBody, ReportTarget, StaffIn};
use super::reports::{ReportOut, with_media};
use crate::error::Problem;
use crate::service::actions::{self, Acted, Comment, Expected};
use crate::service::reports::{Loaded, ReporterView, events as timeline, project_reporter, visible_original};
use crate::state::{AppState, JurisdictionInfo};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the ReportTarget extractor; this type documents the parameter
pub(super) struct JQuery {
    /// Required when the server hosts several jurisdictions (and the caller is not an API key).
    jurisdiction_id: Option<String>,
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
    reporter: Option<ReporterView>,
}

async fn detail(state: &AppState, j: &JurisdictionInfo, l: &Loaded) -> Result<ReportDetail, Problem> {
    let r = laksana_store::reports::get(state.db(), j.id(), &l.item.public_id)
        .await?
        .ok_or_else(|| Problem::not_found("report not found"))?;
    let mut out = with_media(state, j, std::slice::from_ref(&r)).await?;
    Ok(ReportDetail {
        report: out.pop().expect("one report in, one out"),
        privacy: l.item.privacy.as_str().to_owned(),
        version: l.item.version,
        escalation_level: l.item.escalation_level,
        clock: l.item.clock.map(|c| c.as_str().to_owned()),
        duplicate_of: visible_original(state, l).await?,
        reporter: project_reporter(l.view, &l.item),
    })
}

/// One report as the caller may see it: the public for `publik` and `anonim` reports; staff, the
/// reporter (signed in, or with the `X-Follow-Up-Code` header) and the ombudsman by their rights.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = ReportDetail), (status = 404, description = "No such report, or not one the caller may see", content_type = "application/problem+json")))]
pub(super) async fn get_one(
    State(state): State<AppState>,
    target: ReportTarget,
) -> Result<Json<ReportDetail>, Problem> {
    let (j, l) = target.load(&state, |_| Operation::Read).await?;
    Ok(Json(detail(&state, &j, &l).await?))
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
    /// Who did it: `reporter`, `system`, the intake channel, or staff: `staff` for the public and the
    /// reporter, `user:ID` or `apikey:ID` for staff who see internal events.
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
    target: ReportTarget,
) -> Result<Json<Vec<EventOut>>, Problem> {
    let (j, l) = target.load(&state, |_| Operation::Read).await?;
    let list = timeline(&state, &l).await?;
    Ok(Json(
        list.into_iter()
            .map(|e| EventOut {
                kind: e.kind,
                status: e.status,
                note: e.note,
                public: e.is_public,
                actor: laksana_core::access::shown_actor(l.view, &e.actor).to_owned(),
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

impl From<Acted> for ActionOut {
    fn from(a: Acted) -> Self {
        ActionOut { id: a.id, status: a.status.as_str().to_owned(), version: a.version }
    }
}

/// Splits an action body into the expected state and the command.
pub(crate) fn parse_action(body: &[u8]) -> Result<(Expected, Command), Problem> {
    let mut v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Problem::bad_request(format!("the body is not JSON: {e}")))?;
    let obj = v.as_object_mut().ok_or_else(|| Problem::bad_request("the body must be a JSON object"))?;
    let expected = obj
        .remove("expected_status")
        .and_then(|s| s.as_str().map(str::to_owned))
        .ok_or_else(|| Problem::bad_request("expected_status is required: the status you saw the report in"))?;
    let status: Status =
        expected.parse().map_err(|_| Problem::bad_request(format!("expected_status {expected:?} is not a status")))?;
    let version = match obj.remove("expected_version") {
        None | Some(serde_json::Value::Null) => None,
        Some(n) => Some(n.as_i64().ok_or_else(|| Problem::bad_request("expected_version must be an integer"))?),
    };
    let cmd: Command = serde_json::from_value(v).map_err(|e| Problem::bad_request(format!("invalid action: {e}")))?;
    Ok((Expected { status, version }, cmd))
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
    t: ReportTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<ActionOut>, Problem> {
    let (expected, cmd) = parse_action(&body)?;
    let acted =
        actions::perform(&state, &t.jurisdiction, t.caller, t.follow_up_code.as_deref(), &t.id, expected, &cmd).await?;
    Ok(Json(acted.into()))
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
    t: ReportTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<ActionOut>, Problem> {
    let c: CommentIn =
        serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("invalid comment: {e}")))?;
    let text = Text::parse(&c.text).map_err(|e| Problem::bad_request(format!("text {e}")))?;
    let code = t.follow_up_code.as_deref();
    let acted = actions::comment(
        &state,
        &t.jurisdiction,
        t.caller,
        code,
        &t.id,
        Comment { text: &text, public: c.public, expected_version: c.expected_version },
    )
    .await?;
    Ok(Json(acted.into()))
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
    t: ReportTarget,
    ApiJson(p): ApiJson<PrivacyIn>,
) -> Result<Json<ActionOut>, Problem> {
    let to = Privacy::parse(&p.privacy).ok_or_else(|| {
        Problem::bad_request(format!("privacy must be publik, anonim or rahasia, got {:?}", p.privacy))
    })?;
    Ok(Json(actions::raise_privacy(&state, &t.jurisdiction, t.caller, &t.id, to).await?.into()))
}

/// A report's new place.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocationIn {
    /// WGS84 latitude.
    lat: f64,
    /// WGS84 longitude.
    long: f64,
    /// The version the caller saw; a conflict (409) when the report changed since.
    #[serde(default)]
    expected_version: Option<i64>,
}

/// Sets or moves the pin of an open report (operators, and officers of the agency handling it); the
/// district is found again. A point outside every district of the jurisdiction is refused.
#[utoipa::path(post, path = "/reports/{id}/location", tag = "workflow", request_body = LocationIn, params(("id" = String, Path, description = "Public id"), JQuery),
    responses((status = 200, body = ActionOut), (status = 400, description = "Coordinates out of range or outside the jurisdiction", content_type = "application/problem+json"),
              (status = 403, description = "Not handling the report", content_type = "application/problem+json"),
              (status = 409, description = "Closed, or changed since expected_version", content_type = "application/problem+json")))]
pub(super) async fn location(
    State(state): State<AppState>,
    t: ReportTarget,
    ApiJson(p): ApiJson<LocationIn>,
) -> Result<Json<ActionOut>, Problem> {
    let at = laksana_core::Coordinates::new(p.lat, p.long).map_err(|e| Problem::bad_request(e.to_string()))?;
    Ok(Json(actions::locate(&state, &t.jurisdiction, t.caller, &t.id, at, p.expected_version).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct InboxQuery {
    // Read by the `InJurisdiction` extractor; declared here for the API description.
    /// Required when the server hosts several jurisdictions (and the caller is not an API key).
    #[allow(dead_code)]
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
    StaffIn(InJurisdiction { caller, jurisdiction: j }): StaffIn,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Json<InboxPage>, Problem> {
    let agency = access::inbox_scope(&caller.principal, j.id(), q.agency_id)
        .map_err(|_| {
            Problem::forbidden(match q.agency_id {
                Some(a) => format!("you are not staff of {} or of agency {a}", j.id()),
                None => format!("you are not staff of {}", j.id()),
            })
        })?
        .agency_ids();
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
    let outs = with_media(&state, &j, &list).await?;
    Ok(Json(InboxPage {
        items: outs
            .into_iter()
            .zip(&list)
            .map(|(report, r)| InboxItem {
                report,
                privacy: r.privacy.as_str().to_owned(),
                escalation_level: r.escalation_level,
            })
            .collect(),
        next_cursor,
    }))
}
