use std::collections::{BTreeMap, HashMap};

use axum::extract::State;

use super::ApiQuery;
use super::extract::{JsonBody, SubmissionKey};
use axum::Json;
use axum::http::StatusCode;
use laksana_core::{Channel, Status, Timestamp};
use laksana_store::reports::{self, Report, ReportFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::Problem;
use crate::service::intake::{self, IntakeInput};
use crate::service::jurisdiction;
use crate::state::{AppState, JurisdictionInfo};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    /// Required when the server hosts several jurisdictions.
    jurisdiction_id: Option<String>,
    /// Comma-separated statuses (`submitted`, `in_progress`, …) or `open` / `closed`.
    status: Option<String>,
    /// Comma-separated service codes.
    service_code: Option<String>,
    /// Reports per page, 1 to 200 (default 50).
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A report as the public may see it: never the reporter, never a `rahasia` report.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReportOut {
    /// The public id a citizen reads over the phone, e.g. `K7QM-3XR9`.
    id: String,
    jurisdiction_id: String,
    service_code: String,
    service_name: String,
    description: String,
    status: String,
    /// red (waiting), yellow (in progress), green (done) or grey (archived / not our authority).
    colour: String,
    lat: Option<f64>,
    long: Option<f64>,
    address: Option<String>,
    district: Option<String>,
    agency: Option<String>,
    status_notes: Option<String>,
    /// ISO 8601 in the jurisdiction's time zone.
    requested_at: String,
    updated_at: String,
    deadline: Option<DeadlineOut>,
    media_urls: Vec<String>,
}

/// The clock currently running on a report.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeadlineOut {
    at: String,
    /// Working days left (negative when overdue).
    working_days_left: i64,
}

/// One page of reports, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ReportPage {
    items: Vec<ReportOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn report_out(r: &Report, j: &JurisdictionInfo, media: Vec<String>, now: Timestamp) -> ReportOut {
    let ts = |m: i64| Timestamp::from_micros(m).to_rfc3339_in(j.tz);
    let status = r.status;
    ReportOut {
        id: r.public_id.to_string(),
        jurisdiction_id: r.jurisdiction_id.to_string(),
        service_code: r.service_code.to_string(),
        service_name: r.service_name.clone(),
        description: r.description.clone(),
        status: status.as_str().into(),
        colour: format!("{:?}", status.colour()).to_lowercase(),
        lat: r.lat,
        long: r.lon,
        address: r.address.clone(),
        district: r.district_name.clone(),
        agency: r.agency_name.clone(),
        status_notes: r.status_notes.clone(),
        requested_at: ts(r.requested_at),
        updated_at: ts(r.updated_at),
        deadline: r.deadline_at.map(|d| DeadlineOut {
            at: ts(d),
            working_days_left: j.calendar.working_days_left(now, Timestamp::from_micros(d)),
        }),
        media_urls: media,
    }
}

pub(crate) async fn with_media(
    state: &AppState,
    j: &JurisdictionInfo,
    list: &[Report],
) -> Result<Vec<ReportOut>, Problem> {
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let mut media: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, url) in reports::media_of(state.db(), &ids).await? {
        media.entry(id).or_default().push(crate::media::public_url(&state.config().public_url, &url));
    }
    let now = state.clock().now();
    Ok(list.iter().map(|r| report_out(r, j, media.remove(&r.id).unwrap_or_default(), now)).collect())
}

/// Comma-separated statuses, or `open` / `closed`; `None` for an empty list.
pub(crate) fn parse_statuses(s: &str) -> Result<Option<Vec<Status>>, Problem> {
    let mut statuses = Vec::new();
    for v in s.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        match (v.parse::<Status>(), Status::from_open311(v)) {
            (Ok(st), _) => statuses.push(st),
            (_, Some(list)) => statuses.extend_from_slice(list),
            _ => return Err(Problem::bad_request(format!("unknown status {v:?}"))),
        }
    }
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    Ok((!statuses.is_empty()).then_some(statuses))
}

pub(crate) fn parse_cursor(c: &str) -> Option<(i64, i64)> {
    let (a, b) = c.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Lists public reports, newest first, with cursor pagination.
#[utoipa::path(get, path = "/reports", tag = "reports", params(ListQuery),
    responses((status = 200, body = ReportPage), (status = 400, description = "Bad filter", content_type = "application/problem+json")))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ReportPage>, Problem> {
    let j = jurisdiction::named(&state, q.jurisdiction_id.as_deref())?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Problem::bad_request(format!("limit must be from 1 to 200, got {limit}")));
    }
    let mut filter = ReportFilter { jurisdiction_id: j.id().to_owned(), limit: limit + 1, ..Default::default() };
    if let Some(s) = q.status.as_deref().filter(|s| !s.trim().is_empty()) {
        filter.statuses = parse_statuses(s)?;
    }
    if let Some(codes) = q.service_code.as_deref().filter(|s| !s.trim().is_empty()) {
        let codes: Vec<String> = codes.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        if codes.len() > 1_000 {
            return Err(Problem::bad_request("service_code lists at most 1000 codes"));
        }
        filter.service_codes = Some(codes);
    }
    if let Some(c) = q.cursor.as_deref().filter(|s| !s.is_empty()) {
        filter.before =
            Some(parse_cursor(c).ok_or_else(|| Problem::bad_request("cursor is not one this server issued"))?);
    }
    let mut list = reports::list(state.db(), &filter).await?;
    let next_cursor = if list.len() > limit as usize {
        list.truncate(limit as usize);
        list.last().map(|r| format!("{}.{}", r.requested_at, r.id))
    } else {
        None
    };
    Ok(Json(ReportPage { items: with_media(&state, &j, &list).await?, next_cursor }))
}

/// A new report. The location is `lat` + `long`, or `address`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateReport {
    jurisdiction_id: Option<String>,
    service_code: String,
    description: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    address: Option<String>,
    /// Answers to the service's attributes: a string, or a list of strings for multivaluelist.
    #[serde(default)]
    attributes: BTreeMap<String, AttributeValue>,
    /// publik (default), anonim or rahasia.
    privacy: Option<String>,
    #[serde(default)]
    reporter: ReporterIn,
    #[serde(default)]
    media_urls: Vec<String>,
    /// The client's own id for this submission; a retry with the same id returns the first report.
    client_id: Option<String>,
    /// The reporter's language for notices: id (default) or en.
    language: Option<String>,
}

/// An attribute answer: text, a number, or a list of keys.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub(super) enum AttributeValue {
    One(String),
    Number(f64),
    Many(Vec<String>),
}

/// Who reports; every field is optional (anonymous reports are always allowed).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReporterIn {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// What a client is told after submitting.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Created {
    id: String,
    /// A message to show the reporter, with the verification deadline.
    notice: String,
    /// `false` when the submission was a retry and the first report is returned.
    created: bool,
    /// The secret code with which the reporter follows the report without an account (send it as the
    /// `X-Follow-Up-Code` header). Shown once; absent on a retry.
    follow_up_code: Option<String>,
}

/// Submits a report (API key required).
#[utoipa::path(post, path = "/reports", tag = "reports", request_body = CreateReport, security(("api_key" = [])),
    responses((status = 201, body = Created), (status = 200, body = Created, description = "A retry: the first report"),
              (status = 400, description = "Invalid report", content_type = "application/problem+json"),
              (status = 401, description = "No API key", content_type = "application/problem+json"),
              (status = 403, description = "Bad API key", content_type = "application/problem+json"),
              (status = 404, description = "Unknown service", content_type = "application/problem+json")))]
pub(super) async fn create(
    State(state): State<AppState>,
    SubmissionKey(key): SubmissionKey,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Created>), Problem> {
    let req: CreateReport = serde_json::from_slice(&body)
        .map_err(|e| Problem::bad_request(format!("the body is not a valid report: {e}")))?;
    let catalog = state.catalog();
    // Found and counted against its rate already (`SubmissionKey`), before the body was read.
    let j = intake::key_scope(&catalog, &key, req.jurisdiction_id.as_deref())?;
    let input = IntakeInput {
        service_code: Some(req.service_code),
        lat: req.lat.map(|v| v.to_string()),
        long: req.long.map(|v| v.to_string()),
        address: req.address,
        description: req.description,
        email: req.reporter.email,
        first_name: req.reporter.first_name,
        last_name: req.reporter.last_name,
        phone: req.reporter.phone,
        privacy: req.privacy,
        attributes: req
            .attributes
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    match v {
                        AttributeValue::One(s) => vec![s],
                        AttributeValue::Number(n) => vec![n.to_string()],
                        AttributeValue::Many(v) => v,
                    },
                )
            })
            .collect(),
        media_urls: req.media_urls,
        client_key: req.client_id,
        language: req.language,
        ..Default::default()
    };
    let receipt = intake::submit(&state, j, Some(&key), Channel::Api, input).await?;
    let status = if receipt.accepted.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((
        status,
        Json(Created {
            id: receipt.accepted.public_id.to_string(),
            notice: receipt.notice,
            created: receipt.accepted.created,
            follow_up_code: receipt.follow_up_code,
        }),
    ))
}
