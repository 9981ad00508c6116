//! Services (complaint categories) and the Open311 attributes a report of one must answer.

use std::collections::BTreeMap;

use chrono_tz::Tz;

/// What a citizen is doing when they write to the government.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Pengaduan,
    Aspirasi,
    Saran,
    PermintaanInformasi,
}

/// The SP4N-LAPOR! resolution tiers, each with its working-day budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTier {
    Ringan,
    Normatif,
    TanpaPemeriksaan,
    PemeriksaanLapangan,
}

/// Open311 attribute datatypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

macro_rules! str_enum {
    ($ty:ident { $($var:ident => $s:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$var),+];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$var => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($ty::$var),)+ _ => None }
            }
        }
    };
}

str_enum!(ServiceKind { Pengaduan => "pengaduan", Aspirasi => "aspirasi", Saran => "saran", PermintaanInformasi => "permintaan_informasi" });
str_enum!(SlaTier { Ringan => "ringan", Normatif => "normatif", TanpaPemeriksaan => "tanpa_pemeriksaan", PemeriksaanLapangan => "pemeriksaan_lapangan" });
str_enum!(Datatype { String => "string", Number => "number", Datetime => "datetime", Text => "text", Singlevaluelist => "singlevaluelist", Multivaluelist => "multivaluelist" });

impl SlaTier {
    /// National default resolution budget in working days.
    pub fn default_working_days(self) -> u32 {
        match self {
            SlaTier::Ringan => 2,
            SlaTier::Normatif => 5,
            SlaTier::TanpaPemeriksaan => 14,
            SlaTier::PemeriksaanLapangan => 60,
        }
    }
}

/// One Open311 attribute of a service.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AttributeDef {
    pub code: String,
    /// `false` for informational attributes that take no input.
    pub variable: bool,
    pub datatype: Datatype,
    pub required: bool,
    pub datatype_description: String,
    pub order: i64,
    pub description: String,
    /// `(key, name)` pairs for the list datatypes.
    pub values: Vec<(String, String)>,
}

/// A client's answer to the attributes, checked against their definitions.
pub type AttributeValues = BTreeMap<String, Vec<String>>;

/// Why a report's attribute answers were refused; the message names the attribute.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AttributeError {
    #[error("attribute[{0}] is required")]
    Missing(String),
    #[error("attribute[{code}] must be a number, got {value:?}")]
    NotANumber { code: String, value: String },
    #[error("attribute[{code}] must be an ISO 8601 date-time, got {value:?}")]
    NotADatetime { code: String, value: String },
    #[error("attribute[{code}] has no value {value:?}; allowed: {allowed}")]
    NotInList { code: String, value: String, allowed: String },
    #[error("attribute[{0}] takes one value")]
    TooManyValues(String),
    #[error("attribute[{code}] is longer than {max} characters")]
    TooLong { code: String, max: usize },
}

const MAX_ATTRIBUTE_CHARS: usize = 4_000;

/// Checks `given` (raw `attribute[code]` values) against `defs`: unknown codes are dropped, empty
/// values count as absent, required ones must be present, list values must be keys of the list.
/// Returns the cleaned values.
pub fn check_attributes(
    defs: &[AttributeDef],
    given: &BTreeMap<String, Vec<String>>,
    tz: Tz,
) -> Result<AttributeValues, AttributeError> {
    let mut out = AttributeValues::new();
    for def in defs.iter().filter(|d| d.variable) {
        let values: Vec<&str> = given
            .get(&def.code)
            .map(|v| v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        if values.is_empty() {
            if def.required {
                return Err(AttributeError::Missing(def.code.clone()));
            }
            continue;
        }
        if def.datatype != Datatype::Multivaluelist && values.len() > 1 {
            return Err(AttributeError::TooManyValues(def.code.clone()));
        }
        for v in &values {
            if v.chars().count() > MAX_ATTRIBUTE_CHARS {
                return Err(AttributeError::TooLong { code: def.code.clone(), max: MAX_ATTRIBUTE_CHARS });
            }
            match def.datatype {
                Datatype::Number if v.parse::<f64>().map(|n| !n.is_finite()).unwrap_or(true) => {
                    return Err(AttributeError::NotANumber { code: def.code.clone(), value: (*v).to_owned() });
                }
                Datatype::Datetime if crate::time::parse_datetime(v, tz).is_err() => {
                    return Err(AttributeError::NotADatetime { code: def.code.clone(), value: (*v).to_owned() });
                }
                Datatype::Singlevaluelist | Datatype::Multivaluelist if !def.values.iter().any(|(k, _)| k == v) => {
                    let allowed = def.values.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ");
                    return Err(AttributeError::NotInList { code: def.code.clone(), value: (*v).to_owned(), allowed });
                }
                _ => {}
            }
        }
        out.insert(def.code.clone(), values.into_iter().map(str::to_owned).collect());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(code: &str, datatype: Datatype, required: bool) -> AttributeDef {
        AttributeDef {
            code: code.into(),
            variable: true,
            datatype,
            required,
            datatype_description: String::new(),
            order: 1,
            description: code.into(),
            values: vec![("ringan".into(), "Ringan".into()), ("berat".into(), "Berat".into())],
        }
    }

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m = BTreeMap::<String, Vec<String>>::new();
        for (k, v) in pairs {
            m.entry((*k).into()).or_default().push((*v).into());
        }
        m
    }

    #[test]
    fn enforces_required_lists_and_numbers() {
        let tz = chrono_tz::Asia::Jakarta;
        let defs = [def("tingkat", Datatype::Singlevaluelist, true), def("cm", Datatype::Number, false)];
        assert_eq!(check_attributes(&defs, &given(&[]), tz), Err(AttributeError::Missing("tingkat".into())));
        assert_eq!(
            check_attributes(&defs, &given(&[("tingkat", " ")]), tz),
            Err(AttributeError::Missing("tingkat".into()))
        );
        assert!(matches!(
            check_attributes(&defs, &given(&[("tingkat", "parah")]), tz),
            Err(AttributeError::NotInList { .. })
        ));
        assert!(matches!(
            check_attributes(&defs, &given(&[("tingkat", "berat"), ("cm", "tinggi")]), tz),
            Err(AttributeError::NotANumber { .. })
        ));
        let ok = check_attributes(&defs, &given(&[("tingkat", "berat"), ("cm", "30"), ("x", "y")]), tz).unwrap();
        assert_eq!(ok.len(), 2, "unknown attributes are dropped");
    }

    #[test]
    fn multivaluelist_takes_several_known_keys() {
        let tz = chrono_tz::Asia::Jakarta;
        let defs = [def("m", Datatype::Multivaluelist, false), def("s", Datatype::String, false)];
        let ok = check_attributes(&defs, &given(&[("m", "ringan"), ("m", "berat")]), tz).unwrap();
        assert_eq!(ok["m"], vec!["ringan", "berat"]);
        assert_eq!(
            check_attributes(&defs, &given(&[("s", "a"), ("s", "b")]), tz),
            Err(AttributeError::TooManyValues("s".into()))
        );
    }

    #[test]
    fn names_round_trip() {
        for (k, name) in ServiceKind::ALL.iter().zip(["pengaduan", "aspirasi", "saran", "permintaan_informasi"]) {
            assert_eq!((k.as_str(), ServiceKind::parse(name)), (name, Some(*k)));
            assert_eq!(serde_json::to_value(k).unwrap(), name);
        }
        let tiers = ["ringan", "normatif", "tanpa_pemeriksaan", "pemeriksaan_lapangan"];
        for (t, name) in SlaTier::ALL.iter().zip(tiers) {
            assert_eq!((t.as_str(), SlaTier::parse(name)), (name, Some(*t)));
            assert_eq!(serde_json::to_value(t).unwrap(), name);
        }
        let types = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"];
        for (d, name) in Datatype::ALL.iter().zip(types) {
            assert_eq!((d.as_str(), Datatype::parse(name)), (name, Some(*d)));
            assert_eq!(serde_json::to_value(d).unwrap(), name);
        }
        assert_eq!((ServiceKind::ALL.len(), SlaTier::ALL.len(), Datatype::ALL.len()), (4, 4, 6));
        assert_eq!(ServiceKind::parse("Pengaduan"), None);
        assert_eq!(SlaTier::parse(""), None);
        assert_eq!(Datatype::parse("integer"), None);
    }

    #[test]
    fn national_resolution_budgets() {
        for (tier, days) in [
            (SlaTier::Ringan, 2),
            (SlaTier::Normatif, 5),
            (SlaTier::TanpaPemeriksaan, 14),
            (SlaTier::PemeriksaanLapangan, 60),
        ] {
            assert_eq!(tier.default_working_days(), days, "{tier:?}");
        }
    }

    #[test]
    fn values_are_trimmed_and_blank_ones_are_absent() {
        let tz = chrono_tz::Asia::Jakarta;
        let defs = [def("s", Datatype::String, false), def("t", Datatype::Text, false)];
        let ok = check_attributes(&defs, &given(&[("s", "  lubang  "), ("t", " ")]), tz).unwrap();
        assert_eq!(ok.get("s"), Some(&vec!["lubang".to_owned()]));
        assert_eq!(ok.get("t"), None, "a blank optional answer is left out");
        // Blank values do not count towards "one value".
        let ok = check_attributes(&defs, &given(&[("s", "a"), ("s", "  ")]), tz).unwrap();
        assert_eq!(ok["s"], vec!["a"]);
        assert_eq!(check_attributes(&defs, &given(&[]), tz), Ok(AttributeValues::new()));
    }

    #[test]
    fn informational_attributes_take_no_answer() {
        let tz = chrono_tz::Asia::Jakarta;
        let info = AttributeDef { variable: false, ..def("catatan", Datatype::String, true) };
        assert_eq!(check_attributes(std::slice::from_ref(&info), &given(&[]), tz), Ok(AttributeValues::new()));
        assert_eq!(check_attributes(&[info], &given(&[("catatan", "x")]), tz), Ok(AttributeValues::new()));
    }

    #[test]
    fn numbers_and_datetimes() {
        let tz = chrono_tz::Asia::Jakarta;
        let defs = [def("cm", Datatype::Number, false), def("kapan", Datatype::Datetime, false)];
        for n in ["30", "-2.5", "1e3", " 7 "] {
            assert!(check_attributes(&defs, &given(&[("cm", n)]), tz).is_ok(), "{n}");
        }
        for n in ["tinggi", "NaN", "inf", "1,5"] {
            assert_eq!(
                check_attributes(&defs, &given(&[("cm", n)]), tz),
                Err(AttributeError::NotANumber { code: "cm".into(), value: n.into() }),
                "{n}"
            );
        }
        for d in ["2026-11-28", "2026-11-28T08:15:30+07:00"] {
            assert!(check_attributes(&defs, &given(&[("kapan", d)]), tz).is_ok(), "{d}");
        }
        assert_eq!(
            check_attributes(&defs, &given(&[("kapan", "kemarin")]), tz),
            Err(AttributeError::NotADatetime { code: "kapan".into(), value: "kemarin".into() })
        );
    }

    #[test]
    fn list_answers_must_be_keys_of_the_list() {
        let tz = chrono_tz::Asia::Jakarta;
        let defs = [def("m", Datatype::Multivaluelist, true)];
        assert_eq!(
            check_attributes(&defs, &given(&[("m", "ringan"), ("m", "Berat")]), tz),
            Err(AttributeError::NotInList { code: "m".into(), value: "Berat".into(), allowed: "ringan, berat".into() })
        );
        assert_eq!(
            AttributeError::NotInList { code: "m".into(), value: "x".into(), allowed: "ringan, berat".into() }
                .to_string(),
            "attribute[m] has no value \"x\"; allowed: ringan, berat"
        );
        // String answers are free text, whatever the list says.
        let defs = [def("s", Datatype::String, true)];
        assert!(check_attributes(&defs, &given(&[("s", "parah")]), tz).is_ok());
    }

    #[test]
    fn answers_hold_at_most_4000_characters() {
        let tz = chrono_tz::Asia::Jakarta;
        let defs = [def("t", Datatype::Text, false)];
        let ok = check_attributes(&defs, &given(&[("t", &"é".repeat(4_000))]), tz).unwrap();
        assert_eq!(ok["t"][0].chars().count(), 4_000);
        assert_eq!(
            check_attributes(&defs, &given(&[("t", &"é".repeat(4_001))]), tz),
            Err(AttributeError::TooLong { code: "t".into(), max: 4_000 })
        );
        assert_eq!(AttributeError::Missing("t".into()).to_string(), "attribute[t] is required");
        assert_eq!(AttributeError::TooManyValues("t".into()).to_string(), "attribute[t] takes one value");
    }
}
