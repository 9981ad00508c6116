//! Service standards: the fourteen components the public service law (UU 25/2009) requires of every
//! service, published under the decree that set them. A new decree is a new version.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// The fourteen components: `(key, Indonesian name, English name)`, in the law's order.
pub const COMPONENTS: [(&str, &str, &str); 14] = [
    ("dasar_hukum", "Dasar hukum", "Legal basis"),
    ("persyaratan", "Persyaratan", "Requirements"),
    ("prosedur", "Sistem, mekanisme dan prosedur", "Systems, mechanisms and procedures"),
    ("jangka_waktu", "Jangka waktu penyelesaian", "Completion time"),
    ("biaya", "Biaya/tarif", "Cost or fee"),
    ("produk", "Produk pelayanan", "What the service delivers"),
    ("sarana", "Sarana, prasarana dan fasilitas", "Facilities"),
    ("kompetensi", "Kompetensi pelaksana", "Staff competence"),
    ("pengawasan", "Pengawasan internal", "Internal supervision"),
    ("pengaduan", "Penanganan pengaduan, saran dan masukan", "Handling of complaints, suggestions and feedback"),
    ("jumlah_pelaksana", "Jumlah pelaksana", "Number of staff"),
    ("jaminan_pelayanan", "Jaminan pelayanan", "Service guarantee"),
    ("jaminan_keamanan", "Jaminan keamanan dan keselamatan pelayanan", "Security and safety guarantee"),
    ("evaluasi", "Evaluasi kinerja pelaksana", "Evaluation of staff performance"),
];

/// The longest text of one component.
pub const MAX_COMPONENT: usize = 5_000;

/// A complete set of standards under one decree: every component written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standard {
    pub decree_number: String,
    pub decree_date: NaiveDate,
    /// Every component of [`COMPONENTS`], by key.
    pub components: BTreeMap<String, String>,
}

impl Standard {
    /// Checks a submitted standard; every problem by field name.
    pub fn parse(
        decree_number: &str,
        decree_date: &str,
        components: &BTreeMap<String, String>,
    ) -> Result<Standard, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let number = decree_number.trim();
        if number.is_empty() || number.chars().count() > 200 {
            errors.insert(
                "decree_number".to_owned(),
                "the decree's number is required (at most 200 characters)".to_owned(),
            );
        }
        let date = NaiveDate::parse_from_str(decree_date.trim(), "%Y-%m-%d");
        if date.is_err() {
            errors.insert("decree_date".to_owned(), "the decree's date is required, written YYYY-MM-DD".to_owned());
        }
        let mut out = BTreeMap::new();
        for (key, name, _) in COMPONENTS {
            let text = components.get(key).map(|s| s.trim()).unwrap_or("");
            if text.is_empty() {
                errors.insert(key.to_owned(), format!("{name} is required"));
            } else if text.chars().count() > MAX_COMPONENT {
                errors.insert(key.to_owned(), format!("{name} is longer than {MAX_COMPONENT} characters"));
            } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
                errors.insert(key.to_owned(), format!("{name} contains control characters"));
            } else {
                out.insert(key.to_owned(), text.to_owned());
            }
        }
        if let Some(k) = components.keys().find(|k| !COMPONENTS.iter().any(|(c, _, _)| c == k)) {
            errors.insert(k.clone(), format!("{k:?} is not a component of a service standard"));
        }
        match date {
            Ok(d) if errors.is_empty() => {
                Ok(Standard { decree_number: number.to_owned(), decree_date: d, components: out })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> BTreeMap<String, String> {
        COMPONENTS.iter().map(|(k, _, _)| (k.to_string(), format!("Isi {k}"))).collect()
    }

    #[test]
    fn every_component_is_required_and_nothing_else_is_taken() {
        let s = Standard::parse("Perwal No. 12 Tahun 2026", "2026-03-01", &full()).unwrap();
        assert_eq!(s.components.len(), 14);
        let mut missing = full();
        missing.remove("biaya");
        missing.insert("persyaratan".into(), "   ".into());
        let e = Standard::parse("", "01-03-2026", &missing).unwrap_err();
        assert_eq!(
            e.keys().map(String::as_str).collect::<Vec<_>>(),
            ["biaya", "decree_date", "decree_number", "persyaratan"]
        );
        let mut extra = full();
        extra.insert("lain".into(), "x".into());
        assert!(Standard::parse("No. 1", "2026-03-01", &extra).unwrap_err().contains_key("lain"));
        let mut long = full();
        long.insert("produk".into(), "x".repeat(MAX_COMPONENT + 1));
        assert!(Standard::parse("No. 1", "2026-03-01", &long).unwrap_err().contains_key("produk"));
        let mut ok_at_limit = full();
        ok_at_limit.insert("produk".into(), "x".repeat(MAX_COMPONENT));
        assert!(Standard::parse("No. 1", "2026-03-01", &ok_at_limit).is_ok());
    }
}
