//! Numbers and rows with a range, checked once where they arrive: a reporter's rating, a deadline in
//! working days, and a holiday.

use std::fmt;

use chrono::NaiveDate;

/// A reporter's rating of a resolution: 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Rating(u8);

/// A rating outside 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("rating must be from 1 to 5")]
pub struct RatingError;

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(n: u8) -> Result<Rating, RatingError> {
        if (Self::MIN..=Self::MAX).contains(&n) { Ok(Rating(n)) } else { Err(RatingError) }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Rating {
    type Error = RatingError;

    fn try_from(n: u8) -> Result<Rating, RatingError> {
        Rating::new(n)
    }
}

impl TryFrom<i64> for Rating {
    type Error = RatingError;

    fn try_from(n: i64) -> Result<Rating, RatingError> {
        u8::try_from(n).map_err(|_| RatingError).and_then(Rating::new)
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

impl From<Rating> for i64 {
    fn from(r: Rating) -> i64 {
        r.0.into()
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A deadline in working days: 1 to 365.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "i64", into = "u32")]
pub struct DeadlineDays(u32);

/// A number of working days outside 1 to 365; it keeps the number given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be from 1 to 365 working days, got {0}")]
pub struct DeadlineDaysError(pub i64);

impl DeadlineDays {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 365;

    pub fn new(days: u32) -> Result<DeadlineDays, DeadlineDaysError> {
        if (Self::MIN..=Self::MAX).contains(&days) {
            Ok(DeadlineDays(days))
        } else {
            Err(DeadlineDaysError(days.into()))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for DeadlineDays {
    type Error = DeadlineDaysError;

    fn try_from(days: u32) -> Result<DeadlineDays, DeadlineDaysError> {
        DeadlineDays::new(days)
    }
}

impl TryFrom<i64> for DeadlineDays {
    type Error = DeadlineDaysError;

    fn try_from(days: i64) -> Result<DeadlineDays, DeadlineDaysError> {
        u32::try_from(days).map_err(|_| DeadlineDaysError(days)).and_then(DeadlineDays::new)
    }
}

impl From<DeadlineDays> for u32 {
    fn from(d: DeadlineDays) -> u32 {
        d.0
    }
}

impl fmt::Display for DeadlineDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What kind of non-working day a holiday is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A national public holiday.
    LiburNasional,
    /// A collective leave day for civil servants, set nationally each year.
    CutiBersama,
    /// A holiday of the region only.
    LiburDaerah,
}

impl HolidayKind {
    pub const ALL: [HolidayKind; 3] = [HolidayKind::LiburNasional, HolidayKind::CutiBersama, HolidayKind::LiburDaerah];

    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::LiburNasional => "libur_nasional",
            HolidayKind::CutiBersama => "cuti_bersama",
            HolidayKind::LiburDaerah => "libur_daerah",
        }
    }

    /// The kind named exactly (surrounding blanks aside).
    pub fn parse(s: &str) -> Option<HolidayKind> {
        HolidayKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

impl fmt::Display for HolidayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A holiday row that cannot be stored; each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HolidayError {
    #[error("date {0:?} is not a YYYY-MM-DD date")]
    Date(String),
    #[error("kind must be libur_nasional, cuti_bersama or libur_daerah, got {0:?}")]
    Kind(String),
    #[error("name must not be empty")]
    NameEmpty,
    #[error("name must be at most {} characters", Holiday::MAX_NAME_CHARS)]
    NameTooLong,
    #[error("name must be one line without control characters")]
    NameControl,
}

impl HolidayError {
    /// The field at fault: `date`, `kind` or `name`.
    pub fn field(&self) -> &'static str {
        match self {
            HolidayError::Date(_) => "date",
            HolidayError::Kind(_) => "kind",
            HolidayError::NameEmpty | HolidayError::NameTooLong | HolidayError::NameControl => "name",
        }
    }
}

/// A jurisdiction's non-working day: its date, kind and name (1 to [`Holiday::MAX_NAME_CHARS`]
/// characters on one line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    date: NaiveDate,
    kind: HolidayKind,
    name: String,
}

impl Holiday {
    pub const MAX_NAME_CHARS: usize = 200;

    /// Parses one row as typed; blanks around each field are dropped.
    pub fn parse(date: &str, kind: &str, name: &str) -> Result<Holiday, HolidayError> {
        let date = Holiday::parse_date(date)?;
        let kind = HolidayKind::parse(kind).ok_or_else(|| HolidayError::Kind(kind.trim().to_owned()))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(HolidayError::NameEmpty);
        }
        if name.chars().count() > Self::MAX_NAME_CHARS {
            return Err(HolidayError::NameTooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(HolidayError::NameControl);
        }
        Ok(Holiday { date, kind, name: name.to_owned() })
    }

    /// A date written exactly `YYYY-MM-DD` (a four-digit year, two-digit month and day), as holidays
    /// are stored and removed by.
    pub fn parse_date(s: &str) -> Result<NaiveDate, HolidayError> {
        let t = s.trim();
        let bad = || HolidayError::Date(t.to_owned());
        let shape = t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !shape {
            return Err(bad());
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad())
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The date as stored: `YYYY-MM-DD`.
    pub fn day(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }

    pub fn kind(&self) -> HolidayKind {
        self.kind
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_run_from_1_to_5() {
        for (n, ok) in [(0, false), (1, true), (2, true), (5, true), (6, false), (255, false)] {
            assert_eq!(Rating::new(n).map(Rating::get), if ok { Ok(n) } else { Err(RatingError) }, "{n}");
            assert_eq!(Rating::try_from(n).is_ok(), ok, "{n} as u8");
            assert_eq!(Rating::try_from(i64::from(n)).is_ok(), ok, "{n} as i64");
        }
        for n in [-1, 256, 261, i64::MIN, i64::MAX] {
            assert_eq!(Rating::try_from(n), Err(RatingError), "{n}");
        }
        assert_eq!(RatingError.to_string(), "rating must be from 1 to 5");
        let four = Rating::new(4).unwrap();
        assert_eq!((u8::from(four), i64::from(four), four.to_string()), (4, 4, "4".to_owned()));
    }

    #[test]
    fn ratings_from_json_follow_the_same_rules() {
        assert_eq!(serde_json::from_str::<Rating>("5").unwrap(), Rating::new(5).unwrap());
        assert_eq!(serde_json::to_string(&Rating::new(3).unwrap()).unwrap(), "3");
        for bad in ["0", "6", "-1", "300", "\"5\"", "4.5"] {
            assert!(serde_json::from_str::<Rating>(bad).is_err(), "{bad}");
        }
        let err = serde_json::from_str::<Rating>("6").unwrap_err().to_string();
        assert!(err.contains("rating must be from 1 to 5"), "{err}");
    }

    #[test]
    fn deadlines_run_from_1_to_365_working_days() {
        for (n, ok) in [(0, false), (1, true), (2, true), (364, true), (365, true), (366, false), (u32::MAX, false)] {
            let want = if ok { Ok(n) } else { Err(DeadlineDaysError(n.into())) };
            assert_eq!(DeadlineDays::new(n).map(DeadlineDays::get), want, "{n}");
            assert_eq!(DeadlineDays::try_from(n).is_ok(), ok, "{n} as u32");
            assert_eq!(DeadlineDays::try_from(i64::from(n)).is_ok(), ok, "{n} as i64");
        }
        for n in [-1, i64::MIN, i64::MAX] {
            assert_eq!(DeadlineDays::try_from(n), Err(DeadlineDaysError(n)), "{n}");
        }
        assert_eq!(DeadlineDaysError(0).to_string(), "must be from 1 to 365 working days, got 0");
        assert_eq!(DeadlineDaysError(-3).to_string(), "must be from 1 to 365 working days, got -3");
        let d = DeadlineDays::new(10).unwrap();
        assert_eq!((u32::from(d), d.to_string()), (10, "10".to_owned()));
        assert_eq!(serde_json::from_str::<DeadlineDays>("365").unwrap().get(), 365);
        assert_eq!(serde_json::to_string(&d).unwrap(), "10");
        for bad in ["0", "366", "-1", "\"5\""] {
            assert!(serde_json::from_str::<DeadlineDays>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn holiday_kinds_round_trip() {
        let names = ["libur_nasional", "cuti_bersama", "libur_daerah"];
        for (kind, name) in HolidayKind::ALL.into_iter().zip(names) {
            assert_eq!((kind.as_str(), kind.to_string()), (name, name.to_owned()));
            assert_eq!(HolidayKind::parse(name), Some(kind));
            assert_eq!(HolidayKind::parse(&format!(" {name} ")), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), name);
        }
        for bad in ["", "Libur_Nasional", "libur nasional", "nasional", "cuti-bersama"] {
            assert_eq!(HolidayKind::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_holiday_row() {
        let h = Holiday::parse(" 2027-01-01 ", " libur_nasional ", "  Tahun Baru 2027 Masehi ").unwrap();
        assert_eq!(h.date(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(h.day(), "2027-01-01");
        assert_eq!(h.kind(), HolidayKind::LiburNasional);
        assert_eq!(h.name(), "Tahun Baru 2027 Masehi");
        let h = Holiday::parse("2024-02-29", "libur_daerah", "Hari Jadi Kota, ke-31").unwrap();
        assert_eq!(
            (h.day(), h.kind(), h.name()),
            ("2024-02-29".to_owned(), HolidayKind::LiburDaerah, "Hari Jadi Kota, ke-31")
        );
        // Characters, not bytes.
        assert!(Holiday::parse("2027-01-01", "cuti_bersama", &"é".repeat(Holiday::MAX_NAME_CHARS)).is_ok());
    }

    /// Every way a row is refused, with the field it names.
    #[test]
    fn bad_holiday_rows() {
        let ok_name = "Hari Raya";
        let too_long = "a".repeat(Holiday::MAX_NAME_CHARS + 1);
        let cases: Vec<(&str, &str, &str, HolidayError)> = vec![
            ("", "libur_nasional", ok_name, HolidayError::Date("".into())),
            ("2027-13-01", "libur_nasional", ok_name, HolidayError::Date("2027-13-01".into())),
            ("2027-02-29", "libur_nasional", ok_name, HolidayError::Date("2027-02-29".into())),
            ("2027-04-31", "libur_nasional", ok_name, HolidayError::Date("2027-04-31".into())),
            ("2027-1-1", "libur_nasional", ok_name, HolidayError::Date("2027-1-1".into())),
            ("27-01-01", "libur_nasional", ok_name, HolidayError::Date("27-01-01".into())),
            ("+2027-01-01", "libur_nasional", ok_name, HolidayError::Date("+2027-01-01".into())),
            ("01-01-2027", "libur_nasional", ok_name, HolidayError::Date("01-01-2027".into())),
            ("2027/01/01", "libur_nasional", ok_name, HolidayError::Date("2027/01/01".into())),
            ("2027-01-01T00:00", "libur_nasional", ok_name, HolidayError::Date("2027-01-01T00:00".into())),
            ("besok", "libur_nasional", ok_name, HolidayError::Date("besok".into())),
            ("2027-01-01", "", ok_name, HolidayError::Kind("".into())),
            ("2027-01-01", "libur", ok_name, HolidayError::Kind("libur".into())),
            ("2027-01-01", "LIBUR_NASIONAL", ok_name, HolidayError::Kind("LIBUR_NASIONAL".into())),
            ("2027-01-01", "cuti_bersama,x", ok_name, HolidayError::Kind("cuti_bersama,x".into())),
            ("2027-01-01", "libur_nasional", "", HolidayError::NameEmpty),
            ("2027-01-01", "libur_nasional", " \t\n ", HolidayError::NameEmpty),
            ("2027-01-01", "libur_nasional", &too_long, HolidayError::NameTooLong),
            ("2027-01-01", "libur_nasional", "Hari\nRaya", HolidayError::NameControl),
            ("2027-01-01", "libur_nasional", "Hari\rRaya", HolidayError::NameControl),
            ("2027-01-01", "libur_nasional", "Hari\tRaya", HolidayError::NameControl),
            ("2027-01-01", "libur_nasional", "Hari\u{0}Raya", HolidayError::NameControl),
            // The first field at fault is named.
            ("kemarin", "libur", "", HolidayError::Date("kemarin".into())),
            ("2027-01-01", "libur", "", HolidayError::Kind("libur".into())),
        ];
        for (date, kind, name, err) in cases {
            let field = match err {
                HolidayError::Date(_) => "date",
                HolidayError::Kind(_) => "kind",
                _ => "name",
            };
            let got = Holiday::parse(date, kind, name).unwrap_err();
            assert_eq!(got, err, "{date:?} {kind:?} {name:?}");
            assert_eq!(got.field(), field);
            assert!(got.to_string().starts_with(field), "{got}");
        }
    }

    #[test]
    fn holiday_errors_say_what_is_wrong() {
        assert_eq!(HolidayError::Date("besok".into()).to_string(), r#"date "besok" is not a YYYY-MM-DD date"#);
        assert_eq!(
            HolidayError::Kind("libur".into()).to_string(),
            r#"kind must be libur_nasional, cuti_bersama or libur_daerah, got "libur""#
        );
        assert_eq!(HolidayError::NameEmpty.to_string(), "name must not be empty");
        assert_eq!(HolidayError::NameTooLong.to_string(), "name must be at most 200 characters");
        assert_eq!(HolidayError::NameControl.to_string(), "name must be one line without control characters");
    }

    #[test]
    fn dates_to_remove_are_parsed_the_same_way() {
        assert_eq!(Holiday::parse_date(" 2027-12-25 "), Ok(NaiveDate::from_ymd_opt(2027, 12, 25).unwrap()));
        // "2027-12-5" is a date chrono would read; its short day is refused by the shape, as a key must be exact.
        for bad in ["2027-12-32", "2027-1-01", "2027-12-5", "20271225", ""] {
            assert_eq!(Holiday::parse_date(bad), Err(HolidayError::Date(bad.into())), "{bad:?}");
        }
    }
}
