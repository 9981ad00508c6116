//! The community satisfaction survey (SKM) and its index (IKM): who may answer (a resolved report's
//! reporter through their invitation, or anyone openly within a limit), and the index of each unit.

use std::collections::BTreeMap;
use std::sync::Arc;

use laksana_core::PublicId;
use laksana_core::link::Purpose;
use laksana_core::quality::ikm::{self, Answers, Element, ProfileField, Score, Tally, Weights, minimum_sample};
use laksana_core::quality::kpi::round;
use laksana_store::surveys::{self, NewResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::stats::{Scope, StatsQuery};
use super::{ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionInfo, JurisdictionRef};

/// The optional profile answers (age band, sex, education, occupation), as stored keys.
pub type Profile = [Option<&'static str>; 4];

/// A survey form as posted: nine answers `u1`…`u9` and the optional profile; for an open response,
/// the unit (`agency`, optionally `service`) too.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    pub t: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub u1: String,
    #[serde(default)]
    pub u2: String,
    #[serde(default)]
    pub u3: String,
    #[serde(default)]
    pub u4: String,
    #[serde(default)]
    pub u5: String,
    #[serde(default)]
    pub u6: String,
    #[serde(default)]
    pub u7: String,
    #[serde(default)]
    pub u8: String,
    #[serde(default)]
    pub u9: String,
    #[serde(default)]
    pub age_band: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub occupation: String,
}

impl SurveyForm {
    /// The answer given for `e`, as posted.
    pub fn answer(&self, e: Element) -> &str {
        [&self.u1, &self.u2, &self.u3, &self.u4, &self.u5, &self.u6, &self.u7, &self.u8, &self.u9][e.index()]
    }

    pub fn profile(&self, f: ProfileField) -> &str {
        match f {
            ProfileField::AgeBand => &self.age_band,
            ProfileField::Sex => &self.sex,
            ProfileField::Education => &self.education,
            ProfileField::Occupation => &self.occupation,
        }
    }

    /// The answers and profile, or what is wrong with each field (by field name).
    pub fn parse(&self) -> Result<(Answers, Profile), BTreeMap<&'static str, String>> {
        let mut errors = BTreeMap::new();
        let mut answers = [Score::new(1).expect("1 is a score"); 9];
        for e in Element::ALL {
            match self.answer(e).trim().parse::<i64>().ok().and_then(Score::new) {
                Some(s) => answers[e.index()] = s,
                None => {
                    errors.insert(e.key(), "choose one of the four answers (1–4)".to_owned());
                }
            }
        }
        let mut profile = [None; 4];
        for (i, f) in ProfileField::ALL.into_iter().enumerate() {
            match f.parse(self.profile(f)) {
                Ok(v) => profile[i] = v,
                Err(e) => {
                    errors.insert(f.key(), e);
                }
            }
        }
        if errors.is_empty() { Ok((answers, profile)) } else { Err(errors) }
    }
}

/// The report an invitation is for.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub report_id: i64,
    pub public_id: String,
    pub jurisdiction: JurisdictionRef,
    pub agency_id: Option<i64>,
    pub service_id: i64,
    pub service_name: String,
}

/// Checks an invitation: the signed link of a report's reporter, for a report now resolved or
/// closed. An answered invitation is a conflict.
pub async fn invitation(state: &AppState, public_id: &str, token: &str) -> ServiceResult<Invitation> {
    let pid = PublicId::parse(public_id).ok_or_else(|| ServiceError::NotFound("report not found".into()))?;
    let subject = state
        .links()
        .verify(Purpose::Report, token, state.clock().now())
        .map_err(|e| ServiceError::Forbidden(format!("the survey link is not valid: {e}")))?;
    if subject != pid.as_str() {
        return Err(ServiceError::Forbidden("the survey link is not valid for this report".into()));
    }
    let jid = laksana_store::reports::jurisdiction_of(state.db(), pid.as_str())
        .await?
        .ok_or_else(|| ServiceError::NotFound("report not found".into()))?;
    let item = laksana_store::workflow::load(state.db(), &jid, pid.as_str())
        .await?
        .ok_or_else(|| ServiceError::NotFound("report not found".into()))?;
    if !matches!(item.status, laksana_core::Status::Resolved | laksana_core::Status::Closed) {
        return Err(ServiceError::Conflict("the survey opens once the report is resolved".into()));
    }
    if surveys::answered(state.db(), item.id).await? {
        return Err(ServiceError::Conflict(surveys::ANSWERED.into()));
    }
    let jurisdiction = super::jurisdiction::named(state, Some(&jid))?;
    Ok(Invitation {
        report_id: item.id,
        public_id: item.public_id.to_string(),
        jurisdiction,
        agency_id: item.agency_id,
        service_id: item.service_id,
        service_name: item.service_name,
    })
}

/// Records a response and forgets the jurisdiction's cached indices on this instance.
pub async fn record(state: &AppState, r: NewResponse) -> ServiceResult<i64> {
    let id = surveys::record(state.db(), &r, state.clock().now()).await?;
    state.ikm_cache().forget(&format!("{}|", r.jurisdiction_id));
    Ok(id)
}

/// The agency and service an open response names, by code: the agency is required, the service
/// optional and must belong to it.
pub fn open_unit(j: &JurisdictionInfo, agency: &str, service: &str) -> ServiceResult<(i64, Option<i64>)> {
    let a = j
        .agency_id(agency.trim())
        .ok_or_else(|| ServiceError::Invalid("choose the agency whose service you used".into()))?;
    let s = match service.trim() {
        "" => None,
        code => {
            let s = j.service(code).filter(|s| !s.staff && s.agency_id == Some(a));
            Some(s.ok_or_else(|| ServiceError::Invalid(format!("{code:?} is not a service of this agency")))?.id)
        }
    };
    Ok((a, s))
}

/// One unit's index.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitIkm {
    /// `all`, `agency:CODE` or `service:CODE`.
    pub unit: String,
    pub name: String,
    pub respondents: u64,
    /// 25–100, two decimals; absent without respondents.
    pub ikm: Option<f64>,
    /// A, B, C or D.
    pub grade: Option<String>,
    /// sangat baik, baik, kurang baik, tidak baik.
    pub grade_meaning: Option<String>,
    /// The mean answer (1–4) per element, `u1`…`u9`, four decimals.
    pub nrr: BTreeMap<String, f64>,
    /// Reports the unit received in the year up to the period's end.
    pub annual_volume: u64,
    /// Krejcie–Morgan minimum sample for that volume.
    pub minimum_sample: u64,
    /// Whether the respondents reach the minimum sample.
    pub sample_sufficient: bool,
    pub weights: Vec<f64>,
}

fn unit_ikm(unit: String, name: String, t: &Tally, w: &Weights, volume: u64) -> UnitIkm {
    let index = ikm::index(t, w);
    let min = minimum_sample(volume);
    UnitIkm {
        unit,
        name,
        respondents: t.respondents,
        ikm: index.as_ref().map(|i| i.ikm),
        grade: index.as_ref().map(|i| i.grade.as_str().to_owned()),
        grade_meaning: index.as_ref().map(|i| i.grade.meaning(false).to_owned()),
        nrr: index
            .as_ref()
            .map(|i| Element::ALL.iter().map(|e| (e.key().to_owned(), round(i.nrr[e.index()], 4))).collect())
            .unwrap_or_default(),
        annual_volume: volume,
        minimum_sample: min,
        sample_sufficient: t.respondents >= min,
        weights: w.get().to_vec(),
    }
}

/// The IKM query: a period and, optionally, one unit.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IkmQuery {
    /// `agency:CODE` or `service:CODE`; without it, every unit and the jurisdiction as a whole.
    pub unit: Option<String>,
    /// First day of the period (YYYY-MM-DD, local date), inclusive; the period is of the responses.
    pub from: Option<String>,
    /// Last day of the period, inclusive.
    pub to: Option<String>,
}

/// Where [`every_unit`] keeps the indices of `scope`'s period.
pub(crate) fn cache_key(j: &JurisdictionInfo, scope: &Scope) -> String {
    format!("{}|{:?}|{:?}", j.id(), scope.filter.from, scope.filter.to)
}

/// The index of every unit (the jurisdiction as `all` first, then agencies and services by name) in
/// the period of `scope`.
pub async fn every_unit(state: &AppState, j: &JurisdictionInfo, scope: &Scope) -> ServiceResult<Arc<Vec<UnitIkm>>> {
    if let Some(v) = state.ikm_cache().get(&cache_key(j, scope)) {
        return Ok(v);
    }
    refresh_units(state, j, scope).await
}

/// Computes the indices of every unit for `scope`'s period and keeps them, replacing what was kept:
/// until the new ones are in, readers are answered from the old.
pub(crate) async fn refresh_units(
    state: &AppState,
    j: &JurisdictionInfo,
    scope: &Scope,
) -> ServiceResult<Arc<Vec<UnitIkm>>> {
    let key = cache_key(j, scope);
    let db = state.db();
    let (from, to) = (scope.filter.from, scope.filter.to);
    let until = to.unwrap_or_else(|| state.clock().now());
    let w = surveys::weights(db, j.id()).await?;
    let by_agency: BTreeMap<Option<i64>, Tally> =
        surveys::tallies(db, j.id(), false, from, to).await?.into_iter().collect();
    let by_service: BTreeMap<Option<i64>, Tally> =
        surveys::tallies(db, j.id(), true, from, to).await?.into_iter().collect();
    let volumes = laksana_store::stats::annual_volumes(db, j.id(), until).await?;
    let mut all = Tally::default();
    for t in by_agency.values() {
        for (s, x) in all.sums.iter_mut().zip(t.sums) {
            *s += x;
        }
        all.respondents += t.respondents;
    }
    let mut out = vec![unit_ikm("all".into(), j.jurisdiction.name.clone(), &all, &w, volumes.total)];
    for (id, name) in j.agencies_by_name() {
        let t = by_agency.get(&Some(id)).copied().unwrap_or_default();
        let code = j.agency_codes.get(&id).cloned().unwrap_or_default();
        let volume = volumes.by_agency.get(&id).copied().unwrap_or(0);
        out.push(unit_ikm(format!("agency:{code}"), name, &t, &w, volume));
    }
    let mut services: Vec<_> = j.services.iter().filter(|s| !s.staff).collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    for s in services {
        let t = by_service.get(&Some(s.id)).copied().unwrap_or_default();
        let volume = volumes.by_service.get(&s.id).copied().unwrap_or(0);
        out.push(unit_ikm(format!("service:{}", s.code), s.name.clone(), &t, &w, volume));
    }
    let out = Arc::new(out);
    state.ikm_cache().put(key, out.clone());
    Ok(out)
}

/// The IKM answer: one unit, or every unit.
pub async fn ikm(state: &AppState, j: &JurisdictionInfo, q: &IkmQuery) -> ServiceResult<Vec<UnitIkm>> {
    let scope =
        super::stats::scope(j, &StatsQuery { from: q.from.clone(), to: q.to.clone(), ..StatsQuery::default() })?;
    let all = every_unit(state, j, &scope).await?;
    match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => Ok(all.as_ref().clone()),
        Some(u) => {
            let valid = u == "all" || u.starts_with("agency:") || u.starts_with("service:");
            all.iter().find(|x| x.unit == u).cloned().map(|x| vec![x]).ok_or_else(|| {
                ServiceError::Invalid(if valid {
                    format!("unit {u:?} is not a unit of {}", j.id())
                } else {
                    format!("unit must be all, agency:CODE or service:CODE, not {u:?}")
                })
            })
        }
    }
}

/// The unit a dashboard filter stands for: its service, else its agency, else the whole jurisdiction.
pub fn unit_of(scope: &Scope) -> String {
    match (&scope.service, &scope.agency) {
        (Some(s), _) => format!("service:{s}"),
        (None, Some(a)) => format!("agency:{a}"),
        _ => "all".into(),
    }
}

/// Validates and sets a jurisdiction's weights.
pub async fn set_weights(state: &AppState, j: &JurisdictionInfo, w: [f64; 9], actor: &str) -> ServiceResult<Weights> {
    let w = Weights::new(w).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    surveys::set_weights(state.db(), j.id(), &w, actor, state.clock().now()).await?;
    state.ikm_cache().forget(&format!("{}|", j.id()));
    Ok(w)
}
