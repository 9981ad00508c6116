use axum::extract::State;

use super::ApiQuery;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::Problem;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ServiceQuery {
    /// Required when the server hosts several jurisdictions.
    jurisdiction_id: Option<String>,
}

/// A category a report can be filed under.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ServiceOut {
    code: String,
    name: String,
    description: String,
    group: String,
    keywords: Vec<String>,
    /// pengaduan, aspirasi, saran or permintaan_informasi.
    kind: String,
    /// ringan, normatif, tanpa_pemeriksaan or pemeriksaan_lapangan.
    sla_tier: String,
    /// The working days the responsible agency has to resolve a report.
    resolution_working_days: u32,
    /// The agency (OPD) reports are routed to.
    agency: Option<String>,
    /// Reports of a private service are never public.
    private: bool,
    attributes: Vec<AttributeOut>,
}

/// A question a report of this service must or may answer.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AttributeOut {
    code: String,
    datatype: String,
    required: bool,
    description: String,
    datatype_description: String,
    order: i64,
    /// Allowed `[key, name]` pairs for list datatypes.
    values: Vec<(String, String)>,
}

/// Lists the services citizens can report to.
#[utoipa::path(get, path = "/services", tag = "services", params(ServiceQuery),
    responses((status = 200, body = Vec<ServiceOut>), (status = 400, description = "Missing jurisdiction_id", content_type = "application/problem+json"),
              (status = 404, description = "Unknown jurisdiction", content_type = "application/problem+json")))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ServiceQuery>,
) -> Result<Json<Vec<ServiceOut>>, Problem> {
    let j = crate::service::jurisdiction::named(&state, q.jurisdiction_id.as_deref())?;
    Ok(Json(
        j.services
            .iter()
            .filter(|s| s.active && !s.staff)
            .map(|s| ServiceOut {
                code: s.code.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                group: s.group.clone(),
                keywords: s.keywords.clone(),
                kind: s.kind.as_str().into(),
                sla_tier: s.sla_tier.as_str().into(),
                resolution_working_days: s.sla_tier.default_working_days(),
                agency: s.agency_id.and_then(|a| j.agency_names.get(&a).cloned()),
                private: s.private,
                attributes: s
                    .attributes
                    .iter()
                    .filter(|a| a.variable)
                    .map(|a| AttributeOut {
                        code: a.code.clone(),
                        datatype: a.datatype.as_str().into(),
                        required: a.required,
                        description: a.description.clone(),
                        datatype_description: a.datatype_description.clone(),
                        order: a.order,
                        values: a.values.clone(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
