//! The slowly changing configuration a jurisdiction runs on: the jurisdiction itself, its agencies,
//! services, districts and holidays.

use laksana_core::service::{AttributeDef, ServiceKind, SlaTier};
use sqlx::FromRow;

use crate::audit::{Act, Subject};
use crate::{Db, Result, StoreError};

/// A jurisdiction (kota / kabupaten).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Jurisdiction {
    pub id: String,
    pub name: String,
    pub time_zone: String,
    pub contact: String,
    /// Deadlines in working days as JSON; keys left out take the national default.
    #[sqlx(default)]
    pub deadlines: String,
    /// How Open311 clients get a key (discovery's `key_service`); empty: a sentence made from the contact.
    #[sqlx(default)]
    pub key_service: String,
    /// Its logo, `/media/NAME`, or empty.
    #[sqlx(default)]
    pub logo: String,
}

impl Jurisdiction {
    /// The jurisdiction's deadlines; an unreadable setting falls back to the national defaults.
    pub fn deadlines(&self) -> laksana_core::workflow::Deadlines {
        serde_json::from_str(&self.deadlines).unwrap_or_default()
    }
}

/// An agency (OPD) of a jurisdiction.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Agency {
    pub id: i64,
    pub jurisdiction_id: String,
    pub code: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub handler: String,
    /// Whether it takes new reports; an inactive agency keeps the reports it has.
    pub active: bool,
}

/// A service (complaint category) with its routing and attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: i64,
    pub jurisdiction_id: String,
    pub code: String,
    pub name: String,
    /// Its name in English; empty: the Indonesian name serves.
    pub name_en: String,
    pub description: String,
    pub group: String,
    pub keywords: Vec<String>,
    pub kind: ServiceKind,
    pub agency_id: Option<i64>,
    pub sla_tier: SlaTier,
    pub private: bool,
    pub staff: bool,
    pub active: bool,
    /// The privacy the report form starts with (the reporter may choose another).
    pub default_privacy: laksana_core::Privacy,
    pub attributes: Vec<AttributeDef>,
}

impl Service {
    /// Its name in `lang` (`id` or `en`).
    pub fn name_in(&self, lang: &str) -> &str {
        if lang == "en" && !self.name_en.is_empty() { &self.name_en } else { &self.name }
    }
}

#[derive(FromRow)]
pub(crate) struct ServiceRow {
    id: i64,
    jurisdiction_id: String,
    code: String,
    name: String,
    name_en: String,
    description: String,
    group_name: String,
    keywords: String,
    kind: String,
    agency_id: Option<i64>,
    sla_tier: String,
    is_private: bool,
    is_staff: bool,
    active: bool,
    default_privacy: String,
    attributes: String,
}

impl TryFrom<ServiceRow> for Service {
    type Error = StoreError;

    fn try_from(r: ServiceRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("service {}: {what}", r.id));
        Ok(Service {
            kind: ServiceKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
            sla_tier: SlaTier::parse(&r.sla_tier).ok_or_else(|| corrupt("sla_tier"))?,
            attributes: serde_json::from_str(&r.attributes).map_err(|_| corrupt("attributes"))?,
            default_privacy: laksana_core::Privacy::parse(&r.default_privacy)
                .ok_or_else(|| corrupt("default_privacy"))?,
            keywords: r.keywords.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect(),
            id: r.id,
            jurisdiction_id: r.jurisdiction_id,
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            description: r.description,
            group: r.group_name,
            agency_id: r.agency_id,
            private: r.is_private,
            staff: r.is_staff,
            active: r.active,
        })
    }
}

/// What [`upsert_service`] stores.
#[derive(Debug, Clone)]
pub struct NewService<'a> {
    pub jurisdiction_id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub group: &'a str,
    pub keywords: &'a [&'a str],
    pub kind: ServiceKind,
    pub agency_id: Option<i64>,
    pub sla_tier: SlaTier,
    pub private: bool,
    pub position: i64,
    pub attributes: &'a [AttributeDef],
}

/// A district (kecamatan / kelurahan) with its polygon as GeoJSON coordinates.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct District {
    pub id: i64,
    pub jurisdiction_id: String,
    pub code: String,
    pub name: String,
    pub level: String,
    /// GeoJSON `Polygon` coordinates: `[[[lon, lat], …]]`.
    pub geometry: String,
}

pub(crate) const SERVICE_COLUMNS: &str = "id, jurisdiction_id, code, name, name_en, description, group_name, keywords, kind, \
     agency_id, sla_tier, is_private, is_staff, active, default_privacy, attributes";

pub async fn jurisdictions(db: &Db) -> Result<Vec<Jurisdiction>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, name, time_zone, contact, deadlines, key_service, logo FROM jurisdictions ORDER BY id",
        )
        .fetch_all(pool)
        .await?
    }))
}

pub async fn jurisdiction(db: &Db, id: &str) -> Result<Option<Jurisdiction>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, name, time_zone, contact, deadlines, key_service, logo FROM jurisdictions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}

/// Creates the jurisdiction or updates its name, zone and contact.
pub async fn upsert_jurisdiction(db: &Db, j: &Jurisdiction, now: i64) -> Result<()> {
    in_write_tx!(db, |tx, DB| {
        sqlx::query(
            "INSERT INTO jurisdictions (id, name, time_zone, contact, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
             contact = excluded.contact",
        )
        .bind(&j.id)
        .bind(&j.name)
        .bind(&j.time_zone)
        .bind(&j.contact)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Ok(())
    })
}

pub async fn agencies(db: &Db, jurisdiction_id: &str) -> Result<Vec<Agency>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, jurisdiction_id, code, name, email, phone, handler, active FROM agencies
             WHERE jurisdiction_id = $1 ORDER BY code",
        )
        .bind(jurisdiction_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Creates or updates an agency by (jurisdiction, code); returns its id.
pub async fn upsert_agency(db: &Db, a: &Agency) -> Result<i64> {
    in_write_tx!(db, |tx, DB| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agencies (jurisdiction_id, code, name, email, phone, handler) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (jurisdiction_id, code) DO UPDATE SET name = excluded.name, email = excluded.email,
             phone = excluded.phone, handler = excluded.handler
             RETURNING id",
        )
        .bind(&a.jurisdiction_id)
        .bind(&a.code)
        .bind(&a.name)
        .bind(&a.email)
        .bind(&a.phone)
        .bind(&a.handler)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    })
}

/// Every service of a jurisdiction, active or not, in display order.
pub async fn services(db: &Db, jurisdiction_id: &str) -> Result<Vec<Service>> {
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM services WHERE jurisdiction_id = $1 ORDER BY position, code");
    let rows: Vec<ServiceRow> = on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(jurisdiction_id).fetch_all(pool).await?
    });
    rows.into_iter().map(Service::try_from).collect()
}

pub async fn service(db: &Db, jurisdiction_id: &str, code: &str) -> Result<Option<Service>> {
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM services WHERE jurisdiction_id = $1 AND code = $2");
    let row: Option<ServiceRow> = on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(jurisdiction_id).bind(code).fetch_optional(pool).await?
    });
    row.map(Service::try_from).transpose()
}

/// Creates or updates a service by (jurisdiction, code); returns its id.
pub async fn upsert_service(db: &Db, s: &NewService<'_>) -> Result<i64> {
    let attributes = serde_json::to_string(s.attributes).expect("attribute definitions always serialise");
    let keywords = s.keywords.join(", ");
    in_write_tx!(db, |tx, DB| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO services (jurisdiction_id, code, name, description, group_name, keywords, kind, agency_id,
                 sla_tier, is_private, position, attributes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (jurisdiction_id, code) DO UPDATE SET name = excluded.name,
                 description = excluded.description, group_name = excluded.group_name, keywords = excluded.keywords,
                 kind = excluded.kind, agency_id = excluded.agency_id, sla_tier = excluded.sla_tier,
                 is_private = excluded.is_private, position = excluded.position, attributes = excluded.attributes
             RETURNING id",
        )
        .bind(s.jurisdiction_id)
        .bind(s.code)
        .bind(s.name)
        .bind(s.description)
        .bind(s.group)
        .bind(&keywords)
        .bind(s.kind.as_str())
        .bind(s.agency_id)
        .bind(s.sla_tier.as_str())
        .bind(s.private)
        .bind(s.position)
        .bind(&attributes)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    })
}

pub async fn districts(db: &Db, jurisdiction_id: &str) -> Result<Vec<District>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, jurisdiction_id, code, name, level, geometry FROM districts WHERE jurisdiction_id = $1
             ORDER BY code",
        )
        .bind(jurisdiction_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Creates or replaces a district polygon given as a closed ring of `(lon, lat)` points.
pub async fn upsert_district(
    db: &Db,
    jurisdiction_id: &str,
    code: &str,
    name: &str,
    level: &str,
    ring: &[(f64, f64)],
) -> Result<i64> {
    if ring.len() < 4 || ring.first() != ring.last() {
        return Err(StoreError::Invalid(format!("district {code}: a polygon needs a closed ring of 4+ points")));
    }
    let coords: Vec<[f64; 2]> = ring.iter().map(|&(lon, lat)| [lon, lat]).collect();
    let geometry = serde_json::to_string(&[coords]).expect("numbers always serialise");
    let (min_lon, max_lon, min_lat, max_lat) =
        ring.iter().fold((f64::MAX, f64::MIN, f64::MAX, f64::MIN), |(a, b, c, d), &(lon, lat)| {
            (a.min(lon), b.max(lon), c.min(lat), d.max(lat))
        });
    in_write_tx!(db, |tx, DB| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO districts (jurisdiction_id, code, name, level, geometry, min_lat, min_lon, max_lat, max_lon)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (jurisdiction_id, code) DO UPDATE SET name = excluded.name, level = excluded.level,
                 geometry = excluded.geometry, min_lat = excluded.min_lat, min_lon = excluded.min_lon,
                 max_lat = excluded.max_lat, max_lon = excluded.max_lon
             RETURNING id",
        )
        .bind(jurisdiction_id)
        .bind(code)
        .bind(name)
        .bind(level)
        .bind(&geometry)
        .bind(min_lat)
        .bind(min_lon)
        .bind(max_lat)
        .bind(max_lon)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    })
}

/// A non-working day of a jurisdiction.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Holiday {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `libur_nasional` or `cuti_bersama`.
    pub kind: String,
    pub name: String,
}

pub async fn holidays(db: &Db, jurisdiction_id: &str) -> Result<Vec<Holiday>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT day, kind, name FROM holidays WHERE jurisdiction_id = $1 ORDER BY day")
            .bind(jurisdiction_id)
            .fetch_all(pool)
            .await?
    }))
}

/// Adds or renames holidays and removes days entered by mistake, in one transaction; the act is
/// recorded, by `actor`, in the jurisdiction's audit chain. Returns how many rows changed.
pub async fn change_holidays(
    db: &Db,
    jurisdiction_id: &str,
    add: &[Holiday],
    remove: &[String],
    actor: &str,
    now: i64,
) -> Result<u64> {
    let mut tx = db.begin().await?;
    let mut n = 0;
    for h in add {
        n += tx
            .execute(
                "INSERT INTO holidays (jurisdiction_id, day, kind, name) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (jurisdiction_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                &args![jurisdiction_id, &h.day, &h.kind, &h.name],
            )
            .await?;
    }
    for d in remove {
        n += tx
            .execute("DELETE FROM holidays WHERE jurisdiction_id = $1 AND day = $2", &args![jurisdiction_id, d])
            .await?;
    }
    if !add.is_empty() || !remove.is_empty() {
        let added: Vec<serde_json::Value> =
            add.iter().map(|h| serde_json::json!({ "day": h.day, "kind": h.kind, "name": h.name })).collect();
        let act = Act {
            jurisdiction: jurisdiction_id.into(),
            subject: Subject::Holidays,
            kind: "changed",
            actor: actor.into(),
            at: now,
            data: serde_json::json!({ "added": added, "removed": remove }),
        };
        crate::audit::record(&mut tx, &[act]).await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// Sets a jurisdiction's deadlines (JSON of `laksana_core::workflow::Deadlines`); the act is
/// recorded, by `actor`, in the jurisdiction's audit chain.
pub async fn set_deadlines(
    db: &Db,
    jurisdiction_id: &str,
    deadlines: &laksana_core::workflow::Deadlines,
    actor: &str,
    now: i64,
) -> Result<()> {
    let json = serde_json::to_string(deadlines).expect("numbers always serialise");
    let mut tx = db.begin().await?;
    let n = tx
        .execute("UPDATE jurisdictions SET deadlines = $1 WHERE id = $2", &args![json.as_str(), jurisdiction_id])
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let act = Act {
        jurisdiction: jurisdiction_id.into(),
        subject: Subject::Deadlines,
        kind: "changed",
        actor: actor.into(),
        at: now,
        data: serde_json::to_value(deadlines).expect("numbers always serialise"),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await
}

/// Sets a jurisdiction's logo to `/media/NAME` (a stored image), or removes it with an empty `logo`;
/// the act is recorded, by `actor`, in the jurisdiction's audit chain.
pub async fn set_logo(db: &Db, jurisdiction_id: &str, logo: &str, actor: &str, now: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute("UPDATE jurisdictions SET logo = $1 WHERE id = $2", &args![logo, jurisdiction_id]).await?;
    let act = Act {
        jurisdiction: jurisdiction_id.into(),
        subject: Subject::Jurisdiction,
        kind: "logo",
        actor: actor.into(),
        at: now,
        data: serde_json::json!({ "logo": logo }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await
}
