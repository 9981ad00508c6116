//! Admin pages of service quality: a service's standards, an agency's pledge, the IKM weights, and
//! the compliance self-assessment (the ombudsman and admins).

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::access::Admin;
use laksana_core::quality::ikm::Element;
use laksana_core::quality::standards::COMPONENTS;
use serde::Deserialize;

use super::admin::{DoneQuery, admin_of, allowed_in};
use super::charts::{self, Bar};
use super::dashboard::number;
use super::staff::Staff;
use super::{Chrome, Lang, PageError, read_form};
use crate::service::compliance::{self, AssessmentOut, Entered, IndicatorView};
use crate::service::{ServiceError, standards, surveys};
use crate::state::AppState;

/// A standards form can carry fourteen texts of 5,000 characters, percent-encoded.
const MAX_STANDARD_FORM: usize = 512 * 1024;

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_standard.html")]
struct StandardPage {
    chrome: Chrome,
    id: String,
    code: String,
    name: String,
    decree_number: String,
    decree_date: String,
    /// `(key, name, text)`.
    components: Vec<(&'static str, &'static str, String)>,
    errors: BTreeMap<String, String>,
    notice: Option<String>,
}

/// The fourteen components as the form shows them: key, name in the page's language, and `texts`'.
fn components(en: bool, texts: &BTreeMap<String, String>) -> Vec<(&'static str, &'static str, String)> {
    COMPONENTS
        .iter()
        .map(|(k, i, e)| (*k, if en { *e } else { *i }, texts.get(*k).cloned().unwrap_or_default()))
        .collect()
}

/// `GET /admin/{jurisdiction}/layanan/{code}/standar`: the form of a new version, filled with the
/// version in force.
pub(super) async fn standard_form(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let s = standards::of_service(&state, &j, &code, chrome.t.lang == Lang::En).await.map_err(|e| chrome.fail(e))?;
    let texts: BTreeMap<String, String> = s
        .current
        .as_ref()
        .map(|v| v.components.iter().map(|c| (c.key.clone(), c.text.clone())).collect())
        .unwrap_or_default();
    let en = chrome.t.lang == Lang::En;
    Ok(StandardPage {
        notice: q.notice(&chrome),
        id,
        code,
        name: s.name,
        decree_number: s.current.as_ref().map(|v| v.decree_number.clone()).unwrap_or_default(),
        decree_date: s.current.as_ref().map(|v| v.decree_date.clone()).unwrap_or_default(),
        components: components(en, &texts),
        errors: BTreeMap::new(),
        chrome,
    }
    .into_response())
}

/// `POST /admin/{jurisdiction}/layanan/{code}/standar`: publishes a new version.
pub(super) async fn standard_save(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let bytes = axum::body::to_bytes(req.into_body(), MAX_STANDARD_FORM)
        .await
        .map_err(|_| chrome.fail(ServiceError::Invalid(chrome.t.get("submit-too-large"))))?;
    let mut f: BTreeMap<String, String> =
        serde_urlencoded::from_bytes(&bytes).map_err(|e| chrome.fail(ServiceError::Invalid(e.to_string())))?;
    let number = f.remove("decree_number").unwrap_or_default();
    let date = f.remove("decree_date").unwrap_or_default();
    let published = standards::publish(&state, &j, &code, &number, &date, &f, &staff.caller.actor)
        .await
        .map_err(|e| chrome.fail(e))?;
    match published {
        Ok(_) => Ok(Redirect::to(&format!("/admin/{id}/layanan/{code}/standar?selesai=1")).into_response()),
        Err(errors) => {
            let en = chrome.t.lang == Lang::En;
            let name = j.service(&code).map(|s| s.name.clone()).unwrap_or_default();
            let page = StandardPage {
                id,
                code,
                name,
                decree_number: number,
                decree_date: date,
                components: components(en, &f),
                errors,
                notice: None,
                chrome,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_pledge.html")]
struct PledgePage {
    chrome: Chrome,
    id: String,
    code: String,
    name: String,
    maklumat: String,
    notice: Option<String>,
}

/// `GET /admin/{jurisdiction}/instansi/{code}/maklumat`.
pub(super) async fn pledge_form(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let agency = j.agency_id(&code);
    let agency = agency.ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
    let (maklumat, _) =
        laksana_store::standards::pledge(state.db(), agency).await.map_err(|e| chrome.fail(e.into()))?;
    Ok(PledgePage {
        notice: q.notice(&chrome),
        name: j.agency_names.get(&agency).cloned().unwrap_or_default(),
        id,
        code,
        maklumat,
        chrome,
    }
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct PledgeForm {
    #[serde(default)]
    maklumat: String,
}

/// `POST /admin/{jurisdiction}/instansi/{code}/maklumat`.
pub(super) async fn pledge_save(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let f: PledgeForm = read_form(req, &chrome).await?;
    standards::set_pledge(&state, &j, &code, &f.maklumat, &staff.caller.actor).await.map_err(|e| chrome.fail(e))?;
    Ok(Redirect::to(&format!("/admin/{id}/instansi/{code}/maklumat?selesai=1")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_ikm.html")]
struct IkmPage {
    chrome: Chrome,
    id: String,
    /// `(key, element name, weight as typed)`.
    weights: Vec<(&'static str, &'static str, String)>,
    error: Option<String>,
    notice: Option<String>,
}

fn ikm_page(chrome: Chrome, id: String, w: [String; 9], error: Option<String>, notice: Option<String>) -> IkmPage {
    let en = chrome.t.lang == Lang::En;
    IkmPage {
        weights: Element::ALL
            .iter()
            .zip(w)
            .map(|(e, v)| (e.key(), if en { e.name_en() } else { e.name_id() }, v))
            .collect(),
        id,
        error,
        notice,
        chrome,
    }
}

/// `GET /admin/{jurisdiction}/ikm`: the weights of the nine elements.
pub(super) async fn ikm_form(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let w = laksana_store::surveys::weights(state.db(), j.id()).await.map_err(|e| chrome.fail(e.into()))?;
    let notice = q.notice(&chrome);
    Ok(ikm_page(chrome, id, w.get().map(|x| format!("{x:.4}")), None, notice).into_response())
}

/// `POST /admin/{jurisdiction}/ikm`.
pub(super) async fn ikm_save(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let f: BTreeMap<String, String> = read_form(req, &chrome).await?;
    let typed: [String; 9] = Element::ALL.map(|e| f.get(e.key()).cloned().unwrap_or_default());
    let parsed: Option<Vec<f64>> = typed.iter().map(|v| v.trim().replace(',', ".").parse::<f64>().ok()).collect();
    let result = match parsed {
        Some(v) => {
            let w: [f64; 9] = v.try_into().expect("nine parsed from nine");
            surveys::set_weights(&state, &j, w, &staff.caller.actor).await.map(|_| ())
        }
        None => Err(ServiceError::Invalid(chrome.t.get("ikm-weights-numbers"))),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/{id}/ikm?selesai=1")).into_response()),
        Err(ServiceError::Invalid(m)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, ikm_page(chrome, id, typed, Some(m), None)).into_response())
        }
        Err(e) => Err(chrome.fail(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_compliance.html")]
struct CompliancePage {
    chrome: Chrome,
    id: String,
    name: String,
    period: String,
    /// Assessed agencies, best first: code, name, score, zone key, zone in words, recorded.
    rows: Vec<[String; 6]>,
    /// `(code, name)` of agencies not assessed for the period.
    pending: Vec<(String, String)>,
    chart: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct PeriodQuery {
    #[serde(default)]
    periode: String,
    #[serde(default)]
    selesai: String,
}

/// `GET /admin/{jurisdiction}/kepatuhan[?periode=YYYY]`: every agency's newest assessment for a year,
/// compared.
pub(super) async fn compliance_list(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let j = allowed_in(&state, &chrome, &staff, &id, Admin::AssessCompliance)?;
    let period = compliance::period_or_this_year(&state, &j, Some(&q.periode)).map_err(|e| chrome.fail(e))?;
    let list = compliance::latest(&state, &j, &period).await.map_err(|e| chrome.fail(e))?;
    let t = &chrome.t;
    let rows: Vec<[String; 6]> = list
        .iter()
        .map(|a| {
            [
                a.agency.clone(),
                a.agency_name.clone(),
                number(t, a.score, 2),
                a.zone.clone(),
                t.get(&format!("zone-{}", a.zone)),
                a.recorded_at.chars().take(10).collect(),
            ]
        })
        .collect();
    let pending = j
        .agencies_by_name()
        .into_iter()
        .filter_map(|(aid, n)| {
            let code = j.agency_codes.get(&aid)?.clone();
            (!list.iter().any(|a| a.agency == code)).then_some((code, n))
        })
        .collect();
    let chart = charts::bars(
        &t.get("compliance-chart"),
        &list
            .iter()
            .map(|a| Bar { label: a.agency_name.clone(), value: a.score, text: number(t, a.score, 2) })
            .collect::<Vec<_>>(),
        Some(100.0),
    );
    Ok(CompliancePage { name: j.jurisdiction.name.clone(), id, period, rows, pending, chart, chrome }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_assessment.html")]
struct AssessmentPage {
    chrome: Chrome,
    id: String,
    agency: String,
    agency_name: String,
    period: String,
    /// `(dimension in words, indicators)`.
    dimensions: Vec<(String, Vec<IndicatorView>)>,
    /// The scores and evidence last recorded for the period (or typed), by indicator code.
    given: BTreeMap<String, (String, String)>,
    history: Vec<AssessmentOut>,
    error: Option<String>,
    notice: Option<String>,
}

impl AssessmentPage {
    fn score_given(&self, code: &str, v: impl ToString) -> bool {
        self.given.get(code).is_some_and(|(s, _)| *s == v.to_string())
    }

    fn evidence(&self, code: &str) -> String {
        self.given.get(code).map(|(_, e)| e.clone()).unwrap_or_default()
    }

    fn zone(&self, z: &str) -> String {
        self.chrome.t.get(&format!("zone-{z}"))
    }
}

/// What the assessment page says besides the form: the answers typed (after a refusal), the refusal,
/// or that the last recording went through.
#[derive(Default)]
struct Said {
    typed: Option<BTreeMap<String, (String, String)>>,
    error: Option<String>,
    notice: Option<String>,
}

async fn assessment_page(
    state: &AppState,
    chrome: Chrome,
    j: &crate::state::JurisdictionInfo,
    agency: &str,
    period: &str,
    said: Said,
) -> Result<AssessmentPage, PageError> {
    let Said { typed, error, notice } = said;
    let agency_id = j.agency_id(agency);
    let agency_id = agency_id.ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
    let en = chrome.t.lang == Lang::En;
    let views = compliance::indicators(state, j, agency_id, period, en).await.map_err(|e| chrome.fail(e))?;
    let history = compliance::history(state, j, agency).await.map_err(|e| chrome.fail(e))?;
    let given = typed.unwrap_or_else(|| {
        history
            .iter()
            .find(|a| a.period == period)
            .and_then(|a| a.indicators.as_object().cloned())
            .map(|m| {
                m.into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            (
                                v["score"].as_i64().map(|s| s.to_string()).unwrap_or_default(),
                                v["evidence"].as_str().unwrap_or("").to_owned(),
                            ),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    let mut dimensions: Vec<(String, Vec<IndicatorView>)> = Vec::new();
    for v in views {
        let name = chrome.t.get(&format!("dimension-{}", v.dimension));
        match dimensions.iter_mut().find(|(d, _)| *d == name) {
            Some((_, list)) => list.push(v),
            None => dimensions.push((name, vec![v])),
        }
    }
    Ok(AssessmentPage {
        id: j.id().to_owned(),
        agency: agency.to_owned(),
        agency_name: j.agency_names.get(&agency_id).cloned().unwrap_or_default(),
        period: period.to_owned(),
        dimensions,
        given,
        history,
        error,
        notice,
        chrome,
    })
}

/// `GET /admin/{jurisdiction}/kepatuhan/{agency}[?periode=YYYY]`: the assessment form with the live
/// values, and the agency's history.
pub(super) async fn assessment_form(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, agency)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let j = allowed_in(&state, &chrome, &staff, &id, Admin::AssessCompliance)?;
    let period = compliance::period_or_this_year(&state, &j, Some(&q.periode)).map_err(|e| chrome.fail(e))?;
    let notice = (!q.selesai.is_empty()).then(|| chrome.t.get("admin-saved"));
    Ok(assessment_page(&state, chrome, &j, &agency, &period, Said { notice, ..Said::default() }).await?.into_response())
}

/// `POST /admin/{jurisdiction}/kepatuhan/{agency}`: records the assessment.
pub(super) async fn assessment_save(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, agency)): Path<(String, String)>,
    req: Request,
) -> Result<Response, PageError> {
    let j = allowed_in(&state, &chrome, &staff, &id, Admin::AssessCompliance)?;
    let f: BTreeMap<String, String> = read_form(req, &chrome).await?;
    let period = f.get("periode").cloned().unwrap_or_default();
    let mut entered = BTreeMap::new();
    let mut typed = BTreeMap::new();
    for i in laksana_core::quality::compliance::INDICATORS {
        let score = f.get(&format!("score_{}", i.code)).cloned().unwrap_or_default();
        let evidence = f.get(&format!("evidence_{}", i.code)).cloned().unwrap_or_default();
        entered.insert(i.code.to_owned(), Entered { score: score.trim().parse().ok(), evidence: evidence.clone() });
        typed.insert(i.code.to_owned(), (score, evidence));
    }
    match compliance::record(&state, &j, &staff.caller.actor, &agency, &period, &entered).await {
        Ok(a) => {
            Ok(Redirect::to(&format!("/admin/{id}/kepatuhan/{agency}?periode={}&selesai=1", a.period)).into_response())
        }
        Err(ServiceError::Invalid(m)) => {
            let period = compliance::period(&period).unwrap_or_else(|_| compliance::this_year(&state, &j));
            let said = Said { typed: Some(typed), error: Some(m), notice: None };
            let page = assessment_page(&state, chrome, &j, &agency, &period, said).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(chrome.fail(e)),
    }
}
