//! Instants, clocks, and the ISO 8601 text Open311 exchanges.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// An instant, as microseconds since the Unix epoch in UTC: the form every table stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

const MICROS_PER_SEC: i64 = 1_000_000;

impl Timestamp {
    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub const fn as_micros(self) -> i64 {
        self.0
    }

    pub fn from_datetime<Z: TimeZone>(dt: &DateTime<Z>) -> Self {
        Self(dt.timestamp_micros())
    }

    /// The instant as a UTC date-time; every `i64` we store comes from a `DateTime`, so it is in range.
    pub fn to_utc(self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0).expect("stored instants come from valid date-times")
    }

    pub fn plus_seconds(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs.saturating_mul(MICROS_PER_SEC)))
    }

    pub fn plus_micros(self, micros: i64) -> Self {
        Self(self.0.saturating_add(micros))
    }

    pub fn plus_days(self, days: i64) -> Self {
        self.plus_seconds(days.saturating_mul(86_400))
    }

    /// ISO 8601 with the offset of `tz` at that instant, to the second: `2026-11-28T08:15:30+07:00`.
    pub fn to_rfc3339_in(self, tz: Tz) -> String {
        use chrono::{Datelike, Offset, Timelike};
        use std::fmt::Write;
        // Written by hand: this runs three times for each of up to 1,000 reports in a list, and
        // chrono's format strings are parsed anew on every call.
        let local = self.to_utc().with_timezone(&tz);
        let offset = local.offset().fix().local_minus_utc();
        let (sign, off) = if offset < 0 { ('-', -offset) } else { ('+', offset) };
        let mut out = String::with_capacity(25);
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute(),
            local.second(),
            off / 3600,
            (off % 3600) / 60
        );
        out
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_utc().format("%Y-%m-%dT%H:%M:%S%.6fZ"))
    }
}

/// Where "now" comes from, so that tests can hold or move time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(&Utc::now())
    }
}

/// A clock that stands still until told to move: for tests and deterministic demos.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self(AtomicI64::new(at.as_micros()))
    }

    pub fn set(&self, at: Timestamp) {
        self.0.store(at.as_micros(), Ordering::SeqCst);
    }

    pub fn advance_seconds(&self, secs: i64) {
        self.0.fetch_add(secs * MICROS_PER_SEC, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

/// Why a date-time parameter was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("not an ISO 8601 date-time (expected e.g. 2026-11-28T08:15:30+07:00): {0:?}")]
pub struct DateTimeError(pub String);

/// Parses an Open311 date-time parameter.
///
/// Accepts `YYYY-MM-DDTHH:MM:SS[.frac]` followed by `Z`, `±HH:MM` or `±HHMM`; without an offset,
/// or as a bare `YYYY-MM-DD` (midnight), the time is read in the jurisdiction's zone `tz`. A `+` that
/// arrived as a space (an unencoded query string) is read as `+`.
pub fn parse_datetime(input: &str, tz: Tz) -> Result<Timestamp, DateTimeError> {
    let err = || DateTimeError(input.to_owned());
    let s = input.trim();
    // "2026-11-28T08:15:30 07:00": the space can only have been a '+'.
    let s = match s.rfind(' ') {
        Some(i) if i > 10 => format!("{}+{}", &s[..i], &s[i + 1..]),
        _ => s.to_owned(),
    };
    let t = parse_trimmed(&s, tz).ok_or_else(err)?;
    // Years outside 1900..=9999 are typos or probes, and far-off instants overflow arithmetic.
    if !(MIN_YEAR_MICROS..=MAX_YEAR_MICROS).contains(&t.0) {
        return Err(err());
    }
    Ok(t)
}

/// 1900-01-01T00:00:00Z and 9999-12-31T23:59:59Z in microseconds.
const MIN_YEAR_MICROS: i64 = -2_208_988_800 * MICROS_PER_SEC;
const MAX_YEAR_MICROS: i64 = 253_402_300_799 * MICROS_PER_SEC;

fn parse_trimmed(s: &str, tz: Tz) -> Option<Timestamp> {
    if s.len() == 10 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        return local_to_timestamp(d.and_hms_opt(0, 0, 0)?, tz);
    }
    if let Ok(dt) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        return Some(Timestamp::from_datetime(&dt));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(dt) = DateTime::<FixedOffset>::parse_from_str(s, fmt) {
            return Some(Timestamp::from_datetime(&dt));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, fmt) {
            return local_to_timestamp(local, tz);
        }
    }
    None
}

/// A wall-clock time in `tz`; in a DST gap there is no such time, in a fold the earlier one wins.
fn local_to_timestamp(local: NaiveDateTime, tz: Tz) -> Option<Timestamp> {
    tz.from_local_datetime(&local).earliest().map(|dt| Timestamp::from_datetime(&dt))
}

/// Parses an IANA zone name such as `Asia/Jakarta`.
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JAKARTA: Tz = chrono_tz::Asia::Jakarta;

    #[test]
    fn formats_with_the_zone_offset() {
        let t = parse_datetime("2026-11-28T01:15:30Z", JAKARTA).unwrap();
        assert_eq!(t.to_rfc3339_in(JAKARTA), "2026-11-28T08:15:30+07:00");
    }

    #[test]
    fn accepts_the_forms_clients_send() {
        let want = parse_datetime("2026-11-28T08:15:30+07:00", JAKARTA).unwrap();
        for s in [
            "2026-11-28T08:15:30 07:00",
            "2026-11-28T08:15:30+0700",
            "2026-11-28T01:15:30Z",
            "2026-11-28T01:15:30.000Z",
            "2026-11-28T08:15:30",
            " 2026-11-28T08:15:30+07:00 ",
            "2026-11-28T08:15:30 07:00 ",
        ] {
            assert_eq!(parse_datetime(s, JAKARTA), Ok(want), "{s}");
        }
        assert_eq!(parse_datetime("2026-11-28", JAKARTA).unwrap().to_rfc3339_in(JAKARTA), "2026-11-28T00:00:00+07:00");
    }

    #[test]
    fn refuses_nonsense() {
        for s in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30T00:00:00Z",
            "2026-11-28T25:00:00Z",
            "12345",
            "-262000-01-01T00:00:00+00:00",
            "+262000-01-01T00:00:00+00:00",
            "1066-10-14T09:00:00Z",
        ] {
            assert!(parse_datetime(s, JAKARTA).is_err(), "{s}");
        }
    }

    #[test]
    fn timestamps_are_microseconds_since_the_epoch() {
        let t = Timestamp::from_micros(1_000_000);
        assert_eq!(t.as_micros(), 1_000_000);
        assert_eq!(t.to_string(), "1970-01-01T00:00:01.000000Z");
        assert_eq!(t.plus_seconds(2).as_micros(), 3_000_000);
        assert_eq!(t.plus_seconds(-1).as_micros(), 0);
        assert_eq!(t.plus_micros(5).as_micros(), 1_000_005);
        assert_eq!(t.plus_micros(-5).as_micros(), 999_995);
        assert_eq!(t.plus_days(1).as_micros(), 86_401_000_000);
        assert_eq!(t.plus_days(-1).as_micros(), -86_399_000_000);
        // Far-off arithmetic saturates instead of wrapping around.
        assert_eq!(Timestamp::from_micros(i64::MAX - 1).plus_seconds(1).as_micros(), i64::MAX);
        assert_eq!(Timestamp::from_micros(i64::MIN + 1).plus_micros(-5).as_micros(), i64::MIN);
        assert_eq!(t.plus_days(i64::MAX).as_micros(), i64::MAX);
        let dt = DateTime::parse_from_rfc3339("2026-11-28T08:15:30.25+07:00").unwrap();
        let t = Timestamp::from_datetime(&dt);
        assert_eq!(t.to_utc(), dt);
        assert_eq!(t.to_string(), "2026-11-28T01:15:30.250000Z");
        assert_eq!(serde_json::to_string(&t).unwrap(), t.as_micros().to_string());
    }

    #[test]
    fn formats_every_kind_of_offset() {
        let t = parse_datetime("2026-01-15T12:00:00Z", JAKARTA).unwrap();
        for (tz, text) in [
            (chrono_tz::UTC, "2026-01-15T12:00:00+00:00"),
            (chrono_tz::America::New_York, "2026-01-15T07:00:00-05:00"),
            (chrono_tz::America::St_Johns, "2026-01-15T08:30:00-03:30"),
            (chrono_tz::Asia::Kolkata, "2026-01-15T17:30:00+05:30"),
            (chrono_tz::Asia::Kathmandu, "2026-01-15T17:45:00+05:45"),
            (chrono_tz::Asia::Jayapura, "2026-01-15T21:00:00+09:00"),
        ] {
            assert_eq!(t.to_rfc3339_in(tz), text, "{tz}");
        }
    }

    #[test]
    fn clocks() {
        let start = Timestamp::from_micros(1_780_000_000_000_000);
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance_seconds(90);
        assert_eq!(clock.now(), start.plus_seconds(90));
        clock.set(start);
        assert_eq!(clock.now(), start);
        // The machine's clock is somewhere after this code was written (2026).
        assert!(SystemClock.now() > parse_datetime("2026-01-01T00:00:00Z", JAKARTA).unwrap());
        assert!(SystemClock.now() < parse_datetime("2200-01-01T00:00:00Z", JAKARTA).unwrap());
    }

    #[test]
    fn more_forms_clients_send() {
        let want = parse_datetime("2026-11-28T08:15:00+07:00", JAKARTA).unwrap();
        for s in ["2026-11-28T08:15", "2026-11-28T08:15+07:00", "2026-11-28T08:15:00.000"] {
            assert_eq!(parse_datetime(s, JAKARTA), Ok(want), "{s}");
        }
        assert_eq!(
            parse_datetime("2026-11-28T08:15:30.5", JAKARTA).unwrap().as_micros(),
            want.plus_seconds(30).plus_micros(500_000).as_micros()
        );
        // A date and a time separated by a space.
        assert_eq!(parse_datetime("2026-11-28 08:15:00+07:00", JAKARTA), Ok(want));
        assert_eq!(
            parse_datetime("yesterday 07:00", JAKARTA),
            Err(DateTimeError("yesterday 07:00".into())),
            "the error names what was sent"
        );
    }

    #[test]
    fn local_times_in_a_zone_with_dst() {
        let ams = chrono_tz::Europe::Amsterdam;
        // 02:30 does not exist on 29 March 2026 (clocks jump from 02:00 to 03:00).
        assert!(parse_datetime("2026-03-29T02:30:00", ams).is_err());
        // 02:30 happens twice on 25 October 2026: the first one (summer time) is meant.
        let fold = parse_datetime("2026-10-25T02:30:00", ams).unwrap();
        assert_eq!(fold, parse_datetime("2026-10-25T02:30:00+02:00", ams).unwrap());
        assert_eq!(parse_datetime("2026-07-01", ams).unwrap().to_rfc3339_in(ams), "2026-07-01T00:00:00+02:00");
    }

    #[test]
    fn years_from_1900_to_9999() {
        assert!(parse_datetime("1900-01-01T00:00:00Z", JAKARTA).is_ok());
        assert!(parse_datetime("1899-12-31T23:59:59Z", JAKARTA).is_err());
        assert!(parse_datetime("9999-12-31T23:59:59Z", JAKARTA).is_ok());
        // Local midnight of 1 Jan 1900 in Jakarta is still 1899 in UTC.
        assert!(parse_datetime("1900-01-01", JAKARTA).is_err());
        assert!(parse_datetime("1900-01-02", JAKARTA).is_ok());
    }

    #[test]
    fn time_zones_by_iana_name() {
        assert_eq!(parse_time_zone("Asia/Jakarta"), Some(JAKARTA));
        assert_eq!(parse_time_zone("Asia/Makassar"), Some(chrono_tz::Asia::Makassar));
        assert_eq!(parse_time_zone("Mars/Olympus_Mons"), None);
        assert_eq!(parse_time_zone(""), None);
    }

    proptest! {
        #[test]
        fn formatted_instants_parse_back(secs in 0i64..4_102_444_800, zone in 0usize..3) {
            let tz = [JAKARTA, chrono_tz::Europe::Amsterdam, chrono_tz::America::New_York][zone];
            let t = Timestamp::from_micros(secs * MICROS_PER_SEC);
            let text = t.to_rfc3339_in(tz);
            prop_assert_eq!(parse_datetime(&text, tz), Ok(t));
            prop_assert_eq!(parse_datetime(&text.replace('+', " "), tz), Ok(t));
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,40}") {
            let _ = parse_datetime(&s, JAKARTA);
        }
    }
}
