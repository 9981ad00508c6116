//! The report lifecycle (see docs/ARCHITECTURE.md, Lifecycle): states, the actions that move between
//! them, and how each state looks to Open311 clients.

use std::fmt;
use std::str::FromStr;

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    NeedsInfo,
    Dispositioned,
    InProgress,
    Resolved,
    Closed,
    Reopened,
    NotAuthority,
    Archived,
}

/// Why a report was archived; part of the archived state, so an archive without a reason cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveReason {
    Duplicate,
    Spam,
    Incomplete,
    OutOfScope,
    Withdrawn,
}

/// The traffic-light colour a status shows in every view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Red,
    Yellow,
    Green,
    Grey,
}

/// Something a person or the ticker does to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Verify,
    RequestInfo,
    InfoGiven,
    InfoTimeout,
    Dispose,
    HandBack,
    Plan,
    Resolve,
    Confirm,
    ConfirmTimeout,
    Reopen,
    ForwardNotAuthority,
    Archive(ArchiveReason),
}

/// An action that the report's current state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} a report that is {from}")]
pub struct TransitionError {
    pub from: Status,
    pub action: Action,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Submitted,
        Status::NeedsInfo,
        Status::Dispositioned,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
        Status::Reopened,
        Status::NotAuthority,
        Status::Archived,
    ];

    /// The lifecycle itself: the state `action` leads to from `self`, or why it may not happen.
    pub fn apply(self, action: Action) -> Result<Status, TransitionError> {
        use Action as A;
        use Status as S;
        let next = match (self, action) {
            (S::Submitted, A::Verify | A::Dispose) => S::Dispositioned,
            (S::Submitted, A::RequestInfo) => S::NeedsInfo,
            (S::NeedsInfo, A::InfoGiven) => S::Submitted,
            (S::NeedsInfo, A::InfoTimeout) => S::Archived,
            (S::Submitted | S::NeedsInfo, A::ForwardNotAuthority) => S::NotAuthority,
            (S::Submitted | S::NeedsInfo, A::Archive(_)) => S::Archived,
            (S::Dispositioned | S::Reopened, A::Dispose) => S::Dispositioned,
            (S::Dispositioned | S::Reopened, A::HandBack) => S::Submitted,
            (S::Dispositioned | S::Reopened, A::Plan) => S::InProgress,
            (S::InProgress, A::HandBack) => S::Submitted,
            (S::InProgress | S::Dispositioned | S::Reopened, A::Resolve) => S::Resolved,
            (S::Resolved, A::Confirm | A::ConfirmTimeout) => S::Closed,
            (S::Resolved | S::Closed, A::Reopen) => S::Reopened,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }

    /// Open311's two-valued status.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::NotAuthority | Status::Archived)
    }

    pub fn colour(self) -> Colour {
        match self {
            Status::Submitted | Status::NeedsInfo | Status::Dispositioned => Colour::Red,
            Status::InProgress | Status::Reopened => Colour::Yellow,
            Status::Resolved | Status::Closed => Colour::Green,
            Status::NotAuthority | Status::Archived => Colour::Grey,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::NeedsInfo => "needs_info",
            Status::Dispositioned => "dispositioned",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Reopened => "reopened",
            Status::NotAuthority => "not_authority",
            Status::Archived => "archived",
        }
    }

    /// Open311 `status`: `open` or `closed`.
    pub fn open311(self) -> &'static str {
        if self.is_open() { "open" } else { "closed" }
    }

    /// The FixMyStreet-style extended status shown with `extensions=true`.
    pub fn open311_extended(self, reason: Option<ArchiveReason>) -> &'static str {
        match self {
            Status::Submitted => "for_triage",
            Status::NeedsInfo => "investigating",
            Status::Dispositioned => "action_scheduled",
            Status::InProgress | Status::Reopened => "in_progress",
            Status::Resolved => "fixed",
            Status::Closed => "closed",
            Status::NotAuthority => "not_councils_responsibility",
            Status::Archived if reason == Some(ArchiveReason::Duplicate) => "duplicate",
            Status::Archived => "no_further_action",
        }
    }

    /// The Laksana states behind an Open311 `status` filter value.
    pub fn from_open311(value: &str) -> Option<&'static [Status]> {
        const OPEN: &[Status] =
            &[Status::Submitted, Status::NeedsInfo, Status::Dispositioned, Status::InProgress, Status::Reopened];
        const CLOSED: &[Status] = &[Status::Resolved, Status::Closed, Status::NotAuthority, Status::Archived];
        match value.trim().to_ascii_lowercase().as_str() {
            "open" => Some(OPEN),
            "closed" => Some(CLOSED),
            _ => None,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored status string that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

impl ArchiveReason {
    pub const ALL: [ArchiveReason; 5] = [
        ArchiveReason::Duplicate,
        ArchiveReason::Spam,
        ArchiveReason::Incomplete,
        ArchiveReason::OutOfScope,
        ArchiveReason::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveReason::Duplicate => "duplicate",
            ArchiveReason::Spam => "spam",
            ArchiveReason::Incomplete => "incomplete",
            ArchiveReason::OutOfScope => "out_of_scope",
            ArchiveReason::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Any action, for property tests of the lifecycle.
#[cfg(test)]
pub(crate) fn any_action() -> impl proptest::strategy::Strategy<Value = Action> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Action::Verify),
        Just(Action::RequestInfo),
        Just(Action::InfoGiven),
        Just(Action::InfoTimeout),
        Just(Action::Dispose),
        Just(Action::HandBack),
        Just(Action::Plan),
        Just(Action::Resolve),
        Just(Action::Confirm),
        Just(Action::ConfirmTimeout),
        Just(Action::Reopen),
        Just(Action::ForwardNotAuthority),
        (0usize..5).prop_map(|i| Action::Archive(ArchiveReason::ALL[i])),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn status_strings_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert!("open".parse::<Status>().is_err());
    }

    #[test]
    fn open311_filter_covers_every_state_once() {
        let open = Status::from_open311("open").unwrap();
        let closed = Status::from_open311("CLOSED").unwrap();
        for s in Status::ALL {
            assert_eq!(open.contains(&s), s.is_open());
            assert_eq!(closed.contains(&s), !s.is_open());
        }
        assert!(Status::from_open311("pending").is_none());
    }

    #[test]
    fn the_happy_path() {
        let s = Status::Submitted;
        let s = s.apply(Action::Verify).unwrap();
        let s = s.apply(Action::Plan).unwrap();
        let s = s.apply(Action::Resolve).unwrap();
        assert_eq!(s.apply(Action::Confirm), Ok(Status::Closed));
        assert!(Status::Archived.apply(Action::Reopen).is_err());
    }

    proptest! {
        #[test]
        fn terminal_states_accept_nothing(actions in proptest::collection::vec(any_action(), 0..30)) {
            let mut s = Status::Submitted;
            for a in actions {
                match s.apply(a) {
                    Ok(next) => s = next,
                    Err(e) => prop_assert_eq!(e.from, s),
                }
                if matches!(s, Status::Archived | Status::NotAuthority) {
                    for a in [Action::Reopen, Action::Dispose, Action::Resolve, Action::Verify] {
                        prop_assert!(s.apply(a).is_err());
                    }
                }
                if s == Status::Closed {
                    prop_assert!(s.apply(Action::Resolve).is_err());
                }
            }
        }
    }

    fn every_action() -> Vec<Action> {
        let mut all = vec![
            Action::Verify,
            Action::RequestInfo,
            Action::InfoGiven,
            Action::InfoTimeout,
            Action::Dispose,
            Action::HandBack,
            Action::Plan,
            Action::Resolve,
            Action::Confirm,
            Action::ConfirmTimeout,
            Action::Reopen,
            Action::ForwardNotAuthority,
        ];
        all.extend(ArchiveReason::ALL.map(Action::Archive));
        all
    }

    /// The lifecycle (docs/ARCHITECTURE.md, Lifecycle), every allowed move; everything else is refused.
    #[test]
    fn the_lifecycle_table() {
        use Action as A;
        use Status as S;
        let mut allowed: Vec<(Status, Action, Status)> = vec![
            (S::Submitted, A::Verify, S::Dispositioned),
            (S::Submitted, A::Dispose, S::Dispositioned),
            (S::Submitted, A::RequestInfo, S::NeedsInfo),
            (S::Submitted, A::ForwardNotAuthority, S::NotAuthority),
            (S::NeedsInfo, A::InfoGiven, S::Submitted),
            (S::NeedsInfo, A::InfoTimeout, S::Archived),
            (S::NeedsInfo, A::ForwardNotAuthority, S::NotAuthority),
            (S::Dispositioned, A::Dispose, S::Dispositioned),
            (S::Dispositioned, A::HandBack, S::Submitted),
            (S::Dispositioned, A::Plan, S::InProgress),
            (S::Dispositioned, A::Resolve, S::Resolved),
            (S::Reopened, A::Dispose, S::Dispositioned),
            (S::Reopened, A::HandBack, S::Submitted),
            (S::Reopened, A::Plan, S::InProgress),
            (S::Reopened, A::Resolve, S::Resolved),
            (S::InProgress, A::HandBack, S::Submitted),
            (S::InProgress, A::Resolve, S::Resolved),
            (S::Resolved, A::Confirm, S::Closed),
            (S::Resolved, A::ConfirmTimeout, S::Closed),
            (S::Resolved, A::Reopen, S::Reopened),
            (S::Closed, A::Reopen, S::Reopened),
        ];
        for r in ArchiveReason::ALL {
            allowed.push((S::Submitted, A::Archive(r), S::Archived));
            allowed.push((S::NeedsInfo, A::Archive(r), S::Archived));
        }
        for from in Status::ALL {
            for action in every_action() {
                let want = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to)
                    .ok_or(TransitionError { from, action });
                assert_eq!(from.apply(action), want, "{from} {action:?}");
            }
        }
        assert_eq!(
            Status::Closed.apply(Action::Resolve).unwrap_err().to_string(),
            "cannot Resolve a report that is closed"
        );
    }

    /// Open311's view of each state: open or closed, and the extended status; and the traffic light.
    #[test]
    fn how_each_state_looks() {
        use Colour::*;
        let table = [
            (Status::Submitted, "open", "for_triage", Red),
            (Status::NeedsInfo, "open", "investigating", Red),
            (Status::Dispositioned, "open", "action_scheduled", Red),
            (Status::InProgress, "open", "in_progress", Yellow),
            (Status::Reopened, "open", "in_progress", Yellow),
            (Status::Resolved, "closed", "fixed", Green),
            (Status::Closed, "closed", "closed", Green),
            (Status::NotAuthority, "closed", "not_councils_responsibility", Grey),
            (Status::Archived, "closed", "no_further_action", Grey),
        ];
        for (status, open311, extended, colour) in table {
            assert_eq!(status.open311(), open311, "{status}");
            assert_eq!(status.is_open(), open311 == "open", "{status}");
            assert_eq!(status.open311_extended(None), extended, "{status}");
            assert_eq!(status.colour(), colour, "{status}");
        }
        assert_eq!(Status::Archived.open311_extended(Some(ArchiveReason::Duplicate)), "duplicate");
        for r in [ArchiveReason::Spam, ArchiveReason::Incomplete, ArchiveReason::OutOfScope, ArchiveReason::Withdrawn] {
            assert_eq!(Status::Archived.open311_extended(Some(r)), "no_further_action", "{r:?}");
        }
    }

    #[test]
    fn status_names() {
        let names = [
            "submitted",
            "needs_info",
            "dispositioned",
            "in_progress",
            "resolved",
            "closed",
            "reopened",
            "not_authority",
            "archived",
        ];
        for (s, name) in Status::ALL.into_iter().zip(names) {
            assert_eq!(s.as_str(), name);
            assert_eq!(s.to_string(), name);
            assert_eq!(serde_json::to_value(s).unwrap(), name);
        }
        assert_eq!("Closed".parse::<Status>(), Err(UnknownStatus("Closed".into())));
        assert_eq!(UnknownStatus("x".into()).to_string(), "unknown status \"x\"");
    }

    #[test]
    fn open311_filter_values_ignore_case_and_blanks() {
        assert_eq!(Status::from_open311(" Open "), Status::from_open311("open"));
        assert_eq!(Status::from_open311("open").unwrap().len(), 5);
        assert_eq!(Status::from_open311("closed").unwrap().len(), 4);
        assert!(Status::from_open311("").is_none());
    }

    #[test]
    fn archive_reason_names() {
        let names = ["duplicate", "spam", "incomplete", "out_of_scope", "withdrawn"];
        for (r, name) in ArchiveReason::ALL.into_iter().zip(names) {
            assert_eq!(r.as_str(), name);
            assert_eq!(ArchiveReason::parse(name), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), name);
        }
        assert_eq!(ArchiveReason::parse("Spam"), None);
        assert_eq!(ArchiveReason::parse(""), None);
    }
}
