//! What the audit trail says a report is: every event that changes a report carries a [`ReportState`],
//! the report as that change left it. Replaying a report's events therefore gives the state its
//! current row must have, and [`ReportState::differences`] names every field where it does not.

use serde::{Deserialize, Serialize};

use crate::{ArchiveReason, Privacy, Status};

/// The audited fields of a report after a change. The description is kept as its SHA-256 (hex), so
/// that events stay small and the text itself is not copied into every event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportState {
    pub status: Status,
    pub agency_id: Option<i64>,
    pub privacy: Privacy,
    pub service_id: i64,
    pub description_sha256: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The running clock's deadline, microseconds since the epoch.
    pub deadline_at: Option<i64>,
    pub escalation_level: i64,
    /// The row id of the report this one duplicates.
    pub duplicate_of: Option<i64>,
    pub archive_reason: Option<ArchiveReason>,
}

/// One field whose stored value is not what the events say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: &'static str,
    /// The value in the current row.
    pub stored: String,
    /// The value the events give.
    pub expected: String,
}

impl ReportState {
    /// Every field where `stored` (the current row) differs from `self` (what the events say), plus
    /// `is_open` when the row's open flag contradicts its own status (which hides an open report from
    /// the open lists, or shows a finished one there).
    pub fn differences(&self, stored: &ReportState, stored_is_open: bool) -> Vec<Difference> {
        fn show<T: std::fmt::Debug>(v: &T) -> String {
            format!("{v:?}")
        }
        let mut out = Vec::new();
        let mut check = |field: &'static str, stored: String, expected: String| {
            if stored != expected {
                out.push(Difference { field, stored, expected });
            }
        };
        check("status", stored.status.as_str().to_owned(), self.status.as_str().to_owned());
        check("is_open", stored_is_open.to_string(), stored.status.is_open().to_string());
        check("agency_id", show(&stored.agency_id), show(&self.agency_id));
        check("privacy", stored.privacy.as_str().to_owned(), self.privacy.as_str().to_owned());
        check("service_id", stored.service_id.to_string(), self.service_id.to_string());
        check("description", stored.description_sha256.clone(), self.description_sha256.clone());
        check("lat", show(&stored.lat), show(&self.lat));
        check("lon", show(&stored.lon), show(&self.lon));
        check("deadline_at", show(&stored.deadline_at), show(&self.deadline_at));
        check("escalation_level", stored.escalation_level.to_string(), self.escalation_level.to_string());
        check("duplicate_of", show(&stored.duplicate_of), show(&self.duplicate_of));
        check(
            "archive_reason",
            show(&stored.archive_reason.map(ArchiveReason::as_str)),
            show(&self.archive_reason.map(ArchiveReason::as_str)),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ReportState {
        ReportState {
            status: Status::InProgress,
            agency_id: Some(3),
            privacy: Privacy::Publik,
            service_id: 7,
            description_sha256: "ab".into(),
            lat: Some(-6.17),
            lon: Some(106.63),
            deadline_at: Some(1_000),
            escalation_level: 1,
            duplicate_of: None,
            archive_reason: None,
        }
    }

    #[test]
    fn the_same_state_has_no_differences() {
        assert_eq!(state().differences(&state(), true), vec![]);
    }

    #[test]
    fn each_changed_field_is_named_with_both_values() {
        let events = state();
        let mut row = state();
        row.status = Status::Closed;
        row.agency_id = Some(4);
        row.description_sha256 = "cd".into();
        let d = events.differences(&row, false);
        let fields: Vec<_> = d.iter().map(|d| d.field).collect();
        assert_eq!(fields, ["status", "agency_id", "description"]);
        assert_eq!((d[0].stored.as_str(), d[0].expected.as_str()), ("closed", "in_progress"));
        assert_eq!((d[1].stored.as_str(), d[1].expected.as_str()), ("Some(4)", "Some(3)"));
    }

    #[test]
    fn an_open_flag_that_contradicts_the_status_is_named() {
        let d = state().differences(&state(), false);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].field, d[0].stored.as_str(), d[0].expected.as_str()), ("is_open", "false", "true"));
    }

    #[test]
    fn the_state_reads_back_from_its_json() {
        let mut s = state();
        s.archive_reason = Some(ArchiveReason::Duplicate);
        s.duplicate_of = Some(9);
        let back: ReportState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
