//! Reading service requests: GET requests, one request, tokens and service request updates.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laksana_core::open311::{DEFAULT_LIMIT, MAX_PAGE_SIZE, MAX_QUERY_SPAN_DAYS};
use laksana_core::time::parse_datetime;
use laksana_core::{ArchiveReason, PublicId, Status, Timestamp};
use laksana_store::events::{self, PublicEvent};
use laksana_store::reports::{self, Report, ReportFilter};

use super::{Params, jurisdiction, split_format};
use crate::doc::Node;
use crate::error::{Format, Open311Error};
use crate::state::{AppState, JurisdictionInfo};

/// The longest comma-separated list a filter accepts.
const MAX_LIST: usize = 1_000;

/// The public projection of a report for Open311: reporter identity is never part of it.
fn request_node<'a>(
    r: &'a Report,
    j: &JurisdictionInfo,
    media: Option<&'a str>,
    extensions: Option<&[&'a PublicEvent]>,
) -> Node<'a> {
    let ts = |micros: i64| Node::str(Timestamp::from_micros(micros).to_rfc3339_in(j.tz));
    let (status, reason) = (r.status, r.archive_reason);
    let mut fields = vec![
        ("service_request_id", Node::str(r.public_id.as_str())),
        ("status", Node::str(if extensions.is_some() { status.open311_extended(reason) } else { status.open311() })),
        ("status_notes", Node::opt(r.status_notes.as_deref())),
        ("service_name", Node::str(&r.service_name)),
        ("service_code", Node::str(r.service_code.as_str())),
        ("description", Node::str(&r.description)),
        ("agency_responsible", Node::opt(r.agency_name.as_deref())),
        ("service_notice", Node::Null),
        ("requested_datetime", ts(r.requested_at)),
        ("updated_datetime", ts(r.updated_at)),
        ("expected_datetime", r.deadline_at.map_or(Node::Null, ts)),
        ("address", Node::opt(r.address.as_deref())),
        ("address_id", Node::opt(r.address_id.as_deref())),
        ("zipcode", Node::opt(r.zipcode.as_deref())),
        ("lat", r.lat.map_or(Node::Null, Node::Num)),
        ("long", r.lon.map_or(Node::Null, Node::Num)),
        ("media_url", Node::opt(media)),
    ];
    if let Some(notes) = extensions {
        fields.push(("district", Node::opt(r.district_name.as_deref())));
        fields.push(("channel", Node::str(&r.channel)));
        let notes = notes
            .iter()
            .map(|e| {
                let st = e.status.as_deref().and_then(|s| s.parse::<Status>().ok());
                Node::Obj(vec![
                    ("updated_datetime", ts(e.created_at)),
                    ("status", Node::opt(st.map(|s| s.open311_extended(reason)))),
                    ("description", Node::opt(e.note.as_deref())),
                ])
            })
            .collect();
        fields.push(("notes", Node::List("note", notes)));
    }
    Node::Obj(fields)
}

/// Renders reports with their first media and (with extensions) their public notes.
async fn render_reports(
    state: &AppState,
    j: &JurisdictionInfo,
    format: Format,
    list: &[Report],
    extensions: bool,
) -> Result<Response, Open311Error> {
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let mut media: HashMap<i64, String> = HashMap::new();
    for (id, url) in reports::media_of(state.db(), &ids).await.map_err(|e| Open311Error::from_store(format, e))? {
        media.entry(id).or_insert_with(|| crate::media::public_url(&state.config().public_url, &url));
    }
    let mut notes: HashMap<i64, Vec<PublicEvent>> = HashMap::new();
    if extensions {
        for e in events::public_events_of(state.db(), &ids).await.map_err(|e| Open311Error::from_store(format, e))? {
            notes.entry(e.report_id).or_default().push(e);
        }
    }
    let items = list
        .iter()
        .map(|r| {
            let n: Option<Vec<&PublicEvent>> =
                extensions.then(|| notes.get(&r.id).map(|v| v.iter().collect()).unwrap_or_default());
            request_node(r, j, media.get(&r.id).map(String::as_str), n.as_deref())
        })
        .collect();
    Ok(format.render(StatusCode::OK, "service_requests", &Node::List("request", items)))
}

fn date_param(
    params: &Params,
    name: &str,
    j: &JurisdictionInfo,
    format: Format,
) -> Result<Option<Timestamp>, Open311Error> {
    params
        .get(name)
        .map(|v| {
            parse_datetime(v, j.tz).map_err(|_| {
                Open311Error::bad_request(
                    format,
                    format!("{name} is not an ISO 8601 date-time (e.g. 2026-11-28T08:15:30+07:00): {v:?}"),
                )
            })
        })
        .transpose()
}

fn number_param(
    params: &Params,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
    format: Format,
) -> Result<Option<u32>, Open311Error> {
    params
        .get(name)
        .map(|v| match v.trim().parse::<u32>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(Open311Error::bad_request(
                format,
                format!("{name} must be a whole number from {} to {}, got {v:?}", range.start(), range.end()),
            )),
        })
        .transpose()
}

fn is_true(v: Option<&str>) -> bool {
    matches!(v.map(|s| s.trim().to_ascii_lowercase()).as_deref(), Some("true" | "1" | "yes"))
}

/// The `start_date`..`end_date` window: default the last 90 days, never wider than 90 days.
fn window(
    params: &Params,
    j: &JurisdictionInfo,
    format: Format,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), Open311Error> {
    let start = date_param(params, "start_date", j, format)?;
    let end = date_param(params, "end_date", j, format)?;
    let span = MAX_QUERY_SPAN_DAYS;
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, now.min(s.plus_days(span))),
        (None, Some(e)) => (e.plus_days(-span), e),
        (None, None) => (now.plus_days(-span), now),
    };
    if start > now && end == now {
        return Err(Open311Error::bad_request(format, "start_date is in the future"));
    }
    if end < start {
        return Err(Open311Error::bad_request(format, "end_date is before start_date"));
    }
    if end > start.plus_days(span) {
        return Err(Open311Error::bad_request(
            format,
            format!("start_date and end_date may be at most {span} days apart"),
        ));
    }
    Ok((start, end))
}

pub(super) async fn list(state: &AppState, format: Format, params: &Params) -> Result<Response, Open311Error> {
    let catalog = state.catalog();
    let j = jurisdiction(&catalog, format, params)?;
    let extensions = is_true(params.get("extensions"));
    let mut filter = ReportFilter { jurisdiction_id: j.id().to_owned(), limit: DEFAULT_LIMIT, ..Default::default() };
    if let Some(ids) = params.get("service_request_id") {
        // A list of ids overrides every other filter (GeoReport v2).
        let ids: Vec<String> = ids.split(',').filter_map(PublicId::parse).map(|p| p.as_str().to_owned()).collect();
        if ids.len() > MAX_LIST {
            return Err(Open311Error::bad_request(format, format!("service_request_id lists at most {MAX_LIST} ids")));
        }
        filter.public_ids = Some(ids);
    } else {
        let (start, end) = window(params, j, format, state.clock().now())?;
        filter.requested_from = Some(start);
        filter.requested_to = Some(end);
        if let Some(codes) = params.get("service_code") {
            let codes: Vec<String> = codes.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
            if codes.len() > MAX_LIST {
                return Err(Open311Error::bad_request(format, format!("service_code lists at most {MAX_LIST} codes")));
            }
            filter.service_codes = Some(codes);
        }
        if let Some(status) = params.get("status") {
            let mut statuses = Vec::new();
            for v in status.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                let s = Status::from_open311(v).ok_or_else(|| {
                    Open311Error::bad_request(format, format!("status must be open, closed or both, got {v:?}"))
                })?;
                statuses.extend_from_slice(s);
            }
            statuses.sort_by_key(|s| s.as_str());
            statuses.dedup();
            filter.statuses = Some(statuses);
        }
        filter.updated_from = date_param(params, "updated_after", j, format)?;
        filter.updated_to = date_param(params, "updated_before", j, format)?;
        let page_size = number_param(params, "page_size", 1..=MAX_PAGE_SIZE, format)?;
        let page = number_param(params, "page", 1..=u32::MAX, format)?;
        if let Some(size) = page_size {
            filter.limit = size;
        }
        if let Some(page) = page {
            filter.offset = u64::from(page - 1) * u64::from(filter.limit);
        }
    }
    let list = reports::list(state.db(), &filter).await.map_err(|e| Open311Error::from_store(format, e))?;
    render_reports(state, j, format, &list, extensions).await
}

pub(crate) async fn one(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    async fn run(state: &AppState, file: &str, query: Option<&str>) -> Result<Response, Open311Error> {
        let (id, format) = split_format(file)?;
        let params = Params::parse(query.unwrap_or(""));
        let catalog = state.catalog();
        let j = jurisdiction(&catalog, format, &params)?;
        let list = find_listed(state, j, id).await.map_err(|e| Open311Error::from_store(format, e))?;
        if list.is_empty() {
            return Err(Open311Error::not_found(format, format!("service_request_id {id:?} not found")));
        }
        render_reports(state, j, format, &list, is_true(params.get("extensions"))).await
    }
    run(&state, &file, query.as_deref()).await.unwrap_or_else(IntoResponse::into_response)
}

/// The report with this public id if the public may see it (a `rahasia` one is "not found").
async fn find_listed(state: &AppState, j: &JurisdictionInfo, id: &str) -> laksana_store::Result<Vec<Report>> {
    let Some(id) = PublicId::parse(id) else { return Ok(Vec::new()) };
    let filter = ReportFilter {
        jurisdiction_id: j.id().to_owned(),
        public_ids: Some(vec![id.as_str().to_owned()]),
        limit: 1,
        ..Default::default()
    };
    reports::list(state.db(), &filter).await
}

/// Every Laksana service is realtime, so a report's token is its public id.
pub(crate) async fn token(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    async fn run(state: &AppState, file: &str, query: Option<&str>) -> Result<Response, Open311Error> {
        let (token, format) = split_format(file)?;
        let params = Params::parse(query.unwrap_or(""));
        let catalog = state.catalog();
        let j = jurisdiction(&catalog, format, &params)?;
        let list = find_listed(state, j, token).await.map_err(|e| Open311Error::from_store(format, e))?;
        let Some(r) = list.first() else {
            return Err(Open311Error::not_found(format, format!("token {token:?} not found")));
        };
        let item =
            Node::Obj(vec![("service_request_id", Node::str(r.public_id.as_str())), ("token", Node::str(token))]);
        Ok(format.render(StatusCode::OK, "service_requests", &Node::List("request", vec![item])))
    }
    run(&state, &file, query.as_deref()).await.unwrap_or_else(IntoResponse::into_response)
}

/// FixMyStreet's `servicerequestupdates`: public events of listed reports in a time window.
pub(super) async fn updates(state: &AppState, format: Format, params: &Params) -> Result<Response, Open311Error> {
    let catalog = state.catalog();
    let j = jurisdiction(&catalog, format, params)?;
    let (start, end) = window(params, j, format, state.clock().now())?;
    let limit = number_param(params, "page_size", 1..=MAX_PAGE_SIZE, format)?.unwrap_or(DEFAULT_LIMIT);
    let list = events::updates(state.db(), j.id(), start, end, limit)
        .await
        .map_err(|e| Open311Error::from_store(format, e))?;
    let items = list
        .iter()
        .map(|e| {
            let reason = e.archive_reason.as_deref().and_then(ArchiveReason::parse);
            let status = e.status.as_deref().and_then(|s| s.parse::<Status>().ok()).map(|s| {
                if s == Status::Submitted { "OPEN".to_owned() } else { s.open311_extended(reason).to_ascii_uppercase() }
            });
            Node::Obj(vec![
                ("update_id", Node::str(e.id.to_string())),
                ("service_request_id", Node::str(&e.public_id)),
                ("status", Node::opt(status)),
                ("updated_datetime", Node::str(Timestamp::from_micros(e.created_at).to_rfc3339_in(j.tz))),
                ("description", Node::str(e.note.clone().unwrap_or_default())),
                ("media_url", Node::Null),
            ])
        })
        .collect();
    Ok(format.render(StatusCode::OK, "service_request_updates", &Node::List("request_update", items)))
}
