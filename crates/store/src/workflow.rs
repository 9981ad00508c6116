//! Changing reports: a transition, a comment or a privacy change is one transaction that updates the
//! report (only if nobody changed it first), appends its events to the audit chain and queues its
//! notices and webhook deliveries.

use laksana_core::audit::ReportState;
use laksana_core::service::SlaTier;
use laksana_core::workflow::ClockKind;
use laksana_core::{ArchiveReason, JurisdictionId, Privacy, PublicId, Status, Timestamp};
use sqlx::FromRow;

use crate::audit::NewEvent;
use crate::outbox::WebhookEvent;
use crate::sql::{Arg, Tx};
use crate::{Db, Result, StoreError};

/// A report with everything the workflow decides on, including the reporter (for those entitled).
/// Its states are domain types: a row that does not parse is refused when it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItem {
    pub id: i64,
    pub public_id: PublicId,
    pub jurisdiction_id: JurisdictionId,
    pub service_id: i64,
    pub service_name: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub sla_tier: SlaTier,
    /// The agency the service routes to.
    pub service_agency_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub user_id: Option<i64>,
    pub privacy: Privacy,
    pub status: Status,
    pub archive_reason: Option<ArchiveReason>,
    pub version: i64,
    pub clock: Option<ClockKind>,
    /// When the running clock started.
    pub clock_started_at: Option<i64>,
    pub deadline_at: Option<i64>,
    pub resolution_due_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub escalation_level: i64,
    pub reopen_count: i64,
    pub tick_stage: i64,
    pub next_tick_at: Option<i64>,
    pub duplicate_of: Option<i64>,
    pub reporter_email: Option<String>,
    pub reporter_first_name: Option<String>,
    pub reporter_last_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_language: String,
    pub follow_up_hash: Option<String>,
    pub requested_at: Timestamp,
}

/// A [`WorkItem`] as the database returns it; converted once, by [`TryFrom`].
#[derive(Debug, FromRow)]
pub(crate) struct WorkItemRow {
    id: i64,
    public_id: String,
    jurisdiction_id: String,
    service_id: i64,
    service_name: String,
    description: String,
    lat: Option<f64>,
    lon: Option<f64>,
    sla_tier: String,
    service_agency_id: Option<i64>,
    agency_id: Option<i64>,
    user_id: Option<i64>,
    privacy: String,
    status: String,
    archive_reason: Option<String>,
    version: i64,
    clock: Option<String>,
    clock_started_at: Option<i64>,
    deadline_at: Option<i64>,
    resolution_due_at: Option<i64>,
    closed_at: Option<i64>,
    escalation_level: i64,
    reopen_count: i64,
    tick_stage: i64,
    next_tick_at: Option<i64>,
    duplicate_of: Option<i64>,
    reporter_email: Option<String>,
    reporter_first_name: Option<String>,
    reporter_last_name: Option<String>,
    reporter_phone: Option<String>,
    reporter_language: String,
    follow_up_hash: Option<String>,
    requested_at: i64,
}

impl WorkItemRow {
    pub(crate) fn id(&self) -> i64 {
        self.id
    }
}

impl TryFrom<WorkItemRow> for WorkItem {
    type Error = StoreError;

    fn try_from(r: WorkItemRow) -> Result<Self> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("report {}: {what} {v:?}", r.public_id));
        Ok(WorkItem {
            status: r.status.parse().map_err(|_| corrupt("status", &r.status))?,
            privacy: Privacy::parse(&r.privacy).ok_or_else(|| corrupt("privacy", &r.privacy))?,
            archive_reason: match &r.archive_reason {
                None => None,
                Some(a) => Some(ArchiveReason::parse(a).ok_or_else(|| corrupt("archive_reason", a))?),
            },
            sla_tier: SlaTier::parse(&r.sla_tier).ok_or_else(|| corrupt("sla_tier", &r.sla_tier))?,
            clock: match &r.clock {
                None => None,
                Some(c) => Some(ClockKind::parse(c).ok_or_else(|| corrupt("clock", c))?),
            },
            public_id: PublicId::parse(&r.public_id).ok_or_else(|| corrupt("public_id", &r.public_id))?,
            jurisdiction_id: JurisdictionId::parse(&r.jurisdiction_id)
                .map_err(|_| corrupt("jurisdiction_id", &r.jurisdiction_id))?,
            id: r.id,
            service_id: r.service_id,
            service_name: r.service_name,
            description: r.description,
            lat: r.lat,
            lon: r.lon,
            service_agency_id: r.service_agency_id,
            agency_id: r.agency_id,
            user_id: r.user_id,
            version: r.version,
            requested_at: Timestamp::from_micros(r.requested_at),
            clock_started_at: r.clock_started_at,
            deadline_at: r.deadline_at,
            resolution_due_at: r.resolution_due_at,
            closed_at: r.closed_at,
            escalation_level: r.escalation_level,
            reopen_count: r.reopen_count,
            tick_stage: r.tick_stage,
            next_tick_at: r.next_tick_at,
            duplicate_of: r.duplicate_of,
            reporter_email: r.reporter_email,
            reporter_first_name: r.reporter_first_name,
            reporter_last_name: r.reporter_last_name,
            reporter_phone: r.reporter_phone,
            reporter_language: r.reporter_language,
            follow_up_hash: r.follow_up_hash,
        })
    }
}

impl WorkItem {
    /// Whether `code` is this report's follow-up code (only its hash is stored).
    pub fn follow_up_matches(&self, code: &str) -> bool {
        self.follow_up_hash.as_deref().is_some_and(|h| crate::apikeys::hash_key(code).eq_ignore_ascii_case(h))
    }

    /// The audited state of the report after `change` (or as it is, with [`Change::unchanged`]).
    pub fn state_after(&self, change: &Change) -> ReportState {
        ReportState {
            status: change.status,
            agency_id: change.agency_id,
            privacy: change.privacy,
            service_id: self.service_id,
            description_sha256: crate::audit::description_hash(&self.description),
            lat: change.location.map_or(self.lat, |l| Some(l.at.lat())),
            lon: change.location.map_or(self.lon, |l| Some(l.at.lon())),
            deadline_at: change.deadline_at.map(Timestamp::as_micros),
            escalation_level: change.escalation_level,
            duplicate_of: change.duplicate_of,
            archive_reason: change.archive_reason,
        }
    }

    pub fn current(&self) -> laksana_core::workflow::Current {
        laksana_core::workflow::Current {
            status: self.status,
            agency_id: self.agency_id,
            resolution_due_at: self.resolution_due_at.map(Timestamp::from_micros),
            closed_at: self.closed_at.map(Timestamp::from_micros),
            escalation_level: self.escalation_level,
            reopen_count: self.reopen_count,
        }
    }
}

pub(crate) const ITEM_SELECT: &str = "SELECT r.id, r.public_id, r.jurisdiction_id, r.service_id, s.name AS service_name,
    r.description, r.lat, r.lon, s.sla_tier, s.agency_id AS service_agency_id,
    r.agency_id, r.user_id, r.privacy, r.status, r.archive_reason, r.version, r.clock, r.clock_started_at, r.deadline_at, r.resolution_due_at,
    r.closed_at, r.escalation_level, r.reopen_count, r.tick_stage, r.next_tick_at, r.duplicate_of, r.reporter_email, r.reporter_first_name,
    r.reporter_last_name, r.reporter_phone, r.reporter_language, r.follow_up_hash, r.requested_at
    FROM reports r JOIN services s ON s.id = r.service_id";

/// One report by public id, for the workflow.
pub async fn load(db: &Db, jurisdiction_id: &str, public_id: &str) -> Result<Option<WorkItem>> {
    let sql = format!("{ITEM_SELECT} WHERE r.jurisdiction_id = $1 AND r.public_id = $2");
    db.fetch_optional::<WorkItemRow>(&sql, &args![jurisdiction_id, public_id])
        .await?
        .map(WorkItem::try_from)
        .transpose()
}

/// One report by row id.
pub async fn load_by_id(db: &Db, id: i64) -> Result<Option<WorkItem>> {
    let sql = format!("{ITEM_SELECT} WHERE r.id = $1");
    db.fetch_optional::<WorkItemRow>(&sql, &args![id]).await?.map(WorkItem::try_from).transpose()
}

/// The new state of a report, as decided by `laksana_core::workflow::decide` (or a comment, which
/// changes nothing but the version and `updated_at`).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub status: Status,
    pub archive_reason: Option<ArchiveReason>,
    pub agency_id: Option<i64>,
    pub clock: Option<ClockKind>,
    /// When the running clock started (now, when the change starts or restarts it).
    pub clock_started_at: Option<Timestamp>,
    pub deadline_at: Option<Timestamp>,
    pub resolution_due_at: Option<Timestamp>,
    pub next_tick: Option<(Timestamp, i64)>,
    pub closed_at: Option<Timestamp>,
    pub escalation_level: i64,
    pub reopen_count: i64,
    pub duplicate_of: Option<i64>,
    pub privacy: Privacy,
    /// A new public reply for `status_notes`; `None` keeps the one there is.
    pub status_notes: Option<String>,
    /// The reporter's rating of a resolution (1–5); `None` keeps the one there is.
    pub rating: Option<i64>,
    pub events: Vec<NewEvent>,
    /// Outbox jobs `(kind, payload)`.
    pub jobs: Vec<(String, String)>,
    /// Public events for the jurisdiction's webhooks (empty for `rahasia` reports).
    pub webhooks: Vec<WebhookEvent>,
    /// Photos uploaded with the change (`/media/NAME`), listed as the report's "after" photos: listed,
    /// they are served under the report's privacy like the photos it came with.
    pub after_photos: Vec<String>,
    /// A new place for the report (its pin set or moved by staff), with the district it lies in.
    pub location: Option<Relocation>,
    /// Staff acted on the report now: its first response, unless it already had one.
    pub first_response: Option<Milestone>,
    /// The report was resolved now (replacing an earlier resolution), and whether within its deadline.
    pub resolution: Option<(Milestone, bool)>,
}

/// When something happened to a report, and how many working days after it was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestone {
    pub at: Timestamp,
    pub working_days: i64,
}

/// Where a report's pin now is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relocation {
    pub at: laksana_core::Coordinates,
    pub district_id: Option<i64>,
}

impl Change {
    /// The report as it is: a starting point for a change that only adds events.
    pub fn unchanged(item: &WorkItem) -> Change {
        Change {
            status: item.status,
            archive_reason: item.archive_reason,
            agency_id: item.agency_id,
            clock: item.clock,
            clock_started_at: item.clock_started_at.map(Timestamp::from_micros),
            deadline_at: item.deadline_at.map(Timestamp::from_micros),
            resolution_due_at: item.resolution_due_at.map(Timestamp::from_micros),
            next_tick: item.next_tick_at.map(|t| (Timestamp::from_micros(t), item.tick_stage)),
            closed_at: item.closed_at.map(Timestamp::from_micros),
            escalation_level: item.escalation_level,
            reopen_count: item.reopen_count,
            duplicate_of: item.duplicate_of,
            privacy: item.privacy,
            status_notes: None,
            rating: None,
            events: Vec::new(),
            jobs: Vec::new(),
            webhooks: Vec::new(),
            after_photos: Vec::new(),
            location: None,
            first_response: None,
            resolution: None,
        }
    }
}

const UPDATE_ONE: &str =
    "UPDATE reports SET status = $1, is_open = $2, archive_reason = $3, agency_id = $4, clock = $5,
         deadline_at = $6, resolution_due_at = $7, closed_at = $8, escalation_level = $9, reopen_count = $10,
         duplicate_of = $11, privacy = $12, status_notes = COALESCE($13, status_notes), updated_at = $14,
         next_tick_at = $15, tick_stage = $16, rating = COALESCE($17, rating), clock_started_at = $18,
         first_response_at = COALESCE(first_response_at, $19), response_days = COALESCE(response_days, $20),
         resolved_at = COALESCE($21, resolved_at), resolution_days = COALESCE($22, resolution_days),
         resolved_on_time = COALESCE($23, resolved_on_time),
         version = version + 1
     WHERE id = $24 AND version = $25 RETURNING version";

/// The values of a change, in the order of [`UPDATE_ONE`]'s first 23 parameters and of the VALUES
/// columns 3 to 25 of [`update_reports`].
fn change_args<'a>(change: &'a Change, now: Timestamp) -> [Arg<'a>; 23] {
    args![
        change.status.as_str(),
        change.status.is_open(),
        change.archive_reason.map(ArchiveReason::as_str),
        change.agency_id,
        change.clock.map(ClockKind::as_str),
        change.deadline_at.map(Timestamp::as_micros),
        change.resolution_due_at.map(Timestamp::as_micros),
        change.closed_at.map(Timestamp::as_micros),
        change.escalation_level,
        change.reopen_count,
        change.duplicate_of,
        change.privacy.as_str(),
        &change.status_notes,
        now.as_micros(),
        change.next_tick.map(|t| t.0.as_micros()),
        change.next_tick.map_or(0, |t| t.1),
        change.rating,
        change.clock_started_at.map(Timestamp::as_micros),
        change.first_response.map(|m| m.at.as_micros()),
        change.first_response.map(|m| m.working_days),
        change.resolution.map(|(m, _)| m.at.as_micros()),
        change.resolution.map(|(m, _)| m.working_days),
        change.resolution.map(|(_, on_time)| on_time),
    ]
}

/// Updates the report row to `change` if it is still at `item.version`: the new version, or `None`
/// when someone else changed it first.
pub(crate) async fn update_report(
    tx: &mut Tx,
    item: &WorkItem,
    change: &Change,
    now: Timestamp,
) -> Result<Option<i64>> {
    let mut args = change_args(change, now).to_vec();
    args.extend(args![item.id, item.version]);
    Ok(tx.fetch_optional::<(i64,)>(UPDATE_ONE, &args).await?.map(|(v,)| v))
}

/// Updates many reports in one statement per 500, each only if still at the version it was read at;
/// the ids that were updated.
pub(crate) async fn update_reports(
    tx: &mut Tx,
    pairs: &[(&WorkItem, Change)],
    now: Timestamp,
) -> Result<std::collections::HashSet<i64>> {
    let mut done = std::collections::HashSet::new();
    for chunk in pairs.chunks(500) {
        let rows: Vec<Vec<Arg<'_>>> = chunk
            .iter()
            .map(|(item, c)| {
                let mut row = args![item.id, item.version].to_vec();
                row.extend(change_args(c, now));
                row
            })
            .collect();
        // VALUES columns are called column1, column2, … by both SQLite and PostgreSQL.
        let ids: Vec<(i64,)> = tx
            .insert_rows(
                "UPDATE reports SET status = v.column3, is_open = v.column4, archive_reason = v.column5,
                     agency_id = v.column6, clock = v.column7, deadline_at = v.column8, resolution_due_at = v.column9,
                     closed_at = v.column10, escalation_level = v.column11, reopen_count = v.column12,
                     duplicate_of = v.column13, privacy = v.column14,
                     status_notes = COALESCE(v.column15, reports.status_notes), updated_at = v.column16,
                     next_tick_at = v.column17, tick_stage = v.column18, rating = COALESCE(v.column19, reports.rating), clock_started_at = v.column20,
                     first_response_at = COALESCE(reports.first_response_at, v.column21),
                     response_days = COALESCE(reports.response_days, v.column22),
                     resolved_at = COALESCE(v.column23, reports.resolved_at),
                     resolution_days = COALESCE(v.column24, reports.resolution_days),
                     resolved_on_time = COALESCE(v.column25, reports.resolved_on_time),
                     version = reports.version + 1
                 FROM (",
                &rows,
                ") AS v WHERE reports.id = v.column1 AND reports.version = v.column2 RETURNING reports.id",
            )
            .await?;
        done.extend(ids.into_iter().map(|(id,)| id));
    }
    Ok(done)
}

/// Writes `change` if the report is still at the version `item` was read at; otherwise a conflict,
/// and nothing is written. Returns the new version (see `group_commit`).
pub async fn apply(db: &Db, item: &WorkItem, change: &Change, now: Timestamp) -> Result<i64> {
    crate::group_commit::apply(db, (item.clone(), change.clone(), now)).await
}

/// Someone else changed the report since it was read.
pub(crate) fn conflict(item: &WorkItem) -> StoreError {
    StoreError::Conflict(format!("report {} was changed by someone else; reload it and try again", item.public_id))
}

/// Events of one report, oldest first; `internal` includes the non-public ones.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub status: Option<String>,
    pub note: Option<String>,
    pub is_public: bool,
    pub actor: String,
    pub created_at: i64,
    pub data: String,
}

/// A report's events. As in `events`: the note and data that name a duplicate's original, for those who
/// do not see internal events, once the original is rahasia, name no report.
static EVENTS_OF: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT e.id, e.kind, e.status,
             CASE WHEN h.hidden IS NOT NULL AND e.data LIKE '%\"duplicate_of\"%'
                 THEN '{}' ELSE e.note END AS note,
             e.is_public, e.actor, e.created_at,
                 CASE WHEN h.hidden IS NOT NULL AND e.data LIKE '%\"duplicate_of\"%' THEN '{{}}' ELSE e.data END AS data
             FROM audit_events e
             LEFT JOIN (SELECT r.id AS hidden FROM reports r JOIN reports o ON o.id = r.duplicate_of
                        WHERE r.id = $1 AND o.privacy = 'rahasia' AND NOT $3) h ON h.hidden = e.report_id
             WHERE e.report_id = $1 AND (e.is_public = $2 OR $3) ORDER BY e.id",
        laksana_core::notice::duplicate_note(None)
    )
});

pub async fn events_of(db: &Db, report_id: i64, internal: bool) -> Result<Vec<Event>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(EVENTS_OF.as_str()))
            .bind(report_id)
            .bind(true)
            .bind(internal)
            .fetch_all(pool)
            .await?
    }))
}

/// Reports that name `original_id` as what they duplicate (their reporters follow the original).
pub async fn duplicates_of(db: &Db, original_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_scalar("SELECT id FROM reports WHERE duplicate_of = $1 ORDER BY id")
            .bind(original_id)
            .fetch_all(pool)
            .await?
    }))
}
