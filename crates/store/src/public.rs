//! What the public pages read besides single reports and lists: a jurisdiction's counters, the points
//! of its map, and the reports near a new one. None of it includes `rahasia` reports, and none of it
//! carries reporter identity.

use laksana_core::{PublicId, Status, Timestamp};
use sqlx::FromRow;

use crate::{Db, Result, StoreError};

/// A jurisdiction's counters since an instant (the start of the month, for the home page).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Reports received.
    pub received: i64,
    /// Of those, resolved or closed.
    pub resolved: i64,
    /// Of those, never past a deadline: not escalated, and, while open, not beyond the current one.
    pub within_deadline: i64,
}

/// Counts the reports of `jurisdiction_id` received since `since` (all privacies: counting reveals no
/// report), as seen at `now`.
pub async fn counters(db: &Db, jurisdiction_id: &str, since: Timestamp, now: Timestamp) -> Result<Counters> {
    let sql = "SELECT COUNT(*),
            COALESCE(SUM(CASE WHEN status IN ('resolved', 'closed') THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN escalation_level = 0
                AND (is_open = $3 OR deadline_at IS NULL OR deadline_at >= $4) THEN 1 ELSE 0 END), 0)
         FROM reports WHERE jurisdiction_id = $1 AND requested_at >= $2";
    let (received, resolved, within_deadline): (i64, i64, i64) = on_db!(db, |pool, DB| {
        sqlx::query_as(sql)
            .bind(jurisdiction_id)
            .bind(since.as_micros())
            .bind(false)
            .bind(now.as_micros())
            .fetch_one(pool)
            .await?
    });
    Ok(Counters { received, resolved, within_deadline })
}

/// A public report as a point on a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub public_id: PublicId,
    pub lat: f64,
    pub lon: f64,
    pub status: Status,
    pub service_name: String,
    pub requested_at: i64,
}

#[derive(Debug, FromRow)]
struct PointRow {
    public_id: String,
    lat: f64,
    lon: f64,
    status: String,
    service_name: String,
    requested_at: i64,
}

impl TryFrom<PointRow> for Point {
    type Error = StoreError;

    fn try_from(r: PointRow) -> Result<Self> {
        Ok(Point {
            public_id: PublicId::parse(&r.public_id)
                .ok_or_else(|| StoreError::Corrupt(format!("public id {:?}", r.public_id)))?,
            status: r.status.parse().map_err(|_| StoreError::Corrupt(format!("status {:?}", r.status)))?,
            lat: r.lat,
            lon: r.lon,
            service_name: r.service_name,
            requested_at: r.requested_at,
        })
    }
}

/// A rectangle of latitude and longitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

/// Public (not `rahasia`) reports of `jurisdiction_id` with a pin inside `b`, received since `since`,
/// newest first, at most `limit`. The scan follows the `(jurisdiction_id, requested_at)` index, so its
/// cost is bounded by the period, not by the city's whole history.
pub async fn points(
    db: &Db,
    jurisdiction_id: &str,
    b: BoundingBox,
    since: Timestamp,
    limit: u32,
) -> Result<Vec<Point>> {
    let sql = "SELECT r.public_id, r.lat, r.lon, r.status, s.name AS service_name, r.requested_at
         FROM reports r JOIN services s ON s.id = r.service_id
         WHERE r.jurisdiction_id = $1 AND r.requested_at >= $2 AND r.privacy <> 'rahasia'
           AND r.lat BETWEEN $3 AND $4 AND r.lon BETWEEN $5 AND $6
         ORDER BY r.requested_at DESC, r.id DESC LIMIT $7";
    let rows: Vec<PointRow> = on_db!(db, |pool, DB| {
        sqlx::query_as(sql)
            .bind(jurisdiction_id)
            .bind(since.as_micros())
            .bind(b.south)
            .bind(b.north)
            .bind(b.west)
            .bind(b.east)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    });
    rows.into_iter().map(Point::try_from).collect()
}

/// Where to look for reports like a new one: its jurisdiction and service, its pin, how far and since when.
#[derive(Debug, Clone, Copy)]
pub struct Near<'a> {
    pub jurisdiction_id: &'a str,
    pub service_id: i64,
    pub lat: f64,
    pub lon: f64,
    pub metres: f64,
    pub since: Timestamp,
}

/// Open public reports like `q` (same service, within `q.metres` of its pin, received since
/// `q.since`), nearest first, at most `limit`: what a citizen may follow instead of filing again.
pub async fn nearby(db: &Db, q: &Near<'_>, limit: usize) -> Result<Vec<Point>> {
    // A box around the pin narrows the rows; the exact distance is checked below.
    let dlat = q.metres / 111_320.0;
    let dlon = q.metres / (111_320.0 * q.lat.to_radians().cos().abs().max(0.01));
    let sql = "SELECT r.public_id, r.lat, r.lon, r.status, s.name AS service_name, r.requested_at
         FROM reports r JOIN services s ON s.id = r.service_id
         WHERE r.jurisdiction_id = $8 AND r.service_id = $1 AND r.requested_at >= $2
           AND r.privacy <> 'rahasia' AND r.is_open = $7
           AND r.lat BETWEEN $3 AND $4 AND r.lon BETWEEN $5 AND $6
         ORDER BY r.requested_at DESC LIMIT 200";
    let rows: Vec<PointRow> = on_db!(db, |pool, DB| {
        sqlx::query_as(sql)
            .bind(q.service_id)
            .bind(q.since.as_micros())
            .bind(q.lat - dlat)
            .bind(q.lat + dlat)
            .bind(q.lon - dlon)
            .bind(q.lon + dlon)
            .bind(true)
            .bind(q.jurisdiction_id)
            .fetch_all(pool)
            .await?
    });
    let mut near: Vec<(f64, Point)> = rows
        .into_iter()
        .map(Point::try_from)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .map(|p| (distance_m(q.lat, q.lon, p.lat, p.lon), p))
        .filter(|(d, _)| *d <= q.metres)
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(near.into_iter().take(limit).map(|(_, p)| p).collect())
}

/// Great-circle distance in metres between two pins.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    use geo::{Distance, Haversine};
    Haversine.distance(geo::Point::new(lon1, lat1), geo::Point::new(lon2, lat2))
}
