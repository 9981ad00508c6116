//! Group commit for SQLite: concurrent submissions and report changes wait together for one
//! transaction and one fsync instead of one each. Each is answered only after its transaction
//! committed, so an acknowledged write is on disk exactly as with one commit per write.

use tokio::sync::{mpsc, oneshot};

use laksana_core::Timestamp;

use laksana_core::PublicId;

use crate::reports::{Accepted, InsertError, NewReport, insert_one};
use crate::sql::Tx;
use crate::tail::Tail;
use crate::workflow::{Change, WorkItem, conflict, update_report};
use crate::{Result, StoreError};

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
    pub(crate) fn start(write: sqlx::SqlitePool) -> Self {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(write, rx));
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

async fn writer(pool: sqlx::SqlitePool, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        let news: Vec<&NewReport> = batch
            .iter()
            .filter_map(|p| if let Pending::Insert { new, .. } = p { Some(&**new) } else { None })
            .collect();
        let applies: Vec<&Apply> = batch
            .iter()
            .filter_map(|p| if let Pending::Apply { apply, .. } = p { Some(&**apply) } else { None })
            .collect();
        match write_batch(&pool, &news, &applies).await {
            Ok((inserted, applied)) => {
                let (mut inserted, mut applied) = (inserted.into_iter(), applied.into_iter());
                for p in batch.drain(..) {
                    match p {
                        Pending::Insert { reply, .. } => {
                            let _ = reply.send(inserted.next().expect("one result per insert"));
                        }
                        Pending::Apply { reply, .. } => {
                            let _ = reply.send(applied.next().expect("one result per change"));
                        }
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, writes = batch.len(), "group commit failed");
                let msg = e.to_string();
                for p in batch.drain(..) {
                    match p {
                        Pending::Insert { reply, .. } => {
                            let _ = reply.send(Err(StoreError::Unavailable(msg.clone())));
                        }
                        Pending::Apply { reply, .. } => {
                            let _ = reply.send(Err(StoreError::Unavailable(msg.clone())));
                        }
                    }
                }
            }
        }
    }
}

/// Writes a batch of submissions and report changes in one SQLite transaction. A report whose INSERT
/// is refused (a public id collision is retried with a new id) fails alone: SQLite undoes just the
/// failed statement. Any other failure fails the batch, and the whole transaction is rolled back.
/// Report changes are written after the new reports, each only if its report is still at the version
/// it was read at (otherwise that change alone is a conflict).
#[allow(clippy::type_complexity)]
async fn write_batch(
    pool: &sqlx::SqlitePool,
    batch: &[&NewReport],
    applies: &[&Apply],
) -> Result<(Vec<Result<Accepted>>, Vec<Result<i64>>)> {
    let mut tx = Tx::begin_sqlite(pool).await?;
    let mut tail = Tail::default();
    let mut results = Vec::with_capacity(batch.len());
    for new in batch {
        let mut result = Err(StoreError::Conflict("could not allocate a unique public id".into()));
        for _ in 0..8 {
            let public_id = PublicId::generate(&mut rand::rng());
            match insert_one(&mut tx, new, &public_id, &mut tail).await {
                Err(InsertError::Report(e)) if e.is_unique_violation() => continue,
                Err(InsertError::Report(e)) => {
                    result = Err(e);
                    break;
                }
                Err(InsertError::Other(e)) => return Err(e),
                Ok(accepted) => {
                    result = Ok(accepted);
                    break;
                }
            }
        }
        results.push(result);
    }
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
