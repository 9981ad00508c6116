//! The audit chain (DESIGN §11): every event of a jurisdiction gets the next sequence number and
//! `hash = SHA-256(previous hash ‖ canonical event)`. Events are only ever inserted; [`verify`]
//! recomputes the chain and names the first link that does not hold.

use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::{Db, Result};

/// The hash before the first event of a jurisdiction.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
}

/// The text that is hashed: every stored field, in a fixed order, as a JSON array (so no field can
/// bleed into its neighbour).
#[allow(clippy::too_many_arguments)]
pub fn canonical(
    seq: i64,
    jurisdiction_id: &str,
    report_id: i64,
    kind: &str,
    status: Option<&str>,
    note: Option<&str>,
    is_public: bool,
    actor: &str,
    created_at: i64,
    data: &str,
) -> String {
    serde_json::to_string(&(seq, jurisdiction_id, report_id, kind, status, note, is_public, actor, created_at, data))
        .expect("strings and numbers always serialise")
}

/// The next link of the chain.
pub fn link(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// Appends `$events` (a `&[NewEvent]`) of jurisdiction `$j` in transaction `$tx`; evaluates to
/// `Result<(), StoreError>`. The head row is locked by its UPDATE, so concurrent writers of one
/// jurisdiction queue up on PostgreSQL, and SQLite has one writer anyway.
macro_rules! append_events {
    ($tx:ident, $DB:ty, $j:expr, $events:expr) => {{
        let j: &str = $j;
        let events: &[$crate::audit::NewEvent] = $events;
        async {
            if events.is_empty() {
                return Ok::<(), $crate::StoreError>(());
            }
            sqlx::query("INSERT INTO audit_heads (jurisdiction_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (jurisdiction_id) DO NOTHING")
                .bind(j)
                .bind($crate::audit::GENESIS)
                .execute(&mut *$tx)
                .await?;
            let (last, mut prev): (i64, String) =
                sqlx::query_as("UPDATE audit_heads SET seq = seq + $2 WHERE jurisdiction_id = $1 RETURNING seq, hash")
                    .bind(j)
                    .bind(events.len() as i64)
                    .fetch_one(&mut *$tx)
                    .await?;
            let first = last - events.len() as i64 + 1;
            let mut rows = Vec::with_capacity(events.len());
            for (i, e) in events.iter().enumerate() {
                let seq = first + i as i64;
                let c = $crate::audit::canonical(
                    seq, j, e.report_id, &e.kind, e.status.as_deref(), e.note.as_deref(), e.is_public, &e.actor, e.created_at, &e.data,
                );
                prev = $crate::audit::link(&prev, &c);
                rows.push((seq, prev.clone(), e));
            }
            // 11 binds a row: far below either backend's bind limit.
            for chunk in rows.chunks(2_000) {
                let mut q = sqlx::QueryBuilder::<$DB>::new(
                    "INSERT INTO report_events (report_id, jurisdiction_id, kind, status, note, is_public, actor, created_at, data, seq, hash) ",
                );
                q.push_values(chunk, |mut b, (seq, hash, e)| {
                    b.push_bind(e.report_id)
                        .push_bind(j)
                        .push_bind(&e.kind)
                        .push_bind(&e.status)
                        .push_bind(&e.note)
                        .push_bind(e.is_public)
                        .push_bind(&e.actor)
                        .push_bind(e.created_at)
                        .push_bind(&e.data)
                        .push_bind(*seq)
                        .push_bind(hash);
                });
                q.build().execute(&mut *$tx).await?;
            }
            sqlx::query("UPDATE audit_heads SET hash = $2 WHERE jurisdiction_id = $1").bind(j).bind(&prev).execute(&mut *$tx).await?;
            Ok(())
        }
        .await
    }};
}

#[derive(Debug, FromRow)]
struct StoredEvent {
    id: i64,
    jurisdiction_id: String,
    seq: Option<i64>,
    report_id: i64,
    kind: String,
    status: Option<String>,
    note: Option<String>,
    is_public: bool,
    actor: String,
    created_at: i64,
    data: String,
    hash: Option<String>,
}

/// The first link that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub jurisdiction_id: String,
    /// The event's row id, when the break is at an event (not a missing tail).
    pub event_id: Option<i64>,
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.event_id {
            Some(id) => write!(f, "{}: event {} (seq {}): {}", self.jurisdiction_id, id, self.seq, self.reason),
            None => write!(f, "{}: after seq {}: {}", self.jurisdiction_id, self.seq, self.reason),
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    pub events: u64,
    pub jurisdictions: u64,
    pub broken: Option<Broken>,
}

/// Recomputes every chain, streaming the events in order; stops at the first broken link.
pub async fn verify(db: &Db) -> Result<Verification> {
    verify_in(db, None).await
}

/// Recomputes the chain of one jurisdiction (`Some`) or of all.
pub async fn verify_in(db: &Db, jurisdiction_id: Option<&str>) -> Result<Verification> {
    let only = jurisdiction_id.unwrap_or("");
    let all = jurisdiction_id.is_none();
    let heads: Vec<(String, i64, String)> = on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT jurisdiction_id, seq, hash FROM audit_heads WHERE jurisdiction_id = $1 OR $2")
            .bind(only)
            .bind(all)
            .fetch_all(pool)
            .await?
    });
    let heads: std::collections::HashMap<String, (i64, String)> =
        heads.into_iter().map(|(j, s, h)| (j, (s, h))).collect();
    let mut out = Verification::default();
    let broken = on_db!(db, |pool, DB| {
        let mut rows = sqlx::query_as::<_, StoredEvent>(
            "SELECT id, jurisdiction_id, seq, report_id, kind, status, note, is_public, actor, created_at, data, hash
             FROM report_events WHERE jurisdiction_id = $1 OR $2 ORDER BY jurisdiction_id, seq, id",
        )
        .bind(only)
        .bind(all)
        .fetch(pool);
        let mut current: Option<(String, i64, String)> = None;
        let mut broken = None;
        let mut seen = std::collections::HashSet::new();
        let finish = |cur: &Option<(String, i64, String)>| -> Option<Broken> {
            let (j, seq, hash) = cur.as_ref()?;
            let (head_seq, head_hash) = heads.get(j).cloned().unwrap_or((0, GENESIS.to_owned()));
            (head_seq != *seq || head_hash != *hash).then(|| Broken {
                jurisdiction_id: j.clone(),
                event_id: None,
                seq: *seq,
                reason: format!("the chain head says seq {head_seq}: events are missing from the end"),
            })
        };
        while let Some(e) = rows.try_next().await? {
            if current.as_ref().is_none_or(|(j, _, _)| *j != e.jurisdiction_id) {
                if let Some(b) = finish(&current) {
                    broken = Some(b);
                    break;
                }
                current = Some((e.jurisdiction_id.clone(), 0, GENESIS.to_owned()));
                seen.insert(e.jurisdiction_id.clone());
                out.jurisdictions += 1;
            }
            let (_, last_seq, prev) = current.as_mut().expect("set above");
            let fail = |reason: String| Broken {
                jurisdiction_id: e.jurisdiction_id.clone(),
                event_id: Some(e.id),
                seq: e.seq.unwrap_or(0),
                reason,
            };
            let Some(seq) = e.seq else {
                broken = Some(fail("the event is not in the chain".into()));
                break;
            };
            if seq != *last_seq + 1 {
                broken = Some(fail(format!("expected seq {}: events are missing or were inserted", *last_seq + 1)));
                break;
            }
            let c = canonical(
                seq,
                &e.jurisdiction_id,
                e.report_id,
                &e.kind,
                e.status.as_deref(),
                e.note.as_deref(),
                e.is_public,
                &e.actor,
                e.created_at,
                &e.data,
            );
            let expect = link(prev, &c);
            if e.hash.as_deref() != Some(expect.as_str()) {
                broken = Some(fail("the hash does not match the event: it was changed after it was written".into()));
                break;
            }
            *last_seq = seq;
            *prev = expect;
            out.events += 1;
        }
        if broken.is_none() {
            broken = finish(&current);
        }
        if broken.is_none() {
            // A jurisdiction whose every event was deleted still has its head.
            if let Some((j, (seq, _))) = heads.iter().find(|(j, (seq, _))| *seq > 0 && !seen.contains(*j)) {
                broken = Some(Broken {
                    jurisdiction_id: j.clone(),
                    event_id: None,
                    seq: 0,
                    reason: format!("the chain head says seq {seq} but no events remain"),
                });
            }
        }
        broken
    });
    out.broken = broken;
    Ok(out)
}

/// Chains events written before the chain existed (databases from before version 2), in id order.
/// Runs after migrations; does nothing when every event is chained.
pub async fn seal_legacy(db: &Db) -> Result<u64> {
    let pending: Vec<(String, i64)> = on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT jurisdiction_id, COUNT(*) FROM report_events WHERE seq IS NULL GROUP BY jurisdiction_id")
            .fetch_all(pool)
            .await?
    });
    let mut sealed = 0;
    for (j, _) in pending {
        let n = in_write_tx!(db, |tx, DB| {
            let rows: Vec<StoredEvent> = sqlx::query_as(
                "SELECT id, jurisdiction_id, seq, report_id, kind, status, note, is_public, actor, created_at, data, hash
                 FROM report_events WHERE seq IS NULL AND jurisdiction_id = $1 ORDER BY id",
            )
            .bind(&j)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO audit_heads (jurisdiction_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (jurisdiction_id) DO NOTHING")
                .bind(&j)
                .bind(GENESIS)
                .execute(&mut *tx)
                .await?;
            let (mut seq, mut prev): (i64, String) =
                sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE jurisdiction_id = $1")
                    .bind(&j)
                    .fetch_one(&mut *tx)
                    .await?;
            for e in &rows {
                seq += 1;
                let c = canonical(
                    seq,
                    &j,
                    e.report_id,
                    &e.kind,
                    e.status.as_deref(),
                    e.note.as_deref(),
                    e.is_public,
                    &e.actor,
                    e.created_at,
                    &e.data,
                );
                prev = link(&prev, &c);
                sqlx::query("UPDATE report_events SET seq = $1, hash = $2 WHERE id = $3 AND seq IS NULL")
                    .bind(seq)
                    .bind(&prev)
                    .bind(e.id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE audit_heads SET seq = $2, hash = $3 WHERE jurisdiction_id = $1")
                .bind(&j)
                .bind(seq)
                .bind(&prev)
                .execute(&mut *tx)
                .await?;
            Ok::<_, crate::StoreError>(rows.len() as u64)
        })?;
        sealed += n;
    }
    Ok(sealed)
}
