//! The admin pages' district upload (a GeoJSON file, checked, shown on a map and in a table before it
//! is applied) and the record of acts on the jurisdiction's settings and accounts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::Timestamp;
use laksana_core::access::Admin;
use laksana_core::region;
use serde::Deserialize;

use super::admin::{DoneQuery, admin_of, allowed_in};
use super::staff::Staff;
use super::{Chrome, PageError};
use crate::service::ServiceError;
use crate::service::catalog;
use crate::state::AppState;

/// One district as the page lists it, and what the upload does to it.
pub(super) struct Line {
    code: String,
    name: String,
    level: String,
    /// `new`, `changed` or `same` in a preview; empty in the current list.
    change: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_districts.html")]
struct DistrictsPage {
    chrome: Chrome,
    id: String,
    name: String,
    lines: Vec<Line>,
    /// The uploaded file, carried to the "apply" button of a preview; empty otherwise.
    geojson: String,
    preview: bool,
    errors: Vec<String>,
    warnings: Vec<String>,
    notice: Option<String>,
    center: String,
}

/// `GET /admin/{jurisdiction}/wilayah`: the districts, and the form to upload new outlines.
pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let current = laksana_store::catalog::districts(state.db(), j.id()).await.map_err(|e| chrome.fail(e.into()))?;
    let lines = current.into_iter().map(|d| Line { code: d.code, name: d.name, level: d.level, change: "" }).collect();
    let notice = q.notice(&chrome);
    Ok(DistrictsPage {
        id,
        name: j.jurisdiction.name.clone(),
        lines,
        geojson: String::new(),
        preview: false,
        errors: Vec::new(),
        warnings: Vec::new(),
        notice,
        center: super::view::map_center(&j),
        chrome,
    }
    .into_response())
}

/// `POST /admin/{jurisdiction}/wilayah` (multipart): a file (`berkas`) is checked and previewed; the
/// previewed text (`geojson`) with `terapkan` is applied, districts matched by code.
pub(super) async fn upload(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let j = admin_of(&state, &chrome, &staff, &id)?;
    let t = chrome.t;
    let mut mp =
        Multipart::from_request(req, &state).await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
    let (mut text, mut apply) = (String::new(), false);
    while let Some(field) = mp.next_field().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))? {
        match field.name().unwrap_or_default() {
            "berkas" | "geojson" => {
                let bytes = field.bytes().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
                if !bytes.is_empty() {
                    text = String::from_utf8(bytes.to_vec())
                        .map_err(|_| chrome.fail(ServiceError::Invalid(t.get("admin-districts-not-text"))))?;
                }
            }
            "terapkan" => apply = true,
            _ => {}
        }
    }
    let current = laksana_store::region::export_pack(state.db(), j.id())
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
    let page = |lines, geojson: String, errors: Vec<String>, warnings: Vec<String>, chrome: Chrome| DistrictsPage {
        id: id.clone(),
        name: j.jurisdiction.name.clone(),
        lines,
        preview: !geojson.is_empty(),
        geojson,
        errors,
        warnings,
        notice: None,
        center: super::view::map_center(&j),
        chrome,
    };
    if text.trim().is_empty() {
        let page = page(Vec::new(), String::new(), vec![t.get("admin-districts-empty")], Vec::new(), chrome);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let new = match region::read_districts(&text) {
        Ok((new, _)) => new,
        Err(problems) => {
            let errors = problems.iter().map(ToString::to_string).collect();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(Vec::new(), String::new(), errors, Vec::new(), chrome))
                .into_response());
        }
    };
    if apply {
        let edited = catalog::edit(&state, &staff.caller, j.id(), |p| {
            crate::api::merge_districts(p, new);
            Ok(())
        })
        .await
        .map_err(|e| chrome.fail(e))?;
        return match edited {
            Ok(_) => Ok(Redirect::to(&format!("/admin/{id}/wilayah?selesai=1")).into_response()),
            Err(problems) => {
                let errors = problems.iter().map(ToString::to_string).collect();
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page(Vec::new(), String::new(), errors, Vec::new(), chrome))
                    .into_response())
            }
        };
    }
    // A preview: what each district would become, and the overlaps of the whole result.
    let mut merged = current.clone();
    let lines = new
        .iter()
        .map(|d| {
            let change = match current.districts.iter().find(|e| e.code == d.code) {
                None => "new",
                Some(e) if e == d => "same",
                Some(_) => "changed",
            };
            Line { code: d.code.clone(), name: d.name.clone(), level: d.level.clone(), change }
        })
        .collect();
    crate::api::merge_districts(&mut merged, new);
    let warnings = merged.warnings.iter().map(ToString::to_string).collect();
    Ok(page(lines, text, Vec::new(), warnings, chrome).into_response())
}

/// One act as the activity page shows it.
pub(super) struct Act {
    when: String,
    what: String,
    actor: String,
    data: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin_activity.html")]
struct ActivityPage {
    chrome: Chrome,
    id: String,
    name: String,
    acts: Vec<Act>,
    next: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ActivityQuery {
    #[serde(default)]
    sebelum: String,
}

/// Acts per page of the activity record.
const ACTS: u32 = 50;

/// `GET /admin/{jurisdiction}/aktivitas`: the acts on the jurisdiction's settings and accounts, newest
/// first (admins and the ombudsman).
pub(super) async fn activity(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<ActivityQuery>,
) -> Result<Response, PageError> {
    let j = allowed_in(&state, &chrome, &staff, &id, Admin::ReadActivity)?;
    let before = q.sebelum.trim().parse::<i64>().ok();
    let rows = laksana_store::audit::activity(state.db(), j.id(), before, ACTS + 1)
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    let next = (rows.len() > ACTS as usize).then(|| rows[ACTS as usize - 1].id);
    let t = chrome.t;
    let acts = rows
        .into_iter()
        .take(ACTS as usize)
        .map(|a| Act {
            when: t.datetime(Timestamp::from_micros(a.created_at), j.tz),
            what: format!("{} {} {}", a.subject_kind, a.subject_id.unwrap_or_default(), a.kind),
            actor: a.actor,
            data: a.data.chars().take(300).collect(),
        })
        .collect();
    Ok(ActivityPage { id, name: j.jurisdiction.name.clone(), acts, next, chrome }.into_response())
}
