//! The admin pages of a jurisdiction: its settings, agencies, services (with an editor for their
//! Open311 attributes) and districts (a GeoJSON upload with a preview), and the record of acts on
//! them. Every change goes through `service::catalog`, the same checked path as the API and region
//! packs; a refusal shows every problem and keeps what was typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::access::{self, Admin};
use laksana_core::region::{self, AgencyDef, Problem, ServiceDef};
use laksana_core::service::{Datatype, ServiceKind, SlaTier};
use serde::Deserialize;

use super::home::jurisdiction;
use super::staff::Staff;
use super::{Chrome, PageError, read_form};
use crate::service::ServiceError;
use crate::service::catalog::{self, Edited};
use crate::state::{AppState, JurisdictionRef};

/// The jurisdiction `id` if the signed-in person may configure it (`Admin::Configure`), else a 403 page.
pub(super) fn admin_of(
    state: &AppState,
    chrome: &Chrome,
    staff: &Staff,
    id: &str,
) -> Result<JurisdictionRef, PageError> {
    allowed_in(state, chrome, staff, id, Admin::Configure)
}

/// The jurisdiction `id` if the signed-in person may do `op` there, else a 403 page.
pub(super) fn allowed_in(
    state: &AppState,
    chrome: &Chrome,
    staff: &Staff,
    id: &str,
    op: Admin,
) -> Result<JurisdictionRef, PageError> {
    let j = jurisdiction(state, chrome, id)?;
    access::authorize_jurisdiction(&staff.caller.principal, op, j.id())
        .map_err(|_| chrome.fail(ServiceError::Forbidden(String::new())))?;
    Ok(j)
}

/// A problem as a page shows it: the field and what is wrong (the page says which thing it is about).
fn shown(p: &Problem) -> String {
    if p.field.is_empty() { p.message.clone() } else { format!("{}: {}", p.field, p.message) }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_home.html")]
struct HomePage {
    chrome: Chrome,
    id: String,
    name: String,
    time_zone: String,
    contact: String,
    key_service: String,
    logo: String,
    agencies: Vec<AgencyDef>,
    services: Vec<ServiceDef>,
    districts: Vec<(String, String)>,
    notice: Option<String>,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    #[serde(default)]
    selesai: String,
}

impl DoneQuery {
    /// What the page says when it comes back after a change went through.
    pub(super) fn notice(&self, chrome: &Chrome) -> Option<String> {
        (!self.selesai.is_empty()).then(|| chrome.t.get("admin-saved"))
    }
}

async fn home_page(
    state: &AppState,
    chrome: Chrome,
    j: &JurisdictionRef,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let pack = laksana_store::region::export_pack(state.db(), j.id())
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
    let r = pack.region;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = HomePage {
        id: r.jurisdiction.id,
        name: r.jurisdiction.name,
        time_zone: r.jurisdiction.time_zone,
        contact: r.jurisdiction.contact,
        key_service: r.jurisdiction.key_service,
        logo: j.jurisdiction.logo.clone(),
        agencies: r.agencies,
        services: r.services,
        districts: pack.districts.into_iter().map(|d| (d.code, d.name)).collect(),
        notice,
        errors,
        chrome,
    };
    Ok((status, page).into_response())
}

/// `GET /admin/{jurisdiction}`: the catalog at a glance, with the settings form.
pub(super) async fn home(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let notice = q.notice(&chrome);
    home_page(&state, chrome, &j, notice, Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub(super) struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    key_service: String,
}

/// Where a change that went through goes: back to the page it came from, saying so.
fn saved(to: &str) -> Response {
    Redirect::to(&format!("{to}?selesai=1")).into_response()
}

/// `POST /admin/{jurisdiction}`: the jurisdiction's name, time zone and contact.
pub(super) async fn settings(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let f: SettingsForm = read_form(req, &chrome).await?;
    let edited = catalog::edit(&state, &staff.caller, j.id(), |p| {
        let d = &mut p.region.jurisdiction;
        (d.name, d.time_zone, d.contact) = (f.name.trim().into(), f.time_zone.trim().into(), f.contact.trim().into());
        d.key_service = f.key_service.trim().into();
        Ok(())
    })
    .await
    .map_err(|e| chrome.fail(e))?;
    match edited {
        Ok(_) => Ok(saved(&format!("/admin/{id}"))),
        Err(problems) => home_page(&state, chrome, &j, None, problems.iter().map(shown).collect()).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_agency.html")]
struct AgencyPage {
    chrome: Chrome,
    id: String,
    agency: AgencyDef,
    is_new: bool,
    errors: Vec<String>,
}

/// `GET /admin/{jurisdiction}/instansi/{code}` (`-` for a new agency).
pub(super) async fn agency_form(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let blank = AgencyDef {
        code: String::new(),
        name: String::new(),
        handler: String::new(),
        email: String::new(),
        phone: String::new(),
        active: true,
    };
    let agency = if code == "-" {
        blank
    } else {
        let pack = export(&state, &chrome, &j).await?;
        pack.region
            .agencies
            .into_iter()
            .find(|a| a.code == code)
            .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?
    };
    Ok(AgencyPage { id, is_new: code == "-", agency, errors: Vec::new(), chrome }.into_response())
}

async fn export(state: &AppState, chrome: &Chrome, j: &JurisdictionRef) -> Result<region::Pack, PageError> {
    laksana_store::region::export_pack(state.db(), j.id())
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))
}

#[derive(Debug, Deserialize)]
pub(super) struct AgencyForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    handler: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    active: String,
    /// `1` from the "new agency" form: an existing code is then refused, not overwritten.
    #[serde(default)]
    is_new: String,
}

/// `POST /admin/{jurisdiction}/instansi`: creates or changes an agency (by its code).
pub(super) async fn agency_save(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let f: AgencyForm = read_form(req, &chrome).await?;
    let def = AgencyDef {
        code: f.code.trim().to_owned(),
        name: f.name.trim().to_owned(),
        handler: f.handler.trim().to_owned(),
        email: f.email.trim().to_owned(),
        phone: f.phone.trim().to_owned(),
        active: !f.active.is_empty(),
    };
    let is_new = f.is_new == "1";
    let edited = catalog::edit(&state, &staff.caller, j.id(), |p| {
        put_checked(&mut p.region.agencies, def.clone(), is_new, "is used by another agency")
    })
    .await
    .map_err(|e| chrome.fail(e))?;
    refused_or(edited, &id, |errors| AgencyPage {
        id: id.clone(),
        is_new,
        agency: def.clone(),
        errors,
        chrome: chrome.clone(),
    })
}

/// Puts `item` into `list` by its code; from a "new" form, a code already there is refused with
/// `taken` rather than overwritten unnoticed.
fn put_checked<T: region::Coded>(list: &mut Vec<T>, item: T, is_new: bool, taken: &str) -> Result<(), Vec<Problem>> {
    if is_new && list.iter().any(|e| e.code() == item.code()) {
        return Err(vec![Problem {
            file: region::REGION_FILE,
            place: String::new(),
            field: "code".into(),
            message: taken.into(),
        }]);
    }
    region::put(list, item);
    Ok(())
}

/// The page again with every problem (422), or back to the catalog.
fn refused_or<P: IntoResponse>(
    edited: Edited,
    id: &str,
    page: impl FnOnce(Vec<String>) -> P,
) -> Result<Response, PageError> {
    match edited {
        Ok(_) => Ok(saved(&format!("/admin/{id}"))),
        Err(problems) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(problems.iter().map(shown).collect())).into_response())
        }
    }
}

/// One attribute row of the service editor.
#[derive(Debug, Clone, Default)]
pub(super) struct AttributeRow {
    code: String,
    /// `false` for a note that takes no answer (kept as it was; packs and the API set it).
    variable: bool,
    datatype: String,
    required: bool,
    order: String,
    description: String,
    hint: String,
    /// `key = name`, one per line.
    values: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_service.html")]
struct ServicePage {
    chrome: Chrome,
    id: String,
    is_new: bool,
    s: ServiceFields,
    rows: Vec<AttributeRow>,
    agencies: Vec<(String, String)>,
    kinds: &'static [ServiceKind],
    tiers: &'static [SlaTier],
    datatypes: &'static [Datatype],
    errors: Vec<String>,
}

/// The service form's own fields, as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct ServiceFields {
    code: String,
    name: String,
    name_en: String,
    /// The privacy the report form starts with.
    privacy: String,
    description: String,
    group: String,
    keywords: String,
    kind: String,
    agency: String,
    sla_tier: String,
    private: bool,
    active: bool,
}

/// Blank attribute rows offered below the existing ones (the script adds more).
const BLANK_ROWS: usize = 2;
/// The most questions a service may have on the page.
const MAX_ATTRIBUTES: usize = 100;

fn rows_of(s: &ServiceDef) -> Vec<AttributeRow> {
    s.attributes
        .iter()
        .map(|a| AttributeRow {
            code: a.code.clone(),
            variable: a.variable,
            datatype: a.datatype.as_str().into(),
            required: a.required,
            order: a.order.to_string(),
            description: a.description.clone(),
            hint: a.datatype_description.clone(),
            values: a.values.iter().map(|v| format!("{} = {}", v.key, v.name)).collect::<Vec<_>>().join("\n"),
        })
        .collect()
}

fn service_page(
    chrome: Chrome,
    id: &str,
    is_new: bool,
    s: ServiceFields,
    mut rows: Vec<AttributeRow>,
    agencies: &[AgencyDef],
    errors: Vec<String>,
) -> ServicePage {
    let next = rows.len();
    rows.extend((0..BLANK_ROWS).map(|i| AttributeRow {
        order: (next + i + 1).to_string(),
        datatype: "string".into(),
        variable: true,
        ..AttributeRow::default()
    }));
    ServicePage {
        chrome,
        id: id.to_owned(),
        is_new,
        s,
        rows,
        agencies: agencies.iter().map(|a| (a.code.clone(), a.name.clone())).collect(),
        kinds: ServiceKind::ALL,
        tiers: SlaTier::ALL,
        datatypes: Datatype::ALL,
        errors,
    }
}

/// `GET /admin/{jurisdiction}/layanan/{code}` (`-` for a new service).
pub(super) async fn service_form(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let pack = export(&state, &chrome, &j).await?;
    if code == "-" {
        let s = ServiceFields {
            kind: "pengaduan".into(),
            sla_tier: "normatif".into(),
            active: true,
            ..ServiceFields::default()
        };
        return Ok(service_page(chrome, &id, true, s, Vec::new(), &pack.region.agencies, Vec::new()).into_response());
    }
    let def = pack
        .region
        .services
        .iter()
        .find(|s| s.code == code)
        .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
    let s = ServiceFields {
        code: def.code.clone(),
        name: def.name.clone(),
        name_en: def.name_en.clone(),
        privacy: def.privacy.as_str().into(),
        description: def.description.clone(),
        group: def.group.clone(),
        keywords: def.keywords.join(", "),
        kind: def.kind.as_str().into(),
        agency: def.agency.clone().unwrap_or_default(),
        sla_tier: def.sla_tier.as_str().into(),
        private: def.private,
        active: def.active,
    };
    Ok(service_page(chrome, &id, false, s, rows_of(def), &pack.region.agencies, Vec::new()).into_response())
}

/// The service and its attribute rows from the posted fields (`a{N}_{field}` per row). What cannot be
/// read becomes a problem; everything typed comes back to the form.
fn parse_service(fields: &[(String, String)]) -> (ServiceFields, Vec<AttributeRow>, Result<ServiceDef, Vec<String>>) {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let s = ServiceFields {
        code: get("code"),
        name: get("name"),
        name_en: get("name_en"),
        privacy: get("privacy"),
        description: get("description"),
        group: get("group"),
        keywords: get("keywords"),
        kind: get("kind"),
        agency: get("agency"),
        sla_tier: get("sla_tier"),
        private: !get("private").is_empty(),
        active: !get("active").is_empty(),
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut attributes = Vec::new();
    // Rows are numbered from 0 without gaps (the page and its script number them so); past the last,
    // or past the most a service may have, there are no more.
    for i in 0.. {
        if !fields.iter().any(|(n, _)| n.starts_with(&format!("a{i}_"))) {
            break;
        }
        if i >= MAX_ATTRIBUTES {
            errors.push(format!("at most {MAX_ATTRIBUTES} questions per service"));
            break;
        }
        let f = |k: &str| get(&format!("a{i}_{k}"));
        let row = AttributeRow {
            code: f("code"),
            variable: f("variable") != "0",
            datatype: f("datatype"),
            required: !f("required").is_empty(),
            order: f("order"),
            description: f("description"),
            hint: f("hint"),
            values: fields
                .iter()
                .find(|(n, _)| *n == format!("a{i}_values"))
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default(),
        };
        // A row with no code is a blank (or one being removed): it is dropped.
        if row.code.is_empty() || !f("remove").is_empty() {
            continue;
        }
        let datatype = Datatype::parse(&row.datatype);
        let order = row.order.parse::<i64>();
        let mut values = Vec::new();
        for line in row.values.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once('=') {
                Some((k, n)) => values.push(region::ValueDef { key: k.trim().into(), name: n.trim().into() }),
                None => errors.push(format!("{}: values: {line:?}: write key = name", row.code)),
            }
        }
        match (datatype, order) {
            (Some(datatype), Ok(order)) => attributes.push(region::AttributeFileDef {
                code: row.code.clone(),
                datatype,
                required: row.required,
                variable: row.variable,
                order,
                description: row.description.clone(),
                datatype_description: row.hint.clone(),
                values,
            }),
            (None, _) => errors.push(format!("{}: datatype: {:?} is not a datatype", row.code, row.datatype)),
            (_, Err(_)) => errors.push(format!("{}: order: {:?} is not a whole number", row.code, row.order)),
        }
        rows.push(row);
    }
    let kind = ServiceKind::parse(&s.kind);
    let tier = SlaTier::parse(&s.sla_tier);
    if kind.is_none() {
        errors.push(format!("kind: {:?}", s.kind));
    }
    if tier.is_none() {
        errors.push(format!("sla_tier: {:?}", s.sla_tier));
    }
    let def = match (kind, tier) {
        (Some(kind), Some(sla_tier)) if errors.is_empty() => Ok(ServiceDef {
            code: s.code.clone(),
            name: s.name.clone(),
            name_en: s.name_en.clone(),
            privacy: laksana_core::Privacy::parse(&s.privacy).unwrap_or_default(),
            description: s.description.clone(),
            group: s.group.clone(),
            keywords: s.keywords.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect(),
            kind,
            agency: Some(s.agency.clone()).filter(|a| !a.is_empty()),
            sla_tier,
            private: s.private,
            active: s.active,
            attributes,
        }),
        _ => Err(errors),
    };
    (s, rows, def)
}

/// `POST /admin/{jurisdiction}/layanan`: creates or changes a service (by its code) with its attributes.
pub(super) async fn service_save(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let fields: Vec<(String, String)> = read_form(req, &chrome).await?;
    let is_new = fields.iter().any(|(k, v)| k == "is_new" && v == "1");
    let (s, rows, def) = parse_service(&fields);
    let again = |chrome: Chrome, agencies: &[AgencyDef], errors: Vec<String>| {
        (StatusCode::UNPROCESSABLE_ENTITY, service_page(chrome, &id, is_new, s.clone(), rows.clone(), agencies, errors))
            .into_response()
    };
    let def = match def {
        Ok(d) => d,
        Err(errors) => {
            let pack = export(&state, &chrome, &j).await?;
            return Ok(again(chrome, &pack.region.agencies, errors));
        }
    };
    let edited = catalog::edit(&state, &staff.caller, j.id(), |p| {
        put_checked(&mut p.region.services, def, is_new, "is used by another service")
    })
    .await
    .map_err(|e| chrome.fail(e))?;
    match edited {
        Ok(_) => Ok(saved(&format!("/admin/{id}"))),
        Err(problems) => {
            let pack = export(&state, &chrome, &j).await?;
            Ok(again(chrome, &pack.region.agencies, problems.iter().map(shown).collect()))
        }
    }
}

/// `POST /admin/{jurisdiction}/logo` (multipart): a new logo (`logo`, an image stored like every photo:
/// decoded, stripped, re-encoded), or none (`hapus`).
pub(super) async fn logo(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    use axum::extract::FromRequest;
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let _slot = crate::media::UPLOADS.try_acquire().map_err(|_| chrome.fail(ServiceError::Unavailable))?;
    let mut mp = axum::extract::Multipart::from_request(req, &state)
        .await
        .map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
    let media_dir = state.config().media_dir.clone();
    let (mut upload, mut remove) = (None, false);
    while let Some(mut field) = mp.next_field().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))? {
        match field.name().unwrap_or_default() {
            "hapus" => remove = true,
            "logo" if upload.is_none() => {
                let mut u =
                    crate::media::Upload::create(&media_dir).await.map_err(|_| chrome.fail(ServiceError::Internal))?;
                while let Some(chunk) =
                    field.chunk().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?
                {
                    u.write(&chunk).await.map_err(|_| chrome.fail(ServiceError::Internal))?;
                }
                if !u.is_empty() {
                    upload = Some(u);
                }
            }
            _ => {}
        }
    }
    let logo = match (upload, remove) {
        (_, true) => String::new(),
        (Some(u), false) => match crate::media::store_image(&media_dir, u).await {
            Ok(name) => format!("/media/{name}"),
            Err(crate::media::MediaError::Busy) => return Err(chrome.fail(ServiceError::Unavailable)),
            Err(_) => {
                let error = vec![chrome.t.get("submit-photo-unreadable")];
                return home_page(&state, chrome, &j, None, error).await;
            }
        },
        (None, false) => {
            return home_page(&state, chrome.clone(), &j, None, vec![chrome.t.get("admin-logo-needed")]).await;
        }
    };
    let now = state.clock().now().as_micros();
    laksana_store::catalog::set_logo(state.db(), j.id(), &logo, &staff.caller.actor, now)
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    state.reload_catalog().await.map_err(|e| chrome.fail(e.into()))?;
    Ok(saved(&format!("/admin/{id}")))
}
