//! Compliance self-assessments and service standards in the API: reading is public (they are published
//! to citizens and the Ombudsman), recording is for the ombudsman and admins.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use laksana_core::access::Admin;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::extract::{AdminOf, ApiJson, PathJurisdiction};
use crate::error::Problem;
use crate::service::compliance::{self, AssessmentOut, Entered, IndicatorView};
use crate::service::standards::{self, ServiceStandards};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeriodQuery {
    /// The assessment year (YYYY); this year by default.
    period: Option<String>,
}

/// The newest compliance assessment of every agency assessed for the year, best first.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/compliance", tag = "open data",
    params(("jurisdiction_id" = String, Path), PeriodQuery),
    responses((status = 200, body = Vec<AssessmentOut>),
              (status = 400, description = "A period that is not a year", content_type = "application/problem+json")))]
pub(super) async fn compliance_list(
    State(state): State<AppState>,
    Path(jurisdiction_id): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<AssessmentOut>>, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    let year = compliance::period_or_this_year(&state, &j, q.period.as_deref())?;
    Ok(Json(compliance::latest(&state, &j, &year).await?))
}

/// An agency's indicators for the year, with the values live data gives them, and its history.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AgencyCompliance {
    period: String,
    indicators: Vec<IndicatorView>,
    history: Vec<AssessmentOut>,
}

/// One agency's indicators (live values included) and every assessment recorded for it.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/compliance/{agency}", tag = "open data",
    params(("jurisdiction_id" = String, Path), ("agency" = String, Path), PeriodQuery),
    responses((status = 200, body = AgencyCompliance),
              (status = 404, description = "Unknown agency", content_type = "application/problem+json")))]
pub(super) async fn compliance_agency(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<AgencyCompliance>, Problem> {
    let (jurisdiction_id, agency) = path;
    let j = crate::service::jurisdiction::named(&state, Some(&jurisdiction_id))?;
    let year = compliance::period_or_this_year(&state, &j, q.period.as_deref())?;
    let history = compliance::history(&state, &j, &agency).await?;
    let agency_id = crate::service::jurisdiction::agency(&j, &agency)?;
    let indicators = compliance::indicators(&state, &j, agency_id, &year, true).await?;
    Ok(Json(AgencyCompliance { period: year, indicators, history }))
}

/// [`PathJurisdiction`] whose caller may record assessments there, checked before the body is read.
pub(super) struct Assessor(PathJurisdiction);

impl axum::extract::FromRequestParts<AppState> for Assessor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Problem> {
        let at = PathJurisdiction::from_request_parts(parts, state).await?;
        at.require(Admin::AssessCompliance, "compliance is assessed by the ombudsman and admins")?;
        Ok(Assessor(at))
    }
}

/// An assessment to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AssessmentIn {
    /// The year assessed (YYYY).
    period: String,
    /// Per indicator code: its score (0–3) and evidence. Indicators with a live value take it.
    indicators: BTreeMap<String, Entered>,
}

/// Records an agency's compliance self-assessment for a year (the ombudsman or an admin); in the audit
/// chain. A new recording for the same year replaces the old one as the one that counts; both stay in
/// the history.
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/compliance/{agency}", tag = "admin", request_body = AssessmentIn,
    params(("jurisdiction_id" = String, Path), ("agency" = String, Path)),
    responses((status = 201, body = AssessmentOut),
              (status = 400, description = "A missing or impossible score", content_type = "application/problem+json"),
              (status = 403, description = "Not the ombudsman or an admin", content_type = "application/problem+json")))]
pub(super) async fn compliance_record(
    State(state): State<AppState>,
    Assessor(at): Assessor,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<AssessmentIn>,
) -> Result<(axum::http::StatusCode, Json<AssessmentOut>), Problem> {
    let a =
        compliance::record(&state, &at.jurisdiction, &at.caller.actor, &path.1, &body.period, &body.indicators).await?;
    Ok((axum::http::StatusCode::CREATED, Json(a)))
}

/// A service's standards: the version in force and every earlier one, with its agency's service pledge
/// and complaint handler.
#[utoipa::path(get, path = "/jurisdictions/{jurisdiction_id}/services/{code}/standard", tag = "open data",
    params(("jurisdiction_id" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = ServiceStandards),
              (status = 404, description = "Unknown service", content_type = "application/problem+json")))]
pub(super) async fn standard_get(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
) -> Result<Json<ServiceStandards>, Problem> {
    let j = crate::service::jurisdiction::named(&state, Some(&path.0))?;
    Ok(Json(standards::of_service(&state, &j, &path.1, false).await?))
}

/// A new version of a service's standards.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StandardIn {
    decree_number: String,
    /// YYYY-MM-DD.
    decree_date: String,
    /// Every one of the fourteen components, by key (dasar_hukum, persyaratan, prosedur, jangka_waktu,
    /// biaya, produk, sarana, kompetensi, pengawasan, pengaduan, jumlah_pelaksana, jaminan_pelayanan,
    /// jaminan_keamanan, evaluasi).
    components: BTreeMap<String, String>,
}

/// Publishes a new version of a service's standards under its decree (admins). Earlier versions stay
/// published.
#[utoipa::path(post, path = "/jurisdictions/{jurisdiction_id}/services/{code}/standard", tag = "admin", request_body = StandardIn,
    params(("jurisdiction_id" = String, Path), ("code" = String, Path)),
    responses((status = 201, body = ServiceStandards),
              (status = 400, description = "Every problem, by field, in errors", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn standard_post(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<StandardIn>,
) -> Result<(axum::http::StatusCode, Json<ServiceStandards>), Problem> {
    let j = &at.jurisdiction;
    match standards::publish(
        &state,
        j,
        &path.1,
        &body.decree_number,
        &body.decree_date,
        &body.components,
        &at.caller.actor,
    )
    .await?
    {
        Ok(_) => Ok((axum::http::StatusCode::CREATED, Json(standards::of_service(&state, j, &path.1, false).await?))),
        Err(errors) => {
            let mut p = Problem::bad_request(format!("the standards were not published: {} problems", errors.len()));
            p.errors = errors.into_iter().map(|(field, e)| format!("{field}: {e}")).collect();
            Err(p)
        }
    }
}

/// An agency's service pledge.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PledgeIn {
    /// The maklumat pelayanan, at most 5,000 characters; empty withdraws it.
    maklumat: String,
}

/// Sets an agency's service pledge (maklumat pelayanan), shown on its services' pages (admins).
#[utoipa::path(put, path = "/jurisdictions/{jurisdiction_id}/agencies/{code}/maklumat", tag = "admin", request_body = PledgeIn,
    params(("jurisdiction_id" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = PledgeIn),
              (status = 400, description = "Too long", content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", content_type = "application/problem+json")))]
pub(super) async fn pledge_put(
    State(state): State<AppState>,
    AdminOf(at): AdminOf,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<PledgeIn>,
) -> Result<Json<PledgeIn>, Problem> {
    standards::set_pledge(&state, &at.jurisdiction, &path.1, &body.maklumat, &at.caller.actor).await?;
    Ok(Json(PledgeIn { maklumat: body.maklumat.trim().to_owned() }))
}
