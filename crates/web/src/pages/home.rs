//! The jurisdiction's home page (map, recent reports, counters, the button to report) and the points
//! of its map.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, TimeZone};
use laksana_core::Timestamp;
use laksana_store::public::{self, BoundingBox, Counters};
use laksana_store::reports::{self, ReportFilter};
use serde::Deserialize;

use super::view::{Card, colour_class, status_text};
use super::{Chrome, PageError};
use crate::error::Problem;
use crate::service::ServiceError;
use crate::state::{AppState, JurisdictionRef};

/// How many recent reports the home page lists.
const RECENT: u32 = 20;
/// The map shows public reports of this many days.
const MAP_DAYS: i64 = 90;
/// The most points one map request returns.
const MAX_POINTS: u32 = 500;

#[derive(Template, WebTemplate)]
#[template(path = "pages/index.html")]
struct IndexPage {
    chrome: Chrome,
    jurisdictions: Vec<(String, String)>,
}

/// `GET /`: the home page of the only jurisdiction, or a choice between them.
pub(super) async fn index(State(state): State<AppState>, chrome: Chrome) -> Response {
    let catalog = state.catalog();
    if let [only] = catalog.jurisdictions.as_slice() {
        return Redirect::to(&format!("/j/{}", only.id())).into_response();
    }
    let jurisdictions =
        catalog.jurisdictions.iter().map(|j| (j.id().to_owned(), j.jurisdiction.name.clone())).collect();
    IndexPage { chrome, jurisdictions }.into_response()
}

/// The jurisdiction a page's path names.
pub(super) fn jurisdiction(state: &AppState, chrome: &Chrome, id: &str) -> Result<JurisdictionRef, PageError> {
    JurisdictionRef::get(state.catalog(), id).ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/home.html")]
struct HomePage {
    chrome: Chrome,
    id: String,
    name: String,
    month: String,
    counters: Counters,
    within_share: String,
    recent: Vec<Card>,
    /// Where the map opens (`lat,lon`).
    center: String,
    /// The jurisdiction's logo (`/media/NAME`), or empty.
    logo: String,
}

/// `GET /j/{jurisdiction}`.
pub(super) async fn home(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    let now = state.clock().now();
    let local = now.to_utc().with_timezone(&j.tz);
    let month_start =
        j.tz.with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0)
            .earliest()
            .map_or(now, |d| Timestamp::from_micros(d.timestamp_micros()));
    let fail = |e: laksana_store::StoreError| chrome.fail(e.into());
    let counters = public::counters(state.db(), j.id(), month_start, now).await.map_err(fail)?;
    let filter = ReportFilter { jurisdiction_id: j.id().to_owned(), limit: RECENT, ..Default::default() };
    let recent = reports::list(state.db(), &filter).await.map_err(fail)?;
    let t = chrome.t;
    let within_share = match counters.received {
        0 => "–".to_owned(),
        n => format!("{}%", counters.within_deadline * 100 / n),
    };
    let month = t.month_year(month_start, j.tz);
    Ok(HomePage {
        recent: recent.iter().map(|r| Card::new(&t, r, j.tz)).collect(),
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        month,
        counters,
        within_share,
        center: super::view::map_center(&j),
        logo: j.jurisdiction.logo.clone(),
        chrome,
    }
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct BoxQuery {
    /// `west,south,east,north`, as Leaflet writes it.
    bbox: Option<String>,
}

/// Parses `west,south,east,north` in degrees.
fn parse_bbox(s: &str) -> Option<BoundingBox> {
    let v: Vec<f64> = s.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().ok()?;
    let [west, south, east, north] = v.as_slice() else { return None };
    let ok = v.iter().all(|x| x.is_finite())
        && (-90.0..=90.0).contains(south)
        && (-90.0..=90.0).contains(north)
        && (-180.0..=180.0).contains(west)
        && (-180.0..=180.0).contains(east)
        && south <= north
        && west <= east;
    ok.then_some(BoundingBox { south: *south, west: *west, north: *north, east: *east })
}

/// `GET /j/{jurisdiction}/peta.json?bbox=west,south,east,north`: the public reports of the last 90
/// days inside the box, newest first (at most 500), as GeoJSON points with their status in words.
pub(super) async fn map_points(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<BoxQuery>,
) -> Result<Response, Problem> {
    let j = JurisdictionRef::get(state.catalog(), &id)
        .ok_or_else(|| Problem::from(ServiceError::NotFound(format!("jurisdiction {id:?} is not served here"))))?;
    let b = match q.bbox.as_deref() {
        Some(s) => parse_bbox(s).ok_or_else(|| {
            Problem::from(ServiceError::Invalid("bbox must be west,south,east,north in degrees".into()))
        })?,
        None => BoundingBox { south: -90.0, west: -180.0, north: 90.0, east: 180.0 },
    };
    let now = state.clock().now();
    let since = Timestamp::from_micros(now.as_micros() - MAP_DAYS * 86_400_000_000);
    let points = public::points(state.db(), j.id(), b, since, MAX_POINTS).await.map_err(ServiceError::from)?;
    let t = chrome.t;
    let features: Vec<serde_json::Value> = points
        .iter()
        .map(|p| {
            serde_json::json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [p.lon, p.lat] },
                "properties": {
                    "id": p.public_id.as_str(),
                    "url": format!("/laporan/{}", p.public_id),
                    "service": p.service_name,
                    "status": status_text(&t, p.status),
                    "colour": colour_class(p.status),
                    "date": t.date(Timestamp::from_micros(p.requested_at), j.tz),
                }
            })
        })
        .collect();
    let mut res = Json(serde_json::json!({ "type": "FeatureCollection", "features": features })).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=30"));
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_is_west_south_east_north() {
        let b = parse_bbox("106.6,-6.3,106.7,-6.1").unwrap();
        assert_eq!((b.west, b.south, b.east, b.north), (106.6, -6.3, 106.7, -6.1));
        assert!(parse_bbox("106.7,-6.3,106.6,-6.1").is_none(), "west of east");
        assert!(parse_bbox("1,2,3").is_none());
        assert!(parse_bbox("1,-91,2,0").is_none());
        assert!(parse_bbox("NaN,0,1,1").is_none());
        assert!(parse_bbox("a,b,c,d").is_none());
    }
}
