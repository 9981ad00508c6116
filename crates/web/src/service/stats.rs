//! The public performance figures of a jurisdiction (the dashboard, `GET …/stats`) and the filters
//! they share with the open-data export. The formulas are in `laksana_core::quality`; their
//! definitions, with worked examples, in `docs/quality.md`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, NaiveTime, Offset, TimeZone};
use laksana_core::Status;
use laksana_core::quality::kpi::{DURATION_BUCKETS, Histogram, rate, round};
use laksana_store::stats::{self, Filter, Tallies};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionInfo};

/// How long a request waits for a turn to compute figures before it is told to come back.
const GATE_WAIT: Duration = Duration::from_secs(10);

/// The filters of the dashboard, the stats API and the export, as the query string names them.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First day of the period (YYYY-MM-DD, local date), inclusive.
    pub from: Option<String>,
    /// Last day of the period (YYYY-MM-DD, local date), inclusive.
    pub to: Option<String>,
    /// An agency's code.
    pub agency: Option<String>,
    /// A service's code.
    pub service: Option<String>,
    /// A district's code.
    pub district: Option<String>,
}

/// A parsed filter: what the store reads, and what it was asked as (for echoing and links).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub filter: Filter,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub agency: Option<String>,
    pub service: Option<String>,
    pub district: Option<String>,
}

impl Scope {
    /// The filter as a query string (`from=…&to=…`), empty when nothing is filtered.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(d) = self.from {
            pairs.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("to", d.to_string()));
        }
        for (k, v) in [("agency", &self.agency), ("service", &self.service), ("district", &self.district)] {
            if let Some(v) = v {
                pairs.push((k, v.clone()));
            }
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

fn date(field: &str, v: &Option<String>) -> ServiceResult<Option<NaiveDate>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ServiceError::Invalid(format!("{field} must be a date written YYYY-MM-DD, not {s:?}"))),
    }
}

fn code(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a filter against `j`'s catalog; unknown codes and impossible periods are refused by name.
pub fn scope(j: &JurisdictionInfo, q: &StatsQuery) -> ServiceResult<Scope> {
    let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(ServiceError::Invalid(format!("from ({f}) is after to ({t})")));
    }
    let midnight = |d: NaiveDate| {
        let local = d.and_time(NaiveTime::MIN);
        j.tz.from_local_datetime(&local).earliest().map(|t| laksana_core::Timestamp::from_datetime(&t))
    };
    let mut filter = Filter {
        from: from.and_then(midnight),
        to: to.and_then(|d| d.succ_opt()).and_then(midnight),
        ..Filter::default()
    };
    if let Some(c) = code(&q.agency) {
        filter.agency_id = Some(
            j.agency_id(c)
                .ok_or_else(|| ServiceError::Invalid(format!("agency {c:?} is not an agency of {}", j.id())))?,
        );
    }
    if let Some(c) = code(&q.service) {
        let s = j.service(c).filter(|s| !s.staff);
        filter.service_id =
            Some(s.ok_or_else(|| ServiceError::Invalid(format!("service {c:?} is not a service of {}", j.id())))?.id);
    }
    if let Some(c) = code(&q.district) {
        filter.district_id = Some(
            j.district_id(c)
                .ok_or_else(|| ServiceError::Invalid(format!("district {c:?} is not a district of {}", j.id())))?,
        );
    }
    Ok(Scope {
        filter,
        from,
        to,
        agency: code(&q.agency).map(str::to_owned),
        service: code(&q.service).map(str::to_owned),
        district: code(&q.district).map(str::to_owned),
    })
}

/// A jurisdiction's zone offset now, in seconds: where its days begin for the trend by month.
pub fn utc_offset_secs(j: &JurisdictionInfo, now: laksana_core::Timestamp) -> i64 {
    i64::from(now.to_utc().with_timezone(&j.tz).offset().fix().local_minus_utc())
}

/// The tallies of a filter: reused for [`crate::state::STATS_FOR`], otherwise computed with a bounded
/// number of others at once.
pub async fn tallies(state: &AppState, j: &JurisdictionInfo, scope: &Scope) -> ServiceResult<Arc<Tallies>> {
    let key = format!("{}|{:?}", j.id(), scope.filter);
    if let Some(t) = state.stats_cache().get(&key) {
        return Ok(t);
    }
    let _turn = tokio::time::timeout(GATE_WAIT, state.stats_gate().acquire())
        .await
        .map_err(|_| ServiceError::Unavailable)?
        .map_err(|_| ServiceError::Unavailable)?;
    // Someone may have computed it while this request waited for its turn.
    if let Some(t) = state.stats_cache().get(&key) {
        return Ok(t);
    }
    let offset = utc_offset_secs(j, state.clock().now());
    let t = Arc::new(stats::tallies(state.db(), j.id(), &scope.filter, offset).await?);
    state.stats_cache().put(key, t.clone());
    Ok(t)
}

/// Keeps every jurisdiction's unfiltered figures (the dashboard's first view) computed: each is
/// recomputed a little before it would expire, so that no visitor waits for it. Runs until `stop`.
pub async fn keep_warm(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = crate::state::STATS_FOR.saturating_sub(Duration::from_secs(15)).max(Duration::from_secs(5));
    loop {
        let catalog = state.catalog();
        for j in &catalog.jurisdictions {
            if let Err(e) = refresh(&state, j).await {
                tracing::warn!(jurisdiction = %j.id(), error = %e, "public figures not refreshed");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn refresh(state: &AppState, j: &JurisdictionInfo) -> ServiceResult<()> {
    let scope = Scope::default();
    let started = std::time::Instant::now();
    {
        let _turn = state.stats_gate().acquire().await.map_err(|_| ServiceError::Unavailable)?;
        let offset = utc_offset_secs(j, state.clock().now());
        let t = stats::tallies(state.db(), j.id(), &scope.filter, offset).await?;
        state.stats_cache().put(format!("{}|{:?}", j.id(), scope.filter), Arc::new(t));
    }
    super::surveys::refresh_units(state, j, &scope).await?;
    tracing::debug!(jurisdiction = %j.id(), ms = started.elapsed().as_millis() as u64, "public figures refreshed");
    Ok(())
}

/// A distribution's summary, in working days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Days {
    /// Reports measured.
    pub reports: u64,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Days {
    fn of(h: &Histogram) -> Days {
        Days { reports: h.count(), median: h.median().map(|x| round(x, 1)), p90: h.p90().map(|x| round(x, 1)) }
    }
}

/// Reports in one status.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: String,
    pub reports: i64,
}

/// Received and completed reports of one month (by the month they were received).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MonthCount {
    /// YYYY-MM.
    pub month: String,
    pub received: i64,
    pub completed: i64,
}

/// One agency's figures, in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgencyFigures {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub received: i64,
    pub completed: i64,
    pub completion_rate: Option<f64>,
    pub within_deadline_rate: Option<f64>,
    pub resolution_days: Days,
}

/// One district's figures, for the map.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DistrictFigures {
    pub code: String,
    pub name: String,
    pub received: i64,
    pub completed: i64,
    pub completion_rate: Option<f64>,
}

/// Reports resolved after a number of working days in `[from, to]` (`to` absent: or more).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Bucket {
    pub from: i64,
    pub to: Option<i64>,
    pub reports: u64,
}

/// The public figures of a jurisdiction under a filter. Every figure but `rahasia` covers the public
/// reports only, so that each can be recomputed from the open-data export.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Stats {
    pub jurisdiction_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
    pub service: Option<String>,
    pub district: Option<String>,
    /// Public reports received.
    pub received: i64,
    /// `rahasia` reports received: counted, never described.
    pub rahasia: i64,
    pub by_status: Vec<StatusCount>,
    /// Resolved or closed reports.
    pub completed: i64,
    /// completed ÷ (received − archived − not_authority).
    pub completion_rate: Option<f64>,
    /// Working days from receipt to staff's first change of state.
    pub first_response_days: Days,
    /// Working days from receipt to the last resolution, of reports resolved or closed.
    pub resolution_days: Days,
    /// Of resolved or closed reports whose deadline is known, the share resolved by it.
    pub within_deadline_rate: Option<f64>,
    /// Of reports ever resolved, the share reopened at least once.
    pub reopen_rate: Option<f64>,
    /// The reporters' mean rating (1–5) of confirmed resolutions.
    pub mean_rating: Option<f64>,
    pub ratings: i64,
    pub months: Vec<MonthCount>,
    pub agencies: Vec<AgencyFigures>,
    pub districts: Vec<DistrictFigures>,
    pub resolution_distribution: Vec<Bucket>,
    /// The satisfaction index of the filter's unit (its service, else its agency, else the whole
    /// jurisdiction) from survey responses given in the period.
    pub ikm: Option<IkmFigure>,
    /// The newest compliance assessment of the filter's agency (or the mean of every agency's) for
    /// the year the period ends in.
    pub compliance: Option<ComplianceFigure>,
}

/// The IKM shown beside the other figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IkmFigure {
    pub unit: String,
    pub ikm: Option<f64>,
    pub grade: Option<String>,
    pub respondents: u64,
    pub minimum_sample: u64,
}

/// The compliance score shown beside the other figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ComplianceFigure {
    /// The assessment year.
    pub period: String,
    /// 0–100, two decimals.
    pub score: f64,
    /// green, yellow or red.
    pub zone: String,
    /// Agencies assessed (1 for an agency's own figure).
    pub agencies: usize,
}

#[derive(Default)]
struct Acc {
    received: i64,
    completed: i64,
    out_of_scope: i64,
    on_time: i64,
    on_time_known: i64,
    resolution: Histogram,
}

impl Acc {
    fn completion(&self) -> Option<f64> {
        rate(self.completed as u64, (self.received - self.out_of_scope).max(0) as u64).map(|r| round(r, 4))
    }

    fn within(&self) -> Option<f64> {
        rate(self.on_time as u64, self.on_time_known as u64).map(|r| round(r, 4))
    }
}

fn completed(s: Status) -> bool {
    matches!(s, Status::Resolved | Status::Closed)
}

/// Computes the figures of `t` with `j`'s names.
pub fn compute(j: &JurisdictionInfo, scope: &Scope, t: &Tallies) -> Stats {
    let mut all = Acc::default();
    let mut rahasia = 0;
    let mut by_status: BTreeMap<usize, i64> = BTreeMap::new();
    let (mut ever, mut reopened, mut rated, mut rating_sum) = (0, 0, 0, 0);
    let mut agencies: HashMap<Option<i64>, Acc> = HashMap::new();
    let mut districts: HashMap<i64, Acc> = HashMap::new();
    for g in &t.groups {
        if g.rahasia {
            rahasia += g.reports;
            continue;
        }
        let done = completed(g.status);
        let out = matches!(g.status, Status::Archived | Status::NotAuthority);
        for acc in [&mut all, agencies.entry(g.agency_id).or_default()]
            .into_iter()
            .chain(g.district_id.map(|d| districts.entry(d).or_default()))
        {
            acc.received += g.reports;
            if done {
                acc.completed += g.reports;
                acc.on_time += g.on_time;
                acc.on_time_known += g.on_time_known;
            }
            if out {
                acc.out_of_scope += g.reports;
            }
        }
        *by_status.entry(Status::ALL.iter().position(|s| *s == g.status).unwrap_or(0)).or_default() += g.reports;
        ever += g.ever_resolved;
        reopened += g.reopened;
        rated += g.rated;
        rating_sum += g.rating_sum;
    }
    let mut response = Histogram::default();
    for d in &t.durations {
        let n = d.reports as u64;
        if let Some(days) = d.response_days {
            response.add(days, n);
        }
        if let Some(days) = d.resolution_days {
            all.resolution.add(days, n);
            agencies.entry(d.agency_id).or_default().resolution.add(days, n);
        }
    }
    let mut months: BTreeMap<(i32, u32), (i64, i64)> = BTreeMap::new();
    for d in &t.days {
        let Some(day) = NaiveDate::from_num_days_from_ce_opt((d.day + 719_163) as i32) else { continue };
        let m = months.entry((day.year(), day.month())).or_default();
        m.0 += d.received;
        m.1 += d.completed;
    }
    let mut ranking: Vec<AgencyFigures> = agencies
        .iter()
        .filter_map(|(id, acc)| {
            let id = (*id)?;
            Some(AgencyFigures {
                rank: 0,
                code: j.agency_codes.get(&id).cloned().unwrap_or_default(),
                name: j.agency_names.get(&id).cloned().unwrap_or_default(),
                received: acc.received,
                completed: acc.completed,
                completion_rate: acc.completion(),
                within_deadline_rate: acc.within(),
                resolution_days: Days::of(&acc.resolution),
            })
        })
        .collect();
    // Best first: within deadline, then completion, then volume; unknown rates last; then by name.
    let key = |r: Option<f64>| r.map_or(-1.0, |x| x);
    ranking.sort_by(|a, b| {
        key(b.within_deadline_rate)
            .total_cmp(&key(a.within_deadline_rate))
            .then(key(b.completion_rate).total_cmp(&key(a.completion_rate)))
            .then(b.received.cmp(&a.received))
            .then(a.name.cmp(&b.name))
    });
    for (i, r) in ranking.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let mut district_list: Vec<DistrictFigures> = j
        .district_names
        .iter()
        .map(|(id, name)| {
            let acc = districts.remove(id).unwrap_or_default();
            DistrictFigures {
                code: j.district_codes.get(id).cloned().unwrap_or_default(),
                name: name.clone(),
                received: acc.received,
                completed: acc.completed,
                completion_rate: acc.completion(),
            }
        })
        .collect();
    district_list.sort_by(|a, b| a.name.cmp(&b.name));
    Stats {
        jurisdiction_id: j.id().to_owned(),
        from: scope.from.map(|d| d.to_string()),
        to: scope.to.map(|d| d.to_string()),
        agency: scope.agency.clone(),
        service: scope.service.clone(),
        district: scope.district.clone(),
        received: all.received,
        rahasia,
        by_status: by_status
            .into_iter()
            .map(|(i, n)| StatusCount { status: Status::ALL[i].as_str().to_owned(), reports: n })
            .collect(),
        completed: all.completed,
        completion_rate: all.completion(),
        first_response_days: Days::of(&response),
        resolution_days: Days::of(&all.resolution),
        within_deadline_rate: all.within(),
        reopen_rate: rate(reopened as u64, ever as u64).map(|r| round(r, 4)),
        mean_rating: rate(rating_sum as u64, rated as u64).map(|r| round(r, 2)),
        ratings: rated,
        months: months
            .into_iter()
            .map(|((y, m), (received, completed))| MonthCount { month: format!("{y:04}-{m:02}"), received, completed })
            .collect(),
        agencies: ranking,
        districts: district_list,
        resolution_distribution: DURATION_BUCKETS
            .iter()
            .zip(all.resolution.bucketed())
            .map(|(&(from, to), reports)| Bucket { from, to, reports })
            .collect(),
        ikm: None,
        compliance: None,
    }
}

/// Every figure of a filter: the counts, the satisfaction index and the compliance score, as the
/// dashboard and the API both show them.
pub async fn figures(state: &AppState, j: &JurisdictionInfo, scope: &Scope) -> ServiceResult<Stats> {
    let t = tallies(state, j, scope).await?;
    let mut s = compute(j, scope, &t);
    let unit = super::surveys::unit_of(scope);
    s.ikm = super::surveys::every_unit(state, j, scope).await?.iter().find(|u| u.unit == unit).map(|u| IkmFigure {
        unit: u.unit.clone(),
        ikm: u.ikm,
        grade: u.grade.clone(),
        respondents: u.respondents,
        minimum_sample: u.minimum_sample,
    });
    s.compliance = super::compliance::figure(state, j, scope).await?;
    Ok(s)
}
