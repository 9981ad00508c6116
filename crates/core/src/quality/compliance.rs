//! The Ombudsman's compliance assessment of public service standards: indicators scored 0–3 in four
//! dimensions, each dimension's mean rescaled to 0–100, a weighted total and a zone.

/// The four dimensions, with the weights of the Ombudsman's 2022–2023 method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Input,
    Process,
    Output,
    ComplaintHandling,
}

impl Dimension {
    pub const ALL: [Dimension; 4] =
        [Dimension::Input, Dimension::Process, Dimension::Output, Dimension::ComplaintHandling];

    pub fn weight(self) -> f64 {
        match self {
            Dimension::Input => 0.2185,
            Dimension::Process => 0.3237,
            Dimension::Output => 0.2424,
            Dimension::ComplaintHandling => 0.2154,
        }
    }
}

/// One indicator's score, 0 (absent) to 3 (fully met).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct IndicatorScore(u8);

impl IndicatorScore {
    pub fn new(v: i64) -> Option<IndicatorScore> {
        (0..=3).contains(&v).then_some(IndicatorScore(v as u8))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A dimension's score: the mean of its indicators rescaled from 0–3 to 0–100; `None` without
/// indicators.
pub fn dimension_score(scores: &[IndicatorScore]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().map(|s| f64::from(s.0)).sum::<f64>() / scores.len() as f64;
    Some(mean / 3.0 * 100.0)
}

/// The zone a total score falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    Green,
    Yellow,
    Red,
}

impl Zone {
    /// Green from 81, yellow from 51, red below, compared at two decimals.
    pub fn of(score: f64) -> Zone {
        let hundredths = (score * 100.0).round() as i64;
        match hundredths {
            8100.. => Zone::Green,
            5100.. => Zone::Yellow,
            _ => Zone::Red,
        }
    }

    pub fn name(self, english: bool) -> &'static str {
        match (self, english) {
            (Zone::Green, false) => "hijau",
            (Zone::Yellow, false) => "kuning",
            (Zone::Red, false) => "merah",
            (Zone::Green, true) => "green",
            (Zone::Yellow, true) => "yellow",
            (Zone::Red, true) => "red",
        }
    }
}

/// The total: Σ weight × dimension score, rounded to two decimals, with its zone; `None` unless every
/// dimension has a score.
pub fn total(dimensions: &[(Dimension, f64)]) -> Option<(f64, Zone)> {
    let mut sum = 0.0;
    for d in Dimension::ALL {
        let (_, s) = dimensions.iter().find(|(x, _)| *x == d)?;
        sum += d.weight() * s;
    }
    let score = super::kpi::round(sum, 2);
    Some((score, Zone::of(score)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[i64]) -> Vec<IndicatorScore> {
        v.iter().map(|&x| IndicatorScore::new(x).unwrap()).collect()
    }

    #[test]
    fn weights_sum_to_one() {
        let sum: f64 = Dimension::ALL.iter().map(|d| d.weight()).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_hand_worked_assessment() {
        // Input 3,3,2 → 8/9 × 100 = 88.89; process 3,2 → 83.33; output 1,2 → 50; complaints 3,3 → 100.
        // 0.2185 × 88.889 + 0.3237 × 83.333 + 0.2424 × 50 + 0.2154 × 100
        // = 19.422 + 26.975 + 12.12 + 21.54 = 80.06 → yellow.
        let dims = [
            (Dimension::Input, dimension_score(&s(&[3, 3, 2])).unwrap()),
            (Dimension::Process, dimension_score(&s(&[3, 2])).unwrap()),
            (Dimension::Output, dimension_score(&s(&[1, 2])).unwrap()),
            (Dimension::ComplaintHandling, dimension_score(&s(&[3, 3])).unwrap()),
        ];
        assert_eq!(total(&dims), Some((80.06, Zone::Yellow)));
        assert_eq!(total(&dims[..3]), None, "a dimension without a score gives no total");
        assert_eq!(dimension_score(&[]), None);
        assert_eq!(IndicatorScore::new(4), None);
        assert_eq!(IndicatorScore::new(-1), None);
    }

    #[test]
    fn zones_at_their_boundaries() {
        for (score, zone) in [
            (100.0, Zone::Green),
            (81.0, Zone::Green),
            (80.99, Zone::Yellow),
            (51.0, Zone::Yellow),
            (50.99, Zone::Red),
            (0.0, Zone::Red),
        ] {
            assert_eq!(Zone::of(score), zone, "{score}");
        }
    }
}
