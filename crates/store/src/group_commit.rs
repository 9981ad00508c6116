//! Group commit for SQLite: concurrent submissions and report changes wait together for one
//! transaction and one fsync instead of one each. Each is answered only after its transaction
//! committed, so an acknowledged write is on disk exactly as with one commit per write.

use tokio::sync::{mpsc, oneshot};

use laksana_core::Timestamp;

use crate::reports::{Accepted, NewReport};
use crate::workflow::{Change, WorkItem};
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
        match crate::reports::write_batch(&pool, &news, &applies).await {
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
