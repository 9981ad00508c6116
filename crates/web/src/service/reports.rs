//! Finding a report and deciding what the caller may do with it and see of it: the one path every
//! report route of every transport takes.

use laksana_core::PublicId;
use laksana_core::access::{self, Denied, Operation, Scope, View};
use laksana_store::workflow::{self, WorkItem};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Caller, ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionInfo};

/// A report the caller may see, with how they stand to it.
#[derive(Debug)]
pub struct Loaded {
    pub item: WorkItem,
    pub view: View,
    pub caller: Caller,
}

impl Loaded {
    pub fn scope(&self) -> Scope<'_> {
        scope(&self.item)
    }
}

/// What the access rules need to know of a report. Its privacy was checked when it was read.
pub fn scope(item: &WorkItem) -> Scope<'_> {
    Scope {
        report_id: item.id,
        jurisdiction_id: &item.jurisdiction_id,
        agency_id: item.agency_id,
        reporter_user_id: item.user_id,
        privacy: item.privacy,
    }
}

/// A refusal as the caller may learn of it: a report they may not see does not exist for them.
pub fn denied(e: Denied, id: &str) -> ServiceError {
    match e {
        Denied::Hidden => ServiceError::NotFound(format!("report {id:?} not found")),
        Denied::Forbidden => ServiceError::Forbidden(format!("you may not do this to report {id}")),
    }
}

/// Loads report `id` of jurisdiction `j` and checks that the caller may do `op` to it. A follow-up
/// code, when the caller shows one, must be the report's; it makes the caller its reporter, as does a
/// signed link for it (`Caller::reporter_of`).
pub async fn load(
    state: &AppState,
    j: &JurisdictionInfo,
    mut caller: Caller,
    follow_up_code: Option<&str>,
    id: &str,
    op: impl FnOnce(&WorkItem) -> Operation,
) -> ServiceResult<Loaded> {
    let not_found = || ServiceError::NotFound(format!("report {id:?} not found"));
    let pid = PublicId::parse(id).ok_or_else(not_found)?;
    let item = workflow::load(state.db(), j.id(), pid.as_str()).await?.ok_or_else(not_found)?;
    if let Some(code) = follow_up_code {
        if !item.follow_up_matches(code) {
            // A report the caller could not see without the code stays unknown to them.
            let visible = access::authorize(&caller.principal, Operation::Read, &scope(&item)).is_ok();
            return Err(ServiceError::WrongFollowUpCode { hidden: !visible });
        }
        caller.principal.follow_up_report = Some(item.id);
    }
    // A signed link from the reporter's email counts as their code.
    if caller.reporter_of.as_deref() == Some(item.public_id.as_str()) {
        caller.principal.follow_up_report = Some(item.id);
    }
    let view = access::authorize(&caller.principal, op(&item), &scope(&item)).map_err(|e| denied(e, pid.as_str()))?;
    Ok(Loaded { item, view, caller })
}

/// The reporter as the caller may see them. Every output of reporter identity goes through here.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ReporterOut)]
pub struct ReporterView {
    /// First name only, unless the caller may see the full identity.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// What `view` allows of the reporter of `item`.
pub fn project_reporter(view: View, item: &WorkItem) -> Option<ReporterView> {
    let first = item.reporter_first_name.clone().filter(|s| !s.is_empty());
    if view.reporter_contact {
        let full = [item.reporter_first_name.as_deref(), item.reporter_last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let out = ReporterView {
            name: (!full.is_empty()).then_some(full),
            email: item.reporter_email.clone(),
            phone: item.reporter_phone.clone(),
        };
        return (out.name.is_some() || out.email.is_some() || out.phone.is_some()).then_some(out);
    }
    if view.reporter_name {
        return first.map(|name| ReporterView { name: Some(name), email: None, phone: None });
    }
    None
}

/// The public id of the report `l` duplicates, if the caller may see that one (it may be rahasia).
pub async fn visible_original(state: &AppState, l: &Loaded) -> ServiceResult<Option<String>> {
    let Some(id) = l.item.duplicate_of else { return Ok(None) };
    Ok(match workflow::load_by_id(state.db(), id).await? {
        Some(o) if access::authorize(&l.caller.principal, Operation::Read, &scope(&o)).is_ok() => {
            Some(o.public_id.to_string())
        }
        _ => None,
    })
}

/// The timeline of a loaded report as the caller may see it, oldest first.
pub async fn events(state: &AppState, l: &Loaded) -> ServiceResult<Vec<workflow::Event>> {
    Ok(workflow::events_of(state.db(), l.item.id, l.view.internal).await?)
}
