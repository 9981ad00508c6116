//! Compliance self-assessments: the indicators with the values live data gives them, recording an
//! agency's scores for a year (the ombudsman or an admin), and the score the dashboard shows.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use laksana_core::quality::compliance::{self, INDICATORS, IndicatorScore, Live, Zone};
use laksana_core::quality::kpi::round;
use laksana_store::compliance::{self as store, NewAssessment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::stats::{ComplianceFigure, Scope, StatsQuery};
use super::{ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionInfo};

/// A year of assessment, `YYYY`.
pub fn period(s: &str) -> ServiceResult<String> {
    match s.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y.to_string()),
        _ => Err(ServiceError::Invalid(format!("period must be a year such as 2026, not {s:?}"))),
    }
}

/// The year a filter's period ends in (this year without an end).
pub fn period_of(state: &AppState, j: &JurisdictionInfo, scope: &Scope) -> String {
    let today = j.calendar.local_day(state.clock().now());
    scope.to.unwrap_or(today).year().to_string()
}

/// The scope of a whole year, for figures about it.
fn year_scope(j: &JurisdictionInfo, year: &str, agency: Option<&str>) -> ServiceResult<Scope> {
    super::stats::scope(
        j,
        &StatsQuery {
            from: Some(format!("{year}-01-01")),
            to: Some(format!("{year}-12-31")),
            agency: agency.map(str::to_owned),
            ..StatsQuery::default()
        },
    )
}

/// An indicator as the assessment form and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorView {
    pub code: String,
    /// input, process, output or complaint_handling.
    pub dimension: String,
    pub text: String,
    /// For indicators computed from data: the value (a share, 0–1) and its score; absent when there is
    /// no data yet, and the assessor scores it.
    pub live_value: Option<f64>,
    pub live_score: Option<u8>,
    /// What the live value was computed from, in words.
    pub live_evidence: Option<String>,
}

/// The indicators for `agency_id` in `year`, with their live values.
pub async fn indicators(
    state: &AppState,
    j: &JurisdictionInfo,
    agency_id: i64,
    year: &str,
    english: bool,
) -> ServiceResult<Vec<IndicatorView>> {
    let code =
        j.agency_codes.get(&agency_id).cloned().ok_or_else(|| ServiceError::NotFound("no such agency".into()))?;
    let scope = year_scope(j, year, Some(&code))?;
    let stats = super::stats::compute(j, &scope, &*super::stats::tallies(state, j, &scope).await?);
    let until = scope.filter.to.unwrap_or_else(|| state.clock().now());
    let from = scope.filter.from.unwrap_or(until);
    let (plans_ok, plans) = store::plans_on_time(
        state.db(),
        j.id(),
        agency_id,
        (from, until),
        &j.calendar,
        j.deadlines.plan,
        state.clock().now(),
    )
    .await?;
    let year_all = year_scope(j, year, None)?;
    let units = super::surveys::every_unit(state, j, &year_all).await?;
    let survey = units.iter().find(|u| u.unit == format!("agency:{code}"));
    let agency = laksana_store::catalog::agencies(state.db(), j.id()).await?.into_iter().find(|a| a.id == agency_id);
    let handler = agency.map(|a| a.handler).unwrap_or_default();
    let known = |v: Option<f64>, words: String| v.map(|v| (v, words));
    let live = |l: Live| -> Option<(f64, String)> {
        match l {
            Live::WithinDeadline => known(
                stats.within_deadline_rate,
                format!(
                    "{} % of {} resolved reports within deadline",
                    round(stats.within_deadline_rate.unwrap_or(0.0) * 100.0, 1),
                    stats.completed
                ),
            ),
            Live::PlansOnTime => (plans > 0)
                .then(|| (plans_ok as f64 / plans as f64, format!("{plans_ok} of {plans} follow-up plans on time"))),
            Live::SurveyThisYear => survey.map(|u| {
                let v = if u.minimum_sample == 0 {
                    if u.respondents > 0 { 1.0 } else { 0.0 }
                } else {
                    u.respondents as f64 / u.minimum_sample as f64
                };
                (v, format!("{} respondents, minimum sample {}", u.respondents, u.minimum_sample))
            }),
            Live::HandlerPublished => Some(if handler.trim().is_empty() {
                (0.0, "no complaint handler named".to_owned())
            } else {
                (1.0, format!("complaint handler: {}", handler.trim()))
            }),
        }
    };
    Ok(INDICATORS
        .iter()
        .map(|i| {
            let l = i.live.and_then(|l| live(l).map(|(v, e)| (v, l.score(v).get(), e)));
            IndicatorView {
                code: i.code.to_owned(),
                dimension: i.dimension.as_str().to_owned(),
                text: if english { i.text_en } else { i.text_id }.to_owned(),
                live_value: l.as_ref().map(|x| round(x.0, 4)),
                live_score: l.as_ref().map(|x| x.1),
                live_evidence: l.map(|x| x.2),
            }
        })
        .collect())
}

/// One indicator's score and evidence as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct Entered {
    /// 0–3; ignored for an indicator with a live value.
    pub score: Option<i64>,
    #[serde(default)]
    pub evidence: String,
}

/// A recorded assessment as shown.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AssessmentOut {
    pub id: i64,
    pub agency: String,
    pub agency_name: String,
    pub period: String,
    pub score: f64,
    pub zone: String,
    /// Per dimension, 0–100.
    pub dimensions: BTreeMap<String, f64>,
    /// Per indicator: score and evidence.
    pub indicators: serde_json::Value,
    pub actor: String,
    pub recorded_at: String,
}

fn out(j: &JurisdictionInfo, a: &store::Assessment) -> AssessmentOut {
    let indicators: serde_json::Value = serde_json::from_str(&a.scores).unwrap_or_default();
    let scores: Vec<(&str, IndicatorScore)> = INDICATORS
        .iter()
        .filter_map(|i| Some((i.code, IndicatorScore::new(indicators[i.code]["score"].as_i64()?)?)))
        .collect();
    let dimensions = compliance::assess(&scores)
        .map(|x| x.dimensions.into_iter().map(|(d, s)| (d.as_str().to_owned(), s)).collect())
        .unwrap_or_default();
    AssessmentOut {
        id: a.id,
        agency: j.agency_codes.get(&a.agency_id).cloned().unwrap_or_default(),
        agency_name: j.agency_names.get(&a.agency_id).cloned().unwrap_or_default(),
        period: a.period.clone(),
        score: a.score,
        zone: a.zone.clone(),
        dimensions,
        indicators,
        actor: a.actor.clone(),
        recorded_at: laksana_core::Timestamp::from_micros(a.created_at).to_rfc3339_in(j.tz),
    }
}

/// Records `agency_code`'s assessment for `year` from the entered scores; live indicators with data
/// take their computed score, and their evidence says what it was computed from.
pub async fn record(
    state: &AppState,
    j: &JurisdictionInfo,
    actor: &str,
    agency_code: &str,
    year: &str,
    entered: &BTreeMap<String, Entered>,
) -> ServiceResult<AssessmentOut> {
    let year = period(year)?;
    let agency_id = super::jurisdiction::agency(j, agency_code)?;
    if let Some(unknown) = entered.keys().find(|k| !INDICATORS.iter().any(|i| i.code == k.as_str())) {
        return Err(ServiceError::Invalid(format!("{unknown:?} is not an indicator")));
    }
    let views = indicators(state, j, agency_id, &year, false).await?;
    let mut scores = Vec::new();
    let mut stored = serde_json::Map::new();
    let mut missing = Vec::new();
    for (i, v) in INDICATORS.iter().zip(&views) {
        let e = entered.get(i.code).cloned().unwrap_or_default();
        let evidence: String = e.evidence.trim().chars().take(2_000).collect();
        let (score, evidence) = match (v.live_score, e.score) {
            (Some(s), _) => (s as i64, v.live_evidence.clone().unwrap_or_default()),
            (None, Some(s)) if (0..=3).contains(&s) => (s, evidence),
            (None, Some(s)) => return Err(ServiceError::Invalid(format!("{}: a score is 0 to 3, not {s}", i.code))),
            (None, None) => {
                missing.push(i.code);
                continue;
            }
        };
        scores.push((i.code, IndicatorScore::new(score).expect("checked above")));
        stored.insert(i.code.to_owned(), serde_json::json!({ "score": score, "evidence": evidence }));
    }
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(format!("score every indicator; missing: {}", missing.join(", "))));
    }
    let a = compliance::assess(&scores).map_err(ServiceError::Invalid)?;
    let new = NewAssessment {
        jurisdiction_id: j.id(),
        agency_id,
        period: &year,
        scores: serde_json::Value::Object(stored),
        score: a.score,
        zone: a.zone.as_str(),
        actor,
    };
    let now = state.clock().now();
    let id = store::record(state.db(), &new, now).await?;
    let recorded = store::Assessment {
        id,
        agency_id,
        period: year.clone(),
        scores: new.scores.to_string(),
        score: a.score,
        zone: new.zone.to_owned(),
        actor: actor.to_owned(),
        created_at: now.as_micros(),
    };
    Ok(out(j, &recorded))
}

/// The newest assessment of every agency assessed for `year`, best first.
pub async fn latest(state: &AppState, j: &JurisdictionInfo, year: &str) -> ServiceResult<Vec<AssessmentOut>> {
    let year = period(year)?;
    Ok(store::latest(state.db(), j.id(), &year).await?.iter().map(|a| out(j, a)).collect())
}

/// Every assessment of one agency, newest first.
pub async fn history(state: &AppState, j: &JurisdictionInfo, agency_code: &str) -> ServiceResult<Vec<AssessmentOut>> {
    let agency_id = super::jurisdiction::agency(j, agency_code)?;
    Ok(store::history(state.db(), j.id(), agency_id).await?.iter().map(|a| out(j, a)).collect())
}

/// The dashboard's compliance figure: the filter's agency's newest score for the period's year, or
/// the mean of every assessed agency's.
pub async fn figure(state: &AppState, j: &JurisdictionInfo, scope: &Scope) -> ServiceResult<Option<ComplianceFigure>> {
    let year = period_of(state, j, scope);
    let list = store::latest(state.db(), j.id(), &year).await?;
    let chosen: Vec<_> = match scope.filter.agency_id {
        Some(a) => list.into_iter().filter(|x| x.agency_id == a).collect(),
        None => list,
    };
    if chosen.is_empty() {
        return Ok(None);
    }
    let mean = round(chosen.iter().map(|a| a.score).sum::<f64>() / chosen.len() as f64, 2);
    Ok(Some(ComplianceFigure {
        period: year,
        score: mean,
        zone: Zone::of(mean).as_str().to_owned(),
        agencies: chosen.len(),
    }))
}

/// The year asked for (`YYYY`), or this year when none is.
pub fn period_or_this_year(state: &AppState, j: &JurisdictionInfo, asked: Option<&str>) -> ServiceResult<String> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(y) => period(y),
        None => Ok(this_year(state, j)),
    }
}

/// Today's year in the jurisdiction.
pub fn this_year(state: &AppState, j: &JurisdictionInfo) -> String {
    let d: NaiveDate = j.calendar.local_day(state.clock().now());
    d.year().to_string()
}
