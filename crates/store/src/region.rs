//! Region packs in and out of the database: `export` writes a jurisdiction's catalog as a pack
//! (`laksana_core::region`), `import` applies a checked pack in one transaction, changing only what
//! differs, each change an act in the jurisdiction's audit chain. Nothing is ever deleted: an agency
//! or service a pack leaves out stays as it is (reports point to it).

use std::collections::BTreeMap;

use laksana_core::Timestamp;
use laksana_core::limits::Holiday;
use laksana_core::region::{
    self, AgencyDef, AttributeFileDef, DistrictDef, JurisdictionDef, Pack, PackText, RegionFile, ServiceDef,
};

use crate::audit::{self, Act, Subject};
use crate::catalog::{self, Agency, District, Jurisdiction, SERVICE_COLUMNS, Service, ServiceRow};
use crate::sql::Tx;
use crate::{Db, Result, StoreError};

/// The pack of jurisdiction `id` as files, or `None` when there is no such jurisdiction.
pub async fn export(db: &Db, id: &str) -> Result<Option<PackText>> {
    Ok(export_pack(db, id).await?.map(|p| PackText {
        region: region::write_region(&p.region),
        districts: Some(region::write_districts(&p.districts)),
        holidays: Some(region::write_holidays(&p.holidays)),
    }))
}

/// The catalog of jurisdiction `id` as a pack, or `None` when there is no such jurisdiction, read in
/// one snapshot.
pub async fn export_pack(db: &Db, id: &str) -> Result<Option<Pack>> {
    let mut tx = db.begin_read().await?;
    let pack = export_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(pack)
}

/// [`export_pack`] within `tx`.
async fn export_in(tx: &mut Tx, id: &str) -> Result<Option<Pack>> {
    let j: Option<Jurisdiction> = tx
        .fetch_optional(
            "SELECT id, name, time_zone, contact, deadlines, key_service, logo FROM jurisdictions WHERE id = $1",
            &args![id],
        )
        .await?;
    let Some(j) = j else { return Ok(None) };
    let agencies: Vec<Agency> = tx
        .fetch_all(
            "SELECT id, jurisdiction_id, code, name, email, phone, handler, active FROM agencies
             WHERE jurisdiction_id = $1 ORDER BY code",
            &args![id],
        )
        .await?;
    let code_of: BTreeMap<i64, &str> = agencies.iter().map(|a| (a.id, a.code.as_str())).collect();
    let rows: Vec<ServiceRow> = tx
        .fetch_all(
            &format!("SELECT {SERVICE_COLUMNS} FROM services WHERE jurisdiction_id = $1 ORDER BY position, code"),
            &args![id],
        )
        .await?;
    let services: Vec<Service> = rows.into_iter().map(Service::try_from).collect::<Result<_>>()?;
    let region = RegionFile {
        format: region::FORMAT,
        jurisdiction: JurisdictionDef {
            deadlines: j.deadlines(),
            id: j.id,
            name: j.name,
            time_zone: j.time_zone,
            contact: j.contact,
            key_service: j.key_service,
        },
        agencies: agencies.iter().map(agency_def).collect(),
        services: services.iter().map(|s| service_def(s, &code_of)).collect(),
    };
    let districts: Vec<District> = tx
        .fetch_all(
            "SELECT id, jurisdiction_id, code, name, level, geometry FROM districts WHERE jurisdiction_id = $1
             ORDER BY code",
            &args![id],
        )
        .await?;
    let districts = districts.iter().map(district_def).collect::<Result<Vec<_>>>()?;
    let holidays: Vec<catalog::Holiday> = tx
        .fetch_all("SELECT day, kind, name FROM holidays WHERE jurisdiction_id = $1 ORDER BY day", &args![id])
        .await?;
    let holidays = holidays
        .iter()
        .map(|h| {
            Holiday::parse(&h.day, &h.kind, &h.name).map_err(|e| StoreError::Corrupt(format!("holiday {}: {e}", h.day)))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Pack { region, districts, holidays, warnings: Vec::new() }))
}

/// How an [`edit`] ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// There is no such jurisdiction.
    NotFound,
    /// The edit refused itself, or the pack it made breaks a rule: nothing was written.
    Refused(Vec<region::Problem>),
    Done(ImportSummary),
}

/// Reads jurisdiction `id`'s catalog as a pack, lets `change` edit it, checks the result and writes
/// the differences, all in one transaction that holds the jurisdiction for its length: two admins
/// editing at once are applied one after the other, each to what the other left, so neither undoes
/// the other's change.
pub async fn edit(
    db: &Db,
    id: &str,
    actor: &str,
    now: Timestamp,
    change: impl FnOnce(&mut Pack) -> std::result::Result<(), Vec<region::Problem>>,
) -> Result<Edit> {
    let mut tx = db.begin().await?;
    if !tx.is_sqlite() {
        // SQLite's write transaction holds the whole database already.
        tx.execute("SELECT id FROM jurisdictions WHERE id = $1 FOR UPDATE", &args![id]).await?;
    }
    let Some(mut pack) = export_in(&mut tx, id).await? else { return Ok(Edit::NotFound) };
    if let Err(problems) = change(&mut pack) {
        return Ok(Edit::Refused(problems));
    }
    let problems = region::check(&pack.region);
    if !problems.is_empty() {
        return Ok(Edit::Refused(problems));
    }
    let mut done = import_in(&mut tx, &pack, false, actor, now).await?;
    done.warnings = pack.warnings.iter().map(ToString::to_string).collect();
    tx.commit().await?;
    Ok(Edit::Done(done))
}

fn agency_def(a: &Agency) -> AgencyDef {
    AgencyDef {
        code: a.code.clone(),
        name: a.name.clone(),
        handler: a.handler.clone(),
        email: a.email.clone(),
        phone: a.phone.clone(),
        active: a.active,
    }
}

fn service_def(s: &Service, code_of: &BTreeMap<i64, &str>) -> ServiceDef {
    let mut attributes: Vec<AttributeFileDef> = s.attributes.iter().map(AttributeFileDef::from_def).collect();
    attributes.sort_by_key(|a| a.order);
    ServiceDef {
        code: s.code.clone(),
        name: s.name.clone(),
        name_en: s.name_en.clone(),
        description: s.description.clone(),
        group: s.group.clone(),
        keywords: s.keywords.clone(),
        kind: s.kind,
        agency: s.agency_id.and_then(|id| code_of.get(&id)).map(|c| (*c).to_owned()),
        sla_tier: s.sla_tier,
        private: s.private,
        active: s.active,
        privacy: s.default_privacy,
        attributes,
    }
}

fn district_def(d: &District) -> Result<DistrictDef> {
    let polygons = DistrictDef::polygons_of(&d.geometry)
        .ok_or_else(|| StoreError::Corrupt(format!("district {}: geometry is not a polygon", d.code)))?;
    Ok(DistrictDef { code: d.code.clone(), name: d.name.clone(), level: d.level.clone(), polygons })
}

/// What an import did, by kind of thing: the codes created and changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub jurisdiction: Option<&'static str>,
    pub created: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
    pub holidays_added: usize,
    pub holidays_removed: usize,
    /// What was accepted but looks wrong (overlapping districts).
    pub warnings: Vec<String>,
}

impl ImportSummary {
    /// Whether the import changed nothing.
    pub fn is_empty(&self) -> bool {
        self.jurisdiction.is_none()
            && self.created.is_empty()
            && self.changed.is_empty()
            && self.holidays_added == 0
            && self.holidays_removed == 0
    }
}

/// Applies a checked pack in one transaction, by `actor`; a second import of the same pack changes
/// nothing. Agencies, services and districts are matched by code; holidays are made equal to the
/// pack's when it has a holidays file.
pub async fn import(db: &Db, pack: &Pack, has_holidays: bool, actor: &str, now: Timestamp) -> Result<ImportSummary> {
    let mut tx = db.begin().await?;
    let out = import_in(&mut tx, pack, has_holidays, actor, now).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`import`] within `tx`.
async fn import_in(tx: &mut Tx, pack: &Pack, has_holidays: bool, actor: &str, now: Timestamp) -> Result<ImportSummary> {
    let jid = pack.region.jurisdiction.id.clone();
    let mut out = ImportSummary::default();
    let mut acts = Vec::new();
    let act = |subject, kind: &'static str, data: serde_json::Value| Act {
        jurisdiction: jid.clone(),
        subject,
        kind,
        actor: actor.to_owned(),
        at: now.as_micros(),
        data,
    };

    // The jurisdiction.
    let j = &pack.region.jurisdiction;
    let deadlines = serde_json::to_string(&j.deadlines).expect("deadlines always serialise");
    let old: Option<Jurisdiction> = tx
        .fetch_optional(
            "SELECT id, name, time_zone, contact, deadlines, key_service, logo FROM jurisdictions WHERE id = $1",
            &args![&jid],
        )
        .await?;
    let data = serde_json::to_value(j).expect("a jurisdiction always serialises");
    match old {
        None => {
            tx.execute(
                "INSERT INTO jurisdictions (id, name, time_zone, contact, deadlines, created_at, key_service)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &args![&jid, &j.name, &j.time_zone, &j.contact, deadlines.as_str(), now.as_micros(), &j.key_service],
            )
            .await?;
            out.jurisdiction = Some("created");
            acts.push(act(Subject::Jurisdiction, "created", data));
        }
        Some(o)
            if o.name != j.name
                || o.time_zone != j.time_zone
                || o.contact != j.contact
                || o.key_service != j.key_service
                || o.deadlines() != j.deadlines =>
        {
            tx.execute(
                "UPDATE jurisdictions SET name = $1, time_zone = $2, contact = $3, deadlines = $4, key_service = $5
                 WHERE id = $6",
                &args![&j.name, &j.time_zone, &j.contact, deadlines.as_str(), &j.key_service, &jid],
            )
            .await?;
            out.jurisdiction = Some("changed");
            acts.push(act(Subject::Jurisdiction, "changed", data));
        }
        Some(_) => {}
    }

    // Agencies, by code.
    let existing: Vec<Agency> = tx
        .fetch_all(
            "SELECT id, jurisdiction_id, code, name, email, phone, handler, active FROM agencies WHERE jurisdiction_id = $1",
            &args![&jid],
        )
        .await?;
    let mut agency_ids: BTreeMap<String, i64> = existing.iter().map(|a| (a.code.clone(), a.id)).collect();
    for a in &pack.region.agencies {
        let data = serde_json::to_value(a).expect("an agency always serialises");
        match existing.iter().find(|e| e.code == a.code) {
            Some(e) if agency_def(e) == *a => out.unchanged += 1,
            Some(e) => {
                tx.execute(
                    "UPDATE agencies SET name = $1, handler = $2, email = $3, phone = $4, active = $5 WHERE id = $6",
                    &args![&a.name, &a.handler, &a.email, &a.phone, a.active, e.id],
                )
                .await?;
                out.changed.push(format!("agency {}", a.code));
                acts.push(act(Subject::Agency(e.id), "changed", data));
            }
            None => {
                let (id,): (i64,) = tx
                    .fetch_one(
                        "INSERT INTO agencies (jurisdiction_id, code, name, handler, email, phone, active)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        &args![&jid, &a.code, &a.name, &a.handler, &a.email, &a.phone, a.active],
                    )
                    .await?;
                agency_ids.insert(a.code.clone(), id);
                out.created.push(format!("agency {}", a.code));
                acts.push(act(Subject::Agency(id), "created", data));
            }
        }
    }
    let code_of: BTreeMap<i64, &str> = agency_ids.iter().map(|(c, id)| (*id, c.as_str())).collect();

    // Services, by code, in the pack's order.
    let rows: Vec<ServiceRow> = tx
        .fetch_all(&format!("SELECT {SERVICE_COLUMNS} FROM services WHERE jurisdiction_id = $1"), &args![&jid])
        .await?;
    let existing: Vec<Service> = rows.into_iter().map(Service::try_from).collect::<Result<_>>()?;
    let positions: BTreeMap<String, i64> = tx
        .fetch_all::<(String, i64)>("SELECT code, position FROM services WHERE jurisdiction_id = $1", &args![&jid])
        .await?
        .into_iter()
        .collect();
    for (pos, s) in pack.region.services.iter().enumerate() {
        let agency_id = s.agency.as_ref().and_then(|c| agency_ids.get(c)).copied();
        let attributes: Vec<_> = s.attributes.iter().map(AttributeFileDef::to_def).collect();
        let attributes = serde_json::to_string(&attributes).expect("attributes always serialise");
        let keywords = s.keywords.join(", ");
        let data = serde_json::to_value(s).expect("a service always serialises");
        let position = pos as i64;
        let same = |e: &Service| service_def(e, &code_of) == *s && positions.get(&e.code) == Some(&position);
        match existing.iter().find(|e| e.code == s.code) {
            Some(e) if same(e) => out.unchanged += 1,
            Some(e) => {
                tx.execute(
                    "UPDATE services SET name = $1, description = $2, group_name = $3, keywords = $4, kind = $5,
                         agency_id = $6, sla_tier = $7, is_private = $8, active = $9, position = $10, attributes = $11,
                         name_en = $12, default_privacy = $13
                     WHERE id = $14",
                    &args![
                        &s.name,
                        &s.description,
                        &s.group,
                        keywords.as_str(),
                        s.kind.as_str(),
                        agency_id,
                        s.sla_tier.as_str(),
                        s.private,
                        s.active,
                        position,
                        attributes.as_str(),
                        &s.name_en,
                        s.privacy.as_str(),
                        e.id
                    ],
                )
                .await?;
                out.changed.push(format!("service {}", s.code));
                acts.push(act(Subject::Service(e.id), "changed", data));
            }
            None => {
                let (id,): (i64,) = tx
                    .fetch_one(
                        "INSERT INTO services (jurisdiction_id, code, name, description, group_name, keywords, kind,
                             agency_id, sla_tier, is_private, active, position, attributes, name_en, default_privacy)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                        &args![
                            &jid,
                            &s.code,
                            &s.name,
                            &s.description,
                            &s.group,
                            keywords.as_str(),
                            s.kind.as_str(),
                            agency_id,
                            s.sla_tier.as_str(),
                            s.private,
                            s.active,
                            position,
                            attributes.as_str(),
                            &s.name_en,
                            s.privacy.as_str()
                        ],
                    )
                    .await?;
                out.created.push(format!("service {}", s.code));
                acts.push(act(Subject::Service(id), "created", data));
            }
        }
    }

    // Districts, by code.
    let existing: Vec<District> = tx
        .fetch_all(
            "SELECT id, jurisdiction_id, code, name, level, geometry FROM districts WHERE jurisdiction_id = $1",
            &args![&jid],
        )
        .await?;
    for d in &pack.districts {
        let geometry = d.stored_geometry();
        let (min_lat, min_lon, max_lat, max_lon) = d.bounds();
        let data = serde_json::json!({ "code": d.code, "name": d.name, "level": d.level, "points": d.positions() });
        let bounds = args![Some(min_lat), Some(min_lon), Some(max_lat), Some(max_lon)];
        match existing.iter().find(|e| e.code == d.code) {
            Some(e) if district_def(e).is_ok_and(|old| old == *d) => out.unchanged += 1,
            Some(e) => {
                let mut a = args![&d.name, &d.level, geometry.as_str()].to_vec();
                a.extend(bounds);
                a.extend(args![e.id]);
                tx.execute(
                    "UPDATE districts SET name = $1, level = $2, geometry = $3, min_lat = $4, min_lon = $5, max_lat = $6,
                         max_lon = $7 WHERE id = $8",
                    &a,
                )
                .await?;
                out.changed.push(format!("district {}", d.code));
                acts.push(act(Subject::District(e.id), "changed", data));
            }
            None => {
                let mut a = args![&jid, &d.code, &d.name, &d.level, geometry.as_str()].to_vec();
                a.extend(bounds);
                let (id,): (i64,) = tx
                    .fetch_one(
                        "INSERT INTO districts (jurisdiction_id, code, name, level, geometry, min_lat, min_lon, max_lat,
                             max_lon) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        &a,
                    )
                    .await?;
                out.created.push(format!("district {}", d.code));
                acts.push(act(Subject::District(id), "created", data));
            }
        }
    }

    // Holidays: made equal to the pack's.
    if has_holidays {
        let have: BTreeMap<String, (String, String)> = tx
            .fetch_all::<(String, String, String)>(
                "SELECT day, kind, name FROM holidays WHERE jurisdiction_id = $1",
                &args![&jid],
            )
            .await?
            .into_iter()
            .map(|(d, k, n)| (d, (k, n)))
            .collect();
        let want: BTreeMap<String, (String, String)> =
            pack.holidays.iter().map(|h| (h.day(), (h.kind().as_str().to_owned(), h.name().to_owned()))).collect();
        let removed: Vec<&String> = have.keys().filter(|d| !want.contains_key(*d)).collect();
        let added: Vec<(&String, &(String, String))> = want.iter().filter(|(d, v)| have.get(*d) != Some(v)).collect();
        for (day, (kind, name)) in &added {
            tx.execute(
                "INSERT INTO holidays (jurisdiction_id, day, kind, name) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (jurisdiction_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                &args![&jid, *day, kind, name],
            )
            .await?;
        }
        for day in &removed {
            tx.execute("DELETE FROM holidays WHERE jurisdiction_id = $1 AND day = $2", &args![&jid, *day]).await?;
        }
        if !added.is_empty() || !removed.is_empty() {
            let added_json: Vec<_> =
                added.iter().map(|(d, (k, n))| serde_json::json!({ "day": d, "kind": k, "name": n })).collect();
            acts.push(act(
                Subject::Holidays,
                "changed",
                serde_json::json!({ "added": added_json, "removed": removed }),
            ));
        }
        out.holidays_added = added.len();
        out.holidays_removed = removed.len();
    }
    audit::record(tx, &acts).await?;
    Ok(out)
}

/// Reads and checks the pack in `dir` (see `laksana_core::region::read`): the pack and whether it has
/// a holidays file, or every problem found.
pub fn read_dir(dir: &std::path::Path) -> std::result::Result<(Pack, bool), Vec<region::Problem>> {
    let read = |name: &'static str, needed: bool| -> std::result::Result<Option<String>, region::Problem> {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !needed => Ok(None),
            Err(e) => {
                Err(region::Problem { file: name, place: String::new(), field: String::new(), message: e.to_string() })
            }
        }
    };
    let files =
        (read(region::REGION_FILE, true), read(region::DISTRICTS_FILE, false), read(region::HOLIDAYS_FILE, false));
    let (region, districts, holidays) = match files {
        (Ok(r), Ok(d), Ok(h)) => (r.unwrap_or_default(), d, h),
        (r, d, h) => return Err([r.err(), d.err(), h.err()].into_iter().flatten().collect()),
    };
    let has_holidays = holidays.is_some();
    region::read(&PackText { region, districts, holidays }).map(|p| (p, has_holidays))
}

/// Writes `pack` into `dir` (created if needed), one file each.
pub fn write_dir(dir: &std::path::Path, pack: &PackText) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(region::REGION_FILE), &pack.region)?;
    if let Some(d) = &pack.districts {
        std::fs::write(dir.join(region::DISTRICTS_FILE), d)?;
    }
    if let Some(h) = &pack.holidays {
        std::fs::write(dir.join(region::HOLIDAYS_FILE), h)?;
    }
    Ok(())
}
