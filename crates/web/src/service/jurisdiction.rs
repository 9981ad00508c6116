//! Which jurisdiction a request is about.

use laksana_core::PublicId;

use super::{Caller, ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionError, JurisdictionRef};

impl From<JurisdictionError> for ServiceError {
    fn from(e: JurisdictionError) -> Self {
        match e {
            JurisdictionError::Unknown(_) => ServiceError::NotFound(e.to_string()),
            _ => ServiceError::Invalid(e.to_string()),
        }
    }
}

/// The id of `j`'s agency `code`; an unknown code is not found.
pub fn agency(j: &crate::state::JurisdictionInfo, code: &str) -> ServiceResult<i64> {
    j.agency_id(code).ok_or_else(|| ServiceError::NotFound(format!("agency {code:?} is not an agency of {}", j.id())))
}

/// The jurisdiction named (or the only one), for a request anyone may make.
pub fn named(state: &AppState, named: Option<&str>) -> ServiceResult<JurisdictionRef> {
    Ok(JurisdictionRef::resolve(state.catalog(), named)?)
}

/// The jurisdiction of a caller's request: an API key's own (naming another is refused), or the one
/// named.
pub fn for_caller(state: &AppState, caller: &Caller, named: Option<&str>) -> ServiceResult<JurisdictionRef> {
    match (&caller.key_jurisdiction, named.map(str::trim).filter(|n| !n.is_empty())) {
        (Some(k), Some(n)) if k != n => {
            Err(ServiceError::Forbidden(format!("the API key is not valid for jurisdiction_id {n:?}")))
        }
        (Some(k), _) => Ok(JurisdictionRef::resolve(state.catalog(), Some(k))?),
        (None, n) => Ok(JurisdictionRef::resolve(state.catalog(), n)?),
    }
}

/// The jurisdiction of a request about one report: as [`for_caller`], except that with none named on
/// a server of several, the report's own (public ids are unique across jurisdictions).
pub async fn for_report(
    state: &AppState,
    caller: &Caller,
    named: Option<&str>,
    id: &str,
) -> ServiceResult<JurisdictionRef> {
    let catalog = state.catalog();
    if caller.key_jurisdiction.is_some()
        || named.is_some_and(|n| !n.trim().is_empty())
        || catalog.jurisdictions.len() <= 1
    {
        return for_caller(state, caller, named);
    }
    let not_found = || ServiceError::NotFound(format!("report {id:?} not found"));
    let pid = PublicId::parse(id).ok_or_else(not_found)?;
    let j = laksana_store::reports::jurisdiction_of(state.db(), pid.as_str()).await?.ok_or_else(not_found)?;
    JurisdictionRef::get(catalog, &j).ok_or_else(not_found)
}
