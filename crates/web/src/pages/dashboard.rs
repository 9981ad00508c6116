//! The public dashboard of a jurisdiction (`/dashboard/{jurisdiction}`): the performance figures under
//! a filter, each as a number with its definition, as a chart drawn on the server and as a table.
//! The same figures as `GET /api/v1/jurisdictions/{j}/stats` (one computation, `service::stats`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use laksana_core::Status;

use super::charts::{self, Area, Bar};
use super::home::jurisdiction;
use super::view::status_text;
use super::{Chrome, PageError, Tr};
use crate::service::stats::{self, Days, Stats, StatsQuery};
use crate::state::AppState;

/// A headline figure: its name, its value in words, and what it means.
pub(super) struct Figure {
    name: String,
    value: String,
    /// What the value is made of, in small print (the units, how many reports it covers).
    detail: String,
    definition: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    id: String,
    name: String,
    /// The filter as asked: from, to, agency, service, district.
    f: [String; 5],
    agencies: Vec<(String, String)>,
    services: Vec<(String, String)>,
    districts: Vec<(String, String)>,
    stats: Stats,
    figures: Vec<Figure>,
    /// `(status in words, reports)`.
    statuses: Vec<(String, i64)>,
    trend_svg: String,
    status_svg: String,
    ranking_svg: String,
    duration_svg: String,
    map_svg: String,
    /// The ranking's rows: rank, name, received, completed, completion, within deadline, median days.
    agency_rows: Vec<[String; 7]>,
    /// The districts' rows: name, received, completed, completion.
    district_rows: Vec<[String; 4]>,
    /// `(label, reports)` of the resolution-time distribution.
    buckets: Vec<(String, u64)>,
    /// The filter as a query string, for the export links (empty or `?…`).
    query: String,
}

impl DashboardPage {
    /// Whether the filter field `i` (of `f`) is `code`, for the selects.
    fn picked(&self, i: impl std::borrow::Borrow<usize>, code: impl AsRef<str>) -> bool {
        self.f.get(*i.borrow()).is_some_and(|v| v == code.as_ref())
    }
}

/// A share as a percentage with one decimal, in the page's language.
pub(super) fn percent(t: &Tr, r: Option<f64>) -> String {
    r.map_or_else(|| "–".to_owned(), |r| number(t, r * 100.0, 1) + " %")
}

/// A number with `places` decimals, with the page language's decimal mark.
pub(super) fn number(t: &Tr, x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    if t.lang == super::Lang::Id { s.replace('.', ",") } else { s }
}

/// A distribution as a figure's value and detail.
fn days(t: &Tr, d: &Days) -> (String, String) {
    match (d.median, d.p90) {
        (Some(m), Some(p)) => {
            let args = [("median", number(t, m, 1)), ("p90", number(t, p, 1)), ("n", d.reports.to_string())];
            (t.args("dash-days-value", &args), t.args("dash-days-detail", &args))
        }
        _ => ("–".to_owned(), String::new()),
    }
}

/// `GET /dashboard/{jurisdiction}`.
pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    let q: StatsQuery = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| chrome.fail(crate::service::ServiceError::Invalid(e.to_string())))?;
    let scope = stats::scope(&j, &q).map_err(|e| chrome.fail(e))?;
    let s = stats::figures(&state, &j, &scope).await.map_err(|e| chrome.fail(e))?;
    let t = &chrome.t;
    let fig = |key: &str, (value, detail): (String, String)| Figure {
        name: t.get(&format!("dash-{key}")),
        value,
        detail,
        definition: t.get(&format!("dash-{key}-def")),
    };
    let plain = |v: String| (v, String::new());
    let figures = vec![
        fig("received", plain(s.received.to_string())),
        fig("completed", plain(s.completed.to_string())),
        fig("completion", plain(percent(t, s.completion_rate))),
        fig("response", days(t, &s.first_response_days)),
        fig("resolution", days(t, &s.resolution_days)),
        fig("within", plain(percent(t, s.within_deadline_rate))),
        fig("reopen", plain(percent(t, s.reopen_rate))),
        fig(
            "rating",
            match s.mean_rating {
                Some(r) => {
                    let args = [("mean", number(t, r, 2)), ("n", s.ratings.to_string())];
                    (t.args("dash-rating-value", &args), t.args("dash-rating-detail", &args))
                }
                None => plain("–".into()),
            },
        ),
        fig(
            "ikm",
            match &s.ikm {
                Some(i) if i.ikm.is_some() => {
                    let args = [
                        ("ikm", number(t, i.ikm.unwrap_or_default(), 2)),
                        ("grade", i.grade.clone().unwrap_or_default()),
                        ("n", i.respondents.to_string()),
                        ("min", i.minimum_sample.to_string()),
                    ];
                    (t.args("dash-ikm-value", &args), t.args("dash-ikm-detail", &args))
                }
                _ => plain(t.get("dash-ikm-none")),
            },
        ),
        fig(
            "compliance",
            match &s.compliance {
                Some(c) => {
                    let args = [
                        ("score", number(t, c.score, 2)),
                        ("zone", t.get(&format!("zone-{}", c.zone))),
                        ("period", c.period.clone()),
                        ("n", c.agencies.to_string()),
                    ];
                    (t.args("dash-compliance-value", &args), t.args("dash-compliance-detail", &args))
                }
                None => plain(t.get("dash-compliance-none")),
            },
        ),
    ];
    let statuses: Vec<(String, i64)> = s
        .by_status
        .iter()
        .filter_map(|c| c.status.parse::<Status>().ok().map(|st| (status_text(t, st), c.reports)))
        .collect();
    let status_svg = charts::bars(
        &t.get("dash-status-chart"),
        &statuses
            .iter()
            .map(|(l, n)| Bar { label: l.clone(), value: *n as f64, text: n.to_string() })
            .collect::<Vec<_>>(),
        None,
    );
    let trend_svg = charts::columns(
        &t.get("dash-trend-chart"),
        (&t.get("dash-received"), &t.get("dash-completed")),
        &s.months.iter().map(|m| (m.month.clone(), m.received, m.completed)).collect::<Vec<_>>(),
    );
    let ranking_svg = charts::bars(
        &t.get("dash-ranking-chart"),
        &s.agencies
            .iter()
            .map(|a| Bar {
                label: format!("{}. {}", a.rank, a.name),
                value: a.within_deadline_rate.unwrap_or(0.0) * 100.0,
                text: percent(t, a.within_deadline_rate),
            })
            .collect::<Vec<_>>(),
        Some(100.0),
    );
    let buckets: Vec<(String, u64)> = s
        .resolution_distribution
        .iter()
        .map(|b| {
            let label = match b.to {
                Some(to) if to == b.from => t.arg("dash-bucket-one", "n", b.from),
                Some(to) => t.args("dash-bucket-range", &[("from", b.from.to_string()), ("to", to.to_string())]),
                None => t.arg("dash-bucket-more", "n", b.from),
            };
            (label, b.reports)
        })
        .collect();
    let duration_svg = charts::bars(
        &t.get("dash-duration-chart"),
        &buckets
            .iter()
            .map(|(l, n)| Bar { label: l.clone(), value: *n as f64, text: n.to_string() })
            .collect::<Vec<_>>(),
        None,
    );
    let received_by_code: std::collections::HashMap<&str, i64> =
        s.districts.iter().map(|d| (d.code.as_str(), d.received)).collect();
    let mut areas: Vec<Area> = Vec::new();
    for (did, outline) in j.districts.outlines() {
        let code = j.district_codes.get(&did).map_or("", String::as_str);
        match areas.iter_mut().find(|a| a.name == code) {
            Some(a) => a.parts.push(outline),
            None => areas.push(Area {
                parts: vec![outline],
                name: code.to_owned(),
                value: received_by_code.get(code).copied().unwrap_or(0),
            }),
        }
    }
    // Areas were keyed by code while parts were gathered; show their names.
    for a in &mut areas {
        if let Some(d) = s.districts.iter().find(|d| d.code == a.name) {
            a.name = d.name.clone();
        }
    }
    let map_svg = charts::choropleth(&t.get("dash-map-chart"), &areas);
    let agency_rows = s
        .agencies
        .iter()
        .map(|a| {
            [
                a.rank.to_string(),
                a.name.clone(),
                a.received.to_string(),
                a.completed.to_string(),
                percent(t, a.completion_rate),
                percent(t, a.within_deadline_rate),
                a.resolution_days.median.map_or_else(|| "–".into(), |m| number(t, m, 1)),
            ]
        })
        .collect();
    let district_rows = s
        .districts
        .iter()
        .map(|d| [d.name.clone(), d.received.to_string(), d.completed.to_string(), percent(t, d.completion_rate)])
        .collect();
    let query = scope.query_string();
    let mut agencies: Vec<(String, String)> =
        j.agencies_by_name().into_iter().filter_map(|(aid, n)| Some((j.agency_codes.get(&aid)?.clone(), n))).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let services = j.services.iter().filter(|sv| !sv.staff).map(|sv| (sv.code.clone(), sv.name.clone())).collect();
    let districts = s.districts.iter().map(|d| (d.code.clone(), d.name.clone())).collect();
    Ok(DashboardPage {
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        f: [q.from, q.to, q.agency, q.service, q.district].map(Option::unwrap_or_default),
        agencies,
        services,
        districts,
        figures,
        statuses,
        trend_svg,
        status_svg,
        ranking_svg,
        duration_svg,
        map_svg,
        buckets,
        agency_rows,
        district_rows,
        query: if query.is_empty() { String::new() } else { format!("?{query}") },
        stats: s,
        chrome,
    }
    .into_response())
}
