//! The one write path for reports on both backends: [`write_batch`] stores new reports and report
//! changes in one transaction, ending in the write tail.
//!
//! Concurrent writes wait together for one transaction and one fsync instead of one each (group
//! commit). Each is answered only after its transaction committed, so an acknowledged write is on
//! disk exactly as with one commit per write.
//!
//! On SQLite, which has one writer, every write goes through one queue: without it each would wait
//! for its own fsync. On PostgreSQL new reports go through a queue with one writer too, so that the
//! reports waiting together are stored together: round trips and per-statement work, not the disk,
//! limit it. New reports that cannot be retries of stored ones (no client key, no device) need
//! nothing read first, so they are one statement (`intake::one_statement`): one round trip instead of
//! the five of a transaction. The writer keeps its connection while there is work ([`Held`]). On a
//! million reports: about 2,000 reports/s with one transaction each, 4,000 with a transaction per
//! batch, 5,900 with a statement per batch, 10,000-11,000 with the connection kept.
//! Report changes on PostgreSQL each run in their own transaction on the pool: they are read-then-
//! write with a version check per row, which a batch would only serialise (a one-writer queue for
//! them halved throughput).

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use laksana_core::{PublicId, Timestamp};

use crate::intake::{insert_many, one_statement};
use crate::reports::{Accepted, NewReport};
use crate::sql::{Arg, WritePool};
use crate::tail::Tail;
use crate::workflow::{Change, WorkItem, conflict, update_report};
use crate::{Db, Result, StoreError};

/// The most reports one transaction carries.
const MAX_BATCH: usize = 256;

/// A report change: the item as read, the change, and when.
pub(crate) type Apply = (WorkItem, Change, Timestamp);

enum Pending {
    Insert { new: Box<NewReport>, reply: oneshot::Sender<Result<Accepted>> },
    Apply { apply: Box<Apply>, reply: oneshot::Sender<Result<i64>> },
}

/// The sending side of the intake queue; the writer task lives as long as any clone of it.
#[derive(Debug, Clone)]
pub(crate) struct IntakeQueue {
    tx: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

impl IntakeQueue {
    /// Starts `writers` writer tasks on `pool` (one on SQLite: it has one write connection). Each takes
    /// whatever has queued up while it was writing and writes it as one batch.
    pub(crate) fn start(pool: WritePool, writers: usize) -> Self {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..writers.max(1) {
            tokio::spawn(writer(pool.clone(), rx.clone()));
        }
        Self { tx }
    }

    pub(crate) async fn submit(&self, new: NewReport) -> Result<Accepted> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::Unavailable("the intake writer has stopped".into());
        self.tx.send(Pending::Insert { new: Box::new(new), reply }).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    /// Writes a report change (see `workflow::apply`); the new version, or a conflict.
    pub(crate) async fn apply(&self, apply: Apply) -> Result<i64> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::Unavailable("the writer has stopped".into());
        self.tx.send(Pending::Apply { apply: Box::new(apply), reply }).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// Stores a new report (see `reports::insert`).
pub(crate) async fn insert(db: &Db, new: &NewReport) -> Result<Accepted> {
    match db {
        Db::Sqlite(s) => s.intake.submit(new.clone()).await,
        Db::Postgres(p) => p.intake.submit(new.clone()).await,
    }
}

/// Writes a report change (see `workflow::apply`).
pub(crate) async fn apply(db: &Db, apply: Apply) -> Result<i64> {
    match db {
        Db::Sqlite(s) => s.intake.apply(apply).await,
        Db::Postgres(p) => {
            let pool = WritePool::Postgres(p.pool.clone());
            let (_, mut applied) = write_in_transaction(&pool, &[], &[&apply]).await?;
            applied.pop().expect("one result per change")
        }
    }
}

async fn writer(pool: WritePool, rx: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut held = Held::default();
    loop {
        {
            // One writer collects at a time; the others are busy writing or wait here for the next batch,
            // without a connection (closing the pool waits for every connection).
            let mut rx = match rx.try_lock() {
                Ok(rx) => rx,
                Err(_) => {
                    held.release();
                    rx.lock().await
                }
            };
            let first = match rx.try_recv() {
                Ok(p) => p,
                Err(_) => {
                    // Nothing to write: the connection goes back.
                    held.release();
                    let Some(p) = rx.recv().await else { return };
                    p
                }
            };
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
        }
        if let WritePool::Postgres(_) = pool {
            // New reports that cannot be retries are one statement, the rest one transaction: two
            // commits, so each group is written (and, failing, written again one by one) on its own.
            let (fit, rest): (Vec<Pending>, Vec<Pending>) =
                batch.drain(..).partition(|p| matches!(p, Pending::Insert { new, .. } if one_statement::fits(new)));
            write_group(&pool, &mut held, fit).await;
            write_group(&pool, &mut held, rest).await;
        } else {
            write_group(&pool, &mut held, std::mem::take(&mut batch)).await;
        }
    }
}

/// Writes `batch` together (see [`write_batch`]) and answers each write. A failed batch of several is
/// written again one write at a time, so that one bad write fails alone: nothing of a failed batch
/// was committed.
async fn write_group(pool: &WritePool, held: &mut Held, mut batch: Vec<Pending>) {
    if batch.is_empty() {
        return;
    }
    let first = guarded(write_pending(pool, held, &batch)).await;
    if first.is_err() {
        // The connection may be what failed (a restarted server): the next write takes a tested one.
        held.release();
    }
    match first {
        Ok(results) => answer(batch.drain(..), results),
        Err(e) if batch.len() > 1 => {
            // One bad write must not fail the others that happened to share its transaction.
            tracing::warn!(error = %e, writes = batch.len(), "group commit failed; writing each alone");
            for p in batch.drain(..) {
                let one = std::slice::from_ref(&p);
                match guarded(write_pending(pool, held, one)).await {
                    Ok(results) => answer(std::iter::once(p), results),
                    Err(e) => {
                        held.release();
                        fail(p, &e);
                    }
                }
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "a write failed");
            for p in batch.drain(..) {
                fail(p, &e);
            }
        }
    }
}

/// A panic while writing (a bug, or a row that cannot be read back) fails that batch, not the writer:
/// every later write would otherwise wait for a task that is gone.
async fn guarded<T>(write: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    use futures::FutureExt;
    std::panic::AssertUnwindSafe(write).catch_unwind().await.unwrap_or_else(|_| {
        tracing::error!("a write panicked; its batch failed");
        Err(StoreError::Unavailable("the write failed; try again".into()))
    })
}

/// The connection a PostgreSQL writer keeps from one batch to the next while there is work. sqlx tests
/// a pooled connection with a round trip when it is taken and again when it is given back: two round
/// trips around a batch whose statement is one. Keeping it took intake on a million reports from about
/// 7,300 to 11,000 reports/s. It goes back to the pool when the queue is empty and after a failed write.
#[derive(Default)]
struct Held(Option<sqlx::pool::PoolConnection<sqlx::Postgres>>);

impl Held {
    /// The kept connection, or a tested one from the pool when there is none.
    async fn get(&mut self, pool: &sqlx::PgPool) -> Result<&mut sqlx::PgConnection> {
        if self.0.is_none() {
            self.0 = Some(pool.acquire().await?);
        }
        Ok(self.0.as_deref_mut().expect("a connection was just taken"))
    }

    /// Gives the connection back (the pool's test on return closes a broken one).
    fn release(&mut self) {
        self.0 = None;
    }
}

/// What each write of a batch came to, in the batch's order.
enum Outcome {
    Inserted(Result<Accepted>),
    Applied(Result<i64>),
}

async fn write_pending(pool: &WritePool, held: &mut Held, batch: &[Pending]) -> Result<Vec<Outcome>> {
    let news: Vec<&NewReport> =
        batch.iter().filter_map(|p| if let Pending::Insert { new, .. } = p { Some(&**new) } else { None }).collect();
    let applies: Vec<&Apply> =
        batch.iter().filter_map(|p| if let Pending::Apply { apply, .. } = p { Some(&**apply) } else { None }).collect();
    let (inserted, applied) = write_batch(pool, held, &news, &applies).await?;
    let (mut inserted, mut applied) = (inserted.into_iter(), applied.into_iter());
    Ok(batch
        .iter()
        .map(|p| match p {
            Pending::Insert { .. } => Outcome::Inserted(inserted.next().expect("one result per insert")),
            Pending::Apply { .. } => Outcome::Applied(applied.next().expect("one result per change")),
        })
        .collect())
}

fn answer(batch: impl Iterator<Item = Pending>, results: Vec<Outcome>) {
    for (p, r) in batch.zip(results) {
        match (p, r) {
            (Pending::Insert { reply, .. }, Outcome::Inserted(r)) => {
                let _ = reply.send(r);
            }
            (Pending::Apply { reply, .. }, Outcome::Applied(r)) => {
                let _ = reply.send(r);
            }
            _ => unreachable!("outcomes follow the batch's order"),
        }
    }
}

fn fail(p: Pending, e: &StoreError) {
    // The caller learns what kind of failure it was (a bad reference is the client's, not a 503).
    let err = || match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Invalid(m) => StoreError::Invalid(m.clone()),
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        StoreError::KeyReused(m) => StoreError::KeyReused(m.clone()),
        other => StoreError::Unavailable(other.to_string()),
    };
    match p {
        Pending::Insert { reply, .. } => {
            let _ = reply.send(Err(err()));
        }
        Pending::Apply { reply, .. } => {
            let _ = reply.send(Err(err()));
        }
    }
}

/// Writes a batch of submissions and report changes in one transaction (on PostgreSQL, new reports
/// that cannot be retries in one statement, see `intake::one_statement`). A new report whose public id
/// is taken gets another; a retry of a stored report (same client key, or same device, text and
/// place) is answered with that report. Report changes are written after the new reports, each only
/// if its report is still at the version it was read at (otherwise that change alone is a conflict).
/// Any other failure fails the batch, and the whole transaction is rolled back.
#[allow(clippy::type_complexity)]
async fn write_batch(
    pool: &WritePool,
    held: &mut Held,
    batch: &[&NewReport],
    applies: &[&Apply],
) -> Result<(Vec<Result<Accepted>>, Vec<Result<i64>>)> {
    if let WritePool::Postgres(pg) = pool
        && applies.is_empty()
        && batch.iter().all(|n| one_statement::fits(n))
    {
        return Ok((insert_in_one_statement(pool, held.get(pg).await?, batch).await?, Vec::new()));
    }
    write_in_transaction(pool, batch, applies).await
}

/// New reports that cannot be retries, on PostgreSQL: one statement stores them; if a public id drawn
/// for them was taken, the batch is written again as a transaction, which draws again for that one.
async fn insert_in_one_statement(
    pool: &WritePool,
    conn: &mut sqlx::PgConnection,
    batch: &[&NewReport],
) -> Result<Vec<Result<Accepted>>> {
    match one_statement::insert(conn, batch, &mut || PublicId::generate(&mut rand::rng())).await? {
        Some(stored) => Ok(stored.into_iter().map(Ok).collect()),
        None => Ok(write_in_transaction(pool, batch, &[]).await?.0),
    }
}

/// [`write_batch`] as one transaction.
#[allow(clippy::type_complexity)]
async fn write_in_transaction(
    pool: &WritePool,
    batch: &[&NewReport],
    applies: &[&Apply],
) -> Result<(Vec<Result<Accepted>>, Vec<Result<i64>>)> {
    let mut tx = pool.begin().await?;
    if !tx.is_sqlite() {
        // Retries from one device are recognised by what is stored; concurrent retries wait for each
        // other here (SQLite has one writer anyway). Sorted, so two writers never wait in a circle.
        let mut devices: Vec<&str> =
            batch.iter().filter(|n| n.api_key_id.is_some()).filter_map(|n| n.device_id.as_deref()).collect();
        devices.sort_unstable();
        devices.dedup();
        // One statement for the batch: a VALUES list is scanned, and the locks taken, in its order.
        let rows: Vec<Vec<Arg<'_>>> = devices.iter().map(|d| args![*d].to_vec()).collect();
        if !rows.is_empty() {
            tx.execute_rows("SELECT pg_advisory_xact_lock(hashtext(d.column1)) FROM (", &rows, ") AS d").await?;
        }
    }
    let mut tail = Tail::default();
    let results = insert_many(&mut tx, batch, &mut tail, &mut || PublicId::generate(&mut rand::rng())).await?;
    let mut applied = Vec::with_capacity(applies.len());
    for (item, change, now) in applies.iter().map(|a| (&a.0, &a.1, a.2)) {
        match update_report(&mut tx, item, change, now).await? {
            None => applied.push(Err(conflict(item))),
            Some(version) => {
                tail.add_change(item, change);
                applied.push(Ok(version));
            }
        }
    }
    let now = batch
        .iter()
        .map(|n| n.requested_at.as_micros())
        .chain(applies.iter().map(|a| a.2.as_micros()))
        .max()
        .unwrap_or(0);
    tail.write(&mut tx, now).await?;
    tx.commit().await?;
    Ok((results, applied))
}
