//! Webhooks: per-jurisdiction subscribers to public report events, and the log of every delivery.

use rand::Rng;
use sqlx::FromRow;

use crate::audit::{Act, Subject};
use crate::{Db, Result, StoreError};

/// A subscriber; the secret signs every delivery (HMAC-SHA256).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Webhook {
    pub id: i64,
    pub jurisdiction_id: String,
    pub url: String,
    pub secret: String,
    pub active: bool,
    pub created_at: i64,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: i64,
    pub attempt: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub delivered_at: i64,
}

/// Registers a subscriber; returns it with its generated secret. The act is recorded, by `actor`, in
/// the jurisdiction's audit chain (without the secret).
pub async fn create(db: &Db, jurisdiction_id: &str, url: &str, actor: &str, now: i64) -> Result<Webhook> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.len() > 2_000
        || url.contains(char::is_whitespace)
    {
        return Err(StoreError::Invalid("url must be an http(s) URL".into()));
    }
    let secret = format!("whsec_{}", hex::encode(rand::rng().random::<[u8; 24]>()));
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO webhooks (jurisdiction_id, url, secret, active, created_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
            &args![jurisdiction_id, url, secret.as_str(), true, now],
        )
        .await?;
    let act = Act {
        jurisdiction: jurisdiction_id.into(),
        subject: Subject::Webhook(id),
        kind: "created",
        actor: actor.into(),
        at: now,
        data: serde_json::json!({ "url": without_credentials(url) }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await?;
    Ok(Webhook { id, jurisdiction_id: jurisdiction_id.into(), url: url.into(), secret, active: true, created_at: now })
}

/// A URL as the audit trail may keep it forever: scheme, host and path, without a user, password,
/// query or fragment (where many services put the token that is the credential).
fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let path = if path.is_empty() { String::new() } else { format!("/{path}") };
    format!("{scheme}://{host}{path}")
}

pub async fn list(db: &Db, jurisdiction_id: &str) -> Result<Vec<Webhook>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT id, jurisdiction_id, url, secret, active, created_at FROM webhooks WHERE jurisdiction_id = $1 ORDER BY id")
            .bind(jurisdiction_id)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Webhook>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT id, jurisdiction_id, url, secret, active, created_at FROM webhooks WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Logs one delivery attempt (`event_id` is the job that carried it).
pub async fn record(db: &Db, d: &Delivery) -> Result<()> {
    in_write_tx!(db, |tx, DB| {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event_id, attempt, status_code, error, delivered_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(d.webhook_id)
        .bind(d.event_id)
        .bind(d.attempt)
        .bind(d.status_code)
        .bind(&d.error)
        .bind(d.delivered_at)
        .execute(&mut *tx)
        .await?;
        Ok(())
    })
}

/// The latest deliveries of a webhook, newest first.
pub async fn deliveries(db: &Db, webhook_id: i64, limit: u32) -> Result<Vec<Delivery>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, webhook_id, event_id, attempt, status_code, error, delivered_at FROM webhook_deliveries
             WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(webhook_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}

/// Turns delivery to webhook `id` of `jurisdiction_id` off (or on again); `false` when the
/// jurisdiction has no such webhook. Deliveries queued meanwhile are skipped while it is off. The act
/// is recorded, by `actor`, in the jurisdiction's audit chain.
pub async fn set_active(db: &Db, jurisdiction_id: &str, id: i64, active: bool, actor: &str, now: i64) -> Result<bool> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE webhooks SET active = $1 WHERE id = $2 AND jurisdiction_id = $3",
            &args![active, id, jurisdiction_id],
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    let kind = if active { "enabled" } else { "disabled" };
    let act = Act {
        jurisdiction: jurisdiction_id.into(),
        subject: Subject::Webhook(id),
        kind,
        actor: actor.into(),
        at: now,
        data: serde_json::json!({}),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes webhook `id` of `jurisdiction_id` and its delivery log; `false` when there is no such
/// webhook. Deliveries still queued find it gone and are dropped. The act is recorded, by `actor`.
pub async fn delete(db: &Db, jurisdiction_id: &str, id: i64, actor: &str, now: i64) -> Result<bool> {
    let mut tx = db.begin().await?;
    let found: Option<(String,)> = tx
        .fetch_optional("SELECT url FROM webhooks WHERE id = $1 AND jurisdiction_id = $2", &args![id, jurisdiction_id])
        .await?;
    let Some((url,)) = found else { return Ok(false) };
    tx.execute("DELETE FROM webhook_deliveries WHERE webhook_id = $1", &args![id]).await?;
    tx.execute("DELETE FROM webhooks WHERE id = $1", &args![id]).await?;
    let act = Act {
        jurisdiction: jurisdiction_id.into(),
        subject: Subject::Webhook(id),
        kind: "deleted",
        actor: actor.into(),
        at: now,
        data: serde_json::json!({ "url": without_credentials(&url) }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn credentials_in_a_url_are_not_kept() {
        assert_eq!(without_credentials("https://example.org/hook"), "https://example.org/hook");
        assert_eq!(
            without_credentials("https://u:p@hooks.example.org/x/y?token=abc#f"),
            "https://hooks.example.org/x/y"
        );
        assert_eq!(without_credentials("http://example.org?key=1"), "http://example.org");
    }
}
