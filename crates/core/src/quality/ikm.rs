//! The community satisfaction survey (SKM) and its index (IKM), as the ministerial regulation on SKM
//! (PermenPAN-RB 14/2017) defines them: nine elements answered on a 1–4 scale, a weighted mean
//! rescaled to 25–100, four grades, and the Krejcie–Morgan minimum sample.

use std::fmt;

/// The nine elements (unsur) of the survey, in the regulation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    Requirements,
    Procedure,
    Time,
    Cost,
    Product,
    Competence,
    Conduct,
    Facilities,
    Complaints,
}

impl Element {
    pub const ALL: [Element; 9] = [
        Element::Requirements,
        Element::Procedure,
        Element::Time,
        Element::Cost,
        Element::Product,
        Element::Competence,
        Element::Conduct,
        Element::Facilities,
        Element::Complaints,
    ];

    /// `u1` … `u9`, the names of the answers in forms, the API and the export.
    pub fn key(self) -> &'static str {
        ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"][self.index()]
    }

    pub fn index(self) -> usize {
        Element::ALL.iter().position(|&e| e == self).expect("every element is in ALL")
    }

    /// The element's name as the regulation writes it.
    pub fn name_id(self) -> &'static str {
        match self {
            Element::Requirements => "Persyaratan",
            Element::Procedure => "Sistem, mekanisme dan prosedur",
            Element::Time => "Waktu penyelesaian",
            Element::Cost => "Biaya/tarif",
            Element::Product => "Produk spesifikasi jenis pelayanan",
            Element::Competence => "Kompetensi pelaksana",
            Element::Conduct => "Perilaku pelaksana",
            Element::Facilities => "Sarana dan prasarana",
            Element::Complaints => "Penanganan pengaduan, saran dan masukan",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Element::Requirements => "Requirements",
            Element::Procedure => "Systems, mechanisms and procedures",
            Element::Time => "Completion time",
            Element::Cost => "Cost or fee",
            Element::Product => "What the service delivers",
            Element::Competence => "Staff competence",
            Element::Conduct => "Staff conduct",
            Element::Facilities => "Facilities",
            Element::Complaints => "Handling of complaints and suggestions",
        }
    }

    /// The question, in plain Indonesian.
    pub fn question_id(self) -> &'static str {
        match self {
            Element::Requirements => "Apakah persyaratan pelayanan sesuai dengan jenis pelayanannya?",
            Element::Procedure => "Apakah prosedur pelayanan mudah diikuti?",
            Element::Time => "Apakah waktu penyelesaian sesuai dengan yang dijanjikan?",
            Element::Cost => "Apakah biaya yang Anda bayar wajar (atau memang gratis)?",
            Element::Product => "Apakah hasil pelayanan sesuai dengan yang dijanjikan?",
            Element::Competence => "Apakah petugas mampu dan paham tugasnya?",
            Element::Conduct => "Apakah petugas sopan dan ramah?",
            Element::Facilities => "Bagaimana kualitas sarana dan prasarana pelayanan?",
            Element::Complaints => "Bagaimana penanganan pengaduan, saran dan masukan Anda?",
        }
    }

    pub fn question_en(self) -> &'static str {
        match self {
            Element::Requirements => "Did the requirements suit the service?",
            Element::Procedure => "Was the procedure easy to follow?",
            Element::Time => "Was the service completed in the time promised?",
            Element::Cost => "Was the fee you paid fair (or was it free, as promised)?",
            Element::Product => "Did you get what the service promises?",
            Element::Competence => "Did the staff know their work?",
            Element::Conduct => "Were the staff polite and friendly?",
            Element::Facilities => "How good were the facilities?",
            Element::Complaints => "How well were your complaints and suggestions handled?",
        }
    }
}

/// One answer on the 1–4 scale (1 tidak baik … 4 sangat baik).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Score(u8);

impl Score {
    pub fn new(v: i64) -> Option<Score> {
        (1..=4).contains(&v).then_some(Score(v as u8))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The answer's words, for the form: the same four for every element, as common SKM forms do.
    pub fn label(self, english: bool) -> &'static str {
        match (self.0, english) {
            (1, false) => "Tidak baik",
            (2, false) => "Kurang baik",
            (3, false) => "Baik",
            (_, false) => "Sangat baik",
            (1, true) => "Poor",
            (2, true) => "Fair",
            (3, true) => "Good",
            (_, true) => "Very good",
        }
    }
}

/// All nine answers of one respondent.
pub type Answers = [Score; 9];

/// The elements' weights: non-negative and summing to 1 (default: each 1/9).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Weights([f64; 9]);

/// Weights that are not a distribution.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("a weight must be a number from 0 to 1")]
    OutOfRange,
    #[error("the weights must sum to 1 (they sum to {0})")]
    Sum(f64),
}

impl Default for Weights {
    fn default() -> Self {
        Weights([1.0 / 9.0; 9])
    }
}

impl Weights {
    /// Accepts nine weights that sum to 1 within 0.005: the most that nine weights each rounded to
    /// three decimals (such as 0.111) can be off by.
    pub fn new(w: [f64; 9]) -> Result<Weights, WeightsError> {
        if w.iter().any(|x| !x.is_finite() || !(0.0..=1.0).contains(x)) {
            return Err(WeightsError::OutOfRange);
        }
        let sum: f64 = w.iter().sum();
        if (sum - 1.0).abs() > 0.005 {
            return Err(WeightsError::Sum(round(sum, 4)));
        }
        Ok(Weights(w))
    }

    pub fn get(&self) -> [f64; 9] {
        self.0
    }
}

/// The four grades of service quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    /// The grade of an IKM, compared at two decimals as the regulation's bands are written: A from
    /// 88.31, B from 76.61, C from 65.00, D below.
    pub fn of(ikm: f64) -> Grade {
        let hundredths = (ikm * 100.0).round() as i64;
        match hundredths {
            8831.. => Grade::A,
            7661.. => Grade::B,
            6500.. => Grade::C,
            _ => Grade::D,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// The quality the grade stands for.
    pub fn meaning(self, english: bool) -> &'static str {
        match (self, english) {
            (Grade::A, false) => "sangat baik",
            (Grade::B, false) => "baik",
            (Grade::C, false) => "kurang baik",
            (Grade::D, false) => "tidak baik",
            (Grade::A, true) => "very good",
            (Grade::B, true) => "good",
            (Grade::C, true) => "poor",
            (Grade::D, true) => "very poor",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sums of each element's answers over `respondents` complete responses: what a database
/// aggregate returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub sums: [u64; 9],
    pub respondents: u64,
}

impl Tally {
    pub fn add(&mut self, answers: &Answers) {
        for (s, a) in self.sums.iter_mut().zip(answers) {
            *s += u64::from(a.get());
        }
        self.respondents += 1;
    }
}

/// A unit's index.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Index {
    /// NRR per element: the mean of its answers, 1–4.
    pub nrr: [f64; 9],
    /// 25 × Σ wᵢ·NRRᵢ, 25–100, rounded to two decimals.
    pub ikm: f64,
    pub grade: Grade,
    pub respondents: u64,
}

/// The index of a tally, or `None` without respondents.
pub fn index(t: &Tally, w: &Weights) -> Option<Index> {
    if t.respondents == 0 {
        return None;
    }
    let n = t.respondents as f64;
    let nrr = t.sums.map(|s| s as f64 / n);
    let ikm = round(25.0 * nrr.iter().zip(w.0).map(|(r, w)| r * w).sum::<f64>(), 2);
    Some(Index { nrr, ikm, grade: Grade::of(ikm), respondents: t.respondents })
}

/// The Krejcie–Morgan minimum sample for a population of `n` (χ² = 3.841, P = 0.5, d = 0.05),
/// rounded up: s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)).
/// Rounding up gives one more than the printed table in places (500 → 217.47 → 218): the formula,
/// not the table, is the rule.
pub fn minimum_sample(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let (chi2, p, d) = (3.841_f64, 0.5_f64, 0.05_f64);
    let n = n as f64;
    let s = chi2 * n * p * (1.0 - p) / (d * d * (n - 1.0) + chi2 * p * (1.0 - p));
    // The formula is exact for whole results; floating error must not push 278.0 to 279.
    (s - 1e-9).ceil() as u64
}

/// The optional questions about the respondent, as common SKM forms ask them: each a fixed list of
/// `(key, Indonesian, English)` answers. Stored by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileField {
    AgeBand,
    Sex,
    Education,
    Occupation,
}

impl ProfileField {
    pub const ALL: [ProfileField; 4] =
        [ProfileField::AgeBand, ProfileField::Sex, ProfileField::Education, ProfileField::Occupation];

    /// The form field's name, and the column's.
    pub fn key(self) -> &'static str {
        match self {
            ProfileField::AgeBand => "age_band",
            ProfileField::Sex => "sex",
            ProfileField::Education => "education",
            ProfileField::Occupation => "occupation",
        }
    }

    pub fn label(self, english: bool) -> &'static str {
        match (self, english) {
            (ProfileField::AgeBand, false) => "Usia",
            (ProfileField::Sex, false) => "Jenis kelamin",
            (ProfileField::Education, false) => "Pendidikan terakhir",
            (ProfileField::Occupation, false) => "Pekerjaan",
            (ProfileField::AgeBand, true) => "Age",
            (ProfileField::Sex, true) => "Sex",
            (ProfileField::Education, true) => "Education",
            (ProfileField::Occupation, true) => "Occupation",
        }
    }

    pub fn choices(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            ProfileField::AgeBand => &[
                ("lt20", "Di bawah 20 tahun", "Under 20"),
                ("20-29", "20–29 tahun", "20–29"),
                ("30-39", "30–39 tahun", "30–39"),
                ("40-49", "40–49 tahun", "40–49"),
                ("50-59", "50–59 tahun", "50–59"),
                ("60plus", "60 tahun ke atas", "60 or over"),
            ],
            ProfileField::Sex => &[("l", "Laki-laki", "Male"), ("p", "Perempuan", "Female")],
            ProfileField::Education => &[
                ("sd", "SD atau di bawahnya", "Primary school or less"),
                ("smp", "SMP", "Junior high school"),
                ("sma", "SMA/SMK", "Senior high school"),
                ("diploma", "D1–D3", "Diploma"),
                ("s1", "D4/S1", "Bachelor"),
                ("pasca", "S2/S3", "Master or doctorate"),
            ],
            ProfileField::Occupation => &[
                ("pns", "PNS/ASN", "Civil servant"),
                ("tni-polri", "TNI/Polri", "Armed forces or police"),
                ("swasta", "Pegawai swasta", "Private employee"),
                ("wirausaha", "Wirausaha", "Self-employed"),
                ("pelajar", "Pelajar/mahasiswa", "Student"),
                ("lainnya", "Lainnya", "Other"),
            ],
        }
    }

    /// The stored key of an answer, if it is one of the choices (an empty answer is no answer).
    pub fn parse(self, v: &str) -> Result<Option<&'static str>, String> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        self.choices().iter().find(|(k, _, _)| *k == v).map(|(k, _, _)| Some(*k)).ok_or_else(|| {
            format!(
                "{} must be one of {}",
                self.key(),
                self.choices().iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
            )
        })
    }
}

fn round(x: f64, places: i32) -> f64 {
    super::kpi::round(x, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(v: [i64; 9]) -> Answers {
        v.map(|x| Score::new(x).unwrap())
    }

    #[test]
    fn scores_are_one_to_four() {
        assert_eq!(Score::new(0), None);
        assert_eq!(Score::new(5), None);
        assert_eq!(Score::new(4).map(Score::get), Some(4));
    }

    #[test]
    fn grade_bands_at_their_exact_boundaries() {
        for (ikm, grade) in [
            (100.0, Grade::A),
            (88.31, Grade::A),
            (88.30, Grade::B),
            (88.305, Grade::A), // rounds to 88.31
            (76.61, Grade::B),
            (76.60, Grade::C),
            (65.00, Grade::C),
            (64.99, Grade::D),
            (25.0, Grade::D),
        ] {
            assert_eq!(Grade::of(ikm), grade, "{ikm}");
        }
    }

    #[test]
    fn index_of_a_hand_worked_example() {
        // Three respondents. Element sums: u1 3+4+4 = 11 → NRR 3.6667; every other element 3+3+3 = 9 → 3.
        // Equal weights: 25 × (3.6667 + 8 × 3) / 9 = 25 × 27.6667 / 9 = 76.85 → B.
        let mut t = Tally::default();
        t.add(&answers([3, 3, 3, 3, 3, 3, 3, 3, 3]));
        t.add(&answers([4, 3, 3, 3, 3, 3, 3, 3, 3]));
        t.add(&answers([4, 3, 3, 3, 3, 3, 3, 3, 3]));
        let i = index(&t, &Weights::default()).unwrap();
        assert!((i.nrr[0] - 11.0 / 3.0).abs() < 1e-12);
        assert_eq!(i.nrr[1], 3.0);
        assert_eq!(i.ikm, 76.85);
        assert_eq!(i.grade, Grade::B);
        assert_eq!(i.respondents, 3);
        // All fours: 100, A; all ones: 25, D.
        let mut best = Tally::default();
        best.add(&answers([4; 9]));
        assert_eq!(index(&best, &Weights::default()).unwrap().ikm, 100.0);
        let mut worst = Tally::default();
        worst.add(&answers([1; 9]));
        assert_eq!(index(&worst, &Weights::default()).map(|i| (i.ikm, i.grade)), Some((25.0, Grade::D)));
        assert_eq!(index(&Tally::default(), &Weights::default()), None);
    }

    #[test]
    fn weights_change_the_index_and_must_sum_to_one() {
        // All weight on u1: IKM = 25 × NRR₁.
        let mut w = [0.0; 9];
        w[0] = 1.0;
        let w = Weights::new(w).unwrap();
        let mut t = Tally::default();
        t.add(&answers([2, 4, 4, 4, 4, 4, 4, 4, 4]));
        assert_eq!(index(&t, &w).unwrap().ikm, 50.0);
        assert_eq!(Weights::new([0.111; 9]).map(|_| ()), Ok(()), "0.999 is 1 after rounding");
        assert_eq!(Weights::new([0.1; 9]), Err(WeightsError::Sum(0.9)));
        let mut neg = [0.125; 9];
        neg[8] = -0.0001;
        assert_eq!(Weights::new(neg), Err(WeightsError::OutOfRange));
        assert_eq!(Weights::new([f64::NAN; 9]), Err(WeightsError::OutOfRange));
    }

    #[test]
    fn krejcie_morgan_matches_its_table() {
        for (n, s) in [(0, 0), (1, 1), (10, 10), (100, 80), (500, 218), (1_000, 278), (10_000, 370), (1_000_000, 384)] {
            assert_eq!(minimum_sample(n), s, "N = {n}");
        }
    }

    #[test]
    fn profile_answers_are_one_of_the_choices_or_none() {
        assert_eq!(ProfileField::Sex.parse("p"), Ok(Some("p")));
        assert_eq!(ProfileField::Sex.parse(" "), Ok(None));
        assert!(ProfileField::AgeBand.parse("99").unwrap_err().contains("lt20"));
        assert!(ProfileField::ALL.iter().all(|f| f.choices().len() >= 2));
    }

    #[test]
    fn elements_have_keys_and_both_languages() {
        assert_eq!(Element::ALL.map(Element::key).join(","), "u1,u2,u3,u4,u5,u6,u7,u8,u9");
        assert_eq!(Element::Complaints.index(), 8);
        assert!(Element::ALL.iter().all(|e| !e.question_id().is_empty() && !e.question_en().is_empty()));
    }
}
