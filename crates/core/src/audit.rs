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
        let text = |field, stored: String, expected: String| (field, stored == expected, stored, expected);
        let fields: [(&'static str, bool, String, String); 12] = [
            text("status", stored.status.as_str().to_owned(), self.status.as_str().to_owned()),
            text("is_open", stored_is_open.to_string(), stored.status.is_open().to_string()),
            text("agency_id", show(&stored.agency_id), show(&self.agency_id)),
            text("privacy", stored.privacy.as_str().to_owned(), self.privacy.as_str().to_owned()),
            text("service_id", stored.service_id.to_string(), self.service_id.to_string()),
            text("description", stored.description_sha256.clone(), self.description_sha256.clone()),
            // Compared as numbers: a database may give -0.0 back as 0.0.
            ("lat", stored.lat == self.lat, show(&stored.lat), show(&self.lat)),
            ("lon", stored.lon == self.lon, show(&stored.lon), show(&self.lon)),
            text("deadline_at", show(&stored.deadline_at), show(&self.deadline_at)),
            text("escalation_level", stored.escalation_level.to_string(), self.escalation_level.to_string()),
            text("duplicate_of", show(&stored.duplicate_of), show(&self.duplicate_of)),
            text(
                "archive_reason",
                show(&stored.archive_reason.map(ArchiveReason::as_str)),
                show(&self.archive_reason.map(ArchiveReason::as_str)),
            ),
        ];
        fields
            .into_iter()
            .filter(|(_, equal, _, _)| !equal)
            .map(|(field, _, stored, expected)| Difference { field, stored, expected })
            .collect()
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
    fn coordinates_read_back_exactly_from_their_json() {
        // Full-precision GPS longitudes need all 17 digits; a one-ULP error would be a mismatch.
        let mut s = state();
        for (i, lon) in [109.11737982409095, 106.63190000000001, 141.01999999999998, -0.0].into_iter().enumerate() {
            s.lon = Some(lon);
            s.lat = Some(-6.0 - i as f64 / 3.0);
            let back: ReportState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(back.lon.map(f64::to_bits), s.lon.map(f64::to_bits), "{lon}");
            assert_eq!(back.lat.map(f64::to_bits), s.lat.map(f64::to_bits));
            let mut stored = back.clone();
            stored.lon = stored.lon.map(|l| l + 0.0); // -0.0 + 0.0 is 0.0, as a database may give it
            assert_eq!(s.differences(&stored, true), vec![], "{lon}");
        }
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
