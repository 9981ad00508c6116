//! `districts.geojson`: a FeatureCollection of Polygon or MultiPolygon features with `code` and `name`
//! properties (and optionally `level`), in longitude/latitude (WGS 84), as GeoJSON says.

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation};
use serde_json::{Value, json};

use super::{DISTRICTS_FILE, Problem, problem};

/// The rings of one polygon: the outer ring, then its holes (`[lon, lat]`, each ring closed).
pub type Rings = Vec<Vec<[f64; 2]>>;

/// One district: its code, name, level and its polygons (one, or several for a district in parts,
/// such as islands).
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictDef {
    pub code: String,
    pub name: String,
    pub level: String,
    pub polygons: Vec<Rings>,
}

impl DistrictDef {
    /// Its outline as stored: GeoJSON Polygon coordinates for one polygon, MultiPolygon coordinates
    /// for several.
    pub fn stored_geometry(&self) -> String {
        let json = match self.polygons.as_slice() {
            [one] => serde_json::to_string(one),
            many => serde_json::to_string(many),
        };
        json.expect("numbers always serialise")
    }

    /// The polygons of a stored outline (see [`DistrictDef::stored_geometry`]).
    pub fn polygons_of(stored: &str) -> Option<Vec<Rings>> {
        serde_json::from_str::<Rings>(stored)
            .map(|one| vec![one])
            .or_else(|_| serde_json::from_str::<Vec<Rings>>(stored))
            .ok()
    }

    /// `(min_lat, min_lon, max_lat, max_lon)` of its outer rings.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        self.polygons
            .iter()
            .filter_map(|p| p.first())
            .flatten()
            .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |(a, b, c, d), &[lon, lat]| {
                (a.min(lat), b.min(lon), c.max(lat), d.max(lon))
            })
    }

    /// How many positions its outline has.
    pub fn positions(&self) -> usize {
        self.polygons.iter().flatten().map(Vec::len).sum()
    }
}

/// The smallest shared area (square degrees, about 100 m²) worth a warning: outlines drawn from
/// different sources share slivers along every border.
const OVERLAP_WARNING: f64 = 1e-8;
/// The most districts one file may hold: a kabupaten has a few hundred desa.
pub const MAX_FEATURES: usize = 5_000;
/// The most positions one file may hold, so that checking it stays quick.
pub const MAX_POSITIONS: usize = 500_000;
/// The most pairs of districts whose boxes touch that are intersected to look for overlaps.
const MAX_OVERLAP_CHECKS: usize = 20_000;

/// Reads the districts and checks them; overlaps between districts come back as warnings.
pub fn read_districts(text: &str) -> Result<(Vec<DistrictDef>, Vec<Problem>), Vec<Problem>> {
    let f = DISTRICTS_FILE;
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| vec![problem(f, format!("line {}", e.line()), "", format!("not JSON: {e}"))])?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(vec![problem(f, "", "type", "must be a GeoJSON FeatureCollection")]);
    }
    let Some(features) = doc.get("features").and_then(Value::as_array) else {
        return Err(vec![problem(f, "", "features", "a FeatureCollection needs a features array")]);
    };
    if features.len() > MAX_FEATURES {
        return Err(vec![problem(
            f,
            "",
            "features",
            format!("{} features; at most {MAX_FEATURES} per file", features.len()),
        )]);
    }
    let mut problems = Vec::new();
    let mut out: Vec<DistrictDef> = Vec::new();
    let mut codes = std::collections::HashSet::new();
    let mut positions = 0usize;
    for (i, feature) in features.iter().enumerate() {
        let prop = |k: &str| feature.pointer(&format!("/properties/{k}")).and_then(Value::as_str).map(str::trim);
        let code = prop("code").unwrap_or_default();
        let place = if code.is_empty() { format!("feature {}", i + 1) } else { format!("feature {} ({code})", i + 1) };
        let mut bad = |field: &str, message: String| problems.push(problem(f, &place, field, message));
        if code.is_empty() {
            bad("properties.code", "is missing: every district needs a code".into());
        } else if !codes.insert(code.to_owned()) {
            bad("properties.code", "is used by another feature".into());
        }
        let name = prop("name").unwrap_or_default();
        if name.is_empty() {
            bad("properties.name", "is missing: every district needs a name".into());
        }
        let level = prop("level").filter(|l| !l.is_empty()).unwrap_or("kecamatan");
        let geometry = feature.get("geometry");
        let coordinates = geometry.and_then(|g| g.get("coordinates"));
        let parts = match geometry.and_then(|g| g.get("type")).and_then(Value::as_str) {
            Some("Polygon") => rings_of(coordinates).map(|r| vec![r]),
            Some("MultiPolygon") => match coordinates.and_then(Value::as_array) {
                Some(list) if !list.is_empty() => list
                    .iter()
                    .enumerate()
                    .map(|(n, p)| rings_of(Some(p)).map_err(|e| format!("polygon {}: {e}", n + 1)))
                    .collect(),
                _ => Err("a MultiPolygon needs at least one polygon".into()),
            },
            _ => {
                bad("geometry.type", "must be Polygon or MultiPolygon".into());
                continue;
            }
        };
        let polygons = match parts {
            Ok(p) => p,
            Err(e) => {
                bad("geometry.coordinates", e);
                continue;
            }
        };
        let d = DistrictDef { code: code.to_owned(), name: name.to_owned(), level: level.to_owned(), polygons };
        positions += d.positions();
        if positions > MAX_POSITIONS {
            let msg = format!("more than {MAX_POSITIONS} positions; simplify the outlines first");
            return Err(vec![problem(f, "", "features", msg)]);
        }
        if let Err(e) = shape(&d).check_validation() {
            bad("geometry.coordinates", format!("not a valid polygon: {e}"));
            continue;
        }
        out.push(d);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((out.clone(), overlaps(&out)))
}

/// The rings of a Polygon's coordinates, checked: numbers, longitude then latitude in range, each
/// ring closed with at least four points.
fn rings_of(coordinates: Option<&Value>) -> Result<Vec<Vec<[f64; 2]>>, String> {
    let rings = coordinates.and_then(Value::as_array).ok_or("a Polygon needs its rings")?;
    if rings.is_empty() {
        return Err("a Polygon needs at least its outer ring".into());
    }
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let which = if r == 0 { "the outer ring".to_owned() } else { format!("hole {r}") };
        let points = ring.as_array().ok_or_else(|| format!("{which} is not a list of positions"))?;
        let mut pts = Vec::with_capacity(points.len());
        for (p, pos) in points.iter().enumerate() {
            let xy = pos.as_array().filter(|a| a.len() >= 2).and_then(|a| Some([a[0].as_f64()?, a[1].as_f64()?]));
            let [lon, lat] =
                xy.ok_or_else(|| format!("{which}, position {}: expected [longitude, latitude]", p + 1))?;
            if !(-90.0..=90.0).contains(&lat) && (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
                return Err(format!(
                    "{which}, position {}: [{lon}, {lat}] looks like [latitude, longitude]; GeoJSON wants [longitude, latitude]",
                    p + 1
                ));
            }
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(format!(
                    "{which}, position {}: [{lon}, {lat}] is not longitude/latitude in WGS 84 (a projected file must be converted first)",
                    p + 1
                ));
            }
            pts.push([lon, lat]);
        }
        if pts.len() < 4 {
            return Err(format!("{which} has {} positions; a ring needs at least 4", pts.len()));
        }
        if pts.first() != pts.last() {
            return Err(format!("{which} is not closed: its last position must repeat its first"));
        }
        out.push(pts);
    }
    Ok(out)
}

fn polygon(rings: &[Vec<[f64; 2]>]) -> Polygon<f64> {
    let ls = |r: &Vec<[f64; 2]>| LineString::from(r.iter().map(|&[x, y]| Coord { x, y }).collect::<Vec<_>>());
    Polygon::new(ls(&rings[0]), rings[1..].iter().map(ls).collect())
}

/// A district's outline as one geometry.
fn shape(d: &DistrictDef) -> MultiPolygon<f64> {
    MultiPolygon::new(d.polygons.iter().map(|r| polygon(r)).collect())
}

/// Warnings for districts that share more than a sliver of area.
pub fn overlaps(districts: &[DistrictDef]) -> Vec<Problem> {
    let polys: Vec<MultiPolygon<f64>> = districts.iter().map(shape).collect();
    let boxes: Vec<Option<geo::Rect<f64>>> = polys.iter().map(geo::BoundingRect::bounding_rect).collect();
    let mut out = Vec::new();
    let mut checks = 0usize;
    for i in 0..polys.len() {
        for j in i + 1..polys.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else { continue };
            let apart =
                a.max().x < b.min().x || b.max().x < a.min().x || a.max().y < b.min().y || b.max().y < a.min().y;
            if apart {
                continue;
            }
            checks += 1;
            if checks > MAX_OVERLAP_CHECKS {
                out.push(problem(DISTRICTS_FILE, "", "", "too many touching districts to look for every overlap"));
                return out;
            }
            let shared = polys[i].intersection(&polys[j]).unsigned_area();
            if shared > OVERLAP_WARNING {
                out.push(problem(
                    DISTRICTS_FILE,
                    format!("{} and {}", districts[i].code, districts[j].code),
                    "",
                    format!("overlap (about {:.2} km²); a pin there goes to the first", shared * 12_300.0),
                ));
            }
        }
    }
    out
}

/// `districts.geojson` for `districts`, one feature per district, in their order.
pub fn write_districts(districts: &[DistrictDef]) -> String {
    let features: Vec<Value> = districts
        .iter()
        .map(|d| {
            json!({
                "type": "Feature",
                "properties": { "code": d.code, "name": d.name, "level": d.level },
                "geometry": match d.polygons.as_slice() {
                    [one] => json!({ "type": "Polygon", "coordinates": one }),
                    many => json!({ "type": "MultiPolygon", "coordinates": many }),
                },
            })
        })
        .collect();
    let doc = json!({ "type": "FeatureCollection", "features": features });
    let mut text = serde_json::to_string_pretty(&doc).expect("GeoJSON always serialises");
    text.push('\n');
    text
}
