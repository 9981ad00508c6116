//! Who may do what and who may see what, decided in one place (see docs/ARCHITECTURE.md, Roles and
//! scope, and Privacy).
//!
//! Every request is made by a [`Principal`]; every report has a [`Scope`]. [`standing`] says how the
//! principal stands to the report, [`view`] what of it they may see, and [`authorize`] whether they may
//! act on it. Nothing else in the system decides either question.

use std::fmt;

use crate::Privacy;
use crate::status::Action;

/// A role (see docs/ARCHITECTURE.md, Roles and scope).
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

    /// An admin of the whole deployment (a grant with no jurisdiction): may create jurisdictions.
    pub fn is_deployment_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Admin && g.jurisdiction_id.is_none())
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

/// The privacy table (docs/ARCHITECTURE.md, Privacy) as a function: `publik` shows the reporter's name
/// to all and contact to the agency; `anonim` hides the reporter from all but operators and the
/// ombudsman; `rahasia` also hides the report from the public. A reporter always sees their own report
/// in full, internal notes excepted.
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
        // Everything in the jurisdiction, reporter identity excepted.
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
    /// Set or move the report's pin (one that came with an address only, or was placed wrong).
    Locate,
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

/// Whether `action` is one this standing may take (see docs/ARCHITECTURE.md, Roles and scope).
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
        // The desk places it from the address; the agency's officer, on site, may correct it.
        Operation::Locate => st.handles(),
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
    /// Read the record of official acts on the jurisdiction's settings and accounts.
    ReadActivity,
    /// Record an agency's compliance self-assessment.
    AssessCompliance,
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
        // Oversight reads it; those whose acts it records do not need to.
        Admin::ReadActivity => [Role::Ombudsman, Role::Admin].into_iter().any(|r| p.has_role(r, jurisdiction_id)),
        // The region assesses itself (its admins) and the Ombudsman checks; agencies do not score
        // themselves.
        Admin::AssessCompliance => [Role::Ombudsman, Role::Admin].into_iter().any(|r| p.has_role(r, jurisdiction_id)),
    };
    if ok { Ok(()) } else { Err(Denied::Forbidden) }
}

/// How a report's actor is recorded on its timeline.
pub const REPORTER_ACTOR: &str = "reporter";

/// The actor recorded for `p` acting on the report in `scope`: a reporter is recorded as
/// [`REPORTER_ACTOR`], never by account, so that an `anonim` report's timeline cannot identify them;
/// everyone else, and a reporter who also handles the report, as `caller_actor` (`user:ID`, `system`, …).
pub fn actor(p: &Principal, scope: &Scope<'_>, caller_actor: &str) -> String {
    let st = standing(p, scope);
    if st.reporter && !st.handles() { REPORTER_ACTOR.to_owned() } else { caller_actor.to_owned() }
}

/// How a timeline shows an event's actor to someone with `view`. Those who see internal events see it
/// as recorded; the public and the reporter see staff and their integrations as `staff`, never an
/// account's or a key's internal id, and everyone else as recorded (`reporter`, `system`, a channel).
pub fn shown_actor(view: View, actor: &str) -> &str {
    let staff = actor.starts_with("user:") || actor.starts_with("apikey:");
    if staff && !view.internal { "staff" } else { actor }
}

impl Standing {
    /// Whether they handle the report: an operator, or an officer or the head of its agency.
    pub fn handles(&self) -> bool {
        self.operator || self.officer || self.agency_head
    }

    /// Staff who may see the report's internal side: those handling it, leaders, the ombudsman, admins.
    fn staff(&self) -> bool {
        self.handles() || self.leader || self.ombudsman || self.admin
    }
}

/// What a comment on a report becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// A reply on the public timeline, by someone handling the report.
    PublicReply,
    /// An internal note, seen by staff only.
    StaffNote,
    /// A reporter's comment, seen by staff only.
    ReporterComment,
}

impl CommentKind {
    /// The event kind recorded for it.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentKind::PublicReply => "comment",
            CommentKind::StaffNote => "note",
            CommentKind::ReporterComment => "reporter_comment",
        }
    }

    /// Whether the public timeline shows it.
    pub fn is_public(self) -> bool {
        self == CommentKind::PublicReply
    }
}

/// What a comment by `p` on the report in `scope` becomes; `wants_public` asks for a public reply.
///
/// A public reply needs [`Operation::Comment`], a private comment [`Operation::InternalNote`] or
/// [`Operation::Comment`]. Those handling the report (see [`Standing::handles`]) reply publicly when
/// they ask to; other staff write [`CommentKind::StaffNote`]s; the reporter writes a
/// [`CommentKind::ReporterComment`], even when asking for a public reply.
pub fn comment_kind(p: &Principal, scope: &Scope<'_>, wants_public: bool) -> Result<CommentKind, Denied> {
    authorize(p, Operation::Read, scope)?;
    let may = |op| authorize(p, op, scope).is_ok();
    let allowed =
        if wants_public { may(Operation::Comment) } else { may(Operation::InternalNote) || may(Operation::Comment) };
    if !allowed {
        return Err(Denied::Forbidden);
    }
    let st = standing(p, scope);
    Ok(if st.handles() && wants_public {
        CommentKind::PublicReply
    } else if st.staff() {
        CommentKind::StaffNote
    } else {
        CommentKind::ReporterComment
    })
}

/// Whether `p` may post a public reply without a status change (an Open311 update): only those
/// handling the report. Whether they may see it at all is [`authorize`]'s question.
pub fn may_reply_publicly(p: &Principal, scope: &Scope<'_>) -> bool {
    standing(p, scope).handles()
}

/// Which reports of a jurisdiction a staff work queue lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxScope {
    /// Every report of the jurisdiction, or only one agency's.
    Jurisdiction { agency: Option<i64> },
    /// Only these agencies' reports (sorted, no repeats).
    Agencies(Vec<i64>),
}

impl InboxScope {
    /// The agencies to filter on; `None` is every report of the jurisdiction.
    pub fn agency_ids(&self) -> Option<Vec<i64>> {
        match self {
            InboxScope::Jurisdiction { agency } => agency.map(|a| vec![a]),
            InboxScope::Agencies(list) => Some(list.clone()),
        }
    }
}

/// The work queue `p` may read in `jurisdiction_id`, optionally narrowed to `requested_agency`.
///
/// Operators, leaders, the ombudsman and admins see the whole jurisdiction and may narrow it to any
/// agency; officers and agency heads see their own agencies' reports and may narrow it to one of
/// them. Anyone else, or an officer asking for another agency, is [`Denied::Forbidden`].
pub fn inbox_scope(p: &Principal, jurisdiction_id: &str, requested_agency: Option<i64>) -> Result<InboxScope, Denied> {
    authorize_jurisdiction(p, Admin::ReadQueue, jurisdiction_id)?;
    let whole = [Role::Operator, Role::Leader, Role::Ombudsman, Role::Admin];
    if whole.into_iter().any(|r| p.has_role(r, jurisdiction_id)) {
        return Ok(InboxScope::Jurisdiction { agency: requested_agency });
    }
    let mut mine: Vec<i64> = p
        .grants
        .iter()
        .filter(|g| g.role.needs_agency() && g.covers(jurisdiction_id))
        .filter_map(|g| g.agency_id)
        .collect();
    mine.sort_unstable();
    mine.dedup();
    match requested_agency {
        Some(a) if mine.contains(&a) => Ok(InboxScope::Agencies(vec![a])),
        Some(_) => Err(Denied::Forbidden),
        None => Ok(InboxScope::Agencies(mine)),
    }
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

    /// The privacy table (docs/ARCHITECTURE.md, Privacy), row by row.
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

    #[test]
    fn role_names_round_trip() {
        let names = ["citizen", "operator", "officer", "agency_head", "leader", "ombudsman", "admin"];
        for (role, name) in Role::ALL.into_iter().zip(names) {
            assert_eq!(role.as_str(), name);
            assert_eq!(role.to_string(), name);
            assert_eq!(Role::parse(name), Some(role));
            assert_eq!(Role::parse(&format!(" {name} ")), Some(role));
        }
        assert_eq!(Role::parse("Operator"), None);
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_officers_and_agency_heads_belong_to_an_agency() {
        for role in Role::ALL {
            let agency_role = matches!(role, Role::Officer | Role::AgencyHead);
            assert_eq!(role.needs_agency(), agency_role, "{role}");
            let (agency, wrong) = if agency_role { (Some(7), None) } else { (None, Some(7)) };
            assert_eq!(
                Grant::new(role, Some(J.into()), agency),
                Ok(Grant { role, jurisdiction_id: Some(J.into()), agency_id: agency })
            );
            let err = if agency_role { GrantError::AgencyRequired(role) } else { GrantError::AgencyNotAllowed(role) };
            assert_eq!(Grant::new(role, Some(J.into()), wrong), Err(err));
            // Only an admin may hold every jurisdiction.
            assert_eq!(Grant::new(role, None, agency).is_ok(), role == Role::Admin, "{role}");
        }
        assert_eq!(
            GrantError::JurisdictionRequired(Role::Leader).to_string(),
            "role leader must be given for a jurisdiction; only admin may hold every jurisdiction"
        );
    }

    #[test]
    fn roles_hold_in_their_jurisdiction_only() {
        let operator = with(Role::Operator, None);
        assert!(operator.has_role(Role::Operator, J));
        assert!(!operator.has_role(Role::Operator, "lain.go.id"));
        assert!(!operator.has_role(Role::Leader, J));
        let everywhere =
            Principal { grants: vec![Grant::new(Role::Admin, None, None).unwrap()], ..Principal::default() };
        assert!(everywhere.has_role(Role::Admin, J) && everywhere.has_role(Role::Admin, "lain.go.id"));
        assert!(!Principal::anonymous().has_role(Role::Citizen, J));
        assert_eq!(
            Principal::anonymous(),
            Principal { user_id: None, grants: vec![], follow_up_report: None, system: false }
        );
        assert!(Principal::system().system && Principal::system().grants.is_empty());
        assert!(!Principal::anonymous().system);
    }

    #[test]
    fn who_counts_as_the_reporter() {
        let s = scope(Privacy::Publik);
        let is_reporter = |p: &Principal, s: &Scope<'_>| standing(p, s).reporter;
        assert!(is_reporter(&Principal { user_id: Some(5), ..Principal::default() }, &s));
        assert!(is_reporter(&Principal { follow_up_report: Some(1), ..Principal::default() }, &s));
        assert!(!is_reporter(&Principal { user_id: Some(6), ..Principal::default() }, &s));
        assert!(!is_reporter(&Principal { follow_up_report: Some(2), ..Principal::default() }, &s));
        assert!(!is_reporter(&Principal::anonymous(), &s));
        // A report made without an account has no reporter account: nobody signed out is its reporter.
        let no_account = Scope { reporter_user_id: None, ..s };
        assert!(!is_reporter(&Principal::anonymous(), &no_account));
        assert!(!is_reporter(&Principal { user_id: Some(5), ..Principal::default() }, &no_account));
        assert!(is_reporter(&Principal { follow_up_report: Some(1), ..Principal::default() }, &no_account));
    }

    #[test]
    fn agency_staff_stand_for_their_own_agency_in_their_own_jurisdiction() {
        let s = scope(Privacy::Rahasia);
        for role in [Role::Officer, Role::AgencyHead] {
            let mine = standing(&with(role, Some(7)), &s);
            assert_eq!((mine.officer, mine.agency_head), (role == Role::Officer, role == Role::AgencyHead));
            assert_eq!(standing(&with(role, Some(8)), &s), Standing::default(), "another agency");
            let elsewhere = Scope { jurisdiction_id: "lain.go.id", ..s };
            assert_eq!(standing(&with(role, Some(7)), &elsewhere), Standing::default(), "another jurisdiction");
            let unowned = Scope { agency_id: None, ..s };
            assert_eq!(standing(&with(role, Some(7)), &unowned), Standing::default(), "no agency yet");
        }
        let st = |role| standing(&with(role, None), &s);
        assert_eq!(st(Role::Operator), Standing { operator: true, ..Standing::default() });
        assert_eq!(st(Role::Leader), Standing { leader: true, ..Standing::default() });
        assert_eq!(st(Role::Ombudsman), Standing { ombudsman: true, ..Standing::default() });
        assert_eq!(st(Role::Admin), Standing { admin: true, ..Standing::default() });
        assert_eq!(st(Role::Citizen), Standing::default());
        assert_eq!(standing(&Principal::system(), &s), Standing { system: true, ..Standing::default() });
    }

    /// The privacy table (docs/ARCHITECTURE.md, Privacy), for every standing and privacy: (report,
    /// reporter name, reporter contact, internal).
    #[test]
    fn the_view_table() {
        let v = |st: Standing, privacy| {
            let v = view(st, privacy);
            (v.report, v.reporter_name, v.reporter_contact, v.internal)
        };
        let one = |f: fn(&mut Standing)| {
            let mut st = Standing::default();
            f(&mut st);
            st
        };
        let everything = (true, true, true, true);
        for privacy in Privacy::ALL {
            let listed = privacy != Privacy::Rahasia;
            let publik = privacy == Privacy::Publik;
            assert_eq!(v(Standing::default(), privacy), (listed, publik, false, false), "public, {privacy}");
            for full in [one(|s| s.operator = true), one(|s| s.ombudsman = true), one(|s| s.system = true)] {
                assert_eq!(v(full, privacy), everything, "{full:?} {privacy}");
            }
            for agency in [one(|s| s.officer = true), one(|s| s.agency_head = true)] {
                assert_eq!(v(agency, privacy), (true, publik, publik, true), "{agency:?} {privacy}");
            }
            for overseer in [one(|s| s.leader = true), one(|s| s.admin = true)] {
                assert_eq!(v(overseer, privacy), (true, publik, false, true), "{overseer:?} {privacy}");
            }
            assert_eq!(v(one(|s| s.reporter = true), privacy), (true, true, true, false), "reporter, {privacy}");
            // An officer who is also the reporter sees their own identity.
            let both = Standing { officer: true, reporter: true, ..Standing::default() };
            assert_eq!(v(both, privacy), everything, "officer and reporter, {privacy}");
        }
    }

    fn everyone() -> Vec<(&'static str, Principal)> {
        vec![
            ("public", Principal::anonymous()),
            ("citizen", with(Role::Citizen, None)),
            ("reporter", Principal { user_id: Some(5), ..Principal::default() }),
            ("operator", with(Role::Operator, None)),
            ("officer", with(Role::Officer, Some(7))),
            ("other_officer", with(Role::Officer, Some(8))),
            ("agency_head", with(Role::AgencyHead, Some(7))),
            ("leader", with(Role::Leader, None)),
            ("ombudsman", with(Role::Ombudsman, None)),
            ("admin", with(Role::Admin, None)),
            ("system", Principal::system()),
        ]
    }

    /// Who may do what to a public report (docs/ARCHITECTURE.md, Roles and scope).
    #[test]
    fn the_authorization_table() {
        use Action as A;
        let transition = |a| Operation::Transition(a);
        let operators = &["operator"][..];
        let agency = &["officer", "agency_head"][..];
        let table: Vec<(Operation, &[&str])> = vec![
            (Operation::Read, &["*"]),
            (Operation::Comment, &["reporter", "operator", "officer", "agency_head"]),
            (Operation::InternalNote, &["operator", "officer", "agency_head", "leader", "ombudsman"]),
            (Operation::RaisePrivacy, operators),
            (Operation::Locate, &["operator", "officer", "agency_head"]),
            (Operation::ReadAudit, &["operator", "leader", "ombudsman", "admin"]),
            (transition(A::Verify), operators),
            (transition(A::RequestInfo), operators),
            (transition(A::Dispose), operators),
            (transition(A::ForwardNotAuthority), operators),
            (transition(A::Archive(ArchiveReason::Spam)), operators),
            (transition(A::Archive(ArchiveReason::Duplicate)), operators),
            (transition(A::InfoGiven), &["reporter", "operator"]),
            (transition(A::HandBack), agency),
            (transition(A::Plan), agency),
            (transition(A::Resolve), agency),
            (transition(A::Confirm), &["reporter"]),
            (transition(A::Reopen), &["reporter"]),
            (transition(A::InfoTimeout), &["system"]),
            (transition(A::ConfirmTimeout), &["system"]),
        ];
        let s = scope(Privacy::Publik);
        for (op, allowed) in table {
            for (who, p) in everyone() {
                let want = allowed.contains(&"*") || allowed.contains(&who);
                let got = authorize(&p, op, &s);
                assert_eq!(got.is_ok(), want, "{who} {op:?}");
                if want {
                    assert_eq!(got, Ok(view(standing(&p, &s), s.privacy)), "{who} {op:?} gets their view");
                } else {
                    assert_eq!(got, Err(Denied::Forbidden), "{who} {op:?}");
                }
            }
        }
    }

    #[test]
    fn a_rahasia_report_does_not_exist_for_those_who_may_not_see_it() {
        let s = scope(Privacy::Rahasia);
        for (who, p) in everyone() {
            let hidden = matches!(who, "public" | "citizen" | "other_officer");
            for op in [Operation::Read, Operation::Comment, Operation::Transition(Action::Verify)] {
                let got = authorize(&p, op, &s);
                assert_eq!(got == Err(Denied::Hidden), hidden, "{who} {op:?}: {got:?}");
            }
        }
        assert_eq!(Denied::Hidden.to_string(), "not found");
        assert_eq!(Denied::Forbidden.to_string(), "not allowed");
    }

    #[test]
    fn jurisdiction_wide_operations() {
        let table: [(Admin, &[&str]); 5] = [
            (Admin::Configure, &["admin"]),
            (
                Admin::ReadQueue,
                &["operator", "officer", "other_officer", "agency_head", "leader", "ombudsman", "admin"],
            ),
            (Admin::VerifyAudit, &["operator", "leader", "ombudsman", "admin"]),
            (Admin::ReadActivity, &["ombudsman", "admin"]),
            (Admin::AssessCompliance, &["ombudsman", "admin"]),
        ];
        for (op, allowed) in table {
            for (who, p) in everyone() {
                let want = if allowed.contains(&who) { Ok(()) } else { Err(Denied::Forbidden) };
                assert_eq!(authorize_jurisdiction(&p, op, J), want, "{who} {op:?}");
                assert_eq!(authorize_jurisdiction(&p, op, "lain.go.id"), Err(Denied::Forbidden), "{who} elsewhere");
            }
        }
        let everywhere =
            Principal { grants: vec![Grant::new(Role::Admin, None, None).unwrap()], ..Principal::default() };
        for op in [Admin::Configure, Admin::ReadQueue, Admin::VerifyAudit, Admin::ReadActivity, Admin::AssessCompliance]
        {
            assert_eq!(authorize_jurisdiction(&everywhere, op, "lain.go.id"), Ok(()));
        }
    }

    /// `everyone()` and a few who stand two ways at once, as the reporter (user 5) and staff.
    fn everyone_and_reporting_staff() -> Vec<(&'static str, Principal)> {
        let reporting = |role, agency| Principal { user_id: Some(5), ..with(role, agency) };
        let mut all = everyone();
        all.extend([
            ("by_code", Principal { follow_up_report: Some(1), ..Principal::default() }),
            ("operator_reporter", reporting(Role::Operator, None)),
            ("officer_reporter", reporting(Role::Officer, Some(7))),
            ("other_officer_reporter", reporting(Role::Officer, Some(8))),
            ("leader_reporter", reporting(Role::Leader, None)),
            ("ombudsman_reporter", reporting(Role::Ombudsman, None)),
            ("admin_reporter", reporting(Role::Admin, None)),
        ]);
        all
    }

    /// Who is recorded as the actor: a reporter as `reporter`, unless they also handle the report.
    #[test]
    fn the_actor_table() {
        let as_reporter = [
            "reporter",
            "by_code",
            "other_officer_reporter",
            "leader_reporter",
            "ombudsman_reporter",
            "admin_reporter",
        ];
        for privacy in Privacy::ALL {
            let s = scope(privacy);
            for (who, p) in everyone_and_reporting_staff() {
                let want = if as_reporter.contains(&who) { "reporter" } else { "user:9" };
                assert_eq!(actor(&p, &s, "user:9"), want, "{who} {privacy}");
            }
        }
        assert_eq!(REPORTER_ACTOR, "reporter");
        assert_eq!(actor(&Principal::system(), &scope(Privacy::Publik), "system"), "system");
    }

    /// What a comment becomes, for everyone, public or private, on every privacy level.
    #[test]
    fn the_comment_table() {
        use CommentKind::{PublicReply as Reply, ReporterComment as Mine, StaffNote as Note};
        let no = Err(Denied::Forbidden);
        // (who, asking for public, asking for private) on a report they can see.
        type Kind = Result<CommentKind, Denied>;
        let table: Vec<(&str, Kind, Kind)> = vec![
            ("public", no, no),
            ("citizen", no, no),
            // A reporter's comment is never public, even when they ask.
            ("reporter", Ok(Mine), Ok(Mine)),
            ("operator", Ok(Reply), Ok(Note)),
            ("officer", Ok(Reply), Ok(Note)),
            ("other_officer", no, no),
            ("agency_head", Ok(Reply), Ok(Note)),
            ("leader", no, Ok(Note)),
            ("ombudsman", no, Ok(Note)),
            ("admin", no, no),
            ("system", no, no),
            ("by_code", Ok(Mine), Ok(Mine)),
            ("operator_reporter", Ok(Reply), Ok(Note)),
            ("officer_reporter", Ok(Reply), Ok(Note)),
            ("other_officer_reporter", Ok(Mine), Ok(Mine)),
            // Staff who do not handle the report but reported it may comment as its reporter; what
            // they write is a staff note, never public.
            ("leader_reporter", Ok(Note), Ok(Note)),
            ("ombudsman_reporter", Ok(Note), Ok(Note)),
            ("admin_reporter", Ok(Note), Ok(Note)),
        ];
        let people = everyone_and_reporting_staff();
        assert_eq!(table.len(), people.len());
        for privacy in Privacy::ALL {
            let s = scope(privacy);
            for ((who, p), (row, public, private)) in people.iter().zip(&table) {
                assert_eq!(who, row);
                let hidden = privacy == Privacy::Rahasia && matches!(*who, "public" | "citizen" | "other_officer");
                let (public, private) =
                    if hidden { (Err(Denied::Hidden), Err(Denied::Hidden)) } else { (*public, *private) };
                assert_eq!(comment_kind(p, &s, true), public, "{who} public {privacy}");
                assert_eq!(comment_kind(p, &s, false), private, "{who} private {privacy}");
            }
        }
    }

    #[test]
    fn comment_kinds_name_their_events() {
        let kinds = [
            (CommentKind::PublicReply, "comment", true),
            (CommentKind::StaffNote, "note", false),
            (CommentKind::ReporterComment, "reporter_comment", false),
        ];
        for (kind, name, public) in kinds {
            assert_eq!((kind.as_str(), kind.is_public()), (name, public), "{kind:?}");
        }
    }

    /// Only those handling a report reply publicly without a status change.
    #[test]
    fn the_public_reply_table() {
        let handling = ["operator", "officer", "agency_head", "operator_reporter", "officer_reporter"];
        for privacy in Privacy::ALL {
            let s = scope(privacy);
            for (who, p) in everyone_and_reporting_staff() {
                let want = handling.contains(&who);
                assert_eq!(may_reply_publicly(&p, &s), want, "{who} {privacy}");
                assert_eq!(
                    comment_kind(&p, &s, true) == Ok(CommentKind::PublicReply),
                    want,
                    "{who} {privacy}: the same rule as a public comment"
                );
                if want {
                    assert!(authorize(&p, Operation::Comment, &s).is_ok(), "{who} {privacy}");
                }
            }
        }
    }

    /// Each one's work queue in `J`, with no agency asked for, agency 7 and agency 8.
    #[test]
    fn the_inbox_table() {
        use InboxScope::{Agencies, Jurisdiction};
        let no = Err(Denied::Forbidden);
        let whole = |agency| Ok(Jurisdiction { agency });
        let only = |list: &[i64]| Ok(Agencies(list.to_vec()));
        let grants = |list: &[(Role, &str, Option<i64>)]| Principal {
            user_id: Some(9),
            grants: list.iter().map(|(r, j, a)| Grant::new(*r, Some((*j).into()), *a).unwrap()).collect(),
            ..Principal::default()
        };
        const L: &str = "lain.go.id";
        let mut people = everyone();
        people.extend([
            (
                "officer_of_two_agencies",
                grants(&[(Role::Officer, J, Some(7)), (Role::AgencyHead, J, Some(8)), (Role::Officer, J, Some(7))]),
            ),
            ("officer_elsewhere", grants(&[(Role::Officer, L, Some(7))])),
            ("officer_here_and_elsewhere", grants(&[(Role::Officer, J, Some(7)), (Role::Officer, L, Some(8))])),
            ("operator_elsewhere_officer_here", grants(&[(Role::Operator, L, None), (Role::Officer, J, Some(8))])),
            ("operator_and_officer", grants(&[(Role::Officer, J, Some(7)), (Role::Operator, J, None)])),
            (
                "admin_everywhere",
                Principal { grants: vec![Grant::new(Role::Admin, None, None).unwrap()], ..Principal::default() },
            ),
        ]);
        type Row<'a> = (&'a str, [Result<InboxScope, Denied>; 3]);
        let table: Vec<Row> = vec![
            ("public", [no.clone(), no.clone(), no.clone()]),
            ("citizen", [no.clone(), no.clone(), no.clone()]),
            ("reporter", [no.clone(), no.clone(), no.clone()]),
            ("operator", [whole(None), whole(Some(7)), whole(Some(8))]),
            ("officer", [only(&[7]), only(&[7]), no.clone()]),
            ("other_officer", [only(&[8]), no.clone(), only(&[8])]),
            ("agency_head", [only(&[7]), only(&[7]), no.clone()]),
            ("leader", [whole(None), whole(Some(7)), whole(Some(8))]),
            ("ombudsman", [whole(None), whole(Some(7)), whole(Some(8))]),
            ("admin", [whole(None), whole(Some(7)), whole(Some(8))]),
            ("system", [no.clone(), no.clone(), no.clone()]),
            ("officer_of_two_agencies", [only(&[7, 8]), only(&[7]), only(&[8])]),
            ("officer_elsewhere", [no.clone(), no.clone(), no.clone()]),
            ("officer_here_and_elsewhere", [only(&[7]), only(&[7]), no.clone()]),
            ("operator_elsewhere_officer_here", [only(&[8]), no.clone(), only(&[8])]),
            ("operator_and_officer", [whole(None), whole(Some(7)), whole(Some(8))]),
            ("admin_everywhere", [whole(None), whole(Some(7)), whole(Some(8))]),
        ];
        assert_eq!(table.len(), people.len());
        for ((who, p), (row, want)) in people.iter().zip(table) {
            assert_eq!(*who, row);
            for (asked, want) in [None, Some(7), Some(8)].into_iter().zip(want) {
                assert_eq!(inbox_scope(p, J, asked), want, "{who} asking for {asked:?}");
            }
        }
        // Nobody but a deployment-wide admin has a queue in a jurisdiction they hold no role in.
        for (who, p) in &people {
            let want = if *who == "admin_everywhere" { whole(None) } else { no.clone() };
            assert_eq!(inbox_scope(p, "ketiga.go.id", None), want, "{who} in a third jurisdiction");
        }
    }

    #[test]
    fn an_inbox_scope_is_an_agency_filter() {
        assert_eq!(InboxScope::Jurisdiction { agency: None }.agency_ids(), None);
        assert_eq!(InboxScope::Jurisdiction { agency: Some(7) }.agency_ids(), Some(vec![7]));
        assert_eq!(InboxScope::Agencies(vec![7, 8]).agency_ids(), Some(vec![7, 8]));
        assert_eq!(InboxScope::Agencies(vec![]).agency_ids(), Some(vec![]));
    }

    #[test]
    fn the_public_sees_staff_as_staff_never_by_id() {
        let public = View { report: true, reporter_name: true, reporter_contact: false, internal: false };
        let staff = View { internal: true, ..public };
        for (actor, to_public) in [
            ("user:17", "staff"),
            ("apikey:3", "staff"),
            ("reporter", "reporter"),
            ("system", "system"),
            ("open311", "open311"),
        ] {
            assert_eq!(shown_actor(public, actor), to_public, "{actor}");
            assert_eq!(shown_actor(staff, actor), actor, "{actor}");
        }
    }
}
