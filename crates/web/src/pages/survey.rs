//! The satisfaction survey's pages: the reporter's invitation (`/r/{id}/survey?t=…`, the link of the
//! "resolved" notice) and the open survey of a jurisdiction (`/j/{j}/survei`), both the same nine
//! questions with an optional profile.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laksana_core::quality::ikm::{Element, ProfileField, Score};
use laksana_store::surveys::NewResponse;
use serde::Deserialize;

use super::account::MessagePage;
use super::home::jurisdiction;
use super::{Chrome, ClientAddr, Lang, PageError, read_form, require_same_origin};
use crate::service::ServiceError;
use crate::service::surveys::{self, Invitation, SurveyForm};
use crate::state::AppState;

/// One question of the form.
pub(super) struct Question {
    key: &'static str,
    name: &'static str,
    text: &'static str,
    /// The answer given, if the form is shown again.
    given: String,
}

/// One optional profile question: its key, label, choices and the answer given.
pub(super) struct ProfileQuestion {
    key: &'static str,
    label: &'static str,
    choices: Vec<(&'static str, &'static str)>,
    given: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/survey.html")]
struct SurveyPage {
    chrome: Chrome,
    /// Where the form posts.
    action: String,
    /// The invitation's token, for the invited form.
    token: String,
    /// What the survey is about (the service and agency of an invitation), or empty for the open one.
    about: String,
    /// `(code, name)` of the agencies, for the open form.
    agencies: Vec<(String, String)>,
    /// `(code, name)` of the services, for the open form.
    services: Vec<(String, String)>,
    agency: String,
    service: String,
    questions: Vec<Question>,
    /// `(value, words)` of the four answers.
    scale: Vec<(u8, &'static str)>,
    profile: Vec<ProfileQuestion>,
    errors: BTreeMap<&'static str, String>,
}

impl SurveyPage {
    fn new(chrome: Chrome, action: String, form: &SurveyForm, errors: BTreeMap<&'static str, String>) -> SurveyPage {
        let en = chrome.t.lang == Lang::En;
        SurveyPage {
            questions: Element::ALL
                .iter()
                .map(|&e| Question {
                    key: e.key(),
                    name: if en { e.name_en() } else { e.name_id() },
                    text: if en { e.question_en() } else { e.question_id() },
                    given: form.answer(e).trim().to_owned(),
                })
                .collect(),
            scale: (1..=4).filter_map(Score::new).map(|s| (s.get(), s.label(en))).collect(),
            profile: ProfileField::ALL
                .iter()
                .map(|&f| ProfileQuestion {
                    key: f.key(),
                    label: f.label(en),
                    choices: f.choices().iter().map(|(k, id, e)| (*k, if en { *e } else { *id })).collect(),
                    given: form.profile(f).trim().to_owned(),
                })
                .collect(),
            token: form.t.clone(),
            agency: form.agency.clone(),
            service: form.service.clone(),
            about: String::new(),
            agencies: Vec::new(),
            services: Vec::new(),
            action,
            errors,
            chrome,
        }
    }

    /// Whether `value` is the answer given to question `key`.
    fn given(&self, key: impl AsRef<str>, value: impl ToString) -> bool {
        let v = value.to_string();
        self.questions.iter().any(|q| q.key == key.as_ref() && q.given == v)
            || self.profile.iter().any(|p| p.key == key.as_ref() && p.given == v)
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenQuery {
    #[serde(default)]
    t: String,
}

/// The answer to an invitation that cannot be used: what happened, and where to go instead.
fn invitation_refused(chrome: Chrome, id: &str, e: ServiceError) -> Response {
    let t = &chrome.t;
    let (status, key) = match &e {
        ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, "survey-link-invalid"),
        ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, "survey-link-invalid"),
        ServiceError::Conflict(m) if m == laksana_store::surveys::ANSWERED => (StatusCode::CONFLICT, "survey-answered"),
        ServiceError::Conflict(_) => (StatusCode::CONFLICT, "survey-not-yet"),
        _ => return chrome.fail(e).into_response(),
    };
    let next = Some((format!("/lacak?id={id}"), t.get("survey-to-report")));
    let page = MessagePage { title: t.get("survey-title"), message: t.get(key), next, bad: true, chrome };
    (status, page).into_response()
}

fn invited_page(
    chrome: Chrome,
    inv: &Invitation,
    form: &SurveyForm,
    errors: BTreeMap<&'static str, String>,
) -> SurveyPage {
    let agency = inv.agency_id.and_then(|a| inv.jurisdiction.agency_names.get(&a).cloned()).unwrap_or_default();
    let mut page = SurveyPage::new(chrome, format!("/r/{}/survey", inv.public_id), form, errors);
    page.about = if agency.is_empty() { inv.service_name.clone() } else { format!("{} · {agency}", inv.service_name) };
    page
}

/// `GET /r/{id}/survey?t=…`: the survey for a resolved report's reporter.
pub(super) async fn invited_form(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    match surveys::invitation(&state, &id, &q.t).await {
        Ok(inv) => {
            let form = SurveyForm { t: q.t, ..SurveyForm::default() };
            invited_page(chrome, &inv, &form, BTreeMap::new()).into_response()
        }
        Err(e) => invitation_refused(chrome, &id, e),
    }
}

/// `POST /r/{id}/survey`: records the invited response, once.
pub(super) async fn invited_post(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    let form: SurveyForm = read_form(req, &chrome).await?;
    let inv = match surveys::invitation(&state, &id, &form.t).await {
        Ok(inv) => inv,
        Err(e) => return Ok(invitation_refused(chrome, &id, e)),
    };
    let (answers, profile) = match form.parse() {
        Ok(x) => x,
        Err(errors) => {
            let page = invited_page(chrome, &inv, &form, errors);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let response = NewResponse {
        jurisdiction_id: inv.jurisdiction.id().to_owned(),
        agency_id: inv.agency_id,
        service_id: Some(inv.service_id),
        report_id: Some(inv.report_id),
        answers,
        profile,
    };
    match surveys::record(&state, response).await {
        Ok(_) => Ok(thanks(chrome, inv.jurisdiction.id())),
        Err(e @ ServiceError::Conflict(_)) => Ok(invitation_refused(chrome, &id, e)),
        Err(e) => Err(chrome.fail(e)),
    }
}

fn thanks(chrome: Chrome, jurisdiction: &str) -> Response {
    let t = &chrome.t;
    let (title, message, label) = (t.get("survey-thanks-title"), t.get("survey-thanks"), t.get("survey-to-dashboard"));
    MessagePage::done(chrome, title, message, Some((&format!("/dashboard/{jurisdiction}"), label)))
}

fn open_page(
    chrome: Chrome,
    j: &crate::state::JurisdictionInfo,
    form: &SurveyForm,
    errors: BTreeMap<&'static str, String>,
) -> SurveyPage {
    let mut page = SurveyPage::new(chrome, format!("/j/{}/survei", j.id()), form, errors);
    page.agencies = j
        .agencies_by_name()
        .into_iter()
        .filter_map(|(id, name)| Some((j.agency_codes.get(&id)?.clone(), name)))
        .collect();
    let mut services: Vec<(String, String)> = j
        .services
        .iter()
        .filter(|s| !s.staff && s.active)
        .map(|s| {
            let agency = s.agency_id.and_then(|a| j.agency_names.get(&a)).map_or(String::new(), |n| format!(" ({n})"));
            (s.code.clone(), format!("{}{agency}", s.name))
        })
        .collect();
    services.sort_by(|a, b| a.1.cmp(&b.1));
    page.services = services;
    page
}

/// `GET /j/{jurisdiction}/survei`: the open survey, for anyone who used a service.
pub(super) async fn open_form(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(jid): Path<String>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &jid)?;
    Ok(open_page(chrome, &j, &SurveyForm::default(), BTreeMap::new()).into_response())
}

/// `POST /j/{jurisdiction}/survei`: an open response, within a per-address limit counted before the
/// form is read.
pub(super) async fn open_post(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    Path(jid): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &jid)?;
    require_same_origin(&state, &chrome, req.headers())?;
    if let Err(wait) = state.open_survey_allowed(client) {
        return Err(chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs: wait }));
    }
    let form: SurveyForm = read_form(req, &chrome).await?;
    let parsed = form.parse();
    let unit = surveys::open_unit(&j, &form.agency, &form.service);
    let (answers, profile, (agency, service)) = match (parsed, unit) {
        (Ok((a, p)), Ok(u)) => (a, p, u),
        (parsed, unit) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(ServiceError::Invalid(m)) = unit {
                errors.insert("agency", m);
            }
            let page = open_page(chrome, &j, &form, errors);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let response = NewResponse {
        jurisdiction_id: j.id().to_owned(),
        agency_id: Some(agency),
        service_id: service,
        report_id: None,
        answers,
        profile,
    };
    surveys::record(&state, response).await.map_err(|e| chrome.fail(e))?;
    Ok(thanks(chrome, j.id()))
}
