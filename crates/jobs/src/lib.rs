//! The background worker: claims jobs from the queue in the database and runs them, with retries and
//! backoff. Several instances may run against one database; each job runs once per claim.

mod accounts;
mod notify;
mod thumbnail;
mod webhook;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use laksana_core::Clock;
use laksana_store::Db;
use laksana_store::jobs::{self, Job};
use tokio::sync::watch;

pub use accounts::PasswordReset;
pub use notify::{Links, Mail, MailConfig, Notify};
pub use thumbnail::{THUMBNAIL_KIND, Thumbnail};
pub use webhook::{SIGNATURE_HEADER, Webhook, signature};

/// What the worker needs to know beyond the database.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub media_dir: PathBuf,
    pub mail: MailConfig,
    /// The From address of notices.
    pub mail_from: String,
    /// Where the pages are, for links in notices.
    pub public_url: String,
    /// Let webhook deliveries reach loopback and private addresses (tests, closed networks).
    pub webhooks_allow_private: bool,
}

/// The deadline ticker: escalates, reminds, archives and closes what is due (docs/ARCHITECTURE.md, Deadlines).
pub struct Ticker {
    db: Db,
    clock: Arc<dyn Clock>,
    public_url: String,
}

impl Ticker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, public_url: String) -> Self {
        Self { db, clock, public_url }
    }

    /// One pass over everything due now. Calendars are read afresh each pass, so holidays an admin
    /// adds count from the next pass on.
    pub async fn run_once(&self) -> Result<laksana_store::lifecycle::TickStats, laksana_store::StoreError> {
        self.pass(&|| false).await
    }

    /// A pass that ends early, after the batch in hand, once `stop` says so.
    async fn pass(
        &self,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<laksana_store::lifecycle::TickStats, laksana_store::StoreError> {
        let rules = laksana_store::lifecycle::rules(&self.db, &self.public_url).await?;
        let stats = laksana_store::lifecycle::tick_until(&self.db, &rules, self.clock.now(), 500, stop).await?;
        if stats.due > 0 {
            tracing::info!(
                due = stats.due,
                escalations = stats.escalations,
                reminders = stats.reminders,
                archived = stats.archived,
                closed = stats.closed,
                "ticker pass"
            );
            metrics::counter!("laksana_ticks_total").increment(stats.due);
        }
        Ok(stats)
    }

    /// Runs a pass every `every` until `stop` turns true (a pass in progress ends after its batch).
    pub async fn run(self, every: Duration, stop: watch::Receiver<bool>) {
        let stopping = stop.clone();
        let stopped = move || *stopping.borrow();
        repeat(every, stop, "ticker pass", || self.pass(&stopped)).await
    }
}

/// How soon after a write the sealer numbers its audit events.
pub const SEAL_EVERY: Duration = Duration::from_millis(250);

/// The audit sealer: numbers and hashes committed audit events, so that writers never wait for a
/// jurisdiction's chain head. Every instance may run one; each jurisdiction is sealed by one at a time.
pub struct Sealer {
    db: Db,
    /// Where the next pass starts; passes never overlap, the lock only lets `run_once` take `&self`.
    cursor: tokio::sync::Mutex<laksana_store::audit::SealCursor>,
}

impl Sealer {
    pub fn new(db: Db) -> Self {
        Self { db, cursor: Default::default() }
    }

    /// Seals what was committed since the last pass (and, every few seconds, everything not sealed yet).
    pub async fn run_once(&self) -> Result<u64, laksana_store::StoreError> {
        let mut cursor = self.cursor.lock().await;
        let n = laksana_store::audit::seal_next(&self.db, &mut cursor).await?;
        if n > 0 {
            metrics::counter!("laksana_audit_events_sealed_total").increment(n);
        }
        Ok(n)
    }

    /// Seals every `every` until `stop` turns true.
    pub async fn run(self, every: Duration, stop: watch::Receiver<bool>) {
        repeat(every, stop, "sealing the audit chain", || self.run_once()).await
    }
}

/// Runs `pass` every `every` until `stop` turns true; a failed pass is logged and tried again.
async fn repeat<T, E, F, Fut>(every: Duration, mut stop: watch::Receiver<bool>, what: &str, mut pass: F)
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(e) = pass().await {
            tracing::warn!(error = %e, "{what} failed; will try again");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Why a job failed. `Permanent` failures are not retried.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    Retry(String),
    #[error("{0}")]
    Permanent(String),
}

/// What a job kind does.
pub trait Handler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;
}

/// How long a claim lasts before another worker may take the job over.
const LEASE_SECS: i64 = 300;
/// After this many attempts a failing job is kept as dead.
pub const MAX_ATTEMPTS: i64 = 8;

/// Delay before the next attempt: 10 s doubling, at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    (10i64 << attempts.clamp(0, 20)).min(3_600)
}

/// The worker loop.
pub struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    handlers: Vec<Box<dyn Handler>>,
    idle: Duration,
}

impl Worker {
    /// A worker with every job kind Laksana has; fails on a mail setting that cannot work.
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: &WorkerConfig) -> Result<Self, String> {
        let links = Arc::new(Links::new(db.clone(), clock.clone(), &config.public_url));
        let handlers: Vec<Box<dyn Handler>> = vec![
            Box::new(Thumbnail::new(config.media_dir.clone())),
            Box::new(Notify::new(db.clone(), clock.clone())),
            Box::new(Mail::new(&config.mail, &config.mail_from)?.with_links(links.clone())),
            Box::new(PasswordReset::new(db.clone(), links)),
            Box::new(Webhook::new(db.clone(), clock.clone(), config.webhooks_allow_private)),
        ];
        Ok(Self::with_handlers(db, clock, handlers))
    }

    /// Runs jobs until none is due (for tests and one-shot use); returns how many ran.
    pub async fn drain(&self) -> Result<usize, laksana_store::StoreError> {
        let mut total = 0;
        loop {
            let n = self.run_once().await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    pub fn with_handlers(db: Db, clock: Arc<dyn Clock>, handlers: Vec<Box<dyn Handler>>) -> Self {
        Self { db, clock, handlers, idle: Duration::from_secs(1) }
    }

    /// Claims and runs due jobs once; returns how many ran (successfully or not).
    pub async fn run_once(&self) -> Result<usize, laksana_store::StoreError> {
        let claimed = jobs::claim(&self.db, self.clock.now(), LEASE_SECS, 16).await?;
        for job in &claimed {
            let result = match self.handlers.iter().find(|h| h.kind() == job.kind) {
                Some(h) => h.run(job).await,
                None => Err(JobError::Permanent(format!("no handler for job kind {:?}", job.kind))),
            };
            let now = self.clock.now();
            let still_ours = match result {
                Ok(()) => jobs::complete(&self.db, job).await?,
                Err(JobError::Retry(e)) if job.attempts < MAX_ATTEMPTS => {
                    tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %e, "job failed; will retry");
                    jobs::fail(&self.db, job, &e, Some(now.plus_seconds(backoff_secs(job.attempts))), now).await?
                }
                Err(e) => {
                    tracing::error!(job = job.id, kind = %job.kind, error = %e, "job failed for good");
                    jobs::fail(&self.db, job, &e.to_string(), None, now).await?
                }
            };
            if !still_ours {
                tracing::warn!(job = job.id, kind = %job.kind, "the job's lease ran out before it finished; another worker owns it now");
            }
            metrics::counter!("laksana_jobs_run_total", "kind" => job.kind.clone()).increment(1);
        }
        Ok(claimed.len())
    }

    /// Runs until `stop` turns true, sleeping briefly whenever the queue is empty.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let ran = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "worker could not claim jobs");
                    0
                }
            };
            if ran == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(self.idle) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_secs(1), 20);
        assert!(backoff_secs(3) > backoff_secs(2));
        assert_eq!(backoff_secs(30), 3_600);
    }
}
