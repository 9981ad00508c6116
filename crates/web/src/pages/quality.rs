//! The public pages of service quality besides the dashboard: the list of services and each service's
//! page with its published standards (every version), its agency's pledge and complaint handler.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::home::jurisdiction;
use super::{Chrome, Lang, PageError};
use crate::service::standards::{self, ServiceStandards, VersionOut};
use crate::state::AppState;

/// A group of services and its rows: `(code, name, agency)`.
type Group = (String, Vec<(String, String, String)>);

#[derive(Template, WebTemplate)]
#[template(path = "pages/services.html")]
struct ServicesPage {
    chrome: Chrome,
    id: String,
    name: String,
    /// `(group, [(code, name, agency)])`.
    groups: Vec<Group>,
}

/// `GET /j/{jurisdiction}/layanan`: every public service, by group, each linking to its standards.
pub(super) async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    let lang = chrome.lang();
    let mut groups: Vec<Group> = Vec::new();
    for s in j.services.iter().filter(|s| s.active && !s.staff) {
        let agency = s.agency_id.and_then(|a| j.agency_names.get(&a).cloned()).unwrap_or_default();
        let row = (s.code.clone(), s.name_in(lang).to_owned(), agency);
        match groups.iter_mut().find(|(g, _)| *g == s.group) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((s.group.clone(), vec![row])),
        }
    }
    Ok(ServicesPage { id: j.id().to_owned(), name: j.jurisdiction.name.clone(), groups, chrome }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/service.html")]
struct ServicePage {
    chrome: Chrome,
    id: String,
    jurisdiction_name: String,
    description: String,
    working_days: u32,
    s: ServiceStandards,
}

impl ServicePage {
    /// "Decree N of date (version V)".
    fn decree(&self, v: &VersionOut) -> String {
        self.chrome.t.args(
            "service-decree",
            &[("number", v.decree_number.clone()), ("date", v.decree_date.clone()), ("version", v.version.to_string())],
        )
    }
}

/// `GET /j/{jurisdiction}/layanan/{code}`: a service's page.
pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    let english = chrome.t.lang == Lang::En;
    let s = standards::of_service(&state, &j, &code, english).await.map_err(|e| chrome.fail(e))?;
    let svc = j.service(&code).expect("of_service found it");
    Ok(ServicePage {
        id: j.id().to_owned(),
        jurisdiction_name: j.jurisdiction.name.clone(),
        description: svc.description.clone(),
        working_days: svc.sla_tier.default_working_days(),
        s,
        chrome,
    }
    .into_response())
}
