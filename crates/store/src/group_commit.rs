//! Group commit for SQLite intake: concurrent submissions wait together for one transaction and one
//! fsync instead of one each. A submission is answered only after its transaction committed, so an
//! acknowledged report is on disk exactly as with one commit per report.

use tokio::sync::{mpsc, oneshot};

use crate::reports::{Accepted, NewReport};
use crate::{Result, StoreError};

/// The most reports one transaction carries.
const MAX_BATCH: usize = 256;

struct Pending {
    new: NewReport,
    reply: oneshot::Sender<Result<Accepted>>,
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
        self.tx.send(Pending { new, reply }).await.map_err(|_| closed())?;
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
        let news: Vec<&NewReport> = batch.iter().map(|p| &p.new).collect();
        match crate::reports::write_batch(&pool, &news).await {
            Ok(results) => {
                for (p, r) in batch.drain(..).zip(results) {
                    let _ = p.reply.send(r);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, reports = batch.len(), "intake transaction failed");
                let msg = e.to_string();
                for p in batch.drain(..) {
                    let _ = p.reply.send(Err(StoreError::Unavailable(msg.clone())));
                }
            }
        }
    }
}
