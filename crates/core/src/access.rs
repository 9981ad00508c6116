//! Who may do what (DESIGN §3) and who may see what (DESIGN §6), decided in one place.
//!
//! Every request is made by a [`Principal`]; every report has a [`Scope`]. [`standing`] says how the
//! principal stands to the report, [`view`] what of it they may see, and [`authorize`] whether they may
//! act on it. Nothing else in the system decides either question.

use std::fmt;

use crate::Privacy;
use crate::status::Action;

/// A role from DESIGN §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Operator,
    Officer,
    AgencyHead,
    Leader,
    Ombudsman,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] =
        [Role::Citizen, Role::Operator, Role::Officer, Role::AgencyHead, Role::Leader, Role::Ombudsman, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Operator => "operator",
            Role::Officer => "officer",
            Role::AgencyHead => "agency_head",
            Role::Leader => "leader",
            Role::Ombudsman => "ombudsman",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Roles that belong to one agency and need it named.
    pub fn needs_agency(self) -> bool {
        matches!(self, Role::Officer | Role::AgencyHead)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role held within a scope: a jurisdiction (`None` only for a deployment-wide admin) and, for
/// officers and agency heads, an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub jurisdiction_id: Option<String>,
    pub agency_id: Option<i64>,
}

/// A grant that cannot exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("role {0} belongs to one agency: name it")]
    AgencyRequired(Role),
    #[error("role {0} has no agency")]
    AgencyNotAllowed(Role),
    #[error("role {0} must be given for a jurisdiction; only admin may hold every jurisdiction")]
    JurisdictionRequired(Role),
}

impl Grant {
    /// Checks that the scope fits the role.
    pub fn new(role: Role, jurisdiction_id: Option<String>, agency_id: Option<i64>) -> Result<Grant, GrantError> {
        match (role.needs_agency(), agency_id) {
            (true, None) => return Err(GrantError::AgencyRequired(role)),
            (false, Some(_)) => return Err(GrantError::AgencyNotAllowed(role)),
            _ => {}
        }
        if jurisdiction_id.is_none() && role != Role::Admin {
            return Err(GrantError::JurisdictionRequired(role));
        }
        Ok(Grant { role, jurisdiction_id, agency_id })
    }

    fn covers(&self, jurisdiction_id: &str) -> bool {
        self.jurisdiction_id.as_deref().is_none_or(|j| j == jurisdiction_id)
    }
}

/// Who is asking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    /// The signed-in user, if any.
    pub user_id: Option<i64>,
    pub grants: Vec<Grant>,
    /// A report whose follow-up code the requester presented: they are its reporter.
    pub follow_up_report: Option<i64>,
    /// The ticker and other internal actors.
    pub system: bool,
}

impl Principal {
    /// Someone who showed nothing: the public.
    pub fn anonymous() -> Principal {
        Principal::default()
    }

    pub fn system() -> Principal {
        Principal { system: true, ..Principal::default() }
    }

    /// Whether any grant gives `role` in `jurisdiction_id`.
    pub fn has_role(&self, role: Role, jurisdiction_id: &str) -> bool {
        self.grants.iter().any(|g| g.role == role && g.covers(jurisdiction_id))
    }

    fn in_agency(&self, role: Role, jurisdiction_id: &str, agency_id: Option<i64>) -> bool {
        agency_id.is_some()
            && self.grants.iter().any(|g| g.role == role && g.covers(jurisdiction_id) && g.agency_id == agency_id)
    }
}

/// The facts about a report that access depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    pub report_id: i64,
    pub jurisdiction_id: &'a str,
    pub agency_id: Option<i64>,
    pub reporter_user_id: Option<i64>,
    pub privacy: Privacy,
}

/// How a principal stands to one report. Several can hold at once (an operator who also reported).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub reporter: bool,
    pub operator: bool,
    /// An officer of the report's responsible agency.
    pub officer: bool,
    /// The head of the report's responsible agency.
    pub agency_head: bool,
    pub leader: bool,
    pub ombudsman: bool,
    pub admin: bool,
    pub system: bool,
}

pub fn standing(p: &Principal, s: &Scope<'_>) -> Standing {
    let j = s.jurisdiction_id;
    Standing {
        reporter: p.follow_up_report == Some(s.report_id) || (p.user_id.is_some() && p.user_id == s.reporter_user_id),
        operator: p.has_role(Role::Operator, j),
        officer: p.in_agency(Role::Officer, j, s.agency_id),
        agency_head: p.in_agency(Role::AgencyHead, j, s.agency_id),
        leader: p.has_role(Role::Leader, j),
        ombudsman: p.has_role(Role::Ombudsman, j),
        admin: p.has_role(Role::Admin, j),
        system: p.system,
    }
}

/// What of a report someone may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// The report itself (text, place, status, public timeline). `false` means its existence is private.
    pub report: bool,
    /// The reporter's display name (first name), as the public may see it on a `publik` report.
    pub reporter_name: bool,
    /// Full reporter identity and contact: name, email, phone.
    pub reporter_contact: bool,
    /// Internal notes and non-public events.
    pub internal: bool,
}

/// DESIGN §6, as a function: `publik` shows the reporter's name to all and contact to the agency;
/// `anonim` hides the reporter from all but operators and the ombudsman; `rahasia` also hides the report
/// from the public. A reporter always sees their own report in full, internal notes excepted.
pub fn view(st: Standing, privacy: Privacy) -> View {
    let public = View {
        report: privacy.is_listed_publicly(),
        reporter_name: privacy.shows_reporter_publicly(),
        ..View::default()
    };
    if st.operator || st.ombudsman || st.system {
        return View { report: true, reporter_name: true, reporter_contact: true, internal: true };
    }
    let mut v = public;
    if st.officer || st.agency_head {
        v.report = true;
        v.internal = true;
        v.reporter_contact = privacy == Privacy::Publik;
        v.reporter_name = privacy == Privacy::Publik;
    }
    if st.leader || st.admin {
        // Everything in the jurisdiction, reporter identity excepted (DESIGN §3).
        v.report = true;
        v.internal = true;
    }
    if st.reporter {
        v.report = true;
        v.reporter_name = true;
        v.reporter_contact = true;
    }
    v
}

/// Things done to a report besides lifecycle transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Read,
    Transition(Action),
    /// A public reply on the timeline.
    Comment,
    /// An internal note, seen by staff only.
    InternalNote,
    RaisePrivacy,
    /// See the audit trail of the report.
    ReadAudit,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The requester may not even know that the report exists: answer 404.
    #[error("not found")]
    Hidden,
    /// The requester may see the report but not do this: answer 403.
    #[error("not allowed")]
    Forbidden,
}

/// Whether `action` is one this standing may take (DESIGN §3 and §5).
pub fn may_transition(st: Standing, action: Action) -> bool {
    use Action as A;
    let agency = st.officer || st.agency_head;
    match action {
        A::Verify | A::RequestInfo | A::Dispose | A::ForwardNotAuthority | A::Archive(_) => st.operator,
        // The reporter answers; an operator may record an answer given by phone or at the desk.
        A::InfoGiven => st.reporter || st.operator,
        A::HandBack | A::Plan | A::Resolve => agency,
        A::Confirm | A::Reopen => st.reporter,
        A::InfoTimeout | A::ConfirmTimeout => st.system,
    }
}

/// The one authorization function: may `p` do `op` to the report in `scope`?
pub fn authorize(p: &Principal, op: Operation, scope: &Scope<'_>) -> Result<View, Denied> {
    let st = standing(p, scope);
    let v = view(st, scope.privacy);
    if !v.report {
        return Err(Denied::Hidden);
    }
    let allowed = match op {
        Operation::Read => true,
        Operation::Transition(a) => may_transition(st, a),
        Operation::Comment => st.reporter || st.operator || st.officer || st.agency_head,
        Operation::InternalNote => st.operator || st.officer || st.agency_head || st.leader || st.ombudsman,
        Operation::RaisePrivacy => st.operator,
        Operation::ReadAudit => st.operator || st.ombudsman || st.admin || st.leader,
    };
    if allowed { Ok(v) } else { Err(Denied::Forbidden) }
}

/// Jurisdiction-wide operations (not about one report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admin {
    /// Holidays, webhooks, users, API keys.
    Configure,
    /// The staff work queue: every report of the jurisdiction the principal may see.
    ReadQueue,
    /// Check the jurisdiction's audit chain.
    VerifyAudit,
}

/// May `p` do `op` in `jurisdiction_id`?
pub fn authorize_jurisdiction(p: &Principal, op: Admin, jurisdiction_id: &str) -> Result<(), Denied> {
    let ok = match op {
        Admin::Configure => p.has_role(Role::Admin, jurisdiction_id),
        Admin::ReadQueue => {
            [Role::Operator, Role::Officer, Role::AgencyHead, Role::Leader, Role::Ombudsman, Role::Admin]
                .into_iter()
                .any(|r| p.has_role(r, jurisdiction_id))
        }
        Admin::VerifyAudit => [Role::Operator, Role::Leader, Role::Ombudsman, Role::Admin]
            .into_iter()
            .any(|r| p.has_role(r, jurisdiction_id)),
    };
    if ok { Ok(()) } else { Err(Denied::Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::ArchiveReason;

    const J: &str = "kota.go.id";

    fn with(role: Role, agency: Option<i64>) -> Principal {
        Principal {
            user_id: Some(9),
            grants: vec![Grant::new(role, Some(J.into()), agency).unwrap()],
            ..Principal::default()
        }
    }

    fn scope(privacy: Privacy) -> Scope<'static> {
        Scope { report_id: 1, jurisdiction_id: J, agency_id: Some(7), reporter_user_id: Some(5), privacy }
    }

    #[test]
    fn grants_fit_their_roles() {
        assert_eq!(Grant::new(Role::Officer, Some(J.into()), None), Err(GrantError::AgencyRequired(Role::Officer)));
        assert_eq!(
            Grant::new(Role::Operator, Some(J.into()), Some(1)),
            Err(GrantError::AgencyNotAllowed(Role::Operator))
        );
        assert_eq!(Grant::new(Role::Leader, None, None), Err(GrantError::JurisdictionRequired(Role::Leader)));
        assert!(Grant::new(Role::Admin, None, None).is_ok());
    }

    /// DESIGN §6's table, row by row.
    #[test]
    fn the_privacy_table() {
        let public = Principal::anonymous();
        let officer = with(Role::Officer, Some(7));
        let other_officer = with(Role::Officer, Some(8));
        let operator = with(Role::Operator, None);
        let ombudsman = with(Role::Ombudsman, None);
        let leader = with(Role::Leader, None);
        let reporter = Principal { user_id: Some(5), ..Principal::default() };
        let by_code = Principal { follow_up_report: Some(1), ..Principal::default() };
        for privacy in Privacy::ALL {
            let s = scope(privacy);
            let v = |p: &Principal| view(standing(p, &s), privacy);
            assert_eq!(v(&public).report, privacy != Privacy::Rahasia);
            assert_eq!(v(&public).reporter_name, privacy == Privacy::Publik);
            assert!(!v(&public).reporter_contact && !v(&public).internal);
            assert_eq!(v(&other_officer), v(&public), "another agency's officer is the public");
            assert!(v(&officer).report && v(&officer).internal);
            assert_eq!(v(&officer).reporter_contact, privacy == Privacy::Publik, "{privacy}");
            for p in [&operator, &ombudsman] {
                assert_eq!(v(p), View { report: true, reporter_name: true, reporter_contact: true, internal: true });
            }
            assert!(v(&leader).report && !v(&leader).reporter_contact);
            for p in [&reporter, &by_code] {
                assert!(v(p).report && v(p).reporter_contact && !v(p).internal);
            }
        }
    }

    #[test]
    fn hidden_reports_answer_404_and_wrong_roles_403() {
        let s = scope(Privacy::Rahasia);
        assert_eq!(authorize(&Principal::anonymous(), Operation::Read, &s), Err(Denied::Hidden));
        let officer = with(Role::Officer, Some(7));
        assert!(authorize(&officer, Operation::Transition(Action::Plan), &s).is_ok());
        assert_eq!(authorize(&officer, Operation::Transition(Action::Verify), &s), Err(Denied::Forbidden));
        let s = scope(Privacy::Publik);
        assert_eq!(
            authorize(&Principal::anonymous(), Operation::Transition(Action::Verify), &s),
            Err(Denied::Forbidden)
        );
        let operator = with(Role::Operator, None);
        assert!(authorize(&operator, Operation::Transition(Action::Archive(ArchiveReason::Spam)), &s).is_ok());
        assert_eq!(authorize(&operator, Operation::Transition(Action::Confirm), &s), Err(Denied::Forbidden));
        assert_eq!(authorize(&operator, Operation::Transition(Action::InfoTimeout), &s), Err(Denied::Forbidden));
        // An operator of another jurisdiction is the public there.
        let elsewhere = Scope { jurisdiction_id: "lain.go.id", ..s };
        assert_eq!(authorize(&operator, Operation::Transition(Action::Verify), &elsewhere), Err(Denied::Forbidden));
    }
}
