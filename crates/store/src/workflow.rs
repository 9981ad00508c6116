//! Changing reports: a transition, a comment or a privacy change is one transaction that updates the
//! report (only if nobody changed it first), appends its events to the audit chain and queues its
//! notices and webhook deliveries.

use laksana_core::{Privacy, Status, Timestamp};
use sqlx::FromRow;

use crate::audit::NewEvent;
use crate::outbox::WebhookEvent;
use crate::{Db, Result, StoreError};

/// A report with everything the workflow decides on, including the reporter (for those entitled).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct WorkItem {
    pub id: i64,
    pub public_id: String,
    pub jurisdiction_id: String,
    pub service_id: i64,
    pub service_name: String,
    pub sla_tier: String,
    /// The agency the service routes to.
    pub service_agency_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub user_id: Option<i64>,
    pub privacy: String,
    pub status: String,
    pub archive_reason: Option<String>,
    pub version: i64,
    pub clock: Option<String>,
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
}

impl WorkItem {
    pub fn status(&self) -> Result<Status> {
        self.status.parse().map_err(|_| StoreError::Corrupt(format!("report {}: status {:?}", self.id, self.status)))
    }

    pub fn privacy(&self) -> Result<Privacy> {
        Privacy::parse(&self.privacy)
            .ok_or_else(|| StoreError::Corrupt(format!("report {}: privacy {:?}", self.id, self.privacy)))
    }

    /// Whether `code` is this report's follow-up code (only its hash is stored).
    pub fn follow_up_matches(&self, code: &str) -> bool {
        self.follow_up_hash.as_deref().is_some_and(|h| crate::apikeys::hash_key(code).eq_ignore_ascii_case(h))
    }

    pub fn current(&self) -> Result<laksana_core::workflow::Current> {
        Ok(laksana_core::workflow::Current {
            status: self.status()?,
            agency_id: self.agency_id,
            resolution_due_at: self.resolution_due_at.map(Timestamp::from_micros),
            closed_at: self.closed_at.map(Timestamp::from_micros),
            escalation_level: self.escalation_level,
            reopen_count: self.reopen_count,
        })
    }
}

pub(crate) const ITEM_SELECT: &str = "SELECT r.id, r.public_id, r.jurisdiction_id, r.service_id, s.name AS service_name, s.sla_tier, s.agency_id AS service_agency_id,
    r.agency_id, r.user_id, r.privacy, r.status, r.archive_reason, r.version, r.clock, r.deadline_at, r.resolution_due_at,
    r.closed_at, r.escalation_level, r.reopen_count, r.tick_stage, r.next_tick_at, r.duplicate_of, r.reporter_email, r.reporter_first_name,
    r.reporter_last_name, r.reporter_phone, r.reporter_language, r.follow_up_hash
    FROM reports r JOIN services s ON s.id = r.service_id";

/// One report by public id, for the workflow.
pub async fn load(db: &Db, jurisdiction_id: &str, public_id: &str) -> Result<Option<WorkItem>> {
    let sql = format!("{ITEM_SELECT} WHERE r.jurisdiction_id = $1 AND r.public_id = $2");
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(jurisdiction_id).bind(public_id).fetch_optional(pool).await?
    }))
}

/// One report by row id.
pub async fn load_by_id(db: &Db, id: i64) -> Result<Option<WorkItem>> {
    let sql = format!("{ITEM_SELECT} WHERE r.id = $1");
    Ok(on_db!(db, |pool, DB| sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?))
}

/// The new state of a report, as decided by `laksana_core::workflow::decide` (or a comment, which
/// changes nothing but the version and `updated_at`).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub status: Status,
    pub archive_reason: Option<String>,
    pub agency_id: Option<i64>,
    pub clock: Option<String>,
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
}

impl Change {
    /// The report as it is: a starting point for a change that only adds events.
    pub fn unchanged(item: &WorkItem) -> Result<Change> {
        Ok(Change {
            status: item.status()?,
            archive_reason: item.archive_reason.clone(),
            agency_id: item.agency_id,
            clock: item.clock.clone(),
            deadline_at: item.deadline_at.map(Timestamp::from_micros),
            resolution_due_at: item.resolution_due_at.map(Timestamp::from_micros),
            next_tick: item.next_tick_at.map(|t| (Timestamp::from_micros(t), item.tick_stage)),
            closed_at: item.closed_at.map(Timestamp::from_micros),
            escalation_level: item.escalation_level,
            reopen_count: item.reopen_count,
            duplicate_of: item.duplicate_of,
            privacy: item.privacy()?,
            status_notes: None,
            rating: None,
            events: Vec::new(),
            jobs: Vec::new(),
            webhooks: Vec::new(),
        })
    }
}

/// Updates the report row to `$change` if it is still at `$item.version`; evaluates to
/// `Result<Option<i64>>`, the new version or `None` when someone else changed it first.
macro_rules! update_report {
    ($tx:ident, $item:expr, $change:expr, $now:expr) => {{
        let (item, change, now): (&$crate::workflow::WorkItem, &$crate::workflow::Change, laksana_core::Timestamp) = ($item, $change, $now);
        sqlx::query_scalar::<_, i64>(
            "UPDATE reports SET status = $1, is_open = $2, archive_reason = $3, agency_id = $4, clock = $5, deadline_at = $6,
                 resolution_due_at = $7, closed_at = $8, escalation_level = $9, reopen_count = $10, duplicate_of = $11,
                 privacy = $12, status_notes = COALESCE($13, status_notes), updated_at = $14, next_tick_at = $15,
                 tick_stage = $16, rating = COALESCE($19, rating), version = version + 1
             WHERE id = $17 AND version = $18 RETURNING version",
        )
        .bind(change.status.as_str())
        .bind(change.status.is_open())
        .bind(&change.archive_reason)
        .bind(change.agency_id)
        .bind(&change.clock)
        .bind(change.deadline_at.map(Timestamp::as_micros))
        .bind(change.resolution_due_at.map(Timestamp::as_micros))
        .bind(change.closed_at.map(Timestamp::as_micros))
        .bind(change.escalation_level)
        .bind(change.reopen_count)
        .bind(change.duplicate_of)
        .bind(change.privacy.as_str())
        .bind(&change.status_notes)
        .bind(now.as_micros())
        .bind(change.next_tick.map(|t| t.0.as_micros()))
        .bind(change.next_tick.map_or(0, |t| t.1))
        .bind(item.id)
        .bind(item.version)
        .bind(change.rating)
        .fetch_optional(&mut *$tx)
        .await
        .map_err($crate::StoreError::from)
    }};
}

/// Updates many reports in one statement per 500, each only if still at the version it was read at;
/// evaluates to `Result<HashSet<i64>>`, the ids that were updated. `$pairs` is `&[(&WorkItem, Change)]`.
macro_rules! update_reports {
    ($tx:ident, $DB:ty, $pairs:expr, $now:expr) => {{
        let (pairs, now): (&[(&WorkItem, Change)], Timestamp) = ($pairs, $now);
        async {
            let mut done = std::collections::HashSet::new();
            for chunk in pairs.chunks(500) {
                // VALUES columns are called column1, column2, … by both SQLite and PostgreSQL.
                let mut q = sqlx::QueryBuilder::<$DB>::new(
                    "UPDATE reports SET status = v.column3, is_open = v.column4, archive_reason = v.column5, agency_id = v.column6,
                         clock = v.column7, deadline_at = v.column8, resolution_due_at = v.column9, closed_at = v.column10,
                         escalation_level = v.column11, reopen_count = v.column12, duplicate_of = v.column13, privacy = v.column14,
                         status_notes = COALESCE(v.column15, reports.status_notes), updated_at = v.column16, next_tick_at = v.column17,
                         tick_stage = v.column18, version = reports.version + 1
                     FROM (",
                );
                q.push_values(chunk, |mut b, (item, c)| {
                    b.push_bind(item.id)
                        .push_bind(item.version)
                        .push_bind(c.status.as_str())
                        .push_bind(c.status.is_open())
                        .push_bind(c.archive_reason.clone())
                        .push_bind(c.agency_id)
                        .push_bind(c.clock.clone())
                        .push_bind(c.deadline_at.map(Timestamp::as_micros))
                        .push_bind(c.resolution_due_at.map(Timestamp::as_micros))
                        .push_bind(c.closed_at.map(Timestamp::as_micros))
                        .push_bind(c.escalation_level)
                        .push_bind(c.reopen_count)
                        .push_bind(c.duplicate_of)
                        .push_bind(c.privacy.as_str())
                        .push_bind(c.status_notes.clone())
                        .push_bind(now.as_micros())
                        .push_bind(c.next_tick.map(|t| t.0.as_micros()))
                        .push_bind(c.next_tick.map_or(0, |t| t.1));
                });
                q.push(") AS v WHERE reports.id = v.column1 AND reports.version = v.column2 RETURNING reports.id");
                let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *$tx).await?;
                done.extend(ids);
            }
            Ok::<_, $crate::StoreError>(done)
        }
        .await
    }};
}

/// Writes `change` if the report is still at the version `item` was read at; otherwise a conflict,
/// and nothing is written. Returns the new version.
pub async fn apply(db: &Db, item: &WorkItem, change: &Change, now: Timestamp) -> Result<i64> {
    if let Db::Sqlite(s) = db {
        // Through the group commit: concurrent changes share one transaction and one fsync.
        return s.intake.apply((item.clone(), change.clone(), now)).await;
    }
    let bodies: Vec<String> =
        change.webhooks.iter().map(|w| serde_json::to_string(w).expect("events always serialise")).collect();
    in_write_tx!(db, |tx, DB| {
        let version = update_report!(tx, item, change, now)?;
        let Some(version) = version else {
            return Err(StoreError::Conflict(format!(
                "report {} was changed by someone else; reload it and try again",
                item.public_id
            )));
        };
        insert_jobs!(tx, DB, &change.jobs, now.as_micros())?;
        queue_webhooks!(tx, DB, &item.jurisdiction_id, &bodies, now.as_micros())?;
        // Last: the chain head stays locked from here to the commit, and every writer of the
        // jurisdiction waits for it.
        append_events!(tx, DB, &item.jurisdiction_id, &change.events)?;
        Ok(version)
    })
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

pub async fn events_of(db: &Db, report_id: i64, internal: bool) -> Result<Vec<Event>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, kind, status, note, is_public, actor, created_at, data FROM report_events
             WHERE report_id = $1 AND (is_public = $2 OR $3) ORDER BY seq, id",
        )
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
