//! The admin index (the jurisdictions a person administers, and creating one), and the page of a
//! jurisdiction's working-day calendar: its deadlines (in working days) and its holidays. Deadlines change through `service::catalog` like the rest of the catalog; holidays through
//! the same store function as the API and `laksana holidays import`. Both are on the audit trail.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::access::{self, Admin};
use laksana_core::limits::{Holiday, HolidayKind};
use serde::Deserialize;

use super::admin::{DoneQuery, admin_of};
use super::staff::Staff;
use super::{Chrome, PageError, read_form};
use crate::service::{ServiceError, catalog};
use crate::state::{AppState, JurisdictionRef};

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    id: String,
    name: String,
    /// `(key, working days)` of each deadline.
    deadlines: Vec<(&'static str, u32)>,
    /// `(date, kind, name)`, by date.
    holidays: Vec<(String, String, String)>,
    kinds: Vec<&'static str>,
    notice: Option<String>,
    errors: Vec<String>,
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    j: &JurisdictionRef,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let holidays = laksana_store::catalog::holidays(state.db(), j.id())
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .into_iter()
        .map(|h| (h.day, h.kind, h.name))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CalendarPage {
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        deadlines: j.deadlines.fields().to_vec(),
        holidays,
        kinds: HolidayKind::ALL.iter().map(|k| k.as_str()).collect(),
        notice,
        errors,
        chrome,
    };
    Ok((status, page).into_response())
}

/// `GET /admin/{jurisdiction}/kalender`.
pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let notice = q.notice(&chrome);
    page(&state, chrome, &j, notice, Vec::new()).await
}

/// `POST /admin/{jurisdiction}/kalender/tenggat`: every deadline, in working days (1 to 365).
pub(super) async fn deadlines(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let fields: Vec<(String, String)> = read_form(req, &chrome).await?;
    let mut d = j.deadlines;
    let mut errors = Vec::new();
    {
        let mut set = |key: &str, slot: &mut u32| match fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().parse::<u32>())
        {
            Some(Ok(n)) => *slot = n,
            Some(Err(_)) => errors.push(format!("{key}: {}", chrome.t.get("admin-whole-number"))),
            None => {}
        };
        set("verification", &mut d.verification);
        set("plan", &mut d.plan);
        set("info_reply", &mut d.info_reply);
        set("confirmation", &mut d.confirmation);
        set("escalation_step", &mut d.escalation_step);
        set("reopen_window", &mut d.reopen_window);
    }
    if !errors.is_empty() {
        return page(&state, chrome, &j, None, errors).await;
    }
    let edited = catalog::edit(&state, &who.caller, j.id(), |p| {
        p.region.jurisdiction.deadlines = d;
        Ok(())
    })
    .await
    .map_err(|e| chrome.fail(e))?;
    match edited {
        Ok(_) => Ok(Redirect::to(&format!("/admin/{id}/kalender?selesai=1")).into_response()),
        Err(problems) => {
            let errors = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
            page(&state, chrome, &j, None, errors).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct HolidayForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// A date to remove instead.
    #[serde(default)]
    remove: String,
}

/// `POST /admin/{jurisdiction}/kalender/libur`: adds (or renames) a holiday, or removes one.
pub(super) async fn holiday(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &who, &id)?;
    let f: HolidayForm = read_form(req, &chrome).await?;
    let (add, remove) = if f.remove.trim().is_empty() {
        match Holiday::parse(&f.date, &f.kind, &f.name) {
            Ok(h) => {
                let h = laksana_store::catalog::Holiday {
                    day: h.day(),
                    kind: h.kind().as_str().into(),
                    name: h.name().into(),
                };
                (vec![h], Vec::new())
            }
            Err(e) => return page(&state, chrome, &j, None, vec![e.to_string()]).await,
        }
    } else {
        match Holiday::parse_date(&f.remove) {
            Ok(d) => (Vec::new(), vec![d.to_string()]),
            Err(e) => return page(&state, chrome, &j, None, vec![e.to_string()]).await,
        }
    };
    let now = state.clock().now().as_micros();
    laksana_store::catalog::change_holidays(state.db(), j.id(), &add, &remove, &who.caller.actor, now)
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    state.reload_catalog().await.map_err(|e| chrome.fail(e.into()))?;
    Ok(Redirect::to(&format!("/admin/{id}/kalender?selesai=1")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_index.html")]
struct IndexPage {
    chrome: Chrome,
    /// `(id, name)` of the jurisdictions this person administers.
    places: Vec<(String, String)>,
    /// Whether they may create jurisdictions (an admin of the whole deployment).
    may_create: bool,
    errors: Vec<String>,
}

fn index_page(state: &AppState, chrome: Chrome, who: &Staff, errors: Vec<String>) -> Result<Response, PageError> {
    let p = &who.caller.principal;
    let places: Vec<(String, String)> = state
        .catalog()
        .jurisdictions
        .iter()
        .filter(|j| access::authorize_jurisdiction(p, Admin::Configure, j.id()).is_ok())
        .map(|j| (j.id().to_owned(), j.jurisdiction.name.clone()))
        .collect();
    let may_create = p.is_deployment_admin();
    if places.is_empty() && !may_create {
        return Err(chrome.fail(ServiceError::Forbidden(String::new())));
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, IndexPage { chrome, places, may_create, errors }).into_response())
}

/// `GET /admin`: the jurisdictions this person administers, and for a deployment admin the form
/// that creates one.
pub(super) async fn index(State(state): State<AppState>, chrome: Chrome, who: Staff) -> Result<Response, PageError> {
    index_page(&state, chrome, &who, Vec::new())
}

#[derive(Debug, Deserialize)]
pub(super) struct CreateForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    contact: String,
}

/// `POST /admin`: creates a jurisdiction (deployment admins), with the national deadlines and
/// holidays; its catalog follows on its own admin page or by region pack.
pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    who: Staff,
    req: Request,
) -> Result<Response, PageError> {
    let f: CreateForm = read_form(req, &chrome).await?;
    let def = laksana_core::region::JurisdictionDef {
        id: f.id.trim().to_lowercase(),
        name: f.name.trim().to_owned(),
        time_zone: f.time_zone.trim().to_owned(),
        contact: f.contact.trim().to_owned(),
        key_service: String::new(),
        deadlines: Default::default(),
    };
    let id = def.id.clone();
    match catalog::create_jurisdiction(&state, &who.caller, def).await {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/admin/{id}")).into_response()),
        Ok(Err(problems)) => {
            let errors = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
            index_page(&state, chrome, &who, errors)
        }
        Err(ServiceError::Conflict(m)) => index_page(&state, chrome, &who, vec![m]),
        Err(e) => Err(chrome.fail(e)),
    }
}
