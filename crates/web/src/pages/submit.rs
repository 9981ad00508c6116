//! Reporting from the browser: choose a service (grouped as in the catalog, searchable without
//! JavaScript), then one form with the description, the place (pin or typed address), photos, the
//! service's own questions, the privacy choice and optional contact details. A form with mistakes
//! comes back with each message beside its field, everything typed still there, and the photos
//! already sent kept on the server (staged) so they need not be chosen again.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laksana_core::service::{AttributeError, Datatype};
use laksana_core::{Channel, Coordinates, Privacy, Timestamp};
use laksana_store::catalog::Service;
use laksana_store::public::{self, Near};
use serde::Deserialize;

use super::home::jurisdiction;
use super::view::{colour_class, status_text};
use super::{Chrome, ClientAddr, PageError, require_same_origin};
use crate::media;
use crate::service::ServiceError;
use crate::service::intake::{self, IntakeInput};
use crate::state::{AppState, JurisdictionInfo};

/// Photos one report may carry from the form.
pub const MAX_PHOTOS: usize = 5;
/// How far and how far back the form looks for the same problem already reported.
const NEARBY_METRES: f64 = 200.0;
const NEARBY_DAYS: i64 = 30;

/// A report like the one being filed.
pub(super) struct NearbyReport {
    public_id: String,
    status: String,
    colour: &'static str,
    when: String,
    metres: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/nearby.html")]
struct NearbyPage {
    chrome: Chrome,
    id: String,
    service_code: String,
    service_name: String,
    candidates: Vec<NearbyReport>,
    /// Everything the citizen filled in, carried along if they file it anyway.
    form: Values,
    answers: Vec<(String, String)>,
    staged: Vec<String>,
}

/// A group of services, as the catalog groups them.
pub(super) struct Group {
    name: String,
    services: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/pick.html")]
struct PickPage {
    chrome: Chrome,
    id: String,
    name: String,
    query: String,
    groups: Vec<Group>,
}

/// One question of the service, with what the visitor answered.
pub(super) struct Field {
    code: String,
    label: String,
    hint: String,
    kind: &'static str,
    required: bool,
    values: Vec<(String, String, bool)>,
    value: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/submit.html")]
struct FormPage {
    chrome: Chrome,
    id: String,
    name: String,
    service_code: String,
    service_name: String,
    service_description: String,
    fields: Vec<Field>,
    form: Values,
    errors: BTreeMap<&'static str, String>,
    staged: Vec<String>,
    max_photos: usize,
    /// Where the pin map opens (`lat,lon`).
    center: String,
}

/// What the visitor typed (kept when the form comes back).
#[derive(Debug, Default, Clone)]
pub(super) struct Values {
    description: String,
    lat: String,
    lon: String,
    address: String,
    privacy: String,
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/received.html")]
struct ReceivedPage {
    chrome: Chrome,
    id: String,
    name: String,
    public_id: String,
    code: Option<String>,
    verify_by: Option<String>,
    email_given: bool,
    /// Made while signed in: it is listed under "my reports".
    mine: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct FormQuery {
    layanan: Option<String>,
    cari: Option<String>,
}

fn reportable(j: &JurisdictionInfo) -> impl Iterator<Item = &Service> {
    j.services.iter().filter(|s| s.active && !s.staff)
}

/// `GET /j/{jurisdiction}/lapor[?layanan=CODE][&cari=TEXT]`: the service picker, or the form for one.
pub(super) async fn form(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<FormQuery>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    if let Some(code) = q.layanan.as_deref().filter(|c| !c.is_empty()) {
        let service = reportable(&j)
            .find(|s| s.code == code)
            .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
        let values = Values { privacy: default_privacy(service).as_str().into(), ..Values::default() };
        return Ok(
            form_page(chrome, &j, service, values, &BTreeMap::new(), BTreeMap::new(), Vec::new()).into_response()
        );
    }
    let query = q.cari.unwrap_or_default().trim().chars().take(100).collect::<String>();
    let needle = query.to_lowercase();
    let mut groups: Vec<Group> = Vec::new();
    for s in reportable(&j) {
        let hit = needle.is_empty()
            || s.name.to_lowercase().contains(&needle)
            || s.name_en.to_lowercase().contains(&needle)
            || s.description.to_lowercase().contains(&needle)
            || s.group.to_lowercase().contains(&needle)
            || s.keywords.iter().any(|k| k.to_lowercase().contains(&needle));
        if !hit {
            continue;
        }
        let entry = (s.code.clone(), s.name_in(chrome.lang()).to_owned(), s.keywords.join(" "));
        match groups.iter_mut().find(|g| g.name == s.group) {
            Some(g) => g.services.push(entry),
            None => groups.push(Group { name: s.group.clone(), services: vec![entry] }),
        }
    }
    Ok(PickPage { id: j.id().to_owned(), name: j.jurisdiction.name.clone(), query, groups, chrome }.into_response())
}

/// The privacy the form starts with: always `rahasia` for a private service, else the service's own.
fn default_privacy(s: &Service) -> Privacy {
    if s.private { Privacy::Rahasia } else { s.default_privacy }
}

fn form_page(
    chrome: Chrome,
    j: &JurisdictionInfo,
    service: &Service,
    form: Values,
    answers: &BTreeMap<String, Vec<String>>,
    errors: BTreeMap<&'static str, String>,
    staged: Vec<String>,
) -> FormPage {
    let attribute_error = errors.get("attribute").cloned();
    let bad_code = errors.get("attribute_code").cloned();
    let mut defs: Vec<_> = service.attributes.iter().filter(|a| a.variable).collect();
    defs.sort_by_key(|a| a.order);
    let fields = defs
        .into_iter()
        .map(|a| {
            let given = answers.get(&a.code).cloned().unwrap_or_default();
            Field {
                code: a.code.clone(),
                label: a.description.clone(),
                hint: a.datatype_description.clone(),
                kind: match a.datatype {
                    Datatype::String => "string",
                    Datatype::Number => "number",
                    Datatype::Datetime => "datetime",
                    Datatype::Text => "text",
                    Datatype::Singlevaluelist => "single",
                    Datatype::Multivaluelist => "multi",
                },
                required: a.required,
                values: a.values.iter().map(|(k, n)| (k.clone(), n.clone(), given.contains(k))).collect(),
                value: given.first().cloned().unwrap_or_default(),
                error: (bad_code.as_deref() == Some(a.code.as_str())).then(|| attribute_error.clone()).flatten(),
            }
        })
        .collect();
    FormPage {
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        service_code: service.code.clone(),
        service_name: service.name_in(chrome.lang()).to_owned(),
        service_description: service.description.clone(),
        fields,
        form,
        errors,
        staged,
        max_photos: MAX_PHOTOS,
        center: super::view::map_center(j),
        chrome,
    }
}

/// `POST /j/{jurisdiction}/lapor` (multipart): checks the form, then stores the report.
pub(super) async fn post(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    let j = jurisdiction(&state, &chrome, &id)?;
    // Reporting from the page needs no key: each attempt counts against the visitor's address, checked
    // before the body (and its photos) is read.
    intake::check_address(&state, client).map_err(|e| chrome.fail(e))?;
    if let Err(retry_after_secs) = state.intake_by_address(client) {
        return Err(chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs }));
    }
    let _slot = media::UPLOADS.try_acquire().map_err(|_| chrome.fail(ServiceError::Unavailable))?;
    // A signed-in citizen's report belongs to their account (an ended session reports anonymously).
    // Staff filing a complaint for someone at the desk do not become its reporter: they handle it.
    let user_id = match crate::service::caller::caller(&state, req.method(), req.headers()).await {
        Ok(c) if c.principal.grants.iter().all(|g| g.role == laksana_core::access::Role::Citizen) => {
            c.principal.user_id
        }
        _ => None,
    };
    let t = chrome.t;
    let mut mp =
        Multipart::from_request(req, &state).await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut uploads = Vec::new();
    let mut too_many_photos = false;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(chrome.fail(ServiceError::Invalid(t.get("submit-too-large"))));
            }
            Err(e) => return Err(chrome.fail(ServiceError::Invalid(e.body_text()))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            if field.file_name().is_none_or(str::is_empty) {
                continue;
            }
            let mut upload = media::Upload::create(&state.config().media_dir).await.map_err(|e| {
                tracing::error!(error = %e, "could not start an upload");
                chrome.fail(ServiceError::Internal)
            })?;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => upload.write(&chunk).await.map_err(|e| {
                        tracing::error!(error = %e, "could not write an upload");
                        chrome.fail(ServiceError::Internal)
                    })?,
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(chrome.fail(ServiceError::Invalid(t.get("submit-too-large"))));
                    }
                    Err(e) => return Err(chrome.fail(ServiceError::Invalid(e.body_text()))),
                }
            }
            if !upload.is_empty() {
                if uploads.len() < MAX_PHOTOS {
                    uploads.push(upload);
                } else {
                    too_many_photos = true;
                }
            }
        } else if fields.len() < 200 {
            let text = field.text().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
            fields.push((name, text));
        }
    }
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let code = get("layanan");
    let service = reportable(&j)
        .find(|s| s.code == code)
        .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?
        .clone();
    let form = Values {
        description: get("description"),
        lat: get("lat"),
        lon: get("lon"),
        address: get("address"),
        privacy: get("privacy"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        phone: get("phone"),
    };
    // A field left empty is no answer (a browser sends empty text inputs).
    let mut answers = intake::attribute_answers(fields.iter().map(|(k, v)| (k, v)));
    for values in answers.values_mut() {
        values.retain(|v| !v.trim().is_empty());
        values.iter_mut().for_each(|v| *v = v.trim().to_owned());
    }
    answers.retain(|_, values| !values.is_empty());
    let media_dir = state.config().media_dir.clone();
    let staged_dir = media::staged_dir(&media_dir);
    let mut staged: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "staged")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|n| media::is_stored_name(n) && staged_dir.join(n).is_file())
        .take(MAX_PHOTOS)
        .collect();

    let mut errors = check(&chrome, &j, &service, &form, &answers, uploads.len() + staged.len(), too_many_photos);
    // Before a new report is saved: open public reports of the same service close by, which the
    // citizen may follow instead (asked once; the form comes back with everything in it).
    let mut nearby = Vec::new();
    if errors.is_empty()
        && get("nearby_seen").is_empty()
        && let Ok(at) = Coordinates::parse(&form.lat, &form.lon)
    {
        let q = Near {
            jurisdiction_id: j.id(),
            service_id: service.id,
            lat: at.lat(),
            lon: at.lon(),
            metres: NEARBY_METRES,
            since: Timestamp::from_micros(state.clock().now().as_micros() - NEARBY_DAYS * 86_400_000_000),
        };
        nearby = public::nearby(state.db(), &q, 5).await.map_err(|e| chrome.fail(e.into()))?;
    }
    if !errors.is_empty() || !nearby.is_empty() {
        // Keep the photos already sent, decoded and stripped like any other, until the form is sent.
        if !uploads.is_empty() {
            if let Err(e) = std::fs::create_dir_all(&staged_dir) {
                tracing::error!(error = %e, "could not create the folder of staged photos");
            }
            let dir = media_dir.clone();
            tokio::task::spawn_blocking(move || media::clear_staged(&dir));
        }
        for upload in uploads {
            if staged.len() >= MAX_PHOTOS {
                break;
            }
            match media::store_image(&staged_dir, upload).await {
                Ok(name) => staged.push(name),
                Err(media::MediaError::Busy) => return Err(chrome.fail(ServiceError::Unavailable)),
                // Said beside the field, so the citizen knows to choose another.
                Err(_) => {
                    errors.insert("photo", t.get("submit-photo-unreadable"));
                }
            }
        }
        if errors.is_empty() {
            let t = chrome.t;
            let candidates = nearby
                .iter()
                .map(|p| NearbyReport {
                    public_id: p.public_id.to_string(),
                    status: status_text(&t, p.status),
                    colour: colour_class(p.status),
                    when: t.date(Timestamp::from_micros(p.requested_at), j.tz),
                    metres: public::distance_m(
                        form.lat.parse().unwrap_or_default(),
                        form.lon.parse().unwrap_or_default(),
                        p.lat,
                        p.lon,
                    )
                    .round() as i64,
                })
                .collect();
            let page = NearbyPage {
                id: j.id().to_owned(),
                service_code: service.code.clone(),
                service_name: service.name_in(chrome.lang()).to_owned(),
                answers: answers.iter().flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone()))).collect(),
                candidates,
                form,
                staged,
                chrome,
            };
            return Ok(page.into_response());
        }
        let page = form_page(chrome, &j, &service, form, &answers, errors, staged);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    // Staged photos join the report's media folder; they are then stored like fresh uploads.
    let mut stored = Vec::new();
    for name in &staged {
        if std::fs::rename(staged_dir.join(name), media_dir.join(name)).is_ok() {
            stored.push(name.clone());
        }
    }
    let email_given = !form.email.is_empty();
    let input = IntakeInput {
        service_code: Some(service.code.clone()),
        lat: Some(form.lat.clone()),
        long: Some(form.lon.clone()),
        address: Some(form.address.clone()),
        description: Some(form.description.clone()),
        email: Some(form.email.clone()),
        first_name: Some(form.first_name.clone()),
        last_name: Some(form.last_name.clone()),
        phone: Some(form.phone.clone()),
        privacy: Some(form.privacy.clone()),
        attributes: answers,
        uploads,
        stored,
        language: Some(t.lang.as_str().into()),
        user_id,
        ..IntakeInput::default()
    };
    let receipt = intake::submit(&state, &j, None, Channel::Web, input).await.map_err(|e| chrome.fail(e))?;
    Ok((
        StatusCode::CREATED,
        ReceivedPage {
            id: j.id().to_owned(),
            name: j.jurisdiction.name.clone(),
            public_id: receipt.accepted.public_id.to_string(),
            code: receipt.follow_up_code,
            verify_by: receipt.verify_by.map(|at| t.date(Timestamp::from_micros(at), j.tz)),
            email_given,
            mine: user_id.is_some(),
            chrome,
        },
    )
        .into_response())
}

/// The form's mistakes, by field, in the visitor's language.
fn check(
    chrome: &Chrome,
    j: &JurisdictionInfo,
    service: &Service,
    form: &Values,
    answers: &BTreeMap<String, Vec<String>>,
    photos: usize,
    too_many_photos: bool,
) -> BTreeMap<&'static str, String> {
    let t = chrome.t;
    let mut errors = BTreeMap::new();
    match laksana_core::report::Description::parse(&form.description) {
        Ok(_) if form.description.chars().count() >= 10 => {}
        Ok(_) => {
            errors.insert("description", t.get("submit-description-short"));
        }
        Err(e) => {
            errors.insert("description", format!("{} ({e})", t.get("submit-description-invalid")));
        }
    }
    match (form.lat.is_empty(), form.lon.is_empty()) {
        (true, true) if form.address.is_empty() => {
            errors.insert("location", t.get("submit-location-needed"));
        }
        (true, true) => {}
        _ => {
            if Coordinates::parse(&form.lat, &form.lon).is_err() {
                errors.insert("location", t.get("submit-location-invalid"));
            }
        }
    }
    if form.address.chars().count() > intake::MAX_FIELD_CHARS {
        errors.insert("location", t.get("submit-too-long"));
    }
    if Privacy::parse(&form.privacy).is_none() {
        errors.insert("privacy", t.get("submit-privacy-needed"));
    }
    if !form.email.is_empty() && !laksana_core::ids::plausible_email(&form.email) {
        errors.insert("email", t.get("submit-email-invalid"));
    }
    for (name, v) in [("first_name", &form.first_name), ("last_name", &form.last_name), ("phone", &form.phone)] {
        if v.chars().count() > intake::MAX_FIELD_CHARS {
            errors.insert(name, t.get("submit-too-long"));
        }
    }
    if too_many_photos || photos > MAX_PHOTOS {
        errors.insert("photo", t.arg("submit-too-many-photos", "max", MAX_PHOTOS));
    }
    if let Err(e) = laksana_core::service::check_attributes(&service.attributes, answers, j.tz) {
        let code = match &e {
            AttributeError::Missing(c) | AttributeError::TooManyValues(c) => c.clone(),
            AttributeError::NotANumber { code, .. }
            | AttributeError::NotADatetime { code, .. }
            | AttributeError::NotInList { code, .. }
            | AttributeError::TooLong { code, .. } => code.clone(),
            #[allow(unreachable_patterns)]
            _ => String::new(),
        };
        let text = match e {
            AttributeError::Missing(_) => t.get("submit-required"),
            other => format!("{} ({other})", t.get("submit-answer-invalid")),
        };
        errors.insert("attribute", text);
        errors.insert("attribute_code", code);
    }
    errors
}
