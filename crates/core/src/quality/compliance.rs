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

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Input => "input",
            Dimension::Process => "process",
            Dimension::Output => "output",
            Dimension::ComplaintHandling => "complaint_handling",
        }
    }

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
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Green => "green",
            Zone::Yellow => "yellow",
            Zone::Red => "red",
        }
    }

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

/// An indicator the system can score from live data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Live {
    /// The share of resolved reports resolved within their deadline.
    WithinDeadline,
    /// The share of follow-up plans made within their deadline.
    PlansOnTime,
    /// Survey respondents this year, as a share of the minimum sample.
    SurveyThisYear,
    /// A named complaint handler is published (1) or not (0).
    HandlerPublished,
}

impl Live {
    /// The score a live value earns: shares from 90 % score 3, from 75 % 2, from 50 % 1; a survey
    /// that reached its minimum sample 3, one with any respondents 2; a published handler 3.
    pub fn score(self, value: f64) -> IndicatorScore {
        let s = match self {
            Live::WithinDeadline | Live::PlansOnTime => match value {
                v if v >= 0.9 => 3,
                v if v >= 0.75 => 2,
                v if v >= 0.5 => 1,
                _ => 0,
            },
            Live::SurveyThisYear => match value {
                v if v >= 1.0 => 3,
                v if v > 0.0 => 2,
                _ => 0,
            },
            Live::HandlerPublished => {
                if value > 0.0 {
                    3
                } else {
                    0
                }
            }
        };
        IndicatorScore(s)
    }
}

/// One indicator of the default set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Indicator {
    pub code: &'static str,
    pub dimension: Dimension,
    pub text_id: &'static str,
    pub text_en: &'static str,
    pub live: Option<Live>,
}

const fn ind(
    code: &'static str,
    dimension: Dimension,
    text_id: &'static str,
    text_en: &'static str,
    live: Option<Live>,
) -> Indicator {
    Indicator { code, dimension, text_id, text_en, live }
}

/// The default indicator set, four per dimension, after the Ombudsman's compliance assessment of
/// public service standards.
pub const INDICATORS: [Indicator; 16] = [
    ind(
        "in1",
        Dimension::Input,
        "Standar pelayanan ditetapkan dan dipublikasikan untuk setiap jenis layanan",
        "Service standards are set and published for every service",
        None,
    ),
    ind(
        "in2",
        Dimension::Input,
        "Maklumat pelayanan ditetapkan dan dipublikasikan",
        "The service pledge (maklumat) is set and published",
        None,
    ),
    ind(
        "in3",
        Dimension::Input,
        "Sarana dan prasarana pelayanan tersedia, termasuk bagi penyandang disabilitas",
        "Service facilities are available, including for people with disabilities",
        None,
    ),
    ind(
        "in4",
        Dimension::Input,
        "Pelaksana memiliki kompetensi dan pelatihan pelayanan",
        "Staff are competent and trained in service",
        None,
    ),
    ind(
        "pr1",
        Dimension::Process,
        "Persyaratan dan prosedur dijalankan sesuai standar pelayanan",
        "Requirements and procedures follow the service standards",
        None,
    ),
    ind(
        "pr2",
        Dimension::Process,
        "Jangka waktu pelayanan diumumkan dan dipatuhi",
        "Service times are announced and kept",
        None,
    ),
    ind(
        "pr3",
        Dimension::Process,
        "Biaya/tarif diumumkan; tidak ada pungutan di luar ketentuan",
        "Fees are announced; nothing beyond them is charged",
        None,
    ),
    ind(
        "pr4",
        Dimension::Process,
        "Pelayanan khusus bagi kelompok rentan tersedia",
        "Special service for vulnerable groups is available",
        None,
    ),
    ind(
        "ou1",
        Dimension::Output,
        "Produk pelayanan sesuai dengan standar pelayanan",
        "What the service delivers matches its standards",
        None,
    ),
    ind(
        "ou2",
        Dimension::Output,
        "Informasi pelayanan publik tersedia secara elektronik dan di tempat",
        "Service information is available online and on site",
        None,
    ),
    ind(
        "ou3",
        Dimension::Output,
        "Evaluasi kinerja pelaksana dilakukan secara berkala",
        "Staff performance is evaluated regularly",
        None,
    ),
    ind(
        "ou4",
        Dimension::Output,
        "Pengawasan internal pelayanan berjalan",
        "Internal supervision of the service is in place",
        None,
    ),
    ind(
        "ch1",
        Dimension::ComplaintHandling,
        "Pengaduan diselesaikan dalam batas waktu",
        "Complaints are resolved within their deadline",
        Some(Live::WithinDeadline),
    ),
    ind(
        "ch2",
        Dimension::ComplaintHandling,
        "Rencana tindak lanjut disampaikan tepat waktu",
        "Follow-up plans are made on time",
        Some(Live::PlansOnTime),
    ),
    ind(
        "ch3",
        Dimension::ComplaintHandling,
        "Survei kepuasan masyarakat (IKM) dilaksanakan tahun ini",
        "A community satisfaction survey (IKM) was run this year",
        Some(Live::SurveyThisYear),
    ),
    ind(
        "ch4",
        Dimension::ComplaintHandling,
        "Pengelola pengaduan ditetapkan dan dipublikasikan",
        "A complaint handler is named and published",
        Some(Live::HandlerPublished),
    ),
];

/// A complete assessment: every indicator's score, each dimension's score, the total and its zone.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessment {
    pub dimensions: Vec<(Dimension, f64)>,
    pub score: f64,
    pub zone: Zone,
}

/// Assesses a scored indicator set: every indicator of [`INDICATORS`] must have a score.
pub fn assess(scores: &[(&str, IndicatorScore)]) -> Result<Assessment, String> {
    let mut dimensions = Vec::new();
    for d in Dimension::ALL {
        let mut of_d = Vec::new();
        for i in INDICATORS.iter().filter(|i| i.dimension == d) {
            let s = scores
                .iter()
                .find(|(c, _)| *c == i.code)
                .ok_or_else(|| format!("indicator {} has no score", i.code))?;
            of_d.push(s.1);
        }
        dimensions.push((d, super::kpi::round(dimension_score(&of_d).expect("every dimension has indicators"), 2)));
    }
    let (score, zone) = total(&dimensions).expect("every dimension is scored");
    Ok(Assessment { dimensions, score, zone })
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
    fn live_values_score_by_their_bands() {
        assert_eq!(Live::WithinDeadline.score(0.9).get(), 3);
        assert_eq!(Live::WithinDeadline.score(0.8999).get(), 2);
        assert_eq!(Live::PlansOnTime.score(0.75).get(), 2);
        assert_eq!(Live::PlansOnTime.score(0.5).get(), 1);
        assert_eq!(Live::PlansOnTime.score(0.49).get(), 0);
        assert_eq!(Live::SurveyThisYear.score(1.0).get(), 3);
        assert_eq!(Live::SurveyThisYear.score(0.01).get(), 2);
        assert_eq!(Live::SurveyThisYear.score(0.0).get(), 0);
        assert_eq!(Live::HandlerPublished.score(1.0).get(), 3);
        assert_eq!(Live::HandlerPublished.score(0.0).get(), 0);
    }

    #[test]
    fn an_assessment_needs_every_indicator() {
        let all: Vec<(&str, IndicatorScore)> = INDICATORS.iter().map(|i| (i.code, IndicatorScore(3))).collect();
        let a = assess(&all).unwrap();
        assert_eq!((a.score, a.zone), (100.0, Zone::Green));
        assert!(assess(&all[1..]).unwrap_err().contains("in1"));
        // Input all 0, the rest all 3: 100 − 21.85 = 78.15, yellow.
        let mixed: Vec<(&str, IndicatorScore)> = INDICATORS
            .iter()
            .map(|i| (i.code, IndicatorScore(if i.dimension == Dimension::Input { 0 } else { 3 })))
            .collect();
        assert_eq!(assess(&mixed).map(|a| (a.score, a.zone)), Ok((78.15, Zone::Yellow)));
        assert!(Dimension::ALL.iter().all(|d| INDICATORS.iter().filter(|i| i.dimension == *d).count() == 4));
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
