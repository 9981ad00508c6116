//! The audit chain: every event of a jurisdiction gets the next sequence number and
//! `hash = SHA-256(previous hash ‖ canonical event)`. Events are only ever inserted.
//!
//! Writers append events unsealed (no number, no hash) and never touch the chain's head, so writes of
//! one jurisdiction do not queue behind each other. [`seal`] numbers and hashes committed events in
//! order shortly afterwards: on SQLite in the writing transaction itself (there is one writer anyway),
//! on PostgreSQL from the sealer that `serve` and `laksana worker` run, one per jurisdiction at a time.
//!
//! Every event that changes a report carries the report's [`ReportState`] after it, so [`verify`]
//! checks the present as well as the history: it recomputes every chain, naming the first link that
//! does not hold, and replays each report's states against its current row.

use std::collections::HashMap;

use futures::TryStreamExt;
use laksana_core::audit::{Difference, ReportState};
use laksana_core::{ArchiveReason, Privacy, Status};
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::sql::{Arg, Tx};
use crate::{Db, Result, StoreError};

/// The hash before the first event of a jurisdiction.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical form new events are hashed in. 1: the event's fields; 2: the fields and the
/// report's state after the event.
pub const CANON: i64 = 2;

/// How many events one sealing transaction numbers.
const SEAL_BATCH: i64 = 5_000;

/// An event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub report_id: i64,
    pub kind: String,
    /// The status the report entered, for status changes.
    pub status: Option<String>,
    pub note: Option<String>,
    pub is_public: bool,
    /// `user:ID`, `apikey:ID`, `system`, or the intake channel.
    pub actor: String,
    pub created_at: i64,
    /// Details as a JSON object (agency, reason, duplicate, evidence photo, escalation level).
    pub data: String,
    /// The report's state after this event (JSON of a [`ReportState`]), when the event changed it.
    pub state: Option<String>,
}

/// The chain of acts that concern no single jurisdiction (accounts, deployment-wide roles).
pub const DEPLOYMENT: &str = "*";

/// What an audited act that is not about a report concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    User(i64),
    Grant(i64),
    ApiKey(i64),
    Webhook(i64),
    /// A jurisdiction's holiday calendar.
    Holidays,
    /// A jurisdiction's deadlines.
    Deadlines,
    /// A jurisdiction's own settings (name, zone, contact, deadlines).
    Jurisdiction,
    Agency(i64),
    Service(i64),
    District(i64),
    /// A version of a service's standards.
    Standard(i64),
    /// A compliance assessment of an agency.
    Assessment(i64),
}

impl Subject {
    pub fn kind(self) -> &'static str {
        match self {
            Subject::User(_) => "user",
            Subject::Grant(_) => "grant",
            Subject::ApiKey(_) => "api_key",
            Subject::Webhook(_) => "webhook",
            Subject::Holidays => "holidays",
            Subject::Deadlines => "deadlines",
            Subject::Jurisdiction => "jurisdiction",
            Subject::Agency(_) => "agency",
            Subject::Service(_) => "service",
            Subject::District(_) => "district",
            Subject::Standard(_) => "service_standard",
            Subject::Assessment(_) => "compliance",
        }
    }

    fn id(self) -> Option<String> {
        match self {
            Subject::User(id)
            | Subject::Grant(id)
            | Subject::ApiKey(id)
            | Subject::Webhook(id)
            | Subject::Agency(id)
            | Subject::Service(id)
            | Subject::District(id)
            | Subject::Standard(id)
            | Subject::Assessment(id) => Some(id.to_string()),
            Subject::Holidays | Subject::Deadlines | Subject::Jurisdiction => None,
        }
    }
}

/// An official act on settings or accounts, for the chain of `jurisdiction` ([`DEPLOYMENT`] for acts
/// that concern none in particular).
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    pub jurisdiction: String,
    pub subject: Subject,
    /// What was done: `created`, `granted`, `password_set`, `changed`, …
    pub kind: &'static str,
    /// `user:ID` for a person, `cli` for the command line, `seed` for demo data.
    pub actor: String,
    pub at: i64,
    /// The details (never a secret: no password, key or webhook secret).
    pub data: serde_json::Value,
}

/// Records `acts` in their chains, in the transaction of the change they describe.
pub(crate) async fn record(tx: &mut Tx, acts: &[Act]) -> Result<()> {
    let mut by_chain: std::collections::BTreeMap<&str, Vec<StoredEvent>> = Default::default();
    for a in acts {
        by_chain.entry(a.jurisdiction.as_str()).or_default().push(StoredEvent {
            id: 0,
            jurisdiction_id: a.jurisdiction.clone(),
            seq: None,
            subject_kind: a.subject.kind().to_owned(),
            subject_id: a.subject.id(),
            report_id: None,
            kind: a.kind.to_owned(),
            status: None,
            note: None,
            is_public: false,
            actor: a.actor.clone(),
            created_at: a.at,
            data: a.data.to_string(),
            hash: None,
            canon: CANON,
            state: None,
        });
    }
    for (j, events) in by_chain {
        append_stored(tx, j, events).await?;
    }
    Ok(())
}

/// An act on settings or accounts as the activity view shows it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Activity {
    pub id: i64,
    /// The chain position; `None` until the sealer has numbered it.
    pub seq: Option<i64>,
    pub subject_kind: String,
    pub subject_id: Option<String>,
    pub kind: String,
    pub actor: String,
    pub created_at: i64,
    pub data: String,
}

/// The acts on settings and accounts in `jurisdiction`'s chain, newest first; `before` an event id
/// for the next page.
pub async fn activity(db: &Db, jurisdiction: &str, before: Option<i64>, limit: u32) -> Result<Vec<Activity>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, seq, subject_kind, subject_id, kind, actor, created_at, data FROM audit_events
             WHERE jurisdiction_id = $1 AND subject_kind <> 'report' AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(jurisdiction)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}

/// The fields of a stored event that its hash covers.
#[derive(Debug, Clone, FromRow)]
pub(crate) struct StoredEvent {
    id: i64,
    jurisdiction_id: String,
    seq: Option<i64>,
    subject_kind: String,
    subject_id: Option<String>,
    report_id: Option<i64>,
    kind: String,
    status: Option<String>,
    note: Option<String>,
    is_public: bool,
    actor: String,
    created_at: i64,
    data: String,
    hash: Option<String>,
    canon: i64,
    state: Option<String>,
}

const EVENT_COLUMNS: &str =
    "id, jurisdiction_id, seq, subject_kind, subject_id, report_id, kind, status, note, is_public,
     actor, created_at, data, hash, canon, state";

/// The columns an event is inserted with, in the order of [`StoredEvent::values`].
pub(crate) const INSERT_EVENT: &str = "INSERT INTO audit_events (jurisdiction_id, subject_kind, subject_id, report_id,
     kind, status, note, is_public, actor, created_at, data, canon, state, seq, hash)";

/// Where the report's id is among the columns of [`INSERT_EVENT`].
pub(crate) const REPORT_ID_AT: usize = 3;

impl StoredEvent {
    /// The values of [`INSERT_EVENT`] for this event.
    pub(crate) fn values(&self) -> Vec<Arg<'_>> {
        args![
            self.jurisdiction_id.as_str(),
            self.subject_kind.as_str(),
            &self.subject_id,
            self.report_id,
            self.kind.as_str(),
            &self.status,
            &self.note,
            self.is_public,
            self.actor.as_str(),
            self.created_at,
            self.data.as_str(),
            self.canon,
            &self.state,
            self.seq,
            &self.hash
        ]
        .to_vec()
    }

    /// A new event as it will be stored.
    pub(crate) fn new(j: &str, e: &NewEvent) -> Self {
        StoredEvent {
            id: 0,
            jurisdiction_id: j.to_owned(),
            seq: None,
            subject_kind: "report".into(),
            subject_id: None,
            report_id: Some(e.report_id),
            kind: e.kind.clone(),
            status: e.status.clone(),
            note: e.note.clone(),
            is_public: e.is_public,
            actor: e.actor.clone(),
            created_at: e.created_at,
            data: e.data.clone(),
            hash: None,
            canon: CANON,
            state: e.state.clone(),
        }
    }

    /// The text that is hashed: every stored field, in a fixed order, as a JSON array (so no field can
    /// bleed into its neighbour), in the event's canonical form.
    fn canonical(&self, seq: i64) -> String {
        let fields = (
            seq,
            &self.jurisdiction_id,
            self.report_id,
            &self.kind,
            &self.status,
            &self.note,
            self.is_public,
            &self.actor,
            self.created_at,
            &self.data,
        );
        let out = match self.canon {
            1 => serde_json::to_string(&fields),
            _ => serde_json::to_string(&(fields, self.canon, &self.state, &self.subject_kind, &self.subject_id)),
        };
        out.expect("strings and numbers always serialise")
    }
}

/// The next link of the chain.
pub fn link(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// SHA-256 of a report's description, as a [`ReportState`] keeps it.
pub fn description_hash(description: &str) -> String {
    hex::encode(Sha256::digest(description.as_bytes()))
}

/// The JSON of a state, as an event stores it.
pub fn state_json(state: &ReportState) -> String {
    serde_json::to_string(state).expect("states always serialise")
}

/// The one event of a report stored in bulk (seeded, imported): it records the state the report is
/// stored in, so the report's row agrees with its trail from the start.
pub(crate) fn import_event(report_id: i64, at: i64, state: Option<&ReportState>) -> NewEvent {
    NewEvent {
        report_id,
        kind: "import".into(),
        status: None,
        note: None,
        is_public: false,
        actor: "seed".into(),
        created_at: at,
        data: "{}".into(),
        state: state.map(state_json),
    }
}

/// Appends `events` of jurisdiction `j`. On PostgreSQL they are left unsealed for the sealer, so that
/// writers never wait for the chain head. SQLite has one writer, so the head costs nothing to hold:
/// there they are sealed as they are written.
pub(crate) async fn append(tx: &mut Tx, j: &str, events: &[NewEvent]) -> Result<()> {
    append_stored(tx, j, events.iter().map(|e| StoredEvent::new(j, e)).collect()).await
}

async fn append_stored(tx: &mut Tx, j: &str, mut events: Vec<StoredEvent>) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    if tx.is_sqlite() {
        // Nothing else is unsealed on SQLite (events from before the chain are sealed at start), so
        // the new events simply continue the chain.
        tx.execute(
            "INSERT INTO audit_heads (jurisdiction_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (jurisdiction_id) DO NOTHING",
            &args![j, GENESIS],
        )
        .await?;
        let (mut seq, mut prev): (i64, String) =
            tx.fetch_one("SELECT seq, hash FROM audit_heads WHERE jurisdiction_id = $1", &args![j]).await?;
        for e in &mut events {
            seq += 1;
            prev = link(&prev, &e.canonical(seq));
            e.seq = Some(seq);
            e.hash = Some(prev.clone());
        }
        tx.execute(
            "UPDATE audit_heads SET seq = $2, hash = $3 WHERE jurisdiction_id = $1",
            &args![j, seq, prev.as_str()],
        )
        .await?;
    }
    let rows: Vec<Vec<Arg<'_>>> = events.iter().map(StoredEvent::values).collect();
    tx.execute_rows(INSERT_EVENT, &rows, "").await?;
    Ok(())
}

/// Numbers and hashes up to a batch of jurisdiction `j`'s unsealed events with an id above `after`,
/// in the order they were written; how many it sealed and the highest id among them. On PostgreSQL it
/// takes the chain head only if no other sealer holds it (and then seals nothing): one sealer per
/// jurisdiction at a time, across instances.
pub(crate) async fn seal(tx: &mut Tx, j: &str, after: i64) -> Result<(u64, i64)> {
    tx.execute(
        "INSERT INTO audit_heads (jurisdiction_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (jurisdiction_id) DO NOTHING",
        &args![j, GENESIS],
    )
    .await?;
    let lock = if tx.is_sqlite() { "" } else { " FOR UPDATE SKIP LOCKED" };
    let head: Option<(i64, String)> = tx
        .fetch_optional(&format!("SELECT seq, hash FROM audit_heads WHERE jurisdiction_id = $1{lock}"), &args![j])
        .await?;
    let Some((mut seq, mut prev)) = head else { return Ok((0, after)) };
    let pending: Vec<StoredEvent> = tx
        .fetch_all(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events WHERE jurisdiction_id = $1 AND seq IS NULL AND id > $3
                 ORDER BY id LIMIT $2"
            ),
            &args![j, SEAL_BATCH, after],
        )
        .await?;
    let Some(last) = pending.last().map(|e| e.id) else { return Ok((0, after)) };
    let mut links = Vec::with_capacity(pending.len());
    for e in &pending {
        seq += 1;
        prev = link(&prev, &e.canonical(seq));
        links.push((e.id, seq, prev.clone()));
    }
    let rows: Vec<Vec<Arg<'_>>> = links.iter().map(|(id, seq, hash)| args![*id, *seq, hash].to_vec()).collect();
    for chunk in rows.chunks(1_000) {
        // VALUES columns are called column1, column2, … by both SQLite and PostgreSQL.
        tx.execute_rows(
            "UPDATE audit_events SET seq = v.column2, hash = v.column3 FROM (",
            chunk,
            ") AS v WHERE audit_events.id = v.column1 AND audit_events.seq IS NULL",
        )
        .await?;
    }
    tx.execute("UPDATE audit_heads SET seq = $2, hash = $3 WHERE jurisdiction_id = $1", &args![j, seq, prev.as_str()])
        .await?;
    Ok((pending.len() as u64, last))
}

const PENDING_CHAINS: &str = "WITH RECURSIVE pending (j) AS (
         SELECT (SELECT jurisdiction_id FROM audit_events WHERE seq IS NULL ORDER BY jurisdiction_id LIMIT 1)
         UNION ALL
         SELECT (SELECT jurisdiction_id FROM audit_events WHERE seq IS NULL AND jurisdiction_id > pending.j
                 ORDER BY jurisdiction_id LIMIT 1)
         FROM pending WHERE pending.j IS NOT NULL)
     SELECT j FROM pending WHERE j IS NOT NULL";

/// Seals every committed event not sealed yet, jurisdiction by jurisdiction; how many it sealed.
/// What a database from before the chain needs once, and what the sealer does now and then.
pub async fn seal_pending(db: &Db) -> Result<u64> {
    // The chains with unsealed events, one index probe per chain (a skip scan): a DISTINCT reads every
    // unsealed entry, which behind a burst of writes is hundreds of thousands every 250 ms. SQLite's
    // planner, without statistics, would pick the whole chain index instead, so it is named there.
    let sql = match db {
        Db::Sqlite(_) => {
            PENDING_CHAINS.replace("FROM audit_events", "FROM audit_events INDEXED BY audit_events_unsealed")
        }
        Db::Postgres(_) => PENDING_CHAINS.to_owned(),
    };
    let pending: Vec<String> =
        on_db!(db, |pool, DB| sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_all(pool).await?);
    Ok(seal_chains(db, pending, i64::MIN).await?.0)
}

/// Seals the events of `chains` with an id above `after`; how many, and the highest id sealed.
async fn seal_chains(db: &Db, chains: Vec<String>, after: i64) -> Result<(u64, i64)> {
    let (mut sealed, mut highest) = (0, after);
    for j in chains {
        let mut from = after;
        loop {
            let mut tx = db.begin().await?;
            let (n, last) = seal(&mut tx, &j, from).await?;
            tx.commit().await?;
            sealed += n;
            from = last;
            highest = highest.max(last);
            if n < SEAL_BATCH as u64 {
                break;
            }
        }
    }
    Ok((sealed, highest))
}

/// How many of the sealer's passes look only past the last event it sealed before one looks at all.
const FULL_PASS_EVERY: u32 = 20;

/// Where the sealer's next pass starts.
///
/// A pass seals what was committed after the events the sealer sealed last: a seek past the last id,
/// where a scan of every unsealed entry would first step over the entries of everything sealed since
/// the table was last vacuumed (tens of milliseconds per pass behind a burst of writes). An event that
/// commits after an event with a higher id was sealed, or that another instance's sealer left behind,
/// is below that point; every [`FULL_PASS_EVERY`]-th pass seals everything, so such an event waits a
/// few seconds more, never forever.
#[derive(Debug, Default)]
pub struct SealCursor {
    after: i64,
    passes: u32,
}

/// One pass of the sealer (see [`SealCursor`]); how many events it sealed.
pub async fn seal_next(db: &Db, cursor: &mut SealCursor) -> Result<u64> {
    let full = cursor.passes.is_multiple_of(FULL_PASS_EVERY);
    cursor.passes = cursor.passes.wrapping_add(1);
    if full {
        let n = seal_pending(db).await?;
        // Everything committed before the pass began is sealed now: later passes start past it.
        let highest: Option<i64> = on_db!(db, |pool, DB| {
            sqlx::query_scalar("SELECT MAX(id) FROM audit_events WHERE seq IS NOT NULL").fetch_one(pool).await?
        });
        cursor.after = cursor.after.max(highest.unwrap_or(0));
        return Ok(n);
    }
    let chains: Vec<String> = on_db!(db, |pool, DB| {
        // One seek per jurisdiction into the unsealed index, past the cursor. Written as a subquery
        // with LIMIT so that PostgreSQL cannot turn it into a join that reads the whole index, which
        // its statistics (blind to the entries of rows sealed since the last vacuum) think is tiny.
        sqlx::query_scalar::<DB, String>(
            "SELECT c.j FROM (SELECT id AS j FROM jurisdictions UNION ALL SELECT $2) c WHERE (
                 SELECT e.id FROM audit_events e WHERE e.jurisdiction_id = c.j AND e.seq IS NULL AND e.id > $1
                 ORDER BY e.id LIMIT 1) IS NOT NULL",
        )
        .bind(cursor.after)
        .bind(DEPLOYMENT)
        .fetch_all(pool)
        .await?
    });
    let (n, highest) = seal_chains(db, chains, cursor.after).await?;
    cursor.after = highest;
    Ok(n)
}

mod verify;
pub(crate) use verify::baseline;
pub use verify::{Broken, MAX_LISTED, Mismatch, Verification, verify, verify_in};
