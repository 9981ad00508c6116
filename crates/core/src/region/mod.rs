//! Region packs: a jurisdiction's whole catalog in one folder, so that a new region starts from files
//! instead of code. `region.toml` holds the jurisdiction, its agencies and its services with their
//! Open311 attributes; `districts.geojson` the district outlines; `holidays.csv` its non-working days.
//!
//! Reading a pack checks everything before anything is written, and every problem names its file,
//! its place in it (a line, a service, a feature) and the field. Writing a pack gives the same text
//! for the same catalog, so packs can be kept under version control and compared.

pub mod districts;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::limits::Holiday;
use crate::service::{AttributeDef, Datatype, ServiceKind, SlaTier};
use crate::workflow::Deadlines;
pub use districts::{DistrictDef, Rings, overlaps, read_districts, write_districts};

/// The pack format this version reads and writes.
pub const FORMAT: u32 = 1;
/// The file names in a pack's folder.
pub const REGION_FILE: &str = "region.toml";
pub const DISTRICTS_FILE: &str = "districts.geojson";
pub const HOLIDAYS_FILE: &str = "holidays.csv";

/// One thing wrong with a pack: which file, where in it, which field, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: &'static str,
    /// A line, a service (`services[3] jalan-rusak`), a feature (`feature 4`), or empty.
    pub place: String,
    /// The field, or empty.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.place.is_empty() {
            write!(f, ": {}", self.place)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

fn problem(file: &'static str, place: impl Into<String>, field: &str, message: impl Into<String>) -> Problem {
    Problem { file, place: place.into(), field: field.to_owned(), message: message.into() }
}

/// `region.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFile {
    pub format: u32,
    pub jurisdiction: JurisdictionDef,
    #[serde(default, rename = "agency")]
    pub agencies: Vec<AgencyDef>,
    #[serde(default, rename = "service")]
    pub services: Vec<ServiceDef>,
}

/// The jurisdiction (kota / kabupaten) itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionDef {
    /// Its domain, e.g. `tangerangkota.go.id`: the Open311 `jurisdiction_id`.
    pub id: String,
    pub name: String,
    /// An IANA zone: `Asia/Jakarta`, `Asia/Makassar` or `Asia/Jayapura`.
    pub time_zone: String,
    #[serde(default)]
    pub contact: String,
    /// How Open311 clients get an API key (discovery's `key_service`); empty: made from the contact.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key_service: String,
    /// Deadlines in working days; those left out take the national default.
    #[serde(default)]
    pub deadlines: Deadlines,
}

/// An agency (OPD) that handles reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyDef {
    pub code: String,
    pub name: String,
    /// The named complaint handler.
    #[serde(default)]
    pub handler: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// `false`: it takes no new reports (it keeps those it has).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
}

/// A service (complaint category) and where its reports go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    pub code: String,
    pub name: String,
    /// Its name in English, for the English pages; empty: the Indonesian name serves.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_en: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub kind: ServiceKind,
    /// The code of the agency its reports go to.
    #[serde(default)]
    pub agency: Option<String>,
    pub sla_tier: SlaTier,
    /// Every report of it is `rahasia`, whatever the reporter chose (e.g. pungli).
    #[serde(default)]
    pub private: bool,
    #[serde(default = "yes")]
    pub active: bool,
    /// The privacy the report form starts with.
    #[serde(default, skip_serializing_if = "is_publik")]
    pub privacy: crate::Privacy,
    #[serde(default, rename = "attribute")]
    pub attributes: Vec<AttributeFileDef>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_publik(p: &crate::Privacy) -> bool {
    *p == crate::Privacy::Publik
}

/// An Open311 attribute of a service, as written in a pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeFileDef {
    pub code: String,
    pub datatype: Datatype,
    #[serde(default)]
    pub required: bool,
    /// `false` for a note shown with the form that takes no answer.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub variable: bool,
    pub order: i64,
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datatype_description: String,
    /// `key = name` choices of the list datatypes, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueDef>,
}

/// One choice of a list attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDef {
    pub key: String,
    pub name: String,
}

impl AttributeFileDef {
    pub fn to_def(&self) -> AttributeDef {
        AttributeDef {
            code: self.code.clone(),
            variable: self.variable,
            datatype: self.datatype,
            required: self.required,
            datatype_description: self.datatype_description.clone(),
            order: self.order,
            description: self.description.clone(),
            values: self.values.iter().map(|v| (v.key.clone(), v.name.clone())).collect(),
        }
    }

    pub fn from_def(a: &AttributeDef) -> Self {
        AttributeFileDef {
            code: a.code.clone(),
            datatype: a.datatype,
            required: a.required,
            variable: a.variable,
            order: a.order,
            description: a.description.clone(),
            datatype_description: a.datatype_description.clone(),
            values: a.values.iter().map(|(k, n)| ValueDef { key: k.clone(), name: n.clone() }).collect(),
        }
    }
}

/// An item of a catalog that its code identifies: an agency, a service, a district.
pub trait Coded {
    fn code(&self) -> &str;
}

impl Coded for AgencyDef {
    fn code(&self) -> &str {
        &self.code
    }
}

impl Coded for ServiceDef {
    fn code(&self) -> &str {
        &self.code
    }
}

impl Coded for DistrictDef {
    fn code(&self) -> &str {
        &self.code
    }
}

/// Puts `item` into `list`: in place of the one with its code, else at the end. Whether it replaced
/// one.
pub fn put<T: Coded>(list: &mut Vec<T>, item: T) -> bool {
    match list.iter_mut().find(|e| e.code() == item.code()) {
        Some(e) => {
            *e = item;
            true
        }
        None => {
            list.push(item);
            false
        }
    }
}

/// A whole pack, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    pub region: RegionFile,
    pub districts: Vec<DistrictDef>,
    pub holidays: Vec<Holiday>,
    /// Findings that do not stop the import (overlapping districts).
    pub warnings: Vec<Problem>,
}

/// The three files' text; `None` for a file the folder does not have (districts and holidays are
/// optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackText {
    pub region: String,
    pub districts: Option<String>,
    pub holidays: Option<String>,
}

/// Reads and checks a pack: every problem of every file, or the pack.
pub fn read(text: &PackText) -> Result<Pack, Vec<Problem>> {
    let mut problems = Vec::new();
    let region = match toml::from_str::<RegionFile>(&text.region) {
        Ok(r) => {
            check_region(&r, &mut problems);
            Some(r)
        }
        Err(e) => {
            let place = e.span().map(|s| format!("line {}", line_of(&text.region, s.start))).unwrap_or_default();
            problems.push(problem(REGION_FILE, place, "", e.message().to_owned()));
            None
        }
    };
    let (districts, warnings) = match &text.districts {
        Some(t) => match read_districts(t) {
            Ok(d) => d,
            Err(mut p) => {
                problems.append(&mut p);
                (Vec::new(), Vec::new())
            }
        },
        None => (Vec::new(), Vec::new()),
    };
    let holidays = match &text.holidays {
        Some(t) => read_holidays(t).unwrap_or_else(|mut p| {
            problems.append(&mut p);
            Vec::new()
        }),
        None => Vec::new(),
    };
    match region {
        Some(region) if problems.is_empty() => Ok(Pack { region, districts, holidays, warnings }),
        _ => Err(problems),
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// Every problem of a region file made in memory (an admin's edit) rather than read from text.
pub fn check(r: &RegionFile) -> Vec<Problem> {
    let mut out = Vec::new();
    check_region(r, &mut out);
    out
}

fn check_region(r: &RegionFile, out: &mut Vec<Problem>) {
    let f = REGION_FILE;
    if r.format != FORMAT {
        out.push(problem(f, "", "format", format!("this Laksana reads format {FORMAT}, not {}", r.format)));
    }
    let j = &r.jurisdiction;
    if let Err(e) = crate::JurisdictionId::parse(&j.id) {
        out.push(problem(f, "[jurisdiction]", "id", e.to_string()));
    }
    if j.name.trim().is_empty() {
        out.push(problem(f, "[jurisdiction]", "name", "is empty"));
    }
    if crate::time::parse_time_zone(&j.time_zone).is_none() {
        out.push(problem(
            f,
            "[jurisdiction]",
            "time_zone",
            format!("{:?} is not a time zone, e.g. Asia/Jakarta", j.time_zone),
        ));
    }
    if let Err(e) = j.deadlines.validate() {
        out.push(problem(f, "[jurisdiction.deadlines]", e.field, e.error.to_string()));
    }
    let mut agencies = BTreeSet::new();
    for (i, a) in r.agencies.iter().enumerate() {
        let place = format!("[[agency]] {} ({})", i + 1, a.code);
        if a.code.is_empty()
            || a.code.len() > 40
            || !a.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            out.push(problem(f, &place, "code", "letters, digits, '_' and '-' only (at most 40), e.g. DPUPR"));
        } else if !agencies.insert(a.code.as_str()) {
            out.push(problem(f, &place, "code", "is used by another agency"));
        }
        if a.name.trim().is_empty() {
            out.push(problem(f, &place, "name", "is empty"));
        }
        if !a.email.is_empty() && !crate::ids::plausible_email(&a.email) {
            out.push(problem(f, &place, "email", format!("{:?} is not an email address", a.email)));
        }
    }
    let mut services = BTreeSet::new();
    for (i, s) in r.services.iter().enumerate() {
        let place = format!("[[service]] {} ({})", i + 1, s.code);
        if let Err(e) = crate::ServiceCode::parse(&s.code) {
            out.push(problem(f, &place, "code", e.to_string()));
        } else if !services.insert(s.code.as_str()) {
            out.push(problem(f, &place, "code", "is used by another service"));
        }
        if s.name.trim().is_empty() {
            out.push(problem(f, &place, "name", "is empty"));
        }
        match &s.agency {
            Some(a) if !agencies.contains(a.as_str()) => {
                out.push(problem(f, &place, "agency", format!("no [[agency]] has the code {a:?}")));
            }
            Some(a) if s.active && r.agencies.iter().any(|x| x.code == *a && !x.active) => {
                out.push(problem(f, &place, "agency", format!("{a} is not active: route the service elsewhere first")));
            }
            _ => {}
        }
        check_attributes(&place, &s.attributes, out);
    }
}

fn check_attributes(service: &str, attributes: &[AttributeFileDef], out: &mut Vec<Problem>) {
    let f = REGION_FILE;
    let mut codes = BTreeSet::new();
    for a in attributes {
        let place = format!("{service} attribute {}", a.code);
        if a.code.is_empty() || !a.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            out.push(problem(f, &place, "code", "letters, digits, '_' and '-' only"));
        } else if !codes.insert(a.code.as_str()) {
            out.push(problem(f, &place, "code", "is used by another attribute of this service"));
        }
        if a.description.trim().is_empty() {
            out.push(problem(f, &place, "description", "is empty: it is the question the form asks"));
        }
        let list = matches!(a.datatype, Datatype::Singlevaluelist | Datatype::Multivaluelist);
        if list && a.values.is_empty() {
            out.push(problem(f, &place, "values", "a list needs at least one value"));
        }
        if !list && !a.values.is_empty() {
            out.push(problem(f, &place, "values", format!("a {} attribute takes no values", a.datatype.as_str())));
        }
        let mut keys = BTreeSet::new();
        for v in &a.values {
            if v.key.trim().is_empty() || v.name.trim().is_empty() {
                out.push(problem(f, &place, "values", "every value needs a key and a name"));
            } else if v.key.contains('=') || v.key.trim() != v.key {
                out.push(problem(
                    f,
                    &place,
                    "values",
                    format!("the key {:?} may not hold '=' or spaces around it", v.key),
                ));
            } else if !keys.insert(v.key.as_str()) {
                out.push(problem(f, &place, "values", format!("the key {:?} is there twice", v.key)));
            }
        }
    }
}

/// Reads `date,kind,name` lines after a header line; a problem per bad line.
pub fn read_holidays(text: &str) -> Result<Vec<Holiday>, Vec<Problem>> {
    let mut out: Vec<Holiday> = Vec::new();
    let mut problems = Vec::new();
    if text.lines().next().map(|h| h.trim().trim_start_matches('\u{feff}')) != Some("date,kind,name") {
        problems.push(problem(HOLIDAYS_FILE, "line 1", "", "the first line must be the header date,kind,name"));
    }
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("line {}", i + 1);
        let mut parts = line.splitn(3, ',');
        let (Some(day), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            problems.push(problem(HOLIDAYS_FILE, place, "", "expected date,kind,name"));
            continue;
        };
        match Holiday::parse(day, kind, name.trim().trim_matches('"')) {
            Ok(h) if out.iter().any(|o| o.day() == h.day()) => {
                problems.push(problem(HOLIDAYS_FILE, place, "", format!("{} is listed twice", h.day())));
            }
            Ok(h) => out.push(h),
            Err(e) => problems.push(problem(HOLIDAYS_FILE, place, "", e.to_string())),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// `holidays.csv` for `days` (sorted by date).
pub fn write_holidays(days: &[Holiday]) -> String {
    let mut days: Vec<&Holiday> = days.iter().collect();
    days.sort_by_key(|h| h.day());
    let mut out = String::from("date,kind,name\n");
    for h in days {
        out.push_str(&format!("{},{},{}\n", h.day(), h.kind().as_str(), h.name()));
    }
    out
}

/// `region.toml` for `r`, with a header that says what the file is.
pub fn write_region(r: &RegionFile) -> String {
    let body = toml::to_string_pretty(r).expect("a region file always serialises");
    format!(
        "# Laksana region pack ({}). Check it with `laksana region import --check DIR`.\n\n{body}",
        r.jurisdiction.name
    )
}

#[cfg(test)]
mod tests;
