//! The performance indicators of complaint handling, computed from counts and from distributions of
//! working days, so that the same numbers come out of a database aggregate and of a spreadsheet
//! recomputation from the open-data export.

use std::collections::BTreeMap;

/// How many reports took each whole number of working days (a distribution).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Histogram(BTreeMap<i64, u64>);

impl Histogram {
    /// Adds `count` observations of `days`.
    pub fn add(&mut self, days: i64, count: u64) {
        if count > 0 {
            *self.0.entry(days).or_default() += count;
        }
    }

    /// Adds every observation of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (&d, &c) in &other.0 {
            self.add(d, c);
        }
    }

    pub fn count(&self) -> u64 {
        self.0.values().sum()
    }

    /// Each value with its count, smallest first.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.0.iter().map(|(&d, &c)| (d, c))
    }

    /// The `p`-th percentile (0 ≤ p ≤ 1) with linear interpolation between closest ranks: the
    /// definition of PostgreSQL's `percentile_cont` and of spreadsheets' `PERCENTILE.INC` and
    /// `MEDIAN`, so that a figure can be checked against the export in any spreadsheet. `None` when
    /// there are no observations.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let h = p.clamp(0.0, 1.0) * (n - 1) as f64;
        let lo = h.floor() as u64;
        let frac = h - lo as f64;
        let at_lo = self.nth(lo);
        if frac == 0.0 {
            return Some(at_lo as f64);
        }
        let at_hi = self.nth(lo + 1);
        Some(at_lo as f64 + frac * (at_hi - at_lo) as f64)
    }

    /// The value at 0-based rank `k` of the sorted observations (`k` < count).
    fn nth(&self, k: u64) -> i64 {
        let mut seen = 0;
        for (&d, &c) in &self.0 {
            seen += c;
            if k < seen {
                return d;
            }
        }
        *self.0.keys().next_back().expect("nth is called with k below the count")
    }

    /// The median (50th percentile).
    pub fn median(&self) -> Option<f64> {
        self.percentile(0.5)
    }

    /// The 90th percentile.
    pub fn p90(&self) -> Option<f64> {
        self.percentile(0.9)
    }
}

/// `part / whole`, or `None` when nothing was counted (a rate of nothing is not 0 %).
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Rounds to `places` decimals for display and for the API, so page, API and export agree digit for
/// digit.
pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// The buckets of the resolution-time chart, in working days: each is `(from, to)` inclusive, the
/// last open-ended.
pub const DURATION_BUCKETS: [(i64, Option<i64>); 7] =
    [(0, Some(0)), (1, Some(1)), (2, Some(2)), (3, Some(5)), (6, Some(10)), (11, Some(20)), (21, None)];

impl Histogram {
    /// Counts per [`DURATION_BUCKETS`] bucket.
    pub fn bucketed(&self) -> [u64; DURATION_BUCKETS.len()] {
        let mut out = [0; DURATION_BUCKETS.len()];
        for (d, c) in self.iter() {
            let i = DURATION_BUCKETS.iter().position(|&(from, to)| d >= from && to.is_none_or(|t| d <= t));
            // Negative days cannot happen (an event precedes nothing); count them with the first bucket.
            out[i.unwrap_or(0)] += c;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(values: &[i64]) -> Histogram {
        let mut h = Histogram::default();
        for &v in values {
            h.add(v, 1);
        }
        h
    }

    #[test]
    fn percentiles_match_a_spreadsheet() {
        // MEDIAN(1,2,3,4) = 2.5; PERCENTILE.INC({1,2,3,4}, 0.9) = 3.7.
        let h = hist(&[4, 1, 3, 2]);
        assert_eq!(h.median(), Some(2.5));
        assert!((h.p90().unwrap() - 3.7).abs() < 1e-9);
        // Odd count: the middle value; repeated values count each time.
        assert_eq!(hist(&[5, 0, 0, 7, 0]).median(), Some(0.0));
        assert!((hist(&[5, 0, 0, 7, 0]).p90().unwrap() - 6.2).abs() < 1e-9);
        assert_eq!(hist(&[9]).p90(), Some(9.0));
        assert_eq!(Histogram::default().median(), None);
        let mut merged = hist(&[1, 2]);
        merged.merge(&hist(&[3, 4]));
        assert_eq!(merged, h);
    }

    #[test]
    fn rates_of_nothing_are_unknown_not_zero() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(1, 4), Some(0.25));
        assert_eq!(round(2.0 / 3.0, 3), 0.667);
    }

    #[test]
    fn buckets_cover_every_duration_once() {
        let h = hist(&[0, 1, 2, 3, 5, 6, 10, 11, 20, 21, 400]);
        assert_eq!(h.bucketed(), [1, 1, 1, 2, 2, 2, 2]);
        assert_eq!(h.bucketed().iter().sum::<u64>(), h.count());
    }
}
