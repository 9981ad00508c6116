//! Demo data for Kota Tangerang (with a second, small jurisdiction) and synthetic bulk data for
//! benchmarks. Both write through the same bulk insert.

mod bench;
pub mod demo_data;
mod quality;
mod timeline;

use std::str::FromStr;

use chrono::NaiveDate;
use laksana_core::calendar::Calendar;
use laksana_core::service::{AttributeDef, Datatype, ServiceKind, SlaTier};
use laksana_core::{Status, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::catalog::{self, Agency, Holiday, Jurisdiction, NewService};
use crate::{Db, Result, StoreError};
pub use bench::bench_open_reports;
use demo_data::{DemoJurisdiction, JURISDICTIONS};
pub use timeline::SeedReport;

/// The Open311 key `serve --demo` prints. Only demo databases hold it.
pub const DEMO_API_KEY: &str = "lks_demo_tangerangkota_open311";

/// Reports the demo creates per jurisdiction (the first is Kota Tangerang).
const DEMO_REPORTS: [usize; 2] = [520, 40];

/// What [`demo`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Jurisdictions created now; already-present ones are left as they are.
    pub created: Vec<String>,
    /// Demo jurisdictions that exist but lack their demo key: an earlier load stopped half-way (or the
    /// key was removed). They are not touched; the operator decides.
    pub incomplete: Vec<String>,
    pub api_key: &'static str,
    /// Demo staff: (role, email, API key).
    pub staff: Vec<(&'static str, &'static str, &'static str)>,
}

/// The national holidays and cuti bersama shipped with Laksana (from the SKB of each year).
pub fn national_holidays() -> Vec<Holiday> {
    const FILES: [&str; 2] =
        [include_str!("../../data/holidays/id-2025.csv"), include_str!("../../data/holidays/id-2026.csv")];
    FILES.iter().flat_map(|f| parse_holidays_csv(f).expect("shipped holiday files are valid")).collect()
}

/// Parses `date,kind,name` lines (with a header); names the line of the first bad row.
pub fn parse_holidays_csv(text: &str) -> std::result::Result<Vec<Holiday>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, ',');
        let (Some(day), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("line {}: expected date,kind,name", i + 1));
        };
        let h = laksana_core::limits::Holiday::parse(day, kind, name.trim().trim_matches('"'))
            .map_err(|e| format!("line {}: {e}", i + 1))?;
        out.push(Holiday { day: h.day(), kind: h.kind().as_str().into(), name: h.name().into() });
    }
    Ok(out)
}

/// Builds a jurisdiction's working-day calendar from its stored holidays.
pub async fn calendar(db: &Db, jurisdiction: &Jurisdiction) -> Result<Calendar> {
    let tz = laksana_core::time::parse_time_zone(&jurisdiction.time_zone)
        .ok_or_else(|| StoreError::Corrupt(format!("jurisdiction {}: time zone", jurisdiction.id)))?;
    let days = catalog::holidays(db, &jurisdiction.id).await?;
    Ok(Calendar::new(tz, days.iter().filter_map(|h| NaiveDate::from_str(&h.day).ok())))
}

/// Loads the demo jurisdictions that are not there yet, with ~500 reports of the last 12 months in
/// Kota Tangerang. Running it again changes nothing.
pub async fn demo(db: &Db, now: Timestamp) -> Result<DemoSummary> {
    let mut created = Vec::new();
    let mut incomplete = Vec::new();
    for (i, demo) in JURISDICTIONS.iter().enumerate() {
        if catalog::jurisdiction(db, demo.id).await?.is_some() {
            if crate::apikeys::find(db, &demo_key(i)).await?.is_none() {
                incomplete.push(demo.id.to_owned());
            }
            continue;
        }
        let jurisdiction = load_catalog(db, demo, now).await?;
        let cal = calendar(db, &jurisdiction).await?;
        let ctx = timeline::Context::load(db, demo.id, demo, cal).await?;
        let mut rng = StdRng::seed_from_u64(2016 + i as u64);
        let reports: Vec<SeedReport> = (0..DEMO_REPORTS[i.min(1)]).map(|_| ctx.demo_report(&mut rng, now)).collect();
        for chunk in reports.chunks(200) {
            timeline::insert_batch(db, chunk).await?;
        }
        if i == 0 {
            demo_staff(db, demo.id, now).await?;
            quality::demo_quality(db, demo.id, SEED_ACTOR, now).await?;
        }
        // The key is written last: its presence marks a complete load.
        crate::apikeys::ensure(db, demo.id, "demo", &demo_key(i), None, SEED_ACTOR, now.as_micros()).await?;
        created.push(demo.id.to_owned());
    }
    // A seeded database starts with its trail sealed, whether or not a sealer runs yet.
    crate::audit::seal_pending(db).await?;
    Ok(DemoSummary {
        created,
        incomplete,
        api_key: DEMO_API_KEY,
        staff: DEMO_STAFF.iter().map(|s| (s.0, s.2, s.3)).collect(),
    })
}

/// Demo staff of Kota Tangerang: (role, agency, email, API key bound to the account). The accounts
/// have no password (set one with `laksana user set-password`); the keys let anyone try the workflow.
pub const DEMO_STAFF: [(&str, Option<&str>, &str, &str); 6] = [
    ("operator", None, "operator@tangerangkota.demo", "lks_demo_operator"),
    ("officer", Some("DPUPR"), "petugas.dpupr@tangerangkota.demo", "lks_demo_officer_dpupr"),
    ("agency_head", Some("DPUPR"), "kepala.dpupr@tangerangkota.demo", "lks_demo_head_dpupr"),
    ("leader", None, "walikota@tangerangkota.demo", "lks_demo_leader"),
    ("ombudsman", None, "ombudsman@tangerangkota.demo", "lks_demo_ombudsman"),
    ("admin", None, "admin@tangerangkota.demo", "lks_demo_admin"),
];

async fn demo_staff(db: &Db, jurisdiction_id: &str, now: Timestamp) -> Result<()> {
    let agencies = catalog::agencies(db, jurisdiction_id).await?;
    for (role, agency, email, key) in DEMO_STAFF {
        let role = laksana_core::access::Role::parse(role).expect("demo roles are valid");
        let agency_id = agency.and_then(|code| agencies.iter().find(|a| a.code == code)).map(|a| a.id);
        let grant = laksana_core::access::Grant::new(role, Some(jurisdiction_id.to_owned()), agency_id)
            .expect("demo grants fit their roles");
        let user = crate::users::create(
            db,
            &crate::users::NewUser {
                email: email.into(),
                display_name: email.into(),
                language: "id".into(),
                password: None,
            },
            SEED_ACTOR,
            now,
        )
        .await?;
        crate::users::grant(db, user.id, &grant, SEED_ACTOR, now).await?;
        crate::apikeys::ensure(db, jurisdiction_id, email, key, Some(user.id), SEED_ACTOR, now.as_micros()).await?;
    }
    Ok(())
}

/// How the seeders are named in the audit trail.
const SEED_ACTOR: &str = "seed";

/// The first jurisdiction's key is the printed one; the others get their own.
fn demo_key(i: usize) -> String {
    if i == 0 { DEMO_API_KEY.to_owned() } else { format!("{DEMO_API_KEY}_{i}") }
}

async fn load_catalog(db: &Db, demo: &DemoJurisdiction, now: Timestamp) -> Result<Jurisdiction> {
    let jurisdiction = Jurisdiction {
        id: demo.id.into(),
        name: demo.name.into(),
        time_zone: demo.time_zone.into(),
        contact: demo.contact.into(),
        deadlines: "{}".into(),
        key_service: String::new(),
        logo: String::new(),
    };
    catalog::upsert_jurisdiction(db, &jurisdiction, now.as_micros()).await?;
    catalog::change_holidays(db, demo.id, &national_holidays(), &[], SEED_ACTOR, now.as_micros()).await?;
    for d in demo.districts {
        catalog::upsert_district(db, demo.id, d.code, d.name, "kecamatan", d.ring).await?;
    }
    let mut agency_ids = std::collections::HashMap::new();
    for a in demo.agencies {
        let id = catalog::upsert_agency(
            db,
            &Agency {
                id: 0,
                jurisdiction_id: demo.id.into(),
                code: a.code.into(),
                name: a.name.into(),
                email: a.email.into(),
                phone: a.phone.into(),
                handler: a.handler.into(),
                active: true,
            },
        )
        .await?;
        agency_ids.insert(a.code, id);
    }
    for (pos, s) in demo.services.iter().enumerate() {
        let bad = |what: &str| StoreError::Invalid(format!("demo service {}: {what}", s.code));
        let attributes = s
            .attributes
            .iter()
            .enumerate()
            .map(|(i, a)| {
                Ok(AttributeDef {
                    code: a.code.into(),
                    variable: true,
                    datatype: Datatype::parse(a.datatype).ok_or_else(|| bad("datatype"))?,
                    required: a.required,
                    datatype_description: a.datatype_description.into(),
                    order: i as i64 + 1,
                    description: a.description.into(),
                    values: a.values.iter().map(|(k, n)| ((*k).into(), (*n).into())).collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        catalog::upsert_service(
            db,
            &NewService {
                jurisdiction_id: demo.id,
                code: s.code,
                name: s.name,
                description: s.description,
                group: s.group,
                keywords: s.keywords,
                kind: ServiceKind::parse(s.kind).ok_or_else(|| bad("kind"))?,
                agency_id: Some(*agency_ids.get(s.agency).ok_or_else(|| bad("agency"))?),
                sla_tier: SlaTier::parse(s.sla).ok_or_else(|| bad("sla"))?,
                private: s.private,
                position: pos as i64,
                attributes: &attributes,
            },
        )
        .await?;
    }
    Ok(jurisdiction)
}

/// Adds `n` random but plausible reports of the last 12 months to `jurisdiction_id` (which must have
/// services and districts, e.g. from the demo), in large transactions. `progress` is told how many
/// are done after every batch.
pub async fn synthetic(
    db: &Db,
    jurisdiction_id: &str,
    n: u64,
    now: Timestamp,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64> {
    let jurisdiction = catalog::jurisdiction(db, jurisdiction_id).await?.ok_or_else(|| {
        StoreError::Invalid(format!("no jurisdiction {jurisdiction_id:?}; run `laksana seed --demo` first"))
    })?;
    let demo = JURISDICTIONS.iter().find(|d| d.id == jurisdiction_id).unwrap_or(&JURISDICTIONS[0]);
    let cal = calendar(db, &jurisdiction).await?;
    let ctx = timeline::Context::load(db, jurisdiction_id, demo, cal).await?;
    if ctx.is_empty() {
        return Err(StoreError::Invalid(format!("{jurisdiction_id} has no services or districts to report on")));
    }
    // Reports are generated on a blocking thread while the previous batch is written, so the
    // generator's core and SQLite's writer work at the same time.
    let batch = 100_000usize;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<SeedReport>>(2);
    let generator = tokio::task::spawn_blocking(move || {
        let mut rng = StdRng::from_rng(&mut rand::rng());
        let mut left = n;
        while left > 0 {
            let take = batch.min(left as usize);
            // Oldest first: each report's place in time follows its place in the run, so the time
            // indexes grow at their end, as they do in production.
            let first = n - left;
            let mut reports: Vec<SeedReport> = (0..take as u64)
                .map(|i| {
                    let u = 1.0 - ((first + i) as f64 + rng.random::<f64>()) / n as f64;
                    ctx.synthetic_report(&mut rng, now, u)
                })
                .collect();
            // In time order the time-ordered indexes are appended to in runs instead of at random places.
            reports.sort_unstable_by_key(|r| r.requested_at);
            if tx.blocking_send(reports).is_err() {
                return;
            }
            left -= take as u64;
        }
    });
    let mut done = 0u64;
    let _cache = BulkLoadCache::enter(db).await?;
    while let Some(reports) = rx.recv().await {
        timeline::insert_batch(db, &reports).await?;
        done += reports.len() as u64;
        progress(done);
    }
    generator.await.map_err(|e| StoreError::Unavailable(format!("the report generator failed: {e}")))?;
    crate::audit::seal_pending(db).await?;
    Ok(done)
}

/// A large page cache on SQLite's writer connection while bulk loading, so that index pages stay in
/// memory across batches; the normal size is restored afterwards.
struct BulkLoadCache(Option<sqlx::SqlitePool>);

impl BulkLoadCache {
    async fn enter(db: &Db) -> Result<Self> {
        match db {
            Db::Sqlite(s) => {
                sqlx::query("PRAGMA cache_size = -524288").execute(&s.write).await?;
                Ok(Self(Some(s.write.clone())))
            }
            Db::Postgres(_) => Ok(Self(None)),
        }
    }
}

impl Drop for BulkLoadCache {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            // Shrinking the cache frees the memory at once; doing it on a task avoids blocking in drop.
            tokio::spawn(async move {
                let _ = sqlx::query("PRAGMA cache_size = -32000").execute(&pool).await;
            });
        }
    }
}

/// The status a report of this age most likely has now: old ones are mostly finished.
fn status_for_age(rng: &mut impl Rng, age_days: i64) -> Status {
    let r: f64 = rng.random();
    let finished = if age_days > 90 {
        0.9
    } else if age_days > 30 {
        0.7
    } else if age_days > 7 {
        0.4
    } else {
        0.1
    };
    if r < finished * 0.8 {
        Status::Closed
    } else if r < finished * 0.9 {
        Status::Resolved
    } else if r < finished * 0.96 {
        Status::Archived
    } else if r < finished {
        Status::NotAuthority
    } else {
        let open = [
            Status::Submitted,
            Status::NeedsInfo,
            Status::Dispositioned,
            Status::InProgress,
            Status::InProgress,
            Status::Reopened,
        ];
        open[rng.random_range(0..open.len())]
    }
}
