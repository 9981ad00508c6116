//! Finding the district a point lies in, from polygons held in memory.

use geo::{Contains, Coord, LineString, Point, Polygon, Rect};
use laksana_core::Coordinates;

use crate::catalog::District;

/// A jurisdiction's districts, ready for point lookups.
#[derive(Debug, Clone, Default)]
pub struct DistrictIndex {
    entries: Vec<(i64, Rect<f64>, Polygon<f64>)>,
}

impl DistrictIndex {
    /// Builds the index; districts whose stored geometry does not parse are skipped with a warning.
    pub fn new(districts: &[District]) -> Self {
        let mut entries = Vec::with_capacity(districts.len());
        for d in districts {
            // One polygon, or several for a district in parts: each part is an entry of its own.
            let Some(parts) = laksana_core::region::DistrictDef::polygons_of(&d.geometry) else {
                tracing::warn!(district = %d.code, "district geometry is not a GeoJSON polygon; skipped");
                continue;
            };
            for rings in parts {
                let mut rings = rings
                    .into_iter()
                    .map(|r| LineString::from(r.into_iter().map(|[x, y]| Coord { x, y }).collect::<Vec<_>>()));
                let Some(exterior) = rings.next() else { continue };
                let poly = Polygon::new(exterior, rings.collect());
                let Some(bbox) = geo::BoundingRect::bounding_rect(&poly) else { continue };
                entries.push((d.id, bbox, poly));
            }
        }
        Self { entries }
    }

    /// The id of the district containing `at`, if any (the first one when polygons overlap).
    pub fn locate(&self, at: Coordinates) -> Option<i64> {
        let p = Point::new(at.lon(), at.lat());
        self.entries.iter().find(|(_, bbox, poly)| bbox.contains(&p) && poly.contains(&p)).map(|(id, _, _)| *id)
    }

    /// The middle of the box around every district, as (lat, lon): where a map of the jurisdiction
    /// opens. `None` without districts.
    pub fn center(&self) -> Option<(f64, f64)> {
        let mut boxes = self.entries.iter().map(|(_, b, _)| *b);
        let first = boxes.next()?;
        let all = boxes.fold(first, |a, b| {
            Rect::new(
                Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        });
        let c = all.center();
        Some((c.y, c.x))
    }

    /// Every part of every district as `(district id, outline)`: the exterior ring, in (lon, lat)
    /// order, for drawing.
    pub fn outlines(&self) -> impl Iterator<Item = (i64, Vec<(f64, f64)>)> + '_ {
        self.entries.iter().map(|(id, _, poly)| (*id, poly.exterior().coords().map(|c| (c.x, c.y)).collect()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
