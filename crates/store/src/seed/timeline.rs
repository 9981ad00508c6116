//! Plausible reports with their timelines, and the bulk insert that stores them.

use std::collections::HashMap;

use geo::{Contains, Coord, LineString, Point, Polygon};
use laksana_core::audit::ReportState;
use laksana_core::calendar::{Calendar, default_clock_days};
use laksana_core::workflow::ClockKind;
use laksana_core::{ArchiveReason, Channel, Privacy, PublicId, Status, Timestamp};
use rand::Rng;

use super::demo_data::{DemoJurisdiction, STREETS};
use crate::audit::{self, NewEvent};
use crate::catalog::{self, District};
use crate::sql::Arg;
use crate::tail::Tail;
use crate::{Db, Result};

/// One event of a seeded report's timeline.
#[derive(Debug, Clone)]
pub struct SeedEvent {
    pub status: Status,
    pub note: Option<String>,
    pub actor: &'static str,
    pub at: Timestamp,
}

/// A complete report as the seeders write it.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub public_id: PublicId,
    pub jurisdiction_id: String,
    pub service_id: i64,
    pub agency_id: Option<i64>,
    pub description: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub district_id: i64,
    pub attributes: String,
    pub reporter: Option<(String, String, String)>,
    pub privacy: Privacy,
    pub channel: Channel,
    pub status: Status,
    pub archive_reason: Option<ArchiveReason>,
    pub deadline_at: Option<Timestamp>,
    /// When the running clock started.
    pub clock_started_at: Option<Timestamp>,
    pub status_notes: Option<String>,
    pub requested_at: Timestamp,
    pub updated_at: Timestamp,
    pub escalation_level: i64,
    /// Staff's first change of state: when, and after how many working days.
    pub first_response: Option<(Timestamp, i64)>,
    /// The last resolution: when, after how many working days, and whether within its deadline.
    pub resolution: Option<(Timestamp, i64, bool)>,
    pub reopen_count: i64,
    /// The reporter's rating, 1–5, of a confirmed resolution.
    pub rating: Option<i64>,
    pub events: Vec<SeedEvent>,
}

struct ServiceInfo {
    id: i64,
    agency_id: Option<i64>,
    agency_name: String,
    sla_days: u32,
    private: bool,
    samples: Vec<String>,
    attributes: String,
}

struct DistrictInfo {
    id: i64,
    name: String,
    polygon: Polygon<f64>,
    bbox: (f64, f64, f64, f64),
    streets: Vec<&'static str>,
}

/// Everything a generator needs about one jurisdiction, loaded once.
pub(super) struct Context {
    jurisdiction_id: String,
    calendar: Calendar,
    services: Vec<ServiceInfo>,
    districts: Vec<DistrictInfo>,
}

const FIRST: &[&str] = &[
    "Siti", "Budi", "Dewi", "Agus", "Rina", "Ahmad", "Nur", "Dedi", "Fitri", "Rudi", "Yuli", "Hendra", "Wahyu", "Sri",
    "Joko", "Ayu", "Rizky", "Putri", "Eko", "Lestari",
];
const LAST: &[&str] = &[
    "Rahmawati",
    "Santoso",
    "Hidayat",
    "Lestari",
    "Saputra",
    "Wijaya",
    "Kurniawan",
    "Susanti",
    "Pratama",
    "Nugroho",
    "Hasanah",
    "Setiawan",
    "Maulana",
    "Permata",
    "Siregar",
    "Simanjuntak",
];

impl Context {
    /// Loads what the generator needs of `jid`; sample texts come from the demo data of the same
    /// service codes (Kota Tangerang's for jurisdictions that are not a demo one).
    pub(super) async fn load(db: &Db, jid: &str, demo: &DemoJurisdiction, calendar: Calendar) -> Result<Self> {
        let agencies: HashMap<i64, String> =
            catalog::agencies(db, jid).await?.into_iter().map(|a| (a.id, a.name)).collect();
        let services = catalog::services(db, jid)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .map(|s| {
                let samples = demo
                    .services
                    .iter()
                    .find(|d| d.code == s.code)
                    .map(|d| d.samples.iter().map(|x| (*x).to_owned()).collect())
                    .filter(|v: &Vec<String>| !v.is_empty())
                    .unwrap_or_else(|| vec![format!("Laporan tentang {}.", s.name.to_lowercase())]);
                let attributes = example_attributes(&s.attributes);
                ServiceInfo {
                    id: s.id,
                    agency_id: s.agency_id,
                    agency_name: s.agency_id.and_then(|a| agencies.get(&a).cloned()).unwrap_or_default(),
                    sla_days: s.sla_tier.default_working_days(),
                    private: s.private,
                    samples,
                    attributes,
                }
            })
            .collect();
        let districts = catalog::districts(db, jid).await?.iter().filter_map(district_info).collect();
        Ok(Self { jurisdiction_id: jid.to_owned(), calendar, services, districts })
    }

    fn local_midnight(&self, t: Timestamp) -> Timestamp {
        let tz = self.calendar.time_zone();
        let day = self.calendar.local_day(t);
        chrono::TimeZone::from_local_datetime(&tz, &day.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .map_or(t, |dt| Timestamp::from_datetime(&dt))
    }

    /// Staff act on working days between 08:00 and 16:00: a time outside them moves to the next
    /// working morning.
    fn office_hours(&self, t: Timestamp, rng: &mut impl Rng) -> Timestamp {
        let midnight = self.local_midnight(t);
        let secs = (t.as_micros() - midnight.as_micros()) / 1_000_000;
        if self.calendar.is_working_day(self.calendar.local_day(t)) && (8 * 3600..16 * 3600).contains(&secs) {
            return t;
        }
        let mut day = if secs < 8 * 3600 { midnight } else { midnight.plus_days(1) };
        while !self.calendar.is_working_day(self.calendar.local_day(day.plus_seconds(43_200))) {
            day = day.plus_days(1);
        }
        self.local_midnight(day.plus_seconds(43_200)).plus_seconds(8 * 3600 + rng.random_range(0..4 * 3600))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.services.is_empty() || self.districts.is_empty()
    }

    /// A demo report with a full timeline.
    pub(super) fn demo_report(&self, rng: &mut impl Rng, now: Timestamp) -> SeedReport {
        let u = rng.random::<f64>();
        self.report(rng, now, u, true)
    }

    /// A benchmark report: the same shape without its timeline (bulk data for list and query
    /// benchmarks; each event row would cost as much again to write).
    ///
    /// `u` in [0, 1) places the report in time (0 is today, 1 a year ago); the bulk loader passes
    /// decreasing values so that reports arrive oldest first, as they would in real life.
    pub(super) fn synthetic_report(&self, rng: &mut impl Rng, now: Timestamp, u: f64) -> SeedReport {
        self.report(rng, now, u, false)
    }

    fn report(&self, rng: &mut impl Rng, now: Timestamp, u: f64, full_timeline: bool) -> SeedReport {
        let service = &self.services[rng.random_range(0..self.services.len())];
        let district = &self.districts[rng.random_range(0..self.districts.len())];
        // Younger reports are more frequent: the square skews ages towards today.
        let age_days = (u.clamp(0.0, 1.0).powi(2) * 365.0) as i64;
        // Citizens write between 06:00 and 22:00 local time, mostly.
        let day_start = self.local_midnight(now.plus_days(-age_days));
        let requested_at = day_start.plus_seconds(rng.random_range(6 * 3600..22 * 3600)).min(now.plus_seconds(-60));
        let target = super::status_for_age(rng, age_days);
        let (lat, lon) = district.random_point(rng);
        let street =
            district.streets.get(rng.random_range(0..district.streets.len().max(1))).copied().unwrap_or("Jl. Raya");
        let address = format!("{street} No. {}, Kec. {}", rng.random_range(1..200), district.name);
        let privacy = if service.private {
            Privacy::Rahasia
        } else {
            match rng.random_range(0..100) {
                0..70 => Privacy::Publik,
                70..93 => Privacy::Anonim,
                _ => Privacy::Rahasia,
            }
        };
        let reporter = (privacy != Privacy::Anonim || rng.random_bool(0.5)).then(|| {
            let first = FIRST[rng.random_range(0..FIRST.len())];
            let last = LAST[rng.random_range(0..LAST.len())];
            (
                first.to_owned(),
                last.to_owned(),
                format!("{}.{}{}@contoh.id", first, last, rng.random_range(1..99)).to_lowercase(),
            )
        });
        let channel = match rng.random_range(0..100) {
            0..40 => Channel::Web,
            40..65 => Channel::Open311,
            65..80 => Channel::Whatsapp,
            80..85 => Channel::Sms,
            85..90 => Channel::Email,
            _ => Channel::WalkIn,
        };
        let mut events =
            vec![SeedEvent { status: Status::Submitted, note: None, actor: channel.as_str(), at: requested_at }];
        let mut t = requested_at;
        let mut archive_reason = None;
        let mut clock_start = requested_at;
        for (status, hours) in path_to(target, rng) {
            let mut next = t.plus_seconds(hours * 3600 + rng.random_range(0..3600));
            if !matches!(status, Status::Closed | Status::Reopened) {
                next = self.office_hours(next, rng);
            }
            if next >= now {
                break;
            }
            t = next;
            let note = match status {
                Status::NeedsInfo => {
                    "Mohon lengkapi foto dan alamat lengkap lokasi agar dapat kami tindak lanjuti.".to_owned()
                }
                Status::Dispositioned => format!("Laporan diverifikasi dan diteruskan ke {}.", service.agency_name),
                Status::InProgress => {
                    "Rencana tindak lanjut: petugas akan meninjau lokasi dan menjadwalkan perbaikan.".into()
                }
                Status::Resolved => {
                    "Sudah ditangani oleh petugas. Silakan konfirmasi apabila masalah telah selesai.".into()
                }
                Status::Closed => "Pelapor mengonfirmasi penyelesaian. Terima kasih atas laporan Anda.".into(),
                Status::Reopened => "Pelapor menyatakan masalah belum selesai; laporan dibuka kembali.".into(),
                Status::NotAuthority => {
                    "Bukan kewenangan pemerintah kota; laporan diteruskan kepada instansi yang berwenang.".into()
                }
                Status::Archived => {
                    let reason = [
                        ArchiveReason::Duplicate,
                        ArchiveReason::Spam,
                        ArchiveReason::Incomplete,
                        ArchiveReason::OutOfScope,
                    ][rng.random_range(0..4)];
                    archive_reason = Some(reason);
                    match reason {
                        ArchiveReason::Duplicate => "Laporan serupa sudah ada dan sedang ditangani.".into(),
                        ArchiveReason::Spam => "Laporan tidak berkaitan dengan pelayanan publik.".into(),
                        ArchiveReason::Incomplete => "Informasi tidak dilengkapi hingga batas waktu.".into(),
                        _ => "Di luar lingkup pengaduan pelayanan publik.".into(),
                    }
                }
                Status::Submitted => String::new(),
            };
            if matches!(status, Status::Dispositioned | Status::Reopened | Status::NeedsInfo | Status::Resolved) {
                clock_start = t;
            }
            events.push(SeedEvent { status, note: Some(note), actor: actor_for(status), at: t });
        }
        let status = events.last().map_or(Status::Submitted, |e| e.status);
        let deadline_at =
            default_clock_days(status, service.sla_days).map(|days| self.calendar.deadline(clock_start, days));
        let escalation_level = match deadline_at {
            Some(d) if status.is_open() && d < now => {
                if self.calendar.working_days_left(d, now) > 5 {
                    2
                } else {
                    1
                }
            }
            _ => 0,
        };
        let status_notes = events.last().and_then(|e| e.note.clone());
        let updated_at = t;
        let taken = |at| self.calendar.working_days_taken(requested_at, at);
        let first_response = events
            .iter()
            .find(|e| !matches!(e.status, Status::Submitted | Status::Closed | Status::Reopened))
            .map(|e| (e.at, taken(e.at)));
        let disposed = events.iter().find(|e| e.status == Status::Dispositioned).map(|e| e.at);
        let resolution = events.iter().rev().find(|e| e.status == Status::Resolved).map(|e| {
            let due = disposed.map(|d| self.calendar.deadline(d, service.sla_days));
            (e.at, taken(e.at), due.is_none_or(|due| e.at <= due))
        });
        let public_id = PublicId::generate(rng);
        // Ratings come from the id, not from `rng`, so that adding them left every other seeded value
        // as it was: most confirmed reports are rated, mostly well.
        let rating = (status == Status::Closed).then(|| {
            let h = public_id.as_str().bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            [None, None, None, Some(1), Some(2), Some(2), Some(3), Some(3), Some(3), Some(4)]
                .get((h % 20) as usize)
                .copied()
                .unwrap_or(Some(5))
        });
        if !full_timeline {
            events.clear();
        }
        SeedReport {
            public_id,
            jurisdiction_id: self.jurisdiction_id.clone(),
            service_id: service.id,
            agency_id: if status == Status::NotAuthority { None } else { service.agency_id },
            description: service.samples[rng.random_range(0..service.samples.len())].clone(),
            lat,
            lon,
            address,
            district_id: district.id,
            attributes: service.attributes.clone(),
            reporter,
            privacy,
            channel,
            status,
            archive_reason,
            deadline_at,
            clock_started_at: deadline_at.map(|_| clock_start),
            status_notes,
            requested_at,
            updated_at,
            escalation_level,
            first_response,
            resolution,
            reopen_count: i64::from(status == Status::Reopened),
            rating: rating.flatten(),
            events,
        }
    }
}

/// The statuses a report passes through on its way to `target`, each with the hours it takes.
fn path_to(target: Status, rng: &mut impl Rng) -> Vec<(Status, i64)> {
    use Status as S;
    let verify = rng.random_range(1..48);
    let plan = rng.random_range(4..96);
    let resolve = rng.random_range(24..24 * 25);
    let confirm = rng.random_range(24..24 * 12);
    match target {
        S::Submitted => vec![],
        S::NeedsInfo => vec![(S::NeedsInfo, verify)],
        S::Archived => vec![(S::Archived, verify)],
        S::NotAuthority => vec![(S::NotAuthority, verify)],
        S::Dispositioned => vec![(S::Dispositioned, verify)],
        S::InProgress => vec![(S::Dispositioned, verify), (S::InProgress, plan)],
        S::Resolved => vec![(S::Dispositioned, verify), (S::InProgress, plan), (S::Resolved, resolve)],
        S::Closed => {
            vec![(S::Dispositioned, verify), (S::InProgress, plan), (S::Resolved, resolve), (S::Closed, confirm)]
        }
        S::Reopened => {
            vec![(S::Dispositioned, verify), (S::InProgress, plan), (S::Resolved, resolve), (S::Reopened, confirm)]
        }
    }
}

fn actor_for(status: Status) -> &'static str {
    match status {
        Status::InProgress | Status::Resolved => "officer",
        Status::Closed | Status::Reopened => "reporter",
        _ => "operator",
    }
}

/// Example answers for a service's attributes, so seeded reports look like real submissions.
fn example_attributes(defs: &[laksana_core::service::AttributeDef]) -> String {
    use laksana_core::service::Datatype;
    let mut m = std::collections::BTreeMap::<String, Vec<String>>::new();
    for d in defs.iter().filter(|d| d.required || !d.values.is_empty()) {
        let v = match d.datatype {
            Datatype::Singlevaluelist | Datatype::Multivaluelist => d.values.first().map(|(k, _)| k.clone()),
            Datatype::Number => Some("30".into()),
            Datatype::Datetime => None,
            Datatype::String | Datatype::Text => Some("-".into()),
        };
        if let Some(v) = v {
            m.insert(d.code.clone(), vec![v]);
        }
    }
    serde_json::to_string(&m).expect("strings always serialise")
}

fn district_info(d: &District) -> Option<DistrictInfo> {
    let rings: Vec<Vec<[f64; 2]>> = serde_json::from_str(&d.geometry).ok()?;
    let ring = rings.into_iter().next()?;
    let (mut a, mut b, mut c, mut e) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for [lon, lat] in &ring {
        a = a.min(*lon);
        b = b.max(*lon);
        c = c.min(*lat);
        e = e.max(*lat);
    }
    let polygon =
        Polygon::new(LineString::from(ring.into_iter().map(|[x, y]| Coord { x, y }).collect::<Vec<_>>()), vec![]);
    let streets = STREETS.iter().find(|(code, _)| *code == d.code).map(|(_, s)| s.to_vec()).unwrap_or_default();
    Some(DistrictInfo { id: d.id, name: d.name.clone(), polygon, bbox: (a, b, c, e), streets })
}

impl DistrictInfo {
    /// A point inside the polygon (by rejection from its bounding box), rounded to ~1 m.
    fn random_point(&self, rng: &mut impl Rng) -> (f64, f64) {
        let (min_lon, max_lon, min_lat, max_lat) = self.bbox;
        let mut last = ((min_lat + max_lat) / 2.0, (min_lon + max_lon) / 2.0);
        for _ in 0..50 {
            let lon = rng.random_range(min_lon..=max_lon);
            let lat = rng.random_range(min_lat..=max_lat);
            last = (lat, lon);
            if self.polygon.contains(&Point::new(lon, lat)) {
                break;
            }
        }
        ((last.0 * 1e5).round() / 1e5, (last.1 * 1e5).round() / 1e5)
    }
}

/// Stores seeded reports and their events in one transaction. A public-id collision retries the
/// batch with fresh ids.
pub(super) async fn insert_batch(db: &Db, reports: &[SeedReport]) -> Result<()> {
    let mut owned;
    let mut batch = reports;
    for _ in 0..5 {
        match try_insert_batch(db, batch).await {
            Err(e) if e.is_unique_violation() => {
                owned = batch.to_vec();
                let mut rng = rand::rng();
                for r in &mut owned {
                    r.public_id = PublicId::generate(&mut rng);
                }
                batch = &owned;
            }
            other => return other,
        }
    }
    Err(crate::StoreError::Conflict("public ids kept colliding".into()))
}

async fn try_insert_batch(db: &Db, all: &[SeedReport]) -> Result<()> {
    let mut tx = db.begin().await?;
    // SQLite copies every page a multi-row statement touches into a statement journal, in case the
    // statement alone must be undone. The whole transaction is undone on any error here, so
    // `OR FAIL` and deferred foreign keys spare that copy (about a third of the work).
    let insert = if tx.is_sqlite() {
        tx.execute("PRAGMA defer_foreign_keys = ON", &[]).await?;
        "INSERT OR FAIL INTO"
    } else {
        "INSERT INTO"
    };
    let head = format!(
        "{insert} reports (public_id, jurisdiction_id, service_id, description, lat, lon, address, district_id,
             attributes, reporter_first_name, reporter_last_name, reporter_email, privacy, channel, status, is_open,
             archive_reason, agency_id, deadline_at, status_notes, requested_at, updated_at, escalation_level,
             clock, next_tick_at, tick_stage, clock_started_at, first_response_at, response_days, resolved_at,
             resolution_days, resolved_on_time, reopen_count, rating)"
    );
    let mut tail = Tail::default();
    // One statement per 1,000 reports, one transaction for all of them: fewer commits rewrite the same
    // index pages fewer times.
    for reports in all.chunks(1_000) {
        let rows: Vec<Vec<Arg<'_>>> = reports
            .iter()
            .map(|r| {
                // The ticker's first appointment is the deadline itself: seeded history gets no reminders.
                let clock = ClockKind::for_status(r.status).filter(|_| r.deadline_at.is_some());
                args![
                    r.public_id.as_str(),
                    r.jurisdiction_id.as_str(),
                    r.service_id,
                    r.description.as_str(),
                    Some(r.lat),
                    Some(r.lon),
                    r.address.as_str(),
                    r.district_id,
                    r.attributes.as_str(),
                    r.reporter.as_ref().map(|x| x.0.as_str()),
                    r.reporter.as_ref().map(|x| x.1.as_str()),
                    r.reporter.as_ref().map(|x| x.2.as_str()),
                    r.privacy.as_str(),
                    r.channel.as_str(),
                    r.status.as_str(),
                    r.status.is_open(),
                    r.archive_reason.map(ArchiveReason::as_str),
                    r.agency_id,
                    r.deadline_at.map(Timestamp::as_micros),
                    r.status_notes.as_deref(),
                    r.requested_at.as_micros(),
                    r.updated_at.as_micros(),
                    r.escalation_level,
                    clock.map(|c| c.as_str()),
                    clock.and(r.deadline_at).map(|d| d.as_micros() + 1),
                    1i64,
                    clock.and(r.clock_started_at).map(Timestamp::as_micros),
                    r.first_response.map(|(at, _)| at.as_micros()),
                    r.first_response.map(|(_, days)| days),
                    r.resolution.map(|(at, _, _)| at.as_micros()),
                    r.resolution.map(|(_, days, _)| days),
                    r.resolution.map(|(_, _, on_time)| on_time),
                    r.reopen_count,
                    r.rating,
                ]
                .to_vec()
            })
            .collect();
        let ids: Vec<(i64, String)> = tx.insert_rows(&head, &rows, "RETURNING id, public_id").await?;
        let ids: HashMap<String, i64> = ids.into_iter().map(|(id, p)| (p, id)).collect();
        for r in reports {
            let id = ids[r.public_id.as_str()];
            tail.add(&r.jurisdiction_id, seed_events(id, r), [], &[]);
        }
    }
    tail.write(&mut tx, 0).await?;
    tx.commit().await
}

/// A seeded report's events: its timeline, the last of which records the state the report is stored
/// in; a report without a timeline gets one `import` event that does.
fn seed_events(id: i64, r: &SeedReport) -> Vec<NewEvent> {
    let mut events: Vec<NewEvent> = r
        .events
        .iter()
        .map(|e| NewEvent {
            report_id: id,
            kind: "status".into(),
            status: Some(e.status.as_str().into()),
            note: e.note.clone(),
            is_public: true,
            actor: e.actor.into(),
            created_at: e.at.as_micros(),
            data: "{}".into(),
            state: None,
        })
        .collect();
    if events.is_empty() {
        events.push(audit::import_event(id, r.updated_at.as_micros(), None));
    }
    let state = ReportState {
        status: r.status,
        agency_id: r.agency_id,
        privacy: r.privacy,
        service_id: r.service_id,
        description_sha256: audit::description_hash(&r.description),
        lat: Some(r.lat),
        lon: Some(r.lon),
        deadline_at: r.deadline_at.map(Timestamp::as_micros),
        escalation_level: r.escalation_level,
        duplicate_of: None,
        archive_reason: r.archive_reason,
    };
    events.last_mut().expect("at least one event").state = Some(audit::state_json(&state));
    events
}
