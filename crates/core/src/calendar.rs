//! Working days: Monday to Friday in the jurisdiction's zone, minus its holidays (see
//! docs/ARCHITECTURE.md, Deadlines).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

use crate::time::Timestamp;

/// A jurisdiction's working-day calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: Tz,
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(tz: Tz, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self { tz, holidays: holidays.into_iter().collect() }
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The local calendar day of an instant.
    pub fn local_day(&self, t: Timestamp) -> NaiveDate {
        t.to_utc().with_timezone(&self.tz).date_naive()
    }

    /// The N-th working day after the day of `t` (the day of `t` itself never counts).
    pub fn nth_working_day_after(&self, t: Timestamp, n: u32) -> NaiveDate {
        let mut day = self.local_day(t);
        let mut left = n.max(1);
        loop {
            day = day.checked_add_days(Days::new(1)).expect("deadlines stay far inside chrono's range");
            if self.is_working_day(day) {
                left -= 1;
                if left == 0 {
                    return day;
                }
            }
        }
    }

    /// "N working days after t": the end (23:59:59 local) of the N-th working day after the day of t.
    pub fn deadline(&self, t: Timestamp, n: u32) -> Timestamp {
        let day = self.nth_working_day_after(t, n);
        let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time"));
        // In a zone with DST, 23:59:59 exists on every day (transitions happen at night, not at midnight's
        // edge); `latest` still picks a defined instant if a zone ever folds there.
        let local = self.tz.from_local_datetime(&end).latest().expect("23:59:59 exists in every zone we support");
        Timestamp::from_datetime(&local)
    }

    /// The working days a step took: those after the day of `from`, up to and including the day of
    /// `to`. A step done on the day it started took 0; one done on the next working day took 1. A
    /// report done within "N working days after" its start took at most N.
    pub fn working_days_taken(&self, from: Timestamp, to: Timestamp) -> i64 {
        self.working_days_left(from, to).max(0)
    }

    /// Working days from the day of `now` until the day of `deadline` (negative when overdue).
    pub fn working_days_left(&self, now: Timestamp, deadline: Timestamp) -> i64 {
        let (mut a, b) = (self.local_day(now), self.local_day(deadline));
        let sign = if a <= b { 1 } else { -1 };
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        a = lo;
        let mut n = 0;
        while a < hi {
            a = a.succ_opt().expect("in range");
            if self.is_working_day(a) {
                n += 1;
            }
        }
        sign * n
    }
}

/// The working days each lifecycle clock allows by national default (SP4N-LAPOR!), or `None` for the
/// states in which no clock runs. `resolution_days` is the service's SLA budget.
pub fn default_clock_days(status: crate::Status, resolution_days: u32) -> Option<u32> {
    use crate::Status as S;
    match status {
        S::Submitted => Some(3),
        S::NeedsInfo => Some(10),
        S::Dispositioned | S::InProgress | S::Reopened => Some(resolution_days),
        S::Resolved => Some(10),
        S::Closed | S::NotAuthority | S::Archived => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn jakarta() -> Calendar {
        Calendar::new(chrono_tz::Asia::Jakarta, [d("2026-12-25"), d("2026-12-24")])
    }

    #[test]
    fn skips_weekends_and_holidays() {
        let cal = jakarta();
        // Wednesday 23 Dec 2026, 10:00 WIB; 24 and 25 are holidays, 26-27 a weekend.
        let t = crate::time::parse_datetime("2026-12-23T10:00:00+07:00", cal.time_zone()).unwrap();
        assert_eq!(cal.nth_working_day_after(t, 1), d("2026-12-28"));
        assert_eq!(cal.deadline(t, 3).to_rfc3339_in(cal.time_zone()), "2026-12-30T23:59:59+07:00");
        assert_eq!(cal.working_days_left(t, cal.deadline(t, 3)), 3);
        assert_eq!(cal.working_days_left(cal.deadline(t, 3), t), -3);
    }

    #[test]
    fn deadlines_end_at_local_midnight_across_a_dst_change() {
        // Europe/Amsterdam moves to summer time on Sunday 29 March 2026.
        let cal = Calendar::new(chrono_tz::Europe::Amsterdam, []);
        let friday = crate::time::parse_datetime("2026-03-27T16:00:00+01:00", cal.time_zone()).unwrap();
        let d = cal.deadline(friday, 1);
        assert_eq!(d.to_rfc3339_in(cal.time_zone()), "2026-03-30T23:59:59+02:00", "Monday, in summer time");
        assert_eq!(d.as_micros() - cal.deadline(friday, 0).as_micros(), 0, "0 days counts as 1");
        // Jakarta has no DST: the offset is always +07:00.
        let jkt = jakarta();
        let t = crate::time::parse_datetime("2026-03-27T16:00:00+07:00", jkt.time_zone()).unwrap();
        assert_eq!(jkt.deadline(t, 1).to_rfc3339_in(jkt.time_zone()), "2026-03-30T23:59:59+07:00");
    }

    fn at(s: &str) -> Timestamp {
        crate::time::parse_datetime(s, chrono_tz::Asia::Jakarta).unwrap()
    }

    #[test]
    fn working_days_are_weekdays_that_are_not_holidays() {
        let cal = jakarta();
        for (day, working) in [
            ("2026-12-21", true),  // Monday
            ("2026-12-23", true),  // Wednesday
            ("2026-12-24", false), // holiday
            ("2026-12-25", false), // holiday, a Friday
            ("2026-12-26", false), // Saturday
            ("2026-12-27", false), // Sunday
            ("2026-12-28", true),  // Monday
            ("2027-01-01", true),  // not a holiday in this calendar
        ] {
            assert_eq!(cal.is_working_day(d(day)), working, "{day}");
        }
        assert_eq!(cal.time_zone(), chrono_tz::Asia::Jakarta);
    }

    #[test]
    fn the_day_of_an_instant_is_the_local_day() {
        let cal = jakarta();
        // 20:00 UTC on Monday is 03:00 on Tuesday in Jakarta.
        assert_eq!(cal.local_day(at("2026-12-21T20:00:00Z")), d("2026-12-22"));
        assert_eq!(cal.local_day(at("2026-12-21T16:59:59Z")), d("2026-12-21"));
        assert_eq!(cal.local_day(at("2026-12-21T17:00:00Z")), d("2026-12-22"));
    }

    #[test]
    fn the_day_itself_never_counts() {
        let cal = jakarta();
        // A report made at 00:01 on a Monday still has all of Tuesday as its first working day.
        let monday = at("2026-12-21T00:01:00+07:00");
        assert_eq!(cal.nth_working_day_after(monday, 1), d("2026-12-22"));
        assert_eq!(cal.nth_working_day_after(monday, 2), d("2026-12-23"));
        assert_eq!(cal.nth_working_day_after(monday, 3), d("2026-12-28"));
        assert_eq!(cal.nth_working_day_after(monday, 0), d("2026-12-22"), "0 days counts as 1");
        // Made on a Saturday: Monday is the first.
        assert_eq!(cal.nth_working_day_after(at("2026-12-19T10:00:00+07:00"), 1), d("2026-12-21"));
        assert_eq!(cal.deadline(monday, 1).to_rfc3339_in(cal.time_zone()), "2026-12-22T23:59:59+07:00");
    }

    #[test]
    fn working_days_left_counts_whole_working_days() {
        let cal = jakarta();
        let friday = at("2026-12-18T10:00:00+07:00");
        for (deadline, left) in [
            ("2026-12-18T23:59:59+07:00", 0),  // today
            ("2026-12-19T23:59:59+07:00", 0),  // Saturday
            ("2026-12-21T23:59:59+07:00", 1),  // Monday
            ("2026-12-28T23:59:59+07:00", 4),  // over the holidays
            ("2026-12-17T23:59:59+07:00", -1), // yesterday: overdue
            ("2026-12-14T23:59:59+07:00", -4),
        ] {
            assert_eq!(cal.working_days_left(friday, at(deadline)), left, "{deadline}");
        }
    }

    #[test]
    fn default_clock_days_by_state() {
        use crate::Status as S;
        for (status, days) in [
            (S::Submitted, Some(3)),
            (S::NeedsInfo, Some(10)),
            (S::Dispositioned, Some(14)),
            (S::InProgress, Some(14)),
            (S::Reopened, Some(14)),
            (S::Resolved, Some(10)),
            (S::Closed, None),
            (S::NotAuthority, None),
            (S::Archived, None),
        ] {
            assert_eq!(default_clock_days(status, 14), days, "{status}");
        }
    }

    proptest! {
        #[test]
        fn deadlines_land_on_working_days_and_grow(secs in 1_700_000_000i64..1_900_000_000, n in 1u32..80, zone in 0usize..2) {
            let tz = [chrono_tz::Asia::Jakarta, chrono_tz::Europe::Amsterdam][zone];
            let cal = Calendar::new(tz, [d("2026-12-25"), d("2027-01-01"), d("2026-03-20")]);
            let t = Timestamp::from_micros(secs * 1_000_000);
            let a = cal.deadline(t, n);
            let b = cal.deadline(t, n + 1);
            prop_assert!(cal.is_working_day(cal.local_day(a)));
            prop_assert!(a > t);
            prop_assert!(b > a);
            prop_assert_eq!(cal.working_days_left(t, a), i64::from(n));
        }
    }
}
