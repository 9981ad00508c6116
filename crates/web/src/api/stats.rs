//! Public figures and open data of a jurisdiction: no sign-in, no identity, no `rahasia` report.

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::ApiQuery;
use crate::error::Problem;
use crate::service::ServiceError;
use crate::service::open_data::{self, Format};
use crate::service::stats::{self, Stats, StatsQuery};
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
    let t = stats::tallies(&state, &j, &scope).await?;
    Ok(Json(stats::compute(&j, &scope, &t)))
}

/// How long an export waits for a turn before the client is told to come back.
const EXPORT_WAIT: Duration = Duration::from_secs(5);

async fn export(state: AppState, jurisdiction_id: String, q: StatsQuery, format: Format) -> Result<Response, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    let scope = stats::scope(&j, &q)?;
    let permit = tokio::time::timeout(EXPORT_WAIT, state.export_gate().acquire_owned())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| ServiceError::TooManyRequests {
            detail: "too many exports are running; try again in half a minute".into(),
            retry_after_secs: 30,
        })?;
    let (mime, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::GeoJson => ("application/geo+json", "geojson"),
    };
    let name = format!("attachment; filename=\"laporan-{}.{ext}\"", j.id());
    let body = Body::from_stream(open_data::stream(state, j, scope, format, permit));
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
