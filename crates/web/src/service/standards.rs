//! A service's published standards (every version) with its agency's pledge and complaint handler,
//! and publishing them.

use std::collections::BTreeMap;

use laksana_core::quality::standards::{COMPONENTS, Standard};
use laksana_store::standards as store;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ServiceError, ServiceResult};
use crate::state::AppState;
use crate::state::JurisdictionInfo;

/// One component of a version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ComponentOut {
    pub key: String,
    pub name: String,
    pub text: String,
}

/// One version of a service's standards.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VersionOut {
    pub version: i64,
    pub decree_number: String,
    /// YYYY-MM-DD.
    pub decree_date: String,
    pub components: Vec<ComponentOut>,
    pub published_at: String,
}

/// What a service's public page shows about its standards.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceStandards {
    pub service: String,
    pub name: String,
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    /// The agency's service pledge (maklumat pelayanan); empty until published.
    pub maklumat: String,
    /// The agency's named complaint handler; empty until named.
    pub complaint_handler: String,
    /// The version in force, if any.
    pub current: Option<VersionOut>,
    /// Every earlier version, newest first.
    pub history: Vec<VersionOut>,
}

fn version_out(j: &JurisdictionInfo, v: &store::Version, english: bool) -> VersionOut {
    let texts: BTreeMap<String, String> = serde_json::from_str(&v.components).unwrap_or_default();
    VersionOut {
        version: v.version,
        decree_number: v.decree_number.clone(),
        decree_date: v.decree_date.clone(),
        components: COMPONENTS
            .iter()
            .map(|(k, id, en)| ComponentOut {
                key: (*k).to_owned(),
                name: if english { *en } else { *id }.to_owned(),
                text: texts.get(*k).cloned().unwrap_or_default(),
            })
            .collect(),
        published_at: laksana_core::Timestamp::from_micros(v.created_at).to_rfc3339_in(j.tz),
    }
}

/// The standards of service `code` (any public service of `j`).
pub async fn of_service(
    state: &AppState,
    j: &JurisdictionInfo,
    code: &str,
    english: bool,
) -> ServiceResult<ServiceStandards> {
    let s =
        j.service(code).filter(|s| !s.staff).ok_or_else(|| ServiceError::NotFound(format!("no service {code:?}")))?;
    let mut versions =
        store::versions(state.db(), s.id).await?.iter().map(|v| version_out(j, v, english)).collect::<Vec<_>>();
    let current = (!versions.is_empty()).then(|| versions.remove(0));
    let (maklumat, handler) = match s.agency_id {
        Some(a) => store::pledge(state.db(), a).await?,
        None => Default::default(),
    };
    Ok(ServiceStandards {
        service: s.code.clone(),
        name: if english && !s.name_en.is_empty() { s.name_en.clone() } else { s.name.clone() },
        agency: s.agency_id.and_then(|a| j.agency_codes.get(&a).cloned()),
        agency_name: s.agency_id.and_then(|a| j.agency_names.get(&a).cloned()),
        maklumat,
        complaint_handler: handler,
        current,
        history: versions,
    })
}

/// Publishes a new version of service `code`'s standards: its number, or every problem by field.
pub async fn publish(
    state: &AppState,
    j: &JurisdictionInfo,
    code: &str,
    decree_number: &str,
    decree_date: &str,
    components: &BTreeMap<String, String>,
    actor: &str,
) -> ServiceResult<Result<i64, BTreeMap<String, String>>> {
    let s = j.service(code).ok_or_else(|| ServiceError::NotFound(format!("no service {code:?}")))?;
    let standard = match Standard::parse(decree_number, decree_date, components) {
        Ok(s) => s,
        Err(errors) => return Ok(Err(errors)),
    };
    Ok(Ok(store::publish(state.db(), j.id(), s.id, &standard, actor, state.clock().now()).await?))
}

/// The longest service pledge.
pub const MAX_PLEDGE: usize = 5_000;

/// Sets agency `code`'s service pledge.
pub async fn set_pledge(
    state: &AppState,
    j: &JurisdictionInfo,
    code: &str,
    text: &str,
    actor: &str,
) -> ServiceResult<()> {
    let id = super::jurisdiction::agency(j, code)?;
    let text = text.trim();
    if text.chars().count() > MAX_PLEDGE {
        return Err(ServiceError::Invalid(format!("the pledge is longer than {MAX_PLEDGE} characters")));
    }
    Ok(store::set_pledge(state.db(), j.id(), id, text, actor, state.clock().now()).await?)
}
