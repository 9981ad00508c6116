//! The lifecycle's clocks (DESIGN §5): [`decide`] turns an action into the new state of the report with
//! its running clock, and [`Schedule`] says when the ticker must look at a report again. The actions
//! with their inputs are [`Command`]s.

use chrono::{Days, NaiveTime, TimeZone};

use crate::calendar::Calendar;
pub use crate::command::{Command, ManualArchive, Text};
use crate::status::{Action, ArchiveReason, Status, TransitionError};
use crate::time::Timestamp;

/// The lifecycle clocks of DESIGN §5.
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

impl Deadlines {
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
