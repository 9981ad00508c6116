//! Acting on a report, for every transport: lifecycle actions, replies and notes, privacy.

use laksana_core::access::{self, Operation};
use laksana_core::workflow::{Command, Text};
use laksana_core::{Privacy, Status};
use laksana_store::lifecycle;

use super::reports::{Loaded, denied, load};
use super::{Caller, ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionInfo};

/// What an action did: the report's public id, its status and its new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acted {
    pub id: String,
    pub status: Status,
    pub version: i64,
}

/// The state a caller saw a report in; an action fails with a conflict if it has moved on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub status: Status,
    /// Stricter: the exact version.
    pub version: Option<i64>,
}

/// The actor recorded for the caller acting on a loaded report.
fn actor_for(l: &Loaded) -> String {
    access::actor(&l.caller.principal, &l.scope(), &l.caller.actor)
}

/// Checks and applies one lifecycle action.
pub async fn perform(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    follow_up_code: Option<&str>,
    id: &str,
    expected: Expected,
    cmd: &Command,
) -> ServiceResult<Acted> {
    let l = load(state, j, caller, follow_up_code, id, |_| Operation::Transition(cmd.action())).await?;
    if l.item.status != expected.status {
        return Err(ServiceError::Conflict(format!(
            "report {} is {} now, not {}; reload it",
            l.item.public_id, l.item.status, expected.status
        )));
    }
    if let Some(v) = expected.version.filter(|v| *v != l.item.version) {
        return Err(ServiceError::Conflict(format!(
            "report {} changed since version {v}; reload it",
            l.item.public_id
        )));
    }
    // An agency that was deactivated keeps the reports it has, and gets no new ones.
    let sent_to = match cmd {
        Command::Verify { agency_id, .. } => agency_id.or(l.item.service_agency_id),
        Command::Dispose { agency_id, .. } => Some(*agency_id),
        _ => None,
    };
    if let Some(a) = sent_to.filter(|a| j.inactive_agencies.contains(a)) {
        let name = j.agency_names.get(&a).cloned().unwrap_or_else(|| a.to_string());
        return Err(ServiceError::Invalid(format!("{name} takes no new reports (it is not active)")));
    }
    let rules = j.rules(&state.config().public_url);
    let out = lifecycle::transition(state.db(), &rules, &l.item, cmd, &actor_for(&l), state.clock().now()).await?;
    Ok(Acted { id: l.item.public_id.to_string(), status: out.status, version: out.version })
}

/// A reply or note to add to a report's timeline.
#[derive(Debug, Clone, Copy)]
pub struct Comment<'a> {
    pub text: &'a Text,
    /// Asked to be a public reply (only those handling the report may give one).
    pub public: bool,
    /// The version the caller saw, if they want a conflict when it changed.
    pub expected_version: Option<i64>,
}

/// Adds a reply or note to a report's timeline: a public reply by those handling it, an internal
/// note by other staff (or when not asked to be public), a comment of the reporter's otherwise.
pub async fn comment(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    follow_up_code: Option<&str>,
    id: &str,
    c: Comment<'_>,
) -> ServiceResult<Acted> {
    let Comment { text, public, expected_version } = c;
    let l = load(state, j, caller, follow_up_code, id, |_| Operation::Read).await?;
    let kind =
        access::comment_kind(&l.caller.principal, &l.scope(), public).map_err(|e| denied(e, &l.item.public_id))?;
    if expected_version.is_some_and(|v| v != l.item.version) {
        return Err(ServiceError::Conflict("the report changed since you read it; reload it".into()));
    }
    let public = kind.is_public();
    let version = lifecycle::comment(
        state.db(),
        &l.item,
        text.as_str(),
        public,
        kind.as_str(),
        &actor_for(&l),
        state.clock().now(),
    )
    .await?;
    Ok(Acted { id: l.item.public_id.to_string(), status: l.item.status, version })
}

/// A public staff reply (an Open311 update without a status): only those handling the report.
pub async fn reply(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    id: &str,
    text: &Text,
) -> ServiceResult<Acted> {
    let l = load(state, j, caller, None, id, |_| Operation::Comment).await?;
    if !access::may_reply_publicly(&l.caller.principal, &l.scope()) {
        return Err(ServiceError::Forbidden("only staff handling the report may post public replies".into()));
    }
    let kind = access::CommentKind::PublicReply.as_str();
    let version =
        lifecycle::comment(state.db(), &l.item, text.as_str(), true, kind, &l.caller.actor, state.clock().now())
            .await?;
    Ok(Acted { id: l.item.public_id.to_string(), status: l.item.status, version })
}

/// Raises a report's privacy level (operators); lowering is refused.
pub async fn raise_privacy(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    id: &str,
    to: Privacy,
) -> ServiceResult<Acted> {
    let l = load(state, j, caller, None, id, |_| Operation::RaisePrivacy).await?;
    let version = lifecycle::raise_privacy(state.db(), &l.item, to, &l.caller.actor, state.clock().now()).await?;
    Ok(Acted { id: l.item.public_id.to_string(), status: l.item.status, version })
}

/// Sets or moves the pin of an open report (those handling it), with the district it falls in. When
/// the jurisdiction has districts, the point must lie in one of them: a pin outside the city is a slip.
pub async fn locate(
    state: &AppState,
    j: &JurisdictionInfo,
    caller: Caller,
    id: &str,
    at: laksana_core::Coordinates,
    expected_version: Option<i64>,
) -> ServiceResult<Acted> {
    let l = load(state, j, caller, None, id, |_| Operation::Locate).await?;
    if !l.item.status.is_open() {
        return Err(ServiceError::Conflict(format!(
            "report {} is closed; its place stays as it was",
            l.item.public_id
        )));
    }
    if let Some(v) = expected_version.filter(|v| *v != l.item.version) {
        return Err(ServiceError::Conflict(format!(
            "report {} changed since version {v}; reload it",
            l.item.public_id
        )));
    }
    let district_id = j.districts.locate(at);
    if district_id.is_none() && !j.districts.is_empty() {
        return Err(ServiceError::Invalid(format!(
            "{:.6}, {:.6} lies outside every district of {}",
            at.lat(),
            at.lon(),
            j.jurisdiction.name
        )));
    }
    let to = laksana_store::workflow::Relocation { at, district_id };
    let version = lifecycle::set_location(state.db(), &l.item, to, &l.caller.actor, state.clock().now()).await?;
    Ok(Acted { id: l.item.public_id.to_string(), status: l.item.status, version })
}
