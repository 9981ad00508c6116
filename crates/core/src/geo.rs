//! Locations on the earth (WGS 84).

use std::fmt;

/// A WGS 84 point whose latitude is in [-90, 90] and longitude in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

/// Why a coordinate pair was refused; the message names the field a client must fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordinatesError {
    #[error("lat is not a number: {0:?}")]
    LatNotANumber(String),
    #[error("long is not a number: {0:?}")]
    LongNotANumber(String),
    #[error("lat must be between -90 and 90, got {0}")]
    LatOutOfRange(f64),
    #[error("long must be between -180 and 180, got {0}")]
    LongOutOfRange(f64),
}

impl Coordinates {
    /// Accepts finite numbers in range.
    pub fn new(lat: f64, lon: f64) -> Result<Self, CoordinatesError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinatesError::LatOutOfRange(lat));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinatesError::LongOutOfRange(lon));
        }
        Ok(Self { lat, lon })
    }

    /// Parses the decimal strings a client sends as `lat` and `long`.
    pub fn parse(lat: &str, lon: &str) -> Result<Self, CoordinatesError> {
        let lat_v = parse_decimal(lat).ok_or_else(|| CoordinatesError::LatNotANumber(lat.to_owned()))?;
        let lon_v = parse_decimal(lon).ok_or_else(|| CoordinatesError::LongNotANumber(lon.to_owned()))?;
        Self::new(lat_v, lon_v)
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

/// Plain decimal notation only: `inf`, `infinity` and `NaN`, which `f64::from_str` would take, are
/// refused by their first letter; everything else it takes is decimal (and finite, checked after).
fn parse_decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !body.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl fmt::Display for Coordinates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.lat, self.lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_out_of_range_and_garbage() {
        assert_eq!(Coordinates::parse("91", "0"), Err(CoordinatesError::LatOutOfRange(91.0)));
        assert_eq!(Coordinates::parse("0", "-180.5"), Err(CoordinatesError::LongOutOfRange(-180.5)));
        assert!(matches!(Coordinates::parse("NaN", "0"), Err(CoordinatesError::LatNotANumber(_))));
        assert!(matches!(Coordinates::parse("1", "inf"), Err(CoordinatesError::LongNotANumber(_))));
        assert!(matches!(Coordinates::parse("", "1"), Err(CoordinatesError::LatNotANumber(_))));
        assert!(Coordinates::parse(" -6.17 ", "106.63").is_ok());
    }

    #[test]
    fn the_edges_of_the_map_are_on_it() {
        for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (-6.17, 106.63)] {
            let c = Coordinates::new(lat, lon).unwrap();
            assert_eq!((c.lat(), c.lon()), (lat, lon));
        }
        assert_eq!(Coordinates::new(90.000001, 0.0), Err(CoordinatesError::LatOutOfRange(90.000001)));
        assert_eq!(Coordinates::new(-90.000001, 0.0), Err(CoordinatesError::LatOutOfRange(-90.000001)));
        assert_eq!(Coordinates::new(0.0, 180.000001), Err(CoordinatesError::LongOutOfRange(180.000001)));
        assert_eq!(Coordinates::new(0.0, -180.000001), Err(CoordinatesError::LongOutOfRange(-180.000001)));
        assert!(matches!(Coordinates::new(f64::NAN, 0.0), Err(CoordinatesError::LatOutOfRange(_))));
        assert!(matches!(Coordinates::new(0.0, f64::INFINITY), Err(CoordinatesError::LongOutOfRange(_))));
        // The latitude is checked first.
        assert_eq!(Coordinates::new(100.0, 200.0), Err(CoordinatesError::LatOutOfRange(100.0)));
        assert_eq!(Coordinates::new(-6.17, 106.63).unwrap().to_string(), "-6.17,106.63");
    }

    #[test]
    fn plain_decimal_numbers_only() {
        for (text, value) in [
            ("-6.17", -6.17),
            ("+6.17", 6.17),
            (".5", 0.5),
            ("-.5", -0.5),
            ("1e1", 10.0),
            ("1E1", 10.0),
            ("1e-1", 0.1),
            ("1e+1", 10.0),
            (" 7 ", 7.0),
        ] {
            assert_eq!(Coordinates::parse(text, "0").map(|c| c.lat()), Ok(value), "{text}");
            assert_eq!(Coordinates::parse("0", text).map(|c| c.lon()), Ok(value), "{text}");
        }
        for text in ["", "-", "+", "e5", "-e5", "0x10", "1,5", "infinity", "-inf", "1e999", "6.1.2", "1 2", "٣"] {
            assert_eq!(Coordinates::parse(text, "0"), Err(CoordinatesError::LatNotANumber(text.into())), "{text}");
            assert_eq!(Coordinates::parse("0", text), Err(CoordinatesError::LongNotANumber(text.into())), "{text}");
        }
    }

    #[test]
    fn errors_name_the_field_to_fix() {
        assert_eq!(CoordinatesError::LatNotANumber("x".into()).to_string(), "lat is not a number: \"x\"");
        assert_eq!(CoordinatesError::LongNotANumber("x".into()).to_string(), "long is not a number: \"x\"");
        assert_eq!(CoordinatesError::LatOutOfRange(91.0).to_string(), "lat must be between -90 and 90, got 91");
        assert_eq!(CoordinatesError::LongOutOfRange(181.0).to_string(), "long must be between -180 and 180, got 181");
    }

    proptest! {
        #[test]
        fn every_in_range_pair_round_trips(lat in -90.0f64..=90.0, lon in -180.0f64..=180.0) {
            let c = Coordinates::parse(&lat.to_string(), &lon.to_string()).unwrap();
            prop_assert_eq!(c.lat(), lat);
            prop_assert_eq!(c.lon(), lon);
        }

        #[test]
        fn out_of_range_is_refused(lat in 90.0000001f64..1e6, lon in -1e6f64..-180.0000001) {
            prop_assert!(Coordinates::parse(&lat.to_string(), "0").is_err());
            prop_assert!(Coordinates::parse("0", &lon.to_string()).is_err());
        }

        #[test]
        fn arbitrary_text_never_panics(a in ".{0,20}", b in ".{0,20}") {
            let _ = Coordinates::parse(&a, &b);
        }
    }
}
