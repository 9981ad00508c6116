//! The outbox: notifications and webhook deliveries are jobs written in the same
//! transaction as the change that causes them, so a change is never committed without its notices,
//! nor a notice sent for a change that was rolled back.

use laksana_core::notice::{Audience, Notice};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::sql::{Arg, Tx};

/// Job kind: resolve an [`Audience`] to addresses and queue one email each.
pub const NOTIFY_JOB: &str = "notify";
/// Job kind: send one email.
pub const EMAIL_JOB: &str = "email";
/// Job kind: someone asked for a new password for an address; the worker looks for its account and,
/// when there is one a link may reset, queues the email (so the page answers alike either way).
pub const PASSWORD_RESET_JOB: &str = "password_reset";
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
    /// Set when the recipient is the reporter of this report (its public id): the message then
    /// carries a signed link to the report's page that stands for their follow-up code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter_of: Option<String>,
}

/// Payload of a [`PASSWORD_RESET_JOB`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetPayload {
    /// The address asked for, normalised to lower case.
    pub email: String,
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

/// The columns a job is queued with.
pub(crate) const INSERT_JOB: &str = "INSERT INTO jobs (kind, payload, run_at, created_at)";

/// A [`WEBHOOK_JOB`]'s payload, from a webhook's id and an event's body.
fn webhook_payload(webhook_id: i64, body: &str) -> String {
    format!("{{\"webhook_id\":{webhook_id},\"body\":{body}}}")
}

/// [`webhook_payload`] in SQL, of the columns `h.id` (the webhook) and `x.body`.
pub(crate) const WEBHOOK_PAYLOAD_SQL: &str = "'{\"webhook_id\":' || h.id || ',\"body\":' || x.body || '}'";

/// Inserts `jobs` `(kind, payload)`, due at `now`.
pub(crate) async fn insert_jobs(tx: &mut Tx, jobs: &[(String, String)], now: i64) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<Arg<'_>>> = jobs.iter().map(|(kind, payload)| args![kind, payload, now, now].to_vec()).collect();
    tx.execute_rows(INSERT_JOB, &rows, "").await?;
    Ok(())
}

/// Queues a delivery of each of `bodies` (serialised [`WebhookEvent`]s) to every active webhook of
/// jurisdiction `j`. One query finds the subscribers; with none (the common case) nothing else runs.
pub(crate) async fn queue_webhooks(tx: &mut Tx, j: &str, bodies: &[String], now: i64) -> Result<()> {
    if bodies.is_empty() {
        return Ok(());
    }
    let hooks: Vec<(i64,)> =
        tx.fetch_all("SELECT id FROM webhooks WHERE jurisdiction_id = $1 AND active = $2", &args![j, true]).await?;
    let jobs: Vec<(String, String)> = hooks
        .iter()
        .flat_map(|(id,)| bodies.iter().map(move |b| (WEBHOOK_JOB.to_owned(), webhook_payload(*id, b))))
        .collect();
    insert_jobs(tx, &jobs, now).await
}

/// Payload of a [`WEBHOOK_JOB`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookPayload {
    pub webhook_id: i64,
    pub body: WebhookEvent,
}
