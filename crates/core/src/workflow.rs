//! The lifecycle's clocks (see docs/ARCHITECTURE.md, Deadlines): [`decide`] turns an action into the new
//! state of the report with its running clock, and [`Schedule`] says when the ticker must look at a report
//! again. The actions with their inputs are [`Command`]s.

use chrono::{Days, NaiveTime, TimeZone};

use crate::calendar::Calendar;
pub use crate::command::{Command, ManualArchive, Text};
use crate::limits::{DeadlineDays, DeadlineDaysError};
use crate::status::{Action, ArchiveReason, Status, TransitionError};
use crate::time::Timestamp;

/// The lifecycle clocks (see docs/ARCHITECTURE.md, Deadlines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    Verification,
    Plan,
    Resolution,
    InfoReply,
    Confirmation,
}

impl ClockKind {
    pub const ALL: [ClockKind; 5] = [
        ClockKind::Verification,
        ClockKind::Plan,
        ClockKind::Resolution,
        ClockKind::InfoReply,
        ClockKind::Confirmation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::Verification => "verification",
            ClockKind::Plan => "plan",
            ClockKind::Resolution => "resolution",
            ClockKind::InfoReply => "info_reply",
            ClockKind::Confirmation => "confirmation",
        }
    }

    pub fn parse(s: &str) -> Option<ClockKind> {
        ClockKind::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The clock that runs in a state (`None`: no clock runs).
    pub fn for_status(status: Status) -> Option<ClockKind> {
        match status {
            Status::Submitted => Some(ClockKind::Verification),
            Status::NeedsInfo => Some(ClockKind::InfoReply),
            Status::Dispositioned | Status::Reopened => Some(ClockKind::Plan),
            Status::InProgress => Some(ClockKind::Resolution),
            Status::Resolved => Some(ClockKind::Confirmation),
            Status::Closed | Status::NotAuthority | Status::Archived => None,
        }
    }

    /// Clocks whose expiry ends the wait by itself instead of escalating.
    pub fn times_out(self) -> bool {
        matches!(self, ClockKind::InfoReply | ClockKind::Confirmation)
    }

    /// Clocks an agency works against (officers get a reminder the working day before).
    pub fn is_agency_clock(self) -> bool {
        matches!(self, ClockKind::Plan | ClockKind::Resolution)
    }
}

/// A jurisdiction's deadlines in working days; [`Default`] is the national default (SP4N-LAPOR!).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Deadlines {
    pub verification: u32,
    pub plan: u32,
    pub info_reply: u32,
    pub confirmation: u32,
    /// After a deadline passes, the working days until the second escalation level.
    pub escalation_step: u32,
    /// How long after closing a reporter may still reopen.
    pub reopen_window: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines { verification: 3, plan: 5, info_reply: 10, confirmation: 10, escalation_step: 5, reopen_window: 10 }
    }
}

/// A deadline setting outside 1 to 365 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field} {error}")]
pub struct DeadlinesError {
    /// The setting's key, e.g. `verification`.
    pub field: &'static str,
    pub error: DeadlineDaysError,
}

impl Deadlines {
    /// Every setting with its key, in the order they are checked.
    pub fn fields(&self) -> [(&'static str, u32); 6] {
        [
            ("verification", self.verification),
            ("plan", self.plan),
            ("info_reply", self.info_reply),
            ("confirmation", self.confirmation),
            ("escalation_step", self.escalation_step),
            ("reopen_window", self.reopen_window),
        ]
    }

    /// Checks that every setting is a [`DeadlineDays`] (1 to 365 working days); the first one that is
    /// not is named.
    pub fn validate(&self) -> Result<(), DeadlinesError> {
        for (field, days) in self.fields() {
            DeadlineDays::new(days).map_err(|error| DeadlinesError { field, error })?;
        }
        Ok(())
    }

    /// Working days a clock allows; the resolution clock's budget is the service's SLA tier.
    pub fn days(&self, clock: ClockKind, resolution_days: u32) -> u32 {
        match clock {
            ClockKind::Verification => self.verification,
            ClockKind::Plan => self.plan,
            ClockKind::Resolution => resolution_days,
            ClockKind::InfoReply => self.info_reply,
            ClockKind::Confirmation => self.confirmation,
        }
    }
}

/// What the ticker does when a report's tick comes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TickEffect {
    /// One working day left: remind the agency's officers.
    Remind,
    /// The deadline passed: escalation level 1 (the agency's officers and head for agency clocks; the
    /// operators for the verification clock).
    Overdue,
    /// Still overdue a further `escalation_step` working days: level 2 (the leader).
    EscalateAgain,
    /// No answer to a request for information: archive as incomplete.
    ArchiveIncomplete,
    /// No confirmation of a resolution: close as accepted.
    CloseAccepted,
}

impl TickEffect {
    /// What the step numbered `stage` of `clock` does.
    pub fn of(clock: ClockKind, stage: i64) -> Option<TickEffect> {
        match (clock, stage) {
            (ClockKind::InfoReply, 1) => Some(TickEffect::ArchiveIncomplete),
            (ClockKind::Confirmation, 1) => Some(TickEffect::CloseAccepted),
            (ClockKind::InfoReply | ClockKind::Confirmation, _) => None,
            (c, 0) if c.is_agency_clock() => Some(TickEffect::Remind),
            (_, 1) => Some(TickEffect::Overdue),
            (_, 2) => Some(TickEffect::EscalateAgain),
            _ => None,
        }
    }
}

/// The ticker's next appointment with a report: at `at`, do `effect`; `stage` orders the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub at: Timestamp,
    pub stage: i64,
    pub effect: TickEffect,
}

/// When a clock's steps fall.
#[derive(Debug, Clone, Copy)]
pub struct Schedule<'a> {
    pub calendar: &'a Calendar,
    pub deadlines: &'a Deadlines,
}

impl Schedule<'_> {
    /// The first tick after `stage` for a clock with `deadline`: stage 0 is the reminder, 1 the
    /// deadline, 2 the second escalation. Steps already in the past are skipped, except the one that is
    /// due now, so a late ticker does one thing per report, not a burst of stale reminders.
    pub fn next(&self, clock: ClockKind, deadline: Timestamp, after_stage: i64, now: Timestamp) -> Option<Tick> {
        let overdue_at = deadline.plus_micros(1);
        if clock.times_out() {
            let effect =
                if clock == ClockKind::InfoReply { TickEffect::ArchiveIncomplete } else { TickEffect::CloseAccepted };
            return (after_stage < 1).then_some(Tick { at: overdue_at, stage: 1, effect });
        }
        let second = self.calendar.deadline(deadline, self.deadlines.escalation_step).plus_micros(1);
        let steps = [
            (0, self.reminder_at(deadline), TickEffect::Remind),
            (1, overdue_at, TickEffect::Overdue),
            (2, second, TickEffect::EscalateAgain),
        ];
        let mut pending = steps.into_iter().filter(|(stage, _, _)| *stage > after_stage).peekable();
        while let Some((stage, at, effect)) = pending.next() {
            if stage == 0 && !clock.is_agency_clock() {
                continue;
            }
            // A step whose successor is already due is stale: skip to the successor.
            if pending.peek().is_some_and(|(_, next_at, _)| *next_at <= now) {
                continue;
            }
            return Some(Tick { at, stage, effect });
        }
        None
    }

    /// 07:00 local on the working day before the deadline's day.
    fn reminder_at(&self, deadline: Timestamp) -> Timestamp {
        let cal = self.calendar;
        let mut day = cal.local_day(deadline);
        loop {
            day = day.checked_sub_days(Days::new(1)).expect("deadlines stay far inside chrono's range");
            if cal.is_working_day(day) {
                break;
            }
        }
        let local = day.and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("a valid time"));
        let at = cal.time_zone().from_local_datetime(&local).earliest().or_else(|| {
            // 07:00 skipped by a DST change: an hour later exists.
            cal.time_zone().from_local_datetime(&(local + chrono::Duration::hours(1))).earliest()
        });
        at.map_or(deadline, |t| Timestamp::from_datetime(&t))
    }
}

/// The state of a report that a decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Current {
    pub status: Status,
    pub agency_id: Option<i64>,
    pub resolution_due_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub escalation_level: i64,
    pub reopen_count: i64,
}

/// The report after an action: status, owner, running clock and the ticker's next appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Next {
    pub status: Status,
    pub archive_reason: Option<ArchiveReason>,
    pub agency_id: Option<i64>,
    pub clock: Option<ClockKind>,
    pub deadline_at: Option<Timestamp>,
    pub resolution_due_at: Option<Timestamp>,
    pub tick: Option<Tick>,
    pub closed_at: Option<Timestamp>,
    pub escalation_level: i64,
    pub reopen_count: i64,
}

/// Why a command cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the report has no responsible agency; name one with agency_id")]
    NoAgency,
    #[error("the reopen window closed on {0}")]
    ReopenWindowClosed(String),
}

/// Applies `action` (already authorized) at `now`: the lifecycle of [`Status::apply`], plus the clocks.
/// `agency_id` is the agency the command names, if any; `resolution_days` the service's SLA budget.
pub fn decide(
    cur: &Current,
    action: Action,
    agency_id: Option<i64>,
    resolution_days: u32,
    sched: &Schedule<'_>,
    now: Timestamp,
) -> Result<Next, DecideError> {
    let status = cur.status.apply(action)?;
    if action == Action::Reopen && cur.status == Status::Closed {
        let closed = cur.closed_at.unwrap_or(now);
        let until = sched.calendar.deadline(closed, sched.deadlines.reopen_window);
        if now > until {
            return Err(DecideError::ReopenWindowClosed(until.to_rfc3339_in(sched.calendar.time_zone())));
        }
    }
    let agency = match action {
        Action::Verify | Action::Dispose => Some(agency_id.or(cur.agency_id).ok_or(DecideError::NoAgency)?),
        // Handed back: no agency owns it until an operator re-disposes it.
        Action::HandBack => None,
        _ => cur.agency_id,
    };
    let clock = ClockKind::for_status(status);
    // Disposition (again) and reopening start the resolution budget afresh.
    let restart = matches!(action, Action::Verify | Action::Dispose | Action::Reopen);
    let resolution_due_at = match status {
        Status::Dispositioned | Status::InProgress | Status::Reopened if restart || cur.resolution_due_at.is_none() => {
            Some(sched.calendar.deadline(now, resolution_days))
        }
        Status::Dispositioned | Status::InProgress | Status::Reopened | Status::Resolved => cur.resolution_due_at,
        _ => None,
    };
    let deadline_at = clock.map(|c| match c {
        ClockKind::Resolution => resolution_due_at.expect("set above for in_progress"),
        c => sched.calendar.deadline(now, sched.deadlines.days(c, resolution_days)),
    });
    let tick = clock.zip(deadline_at).and_then(|(c, d)| sched.next(c, d, -1, now));
    Ok(Next {
        status,
        archive_reason: match action {
            Action::Archive(r) => Some(r),
            Action::InfoTimeout => Some(ArchiveReason::Incomplete),
            _ => None,
        },
        agency_id: agency,
        clock,
        deadline_at,
        resolution_due_at,
        tick,
        closed_at: (status == Status::Closed).then_some(now),
        escalation_level: cur.escalation_level,
        reopen_count: cur.reopen_count + i64::from(action == Action::Reopen),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::any_action;
    use proptest::prelude::*;

    fn cal() -> Calendar {
        Calendar::new(chrono_tz::Asia::Jakarta, ["2026-12-24".parse().unwrap(), "2026-12-25".parse().unwrap()])
    }

    fn t(s: &str) -> Timestamp {
        crate::time::parse_datetime(s, chrono_tz::Asia::Jakarta).unwrap()
    }

    fn start() -> Current {
        Current {
            status: Status::Submitted,
            agency_id: None,
            resolution_due_at: None,
            closed_at: None,
            escalation_level: 0,
            reopen_count: 0,
        }
    }

    #[test]
    fn commands_parse_with_their_inputs() {
        let c: Command = serde_json::from_str(r#"{"action":"dispose","agency_id":3}"#).unwrap();
        assert_eq!(c.action(), Action::Dispose);
        assert!(serde_json::from_str::<Command>(r#"{"action":"dispose"}"#).is_err(), "agency_id is required");
        assert!(serde_json::from_str::<Command>(r#"{"action":"resolve","evidence":"  "}"#).is_err());
        assert!(serde_json::from_str::<Command>(r#"{"action":"archive","reason":"duplicate"}"#).is_err());
        let c: Command = serde_json::from_str(r#"{"action":"mark_duplicate","of":"k7qm3xr9"}"#).unwrap();
        assert_eq!(c.action(), Action::Archive(ArchiveReason::Duplicate));
        assert!(serde_json::from_str::<Command>(r#"{"action":"plan","plan":"x","extra":1}"#).is_err());
    }

    #[test]
    fn a_disposition_starts_plan_and_resolution_clocks() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let now = t("2026-12-21T09:00:00+07:00"); // Monday
        let next = decide(&start(), Action::Verify, Some(4), 5, &sched, now).unwrap();
        assert_eq!(next.status, Status::Dispositioned);
        assert_eq!(next.agency_id, Some(4));
        assert_eq!(next.clock, Some(ClockKind::Plan));
        // 5 working days after Monday 21 Dec, skipping 24–27 Dec: Wed 30 Dec.
        assert_eq!(next.deadline_at.unwrap().to_rfc3339_in(cal.time_zone()), "2026-12-30T23:59:59+07:00");
        let tick = next.tick.unwrap();
        assert_eq!(tick.effect, TickEffect::Remind);
        assert_eq!(tick.at.to_rfc3339_in(cal.time_zone()), "2026-12-29T07:00:00+07:00");
        assert_eq!(decide(&start(), Action::Verify, None, 5, &sched, now), Err(DecideError::NoAgency));
    }

    #[test]
    fn a_late_ticker_skips_stale_steps() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let deadline = t("2026-12-30T23:59:59+07:00");
        let late = t("2027-01-04T08:00:00+07:00");
        let tick = sched.next(ClockKind::Plan, deadline, -1, late).unwrap();
        assert_eq!(tick.effect, TickEffect::Overdue);
        let after = sched.next(ClockKind::Plan, deadline, tick.stage, late).unwrap();
        assert_eq!(after.effect, TickEffect::EscalateAgain);
        assert!(sched.next(ClockKind::Plan, deadline, after.stage, late).is_none());
        let info = sched.next(ClockKind::InfoReply, deadline, -1, late).unwrap();
        assert_eq!(info.effect, TickEffect::ArchiveIncomplete);
        assert!(sched.next(ClockKind::InfoReply, deadline, info.stage, late).is_none());
    }

    #[test]
    fn reopening_a_closed_report_has_a_window() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let closed = Current {
            status: Status::Closed,
            closed_at: Some(t("2026-11-02T10:00:00+07:00")),
            agency_id: Some(1),
            ..start()
        };
        assert!(decide(&closed, Action::Reopen, None, 5, &sched, t("2026-11-10T10:00:00+07:00")).is_ok());
        let err = decide(&closed, Action::Reopen, None, 5, &sched, t("2026-11-20T10:00:00+07:00")).unwrap_err();
        assert!(matches!(err, DecideError::ReopenWindowClosed(_)));
        let reopened = decide(&closed, Action::Reopen, None, 5, &sched, t("2026-11-10T10:00:00+07:00")).unwrap();
        assert_eq!((reopened.status, reopened.reopen_count, reopened.agency_id), (Status::Reopened, 1, Some(1)));
    }

    fn local(ts: Timestamp) -> String {
        ts.to_rfc3339_in(chrono_tz::Asia::Jakarta)
    }

    fn after(next: &Next) -> Current {
        Current {
            status: next.status,
            agency_id: next.agency_id,
            resolution_due_at: next.resolution_due_at,
            closed_at: next.closed_at,
            escalation_level: next.escalation_level,
            reopen_count: next.reopen_count,
        }
    }

    #[test]
    fn clock_kinds() {
        let names = ["verification", "plan", "resolution", "info_reply", "confirmation"];
        for (c, name) in ClockKind::ALL.into_iter().zip(names) {
            assert_eq!(c.as_str(), name);
            assert_eq!(ClockKind::parse(name), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), name);
            // Only the reporter's clocks end the wait by themselves; only the agency's get reminders.
            assert_eq!(c.times_out(), matches!(c, ClockKind::InfoReply | ClockKind::Confirmation), "{name}");
            assert_eq!(c.is_agency_clock(), matches!(c, ClockKind::Plan | ClockKind::Resolution), "{name}");
        }
        assert_eq!(ClockKind::parse("Plan"), None);
        let table = [
            (Status::Submitted, Some(ClockKind::Verification)),
            (Status::NeedsInfo, Some(ClockKind::InfoReply)),
            (Status::Dispositioned, Some(ClockKind::Plan)),
            (Status::Reopened, Some(ClockKind::Plan)),
            (Status::InProgress, Some(ClockKind::Resolution)),
            (Status::Resolved, Some(ClockKind::Confirmation)),
            (Status::Closed, None),
            (Status::NotAuthority, None),
            (Status::Archived, None),
        ];
        for (status, clock) in table {
            assert_eq!(ClockKind::for_status(status), clock, "{status}");
        }
    }

    #[test]
    fn national_default_deadlines() {
        let d = Deadlines::default();
        assert_eq!(
            d,
            Deadlines {
                verification: 3,
                plan: 5,
                info_reply: 10,
                confirmation: 10,
                escalation_step: 5,
                reopen_window: 10
            }
        );
        let custom = Deadlines { verification: 1, plan: 2, info_reply: 3, confirmation: 4, ..d };
        for (clock, days) in [
            (ClockKind::Verification, 1),
            (ClockKind::Plan, 2),
            (ClockKind::Resolution, 14),
            (ClockKind::InfoReply, 3),
            (ClockKind::Confirmation, 4),
        ] {
            assert_eq!(custom.days(clock, 14), days, "{clock:?}");
        }
        // A jurisdiction's settings name only what differs from the national default.
        let partial: Deadlines = serde_json::from_str(r#"{"plan":7}"#).unwrap();
        assert_eq!(partial, Deadlines { plan: 7, ..d });
    }

    /// Every setting must be 1 to 365 working days; the first one out of range is named.
    #[test]
    fn deadline_settings_run_from_1_to_365_working_days() {
        let d = Deadlines::default();
        assert_eq!(d.validate(), Ok(()));
        let keys = ["verification", "plan", "info_reply", "confirmation", "escalation_step", "reopen_window"];
        assert_eq!(d.fields().map(|(k, _)| k), keys);
        assert_eq!(d.fields().map(|(_, v)| v), [3, 5, 10, 10, 5, 10]);
        for (i, key) in keys.into_iter().enumerate() {
            for (days, ok) in [(0, false), (1, true), (365, true), (366, false), (u32::MAX, false)] {
                let mut json = serde_json::to_value(d).unwrap();
                json[key] = days.into();
                let set: Deadlines = serde_json::from_value(json).unwrap();
                assert_eq!(set.fields()[i], (key, days));
                let want =
                    if ok { Ok(()) } else { Err(DeadlinesError { field: key, error: DeadlineDaysError(days.into()) }) };
                assert_eq!(set.validate(), want, "{key} = {days}");
            }
        }
        let all_bad = Deadlines {
            verification: 0,
            plan: 0,
            info_reply: 0,
            confirmation: 0,
            escalation_step: 0,
            reopen_window: 0,
        };
        assert_eq!(all_bad.validate().unwrap_err().field, "verification");
        let late = Deadlines { reopen_window: 400, ..d };
        assert_eq!(
            late.validate().unwrap_err().to_string(),
            "reopen_window must be from 1 to 365 working days, got 400"
        );
    }

    #[test]
    fn what_each_tick_does() {
        use TickEffect as E;
        let table: [(ClockKind, [Option<TickEffect>; 5]); 5] = [
            // stage:              -1    0               1                          2                      3
            (ClockKind::Verification, [None, None, Some(E::Overdue), Some(E::EscalateAgain), None]),
            (ClockKind::Plan, [None, Some(E::Remind), Some(E::Overdue), Some(E::EscalateAgain), None]),
            (ClockKind::Resolution, [None, Some(E::Remind), Some(E::Overdue), Some(E::EscalateAgain), None]),
            (ClockKind::InfoReply, [None, None, Some(E::ArchiveIncomplete), None, None]),
            (ClockKind::Confirmation, [None, None, Some(E::CloseAccepted), None, None]),
        ];
        for (clock, effects) in table {
            for (stage, effect) in (-1..=3).zip(effects) {
                assert_eq!(TickEffect::of(clock, stage), effect, "{clock:?} stage {stage}");
            }
        }
    }

    #[test]
    fn the_steps_of_an_agency_clock() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let deadline = t("2026-12-30T23:59:59+07:00"); // Wednesday
        let early = t("2026-12-21T09:00:00+07:00");
        let step = |after_stage, now| sched.next(ClockKind::Plan, deadline, after_stage, now).unwrap();
        let remind = step(-1, early);
        assert_eq!(
            (remind.stage, remind.effect, local(remind.at)),
            (0, TickEffect::Remind, "2026-12-29T07:00:00+07:00".into())
        );
        let overdue = step(0, early);
        assert_eq!((overdue.stage, overdue.effect), (1, TickEffect::Overdue));
        assert_eq!(overdue.at, deadline.plus_micros(1), "overdue the instant the deadline passes");
        let again = step(1, early);
        assert_eq!((again.stage, again.effect), (2, TickEffect::EscalateAgain));
        // Five working days after Wednesday 30 Dec: 31 Dec, 1, 4, 5 and 6 Jan.
        assert_eq!(again.at, t("2027-01-06T23:59:59+07:00").plus_micros(1));
        assert!(sched.next(ClockKind::Plan, deadline, 2, early).is_none());
        // A reminder is still sent until the deadline itself has passed...
        assert_eq!(step(-1, deadline).effect, TickEffect::Remind);
        // ...and from that instant on, the overdue step replaces it.
        assert_eq!(step(-1, deadline.plus_micros(1)), overdue);
        assert_eq!(step(-1, again.at.plus_micros(-1)), overdue);
        assert_eq!(step(-1, again.at), again);
    }

    #[test]
    fn the_reminder_falls_on_the_working_day_before() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let early = t("2026-12-01T09:00:00+07:00");
        for (deadline, reminder) in [
            ("2026-12-30T23:59:59+07:00", "2026-12-29T07:00:00+07:00"),
            // Monday 28 Dec: the weekend and the holidays of 24 and 25 Dec are skipped.
            ("2026-12-28T23:59:59+07:00", "2026-12-23T07:00:00+07:00"),
        ] {
            let tick = sched.next(ClockKind::Resolution, t(deadline), -1, early).unwrap();
            assert_eq!((tick.effect, local(tick.at)), (TickEffect::Remind, reminder.to_owned()), "{deadline}");
        }
    }

    #[test]
    fn the_verification_clock_has_no_reminder() {
        let cal = cal();
        let d = Deadlines { escalation_step: 1, ..Deadlines::default() };
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let deadline = t("2026-12-23T23:59:59+07:00");
        let early = t("2026-12-21T09:00:00+07:00");
        let first = sched.next(ClockKind::Verification, deadline, -1, early).unwrap();
        assert_eq!(first, Tick { at: deadline.plus_micros(1), stage: 1, effect: TickEffect::Overdue });
        let second = sched.next(ClockKind::Verification, deadline, 1, early).unwrap();
        // One working day later (the escalation step of this jurisdiction), skipping the holidays.
        assert_eq!(second.effect, TickEffect::EscalateAgain);
        assert_eq!(second.at, t("2026-12-28T23:59:59+07:00").plus_micros(1));
    }

    #[test]
    fn the_reporters_clocks_end_the_wait_once() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let deadline = t("2026-12-30T23:59:59+07:00");
        let early = t("2026-12-21T09:00:00+07:00");
        for (clock, effect) in [
            (ClockKind::InfoReply, TickEffect::ArchiveIncomplete),
            (ClockKind::Confirmation, TickEffect::CloseAccepted),
        ] {
            for after_stage in [-1, 0] {
                let tick = sched.next(clock, deadline, after_stage, early);
                assert_eq!(tick, Some(Tick { at: deadline.plus_micros(1), stage: 1, effect }), "{clock:?}");
            }
            assert_eq!(sched.next(clock, deadline, 1, early), None);
        }
    }

    /// The resolution budget (the service's SLA) starts at every disposition, first or again, and at a
    /// reopening; a plan and a resolution keep it running; going back to the desk (hand back) or ending
    /// the report stops it.
    #[test]
    fn the_resolution_budget() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let step = |cur: &Current, action, agency, now: &str| decide(cur, action, agency, 5, &sched, t(now)).unwrap();

        // First disposition, Monday 2 Nov: five working days, to Monday 9 Nov.
        let verified = step(&start(), Action::Verify, Some(4), "2026-11-02T09:00:00+07:00");
        assert_eq!(local(verified.resolution_due_at.unwrap()), "2026-11-09T23:59:59+07:00");

        // A plan keeps the budget: the resolution clock runs to the same deadline.
        let planned = step(&after(&verified), Action::Plan, None, "2026-11-04T09:00:00+07:00");
        assert_eq!(planned.resolution_due_at, verified.resolution_due_at);
        assert_eq!((planned.clock, planned.deadline_at), (Some(ClockKind::Resolution), verified.resolution_due_at));
        assert_eq!(planned.agency_id, Some(4));

        // Re-disposition, Wednesday 4 Nov, to another agency: the new agency gets a fresh budget.
        let redisposed = step(&after(&verified), Action::Dispose, Some(5), "2026-11-04T09:00:00+07:00");
        assert_eq!(redisposed.agency_id, Some(5));
        assert_eq!(local(redisposed.resolution_due_at.unwrap()), "2026-11-11T23:59:59+07:00");
        // ...and so does the same agency when the report is re-sent to it.
        let resent = step(&after(&verified), Action::Dispose, None, "2026-11-04T09:00:00+07:00");
        assert_eq!(resent.agency_id, Some(4));
        assert_eq!(resent.resolution_due_at, redisposed.resolution_due_at);

        // Resolution keeps the budget (for the record); the confirmation clock runs.
        let resolved = step(&after(&planned), Action::Resolve, None, "2026-11-05T09:00:00+07:00");
        assert_eq!(resolved.resolution_due_at, verified.resolution_due_at);
        assert_eq!(resolved.clock, Some(ClockKind::Confirmation));
        assert_eq!(local(resolved.deadline_at.unwrap()), "2026-11-19T23:59:59+07:00");

        // Reopening starts the budget afresh and the plan clock with it.
        let reopened = step(&after(&resolved), Action::Reopen, None, "2026-11-09T09:00:00+07:00");
        assert_eq!(local(reopened.resolution_due_at.unwrap()), "2026-11-16T23:59:59+07:00");
        assert_eq!((reopened.clock, reopened.deadline_at), (Some(ClockKind::Plan), reopened.resolution_due_at));
        let redisposed = step(&after(&reopened), Action::Dispose, Some(6), "2026-11-10T09:00:00+07:00");
        assert_eq!(local(redisposed.resolution_due_at.unwrap()), "2026-11-17T23:59:59+07:00");

        // Handed back, the report is the desk's again: no agency, no budget, the verification clock.
        let handed_back = step(&after(&planned), Action::HandBack, None, "2026-11-05T09:00:00+07:00");
        assert_eq!(
            (handed_back.status, handed_back.agency_id, handed_back.resolution_due_at),
            (Status::Submitted, None, None)
        );
        assert_eq!(handed_back.clock, Some(ClockKind::Verification));
        assert_eq!(local(handed_back.deadline_at.unwrap()), "2026-11-10T23:59:59+07:00");

        // Closing ends every clock.
        let closed = step(&after(&resolved), Action::Confirm, None, "2026-11-06T09:00:00+07:00");
        assert_eq!((closed.clock, closed.deadline_at, closed.tick, closed.resolution_due_at), (None, None, None, None));
        assert_eq!(closed.closed_at, Some(t("2026-11-06T09:00:00+07:00")));
    }

    #[test]
    fn the_budget_follows_the_service_tier() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let now = t("2026-11-02T09:00:00+07:00");
        let next = decide(&start(), Action::Verify, Some(4), 2, &sched, now).unwrap();
        assert_eq!(local(next.resolution_due_at.unwrap()), "2026-11-04T23:59:59+07:00");
        assert_eq!(
            local(next.deadline_at.unwrap()),
            "2026-11-09T23:59:59+07:00",
            "the plan clock is the jurisdiction's"
        );
    }

    #[test]
    fn a_plan_without_a_recorded_budget_starts_one() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let cur = Current { status: Status::Dispositioned, agency_id: Some(4), ..start() };
        let next = decide(&cur, Action::Plan, None, 5, &sched, t("2026-11-04T09:00:00+07:00")).unwrap();
        assert_eq!(local(next.resolution_due_at.unwrap()), "2026-11-11T23:59:59+07:00");
        assert_eq!(next.deadline_at, next.resolution_due_at);
    }

    #[test]
    fn a_plan_after_the_budget_is_spent_is_overdue_at_once() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let due = t("2026-11-09T23:59:59+07:00");
        let cur =
            Current { status: Status::Dispositioned, agency_id: Some(4), resolution_due_at: Some(due), ..start() };
        let next = decide(&cur, Action::Plan, None, 5, &sched, t("2026-11-12T09:00:00+07:00")).unwrap();
        assert_eq!(next.deadline_at, Some(due));
        assert_eq!(next.tick, Some(Tick { at: due.plus_micros(1), stage: 1, effect: TickEffect::Overdue }));
    }

    #[test]
    fn the_desk_and_the_reporter() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let now = t("2026-11-02T09:00:00+07:00");
        let asked = decide(&start(), Action::RequestInfo, None, 5, &sched, now).unwrap();
        assert_eq!((asked.status, asked.clock), (Status::NeedsInfo, Some(ClockKind::InfoReply)));
        // Ten working days to answer: 16 Nov.
        let reply_by = t("2026-11-16T23:59:59+07:00");
        assert_eq!(asked.deadline_at, Some(reply_by));
        assert_eq!(
            asked.tick,
            Some(Tick { at: reply_by.plus_micros(1), stage: 1, effect: TickEffect::ArchiveIncomplete })
        );
        assert_eq!((asked.resolution_due_at, asked.archive_reason, asked.closed_at), (None, None, None));

        let answered = decide(&after(&asked), Action::InfoGiven, None, 5, &sched, now.plus_days(1)).unwrap();
        assert_eq!((answered.status, answered.clock), (Status::Submitted, Some(ClockKind::Verification)));
        // Three working days from Tuesday 3 Nov; the operators hear when it passes (no reminder).
        let verify_by = t("2026-11-06T23:59:59+07:00");
        assert_eq!(answered.deadline_at, Some(verify_by));
        assert_eq!(answered.tick, Some(Tick { at: verify_by.plus_micros(1), stage: 1, effect: TickEffect::Overdue }));

        let timed_out = decide(&after(&asked), Action::InfoTimeout, None, 5, &sched, now.plus_days(20)).unwrap();
        assert_eq!((timed_out.status, timed_out.archive_reason), (Status::Archived, Some(ArchiveReason::Incomplete)));
        assert_eq!((timed_out.clock, timed_out.deadline_at, timed_out.tick), (None, None, None));
        assert_eq!(timed_out.closed_at, None, "archived is not closed");

        let archived = decide(&start(), Action::Archive(ArchiveReason::Spam), None, 5, &sched, now).unwrap();
        assert_eq!((archived.status, archived.archive_reason), (Status::Archived, Some(ArchiveReason::Spam)));
        let forwarded = decide(&start(), Action::ForwardNotAuthority, None, 5, &sched, now).unwrap();
        assert_eq!((forwarded.status, forwarded.archive_reason, forwarded.clock), (Status::NotAuthority, None, None));
        assert_eq!(forwarded.closed_at, None);
    }

    #[test]
    fn verify_without_naming_an_agency_keeps_the_one_the_report_has() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        let cur = Current { agency_id: Some(4), escalation_level: 2, reopen_count: 1, ..start() };
        let next = decide(&cur, Action::Verify, None, 5, &sched, t("2026-11-02T09:00:00+07:00")).unwrap();
        assert_eq!(next.agency_id, Some(4));
        assert_eq!((next.escalation_level, next.reopen_count), (2, 1), "carried over");
        assert_eq!(next.tick.map(|t| t.effect), Some(TickEffect::Remind));
        let named = decide(&cur, Action::Verify, Some(9), 5, &sched, t("2026-11-02T09:00:00+07:00")).unwrap();
        assert_eq!(named.agency_id, Some(9), "the named agency wins");
        let refused = decide(
            &Current { status: Status::Reopened, ..start() },
            Action::Dispose,
            None,
            5,
            &sched,
            t("2026-11-02T09:00:00+07:00"),
        );
        assert_eq!(refused, Err(DecideError::NoAgency));
        let wrong = decide(&start(), Action::Plan, None, 5, &sched, t("2026-11-02T09:00:00+07:00"));
        assert_eq!(
            wrong,
            Err(DecideError::Transition(TransitionError { from: Status::Submitted, action: Action::Plan }))
        );
    }

    #[test]
    fn the_reopen_window_ends_with_its_last_working_day() {
        let cal = cal();
        let d = Deadlines::default();
        let sched = Schedule { calendar: &cal, deadlines: &d };
        // Closed Monday 2 Nov; ten working days later is Monday 16 Nov.
        let closed = Current {
            status: Status::Closed,
            closed_at: Some(t("2026-11-02T10:00:00+07:00")),
            agency_id: Some(1),
            reopen_count: 1,
            ..start()
        };
        let last = t("2026-11-16T23:59:59+07:00");
        let reopened = decide(&closed, Action::Reopen, None, 5, &sched, last).unwrap();
        assert_eq!((reopened.status, reopened.reopen_count), (Status::Reopened, 2));
        assert_eq!(
            decide(&closed, Action::Reopen, None, 5, &sched, last.plus_seconds(1)),
            Err(DecideError::ReopenWindowClosed("2026-11-16T23:59:59+07:00".into()))
        );
        assert_eq!(
            DecideError::ReopenWindowClosed("2026-11-16T23:59:59+07:00".into()).to_string(),
            "the reopen window closed on 2026-11-16T23:59:59+07:00"
        );
        // A resolution not yet closed may always be reopened.
        let resolved = Current { status: Status::Resolved, agency_id: Some(1), ..start() };
        assert!(decide(&resolved, Action::Reopen, None, 5, &sched, last.plus_days(30)).is_ok());
    }

    proptest! {
        /// Whatever happens, in any order and at any pace, the report stays in a defined state: a clock
        /// with a deadline runs exactly in the states that have one, an owner exists whenever an agency
        /// works on it, and closed reports take nothing but a reopen.
        #[test]
        fn no_sequence_reaches_an_undefined_state(
            steps in proptest::collection::vec((any_action(), 0i64..20 * 86_400, proptest::option::of(1i64..5)), 0..40),
        ) {
            let cal = cal();
            let d = Deadlines::default();
            let sched = Schedule { calendar: &cal, deadlines: &d };
            let mut now = t("2026-11-02T08:00:00+07:00");
            let mut cur = start();
            for (action, wait, agency) in steps {
                now = now.plus_seconds(wait);
                let before = cur.status;
                match decide(&cur, action, agency, 5, &sched, now) {
                    Ok(next) => {
                        prop_assert_eq!(next.clock, ClockKind::for_status(next.status));
                        prop_assert_eq!(next.deadline_at.is_some(), next.clock.is_some());
                        if let Some(dl) = next.deadline_at {
                            // The resolution budget runs from the disposition and may already be spent.
                            prop_assert!(dl > now || next.clock == Some(ClockKind::Resolution));
                            prop_assert!(cal.is_working_day(cal.local_day(dl)));
                        }
                        if matches!(next.status, Status::Dispositioned | Status::InProgress | Status::Reopened) {
                            prop_assert!(next.agency_id.is_some());
                            prop_assert!(next.resolution_due_at.is_some());
                        }
                        prop_assert_eq!(next.archive_reason.is_some(), next.status == Status::Archived);
                        if before == Status::Closed {
                            prop_assert_eq!(action, Action::Reopen);
                        }
                        cur = Current {
                            status: next.status,
                            agency_id: next.agency_id,
                            resolution_due_at: next.resolution_due_at,
                            closed_at: next.closed_at,
                            escalation_level: next.escalation_level,
                            reopen_count: next.reopen_count,
                        };
                    }
                    Err(_) => prop_assert_eq!(cur.status, before),
                }
                if matches!(cur.status, Status::Archived | Status::NotAuthority) {
                    for a in [Action::Reopen, Action::Dispose, Action::Resolve, Action::Verify, Action::Confirm] {
                        prop_assert!(cur.status.apply(a).is_err());
                    }
                }
            }
        }

        /// Ticks come in increasing order and end.
        #[test]
        fn ticks_advance(secs in 1_780_000_000i64..1_800_000_000, clock in 0usize..5, late in 0i64..40 * 86_400) {
            let cal = cal();
            let d = Deadlines::default();
            let sched = Schedule { calendar: &cal, deadlines: &d };
            let deadline = cal.deadline(Timestamp::from_micros(secs * 1_000_000), 5);
            let now = Timestamp::from_micros(secs * 1_000_000 + late * 1_000_000);
            let mut stage = -1;
            let mut last = None;
            let mut n = 0;
            while let Some(tick) = sched.next(ClockKind::ALL[clock], deadline, stage, now) {
                prop_assert!(tick.stage > stage);
                prop_assert_eq!(TickEffect::of(ClockKind::ALL[clock], tick.stage), Some(tick.effect));
                if let Some(prev) = last { prop_assert!(tick.at > prev); }
                last = Some(tick.at);
                stage = tick.stage;
                n += 1;
            }
            prop_assert!(n <= 3);
        }
    }
}
