//! A jurisdiction's catalog through the API: read it whole, change its settings, one agency, one
//! service (with its Open311 attributes) or its districts (GeoJSON), and create a jurisdiction. Every
//! change goes through `service::catalog`, checked like a region pack and recorded on the audit trail;
//! a refusal is a `400` whose `errors` lists every problem.

use axum::Json;
use axum::extract::{Path, State};
use laksana_core::region::{self, AgencyDef, JurisdictionDef, ServiceDef};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{AdminOf, ApiJson};
use crate::error::Problem;
use crate::service::catalog::{self, Edited};
use crate::service::{Caller, ServiceError};
use crate::state::AppState;

/// What a catalog change did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangeOut {
    /// What was created, e.g. `service jalan-rusak`.
    created: Vec<String>,
    changed: Vec<String>,
    /// Accepted, but worth a look (districts that overlap).
    warnings: Vec<String>,
}

fn answer(edited: Edited) -> Result<Json<ChangeOut>, Problem> {
    match edited {
        Ok(done) => {
            let mut changed = done.changed;
            if let Some(j) = done.jurisdiction.filter(|k| *k == "changed") {
                changed.insert(0, format!("jurisdiction {j}"));
            }
            Ok(Json(ChangeOut { created: done.created, changed, warnings: done.warnings }))
        }
        Err(problems) => {
            let mut p = Problem::bad_request(format!("{} problem(s); nothing was changed", problems.len()));
            p.errors = problems.iter().map(ToString::to_string).collect();
            Err(p)
        }
    }
}

/// Puts the path's `code` into a JSON object body (the body names no code of its own).
fn with_code(body: &mut serde_json::Value, code: &str) -> Result<(), Problem> {
    let Some(fields) = body.as_object_mut() else {
        return Err(Problem::bad_request("the body must be a JSON object"));
    };
    fields.insert("code".into(), code.into());
    Ok(())
}

/// The whole catalog: the jurisdiction (with its deadlines), agencies and services with their
/// attributes, as in a region pack's `region.toml`.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/catalog", tag = "admin", params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "format, jurisdiction, agency[], service[]"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn catalog_get(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
) -> Result<Json<serde_json::Value>, Problem> {
    let pack = laksana_store::region::export_pack(state.db(), at.jurisdiction.id())
        .await?
        .ok_or_else(|| Problem::not_found("no such jurisdiction"))?;
    Ok(Json(serde_json::to_value(&pack.region).expect("a region file always serialises")))
}

/// A jurisdiction's own settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsIn {
    name: String,
    /// IANA zone: Asia/Jakarta, Asia/Makassar or Asia/Jayapura.
    time_zone: String,
    #[serde(default)]
    contact: String,
    /// How Open311 clients get an API key (discovery's `key_service`); empty: made from the contact.
    #[serde(default)]
    key_service: String,
}

/// Changes the jurisdiction's name, time zone, contact and key-service text (deadlines:
/// `PUT …/deadlines`).
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/settings", tag = "admin", request_body = SettingsIn, params(("jurisdiction_id" = String, Path)),
    responses((status = 200, body = ChangeOut), (status = 400, description = "Every problem, in errors", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn settings_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    ApiJson(body): ApiJson<SettingsIn>,
) -> Result<Json<ChangeOut>, Problem> {
    let edited = catalog::edit(&state, &at.caller, at.jurisdiction.id(), |p| {
        let j = &mut p.region.jurisdiction;
        (j.name, j.time_zone, j.contact, j.key_service) = (body.name, body.time_zone, body.contact, body.key_service);
        Ok(())
    })
    .await?;
    answer(edited)
}

/// Creates or replaces agency `code` (name, complaint handler, email, phone, active): the body is the
/// whole agency, and a field left out takes its default. Agencies are never deleted: reports point to
/// them.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/agencies/{code}", tag = "admin", params(("jurisdiction_id" = String, Path), ("code" = String, Path)),
    request_body(content = serde_json::Value, description = "name, handler, email, phone"),
    responses((status = 200, body = ChangeOut), (status = 400, description = "Every problem, in errors", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn agency_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, String)>,
    ApiJson(mut body): ApiJson<serde_json::Value>,
) -> Result<Json<ChangeOut>, Problem> {
    let code = path.1;
    with_code(&mut body, &code)?;
    let def: AgencyDef = serde_json::from_value(body).map_err(|e| Problem::bad_request(format!("agency: {e}")))?;
    let edited = catalog::edit(&state, &at.caller, at.jurisdiction.id(), |p| {
        region::put(&mut p.region.agencies, def);
        Ok(())
    })
    .await?;
    answer(edited)
}

/// Creates or replaces service `code` (the body is the whole service; a field left out takes its
/// default): names, group, keywords, kind, routing agency, SLA tier, whether
/// it is always `rahasia`, whether it is offered, and its Open311 attributes (`attribute`: code,
/// datatype, required, order, description, values of `{key, name}` for the list datatypes). A new
/// service goes last in the list.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/services/{code}", tag = "admin", params(("jurisdiction_id" = String, Path), ("code" = String, Path)),
    request_body(content = serde_json::Value, description = "as a [[service]] of region.toml, in JSON"),
    responses((status = 200, body = ChangeOut), (status = 400, description = "Every problem, in errors", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn service_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, String)>,
    ApiJson(mut body): ApiJson<serde_json::Value>,
) -> Result<Json<ChangeOut>, Problem> {
    let code = path.1;
    with_code(&mut body, &code)?;
    let def: ServiceDef = serde_json::from_value(body).map_err(|e| Problem::bad_request(format!("service: {e}")))?;
    let edited = catalog::edit(&state, &at.caller, at.jurisdiction.id(), |p| {
        region::put(&mut p.region.services, def);
        Ok(())
    })
    .await?;
    answer(edited)
}

/// Adds or replaces districts from a GeoJSON FeatureCollection of Polygons with `code` and `name`
/// (and optionally `level`) properties, in longitude/latitude: districts are matched by code, others
/// stay. Every problem of the file is listed; overlaps come back as warnings.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/districts", tag = "admin", params(("jurisdiction_id" = String, Path)),
    request_body(content = serde_json::Value, description = "a GeoJSON FeatureCollection"),
    responses((status = 200, body = ChangeOut), (status = 400, description = "Every problem, in errors", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn districts_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    body: String,
) -> Result<Json<ChangeOut>, Problem> {
    let (new, _) = match region::read_districts(&body) {
        Ok(read) => read,
        Err(problems) => return answer(Err(problems)),
    };
    let edited = catalog::edit(&state, &at.caller, at.jurisdiction.id(), |p| {
        merge_districts(p, new);
        Ok(())
    })
    .await?;
    answer(edited)
}

/// Merges districts read from a file into `p` by code; the warnings are those of the whole result.
pub(crate) fn merge_districts(p: &mut region::Pack, new: Vec<region::DistrictDef>) {
    for d in new {
        region::put(&mut p.districts, d);
    }
    p.warnings = region::overlaps(&p.districts);
}

/// Creates a jurisdiction (admins of the whole deployment): its id (its domain), name, time zone,
/// contact and deadlines, with the national holidays. Its catalog follows by pack or one by one.
#[utoipa::path(post, path = "/jurisdictions", tag = "admin",
    request_body(content = serde_json::Value, description = "id, name, time_zone, contact, deadlines"),
    responses((status = 200, body = ChangeOut), (status = 400, description = "Every problem, in errors", content_type = "application/problem+json"),
              (status = 403, description = "Not a deployment admin", content_type = "application/problem+json"),
              (status = 409, description = "It exists", content_type = "application/problem+json")))]
pub(super) async fn jurisdiction_create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<ChangeOut>, Problem> {
    if caller.principal.user_id.is_none() {
        return Err(ServiceError::Unauthenticated("sign in as a deployment admin".into()).into());
    }
    let def: JurisdictionDef =
        serde_json::from_value(body).map_err(|e| Problem::bad_request(format!("jurisdiction: {e}")))?;
    answer(catalog::create_jurisdiction(&state, &caller, def).await?)
}

/// Sets the jurisdiction's logo: the body is the image (PNG, JPEG or WebP), stored like every photo
/// (decoded, stripped, re-encoded) and shown on the jurisdiction's home page.
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/logo", tag = "admin", params(("jurisdiction_id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/png", description = "the image"),
    responses((status = 200, body = serde_json::Value, description = "{\"logo\": \"/media/NAME\"}"),
              (status = 400, description = "Not an image", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn logo_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, Problem> {
    let _slot = crate::media::UPLOADS.try_acquire().map_err(|_| Problem::from(ServiceError::Unavailable))?;
    let dir = state.config().media_dir.clone();
    let mut upload = crate::media::Upload::create(&dir).await.map_err(|_| Problem::from(ServiceError::Internal))?;
    upload.write(&body).await.map_err(|_| Problem::from(ServiceError::Internal))?;
    let name = match crate::media::store_image(&dir, upload).await {
        Ok(name) => name,
        Err(crate::media::MediaError::Busy) => return Err(ServiceError::Unavailable.into()),
        Err(_) => return Err(Problem::bad_request("the body is not a PNG, JPEG or WebP image")),
    };
    let logo = format!("/media/{name}");
    let now = state.clock().now().as_micros();
    laksana_store::catalog::set_logo(state.db(), at.jurisdiction.id(), &logo, &at.caller.actor, now).await?;
    state.reload_catalog().await?;
    Ok(Json(serde_json::json!({ "logo": logo })))
}
