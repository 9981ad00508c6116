//! API keys for Open311 and API clients: shown once, stored only as a SHA-256 hash.
//!
//! A key carries 160 random bits, so a fast hash is enough: nobody can guess one to test against it.

use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::audit::{Act, Subject};
use crate::{Db, Result};

/// A stored key, without its secret.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ApiKey {
    pub id: i64,
    pub jurisdiction_id: String,
    pub name: String,
    pub prefix: String,
    pub channel: String,
    /// The user the key acts as (a staff integration); `None` for a client that only submits reports.
    pub user_id: Option<i64>,
}

/// The hash under which a key is stored and looked up.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

/// Creates a key and returns it with its plain text, which is never stored. The act is recorded, by
/// `actor`, in the jurisdiction's audit chain (with the key's prefix, never the key).
pub async fn create(
    db: &Db,
    jurisdiction_id: &str,
    name: &str,
    user_id: Option<i64>,
    actor: &str,
    now: i64,
) -> Result<(ApiKey, String)> {
    let secret: [u8; 20] = rand::rng().random();
    let plain = format!("lks_{}", hex::encode(secret));
    insert(db, jurisdiction_id, name, &plain, user_id, actor, now)
        .await?
        .map(|key| (key, plain))
        .ok_or_else(|| crate::StoreError::Conflict("a key with this value exists already; try again".into()))
}

/// Stores a key whose plain text the caller chose (the demo key); does nothing if it exists.
pub async fn ensure(
    db: &Db,
    jurisdiction_id: &str,
    name: &str,
    plain: &str,
    user_id: Option<i64>,
    actor: &str,
    now: i64,
) -> Result<()> {
    insert(db, jurisdiction_id, name, plain, user_id, actor, now).await.map(|_| ())
}

/// Stores a key and records the act; `None` when the key exists already.
async fn insert(
    db: &Db,
    jurisdiction_id: &str,
    name: &str,
    plain: &str,
    user_id: Option<i64>,
    actor: &str,
    now: i64,
) -> Result<Option<ApiKey>> {
    let prefix = plain[..plain.len().min(8)].to_owned();
    let hash = hash_key(plain);
    let mut tx = db.begin().await?;
    let id: Option<(i64,)> = tx
        .fetch_optional(
            "INSERT INTO api_keys (jurisdiction_id, name, prefix, key_hash, channel, created_at, user_id)
             VALUES ($1, $2, $3, $4, 'open311', $5, $6) ON CONFLICT (key_hash) DO NOTHING RETURNING id",
            &args![jurisdiction_id, name, prefix.as_str(), hash.as_str(), now, user_id],
        )
        .await?;
    let Some((id,)) = id else { return Ok(None) };
    let act = Act {
        jurisdiction: jurisdiction_id.into(),
        subject: Subject::ApiKey(id),
        kind: "created",
        actor: actor.into(),
        at: now,
        data: serde_json::json!({ "name": name, "prefix": prefix, "user_id": user_id }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await?;
    Ok(Some(ApiKey {
        id,
        jurisdiction_id: jurisdiction_id.to_owned(),
        name: name.to_owned(),
        prefix,
        channel: "open311".into(),
        user_id,
    }))
}

/// The live key with this plain text, if any: not revoked, and, when bound to an account, that
/// account not disabled.
pub async fn find(db: &Db, plain: &str) -> Result<Option<ApiKey>> {
    let hash = hash_key(plain);
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT k.id, k.jurisdiction_id, k.name, k.prefix, k.channel, k.user_id FROM api_keys k
             LEFT JOIN users u ON u.id = k.user_id
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.user_id IS NULL OR u.disabled_at IS NULL)",
        )
        .bind(&hash)
        .fetch_optional(pool)
        .await?
    }))
}

/// A key as an administrator sees it: never the key, only its prefix.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct KeyInfo {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub user_id: Option<i64>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The keys of a jurisdiction, revoked ones included, oldest first.
pub async fn list(db: &Db, jurisdiction_id: &str) -> Result<Vec<KeyInfo>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT id, name, prefix, user_id, created_at, revoked_at FROM api_keys WHERE jurisdiction_id = $1 ORDER BY id",
        )
        .bind(jurisdiction_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Revokes key `id` of `jurisdiction_id`; the act is recorded, by `actor`, in that jurisdiction's
/// chain. `NotFound` when the jurisdiction has no such key; revoking a revoked key changes nothing.
/// The key's jurisdiction, for callers that know only the id (the command line).
pub async fn revoke(db: &Db, jurisdiction_id: Option<&str>, id: i64, actor: &str, now: i64) -> Result<String> {
    let mut tx = db.begin().await?;
    let (j, prefix, revoked): (String, String, Option<i64>) = tx
        .fetch_optional(
            "SELECT jurisdiction_id, prefix, revoked_at FROM api_keys WHERE id = $1 AND ($2 IS NULL OR jurisdiction_id = $2)",
            &args![id, jurisdiction_id],
        )
        .await?
        .ok_or(crate::StoreError::NotFound)?;
    if revoked.is_none() {
        tx.execute("UPDATE api_keys SET revoked_at = $1 WHERE id = $2", &args![now, id]).await?;
        let act = Act {
            jurisdiction: j.clone(),
            subject: Subject::ApiKey(id),
            kind: "revoked",
            actor: actor.into(),
            at: now,
            data: serde_json::json!({ "prefix": prefix }),
        };
        crate::audit::record(&mut tx, &[act]).await?;
    }
    tx.commit().await?;
    Ok(j)
}
