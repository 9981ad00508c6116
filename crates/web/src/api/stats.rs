//! Public figures and open data of a jurisdiction: no sign-in, no identity, no `rahasia` report.

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::ApiQuery;
use super::extract::{AdminOf, ApiJson};
use crate::error::Problem;
use crate::service::ServiceError;
use crate::service::open_data::{self, Format};
use crate::service::stats::{self, Stats, StatsQuery};
use crate::service::surveys::{self, IkmQuery, UnitIkm};
use crate::state::AppState;

/// The public performance figures of a jurisdiction under a filter (the dashboard's figures).
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/stats", tag = "open data",
    params(("jurisdiction_id" = String, Path), StatsQuery),
    responses((status = 200, body = Stats),
              (status = 400, description = "A filter that does not parse or names nothing of this jurisdiction", content_type = "application/problem+json"),
              (status = 404, description = "Unknown jurisdiction", content_type = "application/problem+json"),
              (status = 503, description = "Too many figures are being computed; try again", content_type = "application/problem+json")))]
pub(super) async fn stats_get(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<Stats>, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    let scope = stats::scope(&j, &q)?;
    Ok(Json(stats::figures(&state, &j, &scope).await?))
}

/// How long an export waits for a turn before the client is told to come back.
const EXPORT_WAIT: Duration = Duration::from_secs(5);

/// A turn to export: at most [`crate::state::EXPORTS_AT_ONCE`] run at once; a request that gets none
/// within [`EXPORT_WAIT`] is told when to come back.
async fn export_turn(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, ServiceError> {
    tokio::time::timeout(EXPORT_WAIT, state.export_gate().acquire_owned()).await.ok().and_then(Result::ok).ok_or_else(
        || ServiceError::TooManyRequests {
            detail: "too many exports are running; try again in half a minute".into(),
            retry_after_secs: 30,
        },
    )
}

async fn export(state: AppState, jurisdiction_id: String, q: StatsQuery, format: Format) -> Result<Response, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    let scope = stats::scope(&j, &q)?;
    let permit = export_turn(&state).await?;
    let (mime, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::GeoJson => ("application/geo+json", "geojson"),
        Format::Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    };
    let name = format!("attachment; filename=\"laporan-{}.{ext}\"", j.id());
    let body = match format {
        Format::Xlsx => {
            let t = stats::tallies(&state, &j, &scope).await?;
            let rows = stats::compute(&j, &scope, &t).received;
            if rows > open_data::XLSX_MAX_ROWS {
                return Err(Problem::bad_request(format!(
                    "{rows} reports do not fit in one spreadsheet (at most {}): narrow the period, or take the CSV",
                    open_data::XLSX_MAX_ROWS
                )));
            }
            Body::from_stream(open_data::xlsx_stream(state, j, scope, permit))
        }
        _ => Body::from_stream(open_data::stream(state, j, scope, format, permit)),
    };
    Ok(([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, name)], body).into_response())
}

/// Every public report under the filter as CSV, oldest first; the columns are listed in
/// `docs/quality.md` and never change order.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/reports.csv", tag = "open data",
    params(("jurisdiction_id" = String, Path), StatsQuery),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 400, description = "A filter that does not parse", content_type = "application/problem+json"),
              (status = 429, description = "Too many exports at once; see Retry-After", content_type = "application/problem+json")))]
pub(super) async fn reports_csv(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, Problem> {
    export(state, jurisdiction_id, q, Format::Csv).await
}

/// Every public report under the filter as an Excel workbook (one sheet, the CSV's columns; numbers as
/// numbers). At most 1,048,575 reports, a sheet's limit: a larger export is refused, take the CSV.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/reports.xlsx", tag = "open data",
    params(("jurisdiction_id" = String, Path), StatsQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 400, description = "A filter that does not parse, or too many reports for a sheet", content_type = "application/problem+json"),
              (status = 429, description = "Too many exports at once; see Retry-After", content_type = "application/problem+json")))]
pub(super) async fn reports_xlsx(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, Problem> {
    export(state, jurisdiction_id, q, Format::Xlsx).await
}

/// Every public report under the filter as a GeoJSON FeatureCollection (a report without a place has
/// a null geometry), with the CSV's columns as properties.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/reports.geojson", tag = "open data",
    params(("jurisdiction_id" = String, Path), StatsQuery),
    responses((status = 200, content_type = "application/geo+json", body = serde_json::Value),
              (status = 400, description = "A filter that does not parse", content_type = "application/problem+json"),
              (status = 429, description = "Too many exports at once; see Retry-After", content_type = "application/problem+json")))]
pub(super) async fn reports_geojson(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, Problem> {
    export(state, jurisdiction_id, q, Format::GeoJson).await
}

/// Every survey response under the filter (`from`, `to` by the day answered; `agency`, `service`) as
/// CSV: the day, the agency and service codes and the nine answers, oldest first; never the report it
/// answered nor the respondent's profile. Each unit's IKM can be recomputed from it.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/surveys.csv", tag = "open data",
    params(("jurisdiction_id" = String, Path), StatsQuery),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 400, description = "A filter that does not parse", content_type = "application/problem+json"),
              (status = 429, description = "Too many exports at once; see Retry-After", content_type = "application/problem+json")))]
pub(super) async fn surveys_csv(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    let scope = stats::scope(&j, &q)?;
    let permit = export_turn(&state).await?;
    let filter = laksana_store::surveys::RawFilter {
        from: scope.filter.from,
        to: scope.filter.to,
        agency_id: scope.filter.agency_id,
        service_id: scope.filter.service_id,
    };
    let name = format!("attachment; filename=\"survei-{}.csv\"", j.id());
    let body = Body::from_stream(open_data::survey_stream(state, j, filter, permit));
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], body)
        .into_response())
}

/// The community satisfaction index of one unit, or of every unit and the jurisdiction as a whole:
/// IKM, grade, the mean answer per element (NRR), respondents, and the minimum sample for the unit's
/// annual volume of reports.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/ikm", tag = "open data",
    params(("jurisdiction_id" = String, Path), IkmQuery),
    responses((status = 200, body = Vec<UnitIkm>),
              (status = 400, description = "A unit or period that does not parse", content_type = "application/problem+json"),
              (status = 404, description = "Unknown jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn ikm_get(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<IkmQuery>,
) -> Result<Json<Vec<UnitIkm>>, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    Ok(Json(surveys::ikm(&state, &j, &q).await?))
}

/// The nine weights of the IKM, in element order (u1…u9).
#[derive(Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WeightsIn {
    /// Nine numbers from 0 to 1 that sum to 1 (within 0.005).
    weights: Vec<f64>,
}

/// Sets the jurisdiction's IKM weights (admins); recorded in the audit chain.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/ikm/weights", tag = "admin", request_body = WeightsIn,
    params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = WeightsIn),
              (status = 400, description = "Not nine weights summing to 1", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn ikm_weights_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    ApiJson(body): ApiJson<WeightsIn>,
) -> Result<Json<WeightsIn>, Problem> {
    let w: [f64; 9] = body.weights.try_into().map_err(|v: Vec<f64>| {
        Problem::bad_request(format!("nine weights are needed, one per element; got {}", v.len()))
    })?;
    let w = surveys::set_weights(&state, &at.jurisdiction, w, &at.caller.actor).await?;
    Ok(Json(WeightsIn { weights: w.get().to_vec() }))
}
