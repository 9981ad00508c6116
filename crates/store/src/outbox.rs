//! The outbox (DESIGN §11): notifications and webhook deliveries are jobs written in the same
//! transaction as the change that causes them, so a change is never committed without its notices,
//! nor a notice sent for a change that was rolled back.

use laksana_core::notice::{Audience, Notice};
use serde::{Deserialize, Serialize};

/// Job kind: resolve an [`Audience`] to addresses and queue one email each.
pub const NOTIFY_JOB: &str = "notify";
/// Job kind: send one email.
pub const EMAIL_JOB: &str = "email";
/// Job kind: POST one event to one webhook.
pub const WEBHOOK_JOB: &str = "webhook";

/// Payload of a [`NOTIFY_JOB`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyPayload {
    pub audience: Audience,
    pub notice: Notice,
}

/// Payload of an [`EMAIL_JOB`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPayload {
    pub to: String,
    pub language: String,
    pub notice: Notice,
}

/// The body of a webhook delivery: what the public may know of an event, nothing more (no reporter,
/// no internal note). Built here so that every producer of events sends the same shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    pub jurisdiction_id: String,
    pub service_request_id: String,
    /// `status` for a status change, or the action (`plan`, `resolve`, `escalation`…).
    pub kind: String,
    pub status: Option<String>,
    /// The public note, if the event has one.
    pub note: Option<String>,
    /// Microseconds since the epoch, UTC.
    pub at: i64,
}

/// One notification job row `(kind, payload)`.
pub fn notify_job(audience: Audience, notice: Notice) -> (String, String) {
    let payload = serde_json::to_string(&NotifyPayload { audience, notice }).expect("notices always serialise");
    (NOTIFY_JOB.to_owned(), payload)
}

/// Inserts `$jobs` (`&[(String, String)]`, run at `$now`) in transaction `$tx`.
macro_rules! insert_jobs {
    ($tx:ident, $DB:ty, $jobs:expr, $now:expr) => {{
        let jobs: &[(String, String)] = $jobs;
        let now: i64 = $now;
        async {
            for chunk in jobs.chunks(5_000) {
                let mut q = sqlx::QueryBuilder::<$DB>::new("INSERT INTO jobs (kind, payload, run_at, created_at) ");
                q.push_values(chunk, |mut b, (kind, payload)| {
                    b.push_bind(kind).push_bind(payload).push_bind(now).push_bind(now);
                });
                q.build().execute(&mut *$tx).await?;
            }
            Ok::<(), $crate::StoreError>(())
        }
        .await
    }};
}

/// Queues a delivery of each of `$bodies` (serialised [`WebhookEvent`]s) to every active webhook of
/// jurisdiction `$j`, in transaction `$tx`. One query finds the subscribers; with none (the common
/// case) nothing else runs.
macro_rules! queue_webhooks {
    ($tx:ident, $DB:ty, $j:expr, $bodies:expr, $now:expr) => {{
        let bodies: &[String] = $bodies;
        let (j, now): (&str, i64) = ($j, $now);
        async {
            if bodies.is_empty() {
                return Ok::<(), $crate::StoreError>(());
            }
            let hooks: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM webhooks WHERE jurisdiction_id = $1 AND active = $2")
                    .bind(j)
                    .bind(true)
                    .fetch_all(&mut *$tx)
                    .await?;
            let jobs: Vec<(String, String)> = hooks
                .iter()
                .flat_map(|id| {
                    bodies.iter().map(move |b| {
                        ($crate::outbox::WEBHOOK_JOB.to_owned(), format!("{{\"webhook_id\":{id},\"body\":{b}}}"))
                    })
                })
                .collect();
            insert_jobs!($tx, $DB, &jobs, now)
        }
        .await
    }};
}

/// Payload of a [`WEBHOOK_JOB`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookPayload {
    pub webhook_id: i64,
    pub body: WebhookEvent,
}
