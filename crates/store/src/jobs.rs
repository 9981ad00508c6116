//! The background job queue: rows claimed atomically with a lease, so that several instances on one
//! database run each job once; failed jobs come back later with backoff.

use laksana_core::Timestamp;
use sqlx::FromRow;

use crate::{Db, Result};

/// A claimed job.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Including this one.
    pub attempts: i64,
    /// The end of this claim's lease; it doubles as the claim's token, so a worker whose lease ran
    /// out (and whose job another worker took over) cannot complete or fail it any more.
    pub locked_until: i64,
}

/// Queues a job; with a `dedupe_key` that is already queued, nothing is added and `false` returned.
pub async fn enqueue(
    db: &Db,
    kind: &str,
    payload: &str,
    dedupe_key: Option<&str>,
    run_at: Timestamp,
    now: Timestamp,
) -> Result<bool> {
    in_write_tx!(db, |tx, DB| {
        let n = sqlx::query(
            "INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(kind)
        .bind(payload)
        .bind(dedupe_key)
        .bind(run_at.as_micros())
        .bind(now.as_micros())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    })
}

/// Claims up to `limit` due jobs for `lease_secs`; a job whose lease runs out (its worker died) is
/// claimable again.
pub async fn claim(db: &Db, now: Timestamp, lease_secs: i64, limit: u32) -> Result<Vec<Job>> {
    // PostgreSQL skips rows another instance is claiming; SQLite has one writer, so no lock clause.
    let lock = match db {
        Db::Sqlite(_) => "",
        Db::Postgres(_) => "FOR UPDATE SKIP LOCKED",
    };
    let sql = format!(
        "UPDATE jobs SET locked_until = $1, attempts = attempts + 1
         WHERE id IN (SELECT id FROM jobs WHERE dead_at IS NULL AND run_at <= $2
                      AND (locked_until IS NULL OR locked_until < $2) ORDER BY run_at, id LIMIT $3 {lock})
         RETURNING id, kind, payload, attempts, locked_until"
    );
    in_write_tx!(db, |tx, DB| {
        let jobs: Vec<Job> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(now.plus_seconds(lease_secs).as_micros())
            .bind(now.as_micros())
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        Ok(jobs)
    })
}

/// A job is done: it leaves the queue. Returns `false` (and changes nothing) when this claim's lease
/// was lost to another worker.
pub async fn complete(db: &Db, job: &Job) -> Result<bool> {
    in_write_tx!(db, |tx, DB| {
        let n = sqlx::query("DELETE FROM jobs WHERE id = $1 AND locked_until = $2")
            .bind(job.id)
            .bind(job.locked_until)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        Ok(n == 1)
    })
}

/// A job failed: it runs again at `retry_at`, or, without one, is kept as dead for an operator to see.
/// Returns `false` (and changes nothing) when this claim's lease was lost to another worker.
pub async fn fail(db: &Db, job: &Job, error: &str, retry_at: Option<Timestamp>, now: Timestamp) -> Result<bool> {
    in_write_tx!(db, |tx, DB| {
        let n = sqlx::query(
            "UPDATE jobs SET locked_until = NULL, last_error = $2, run_at = COALESCE($3, run_at),
             dead_at = CASE WHEN $3 IS NULL THEN $4 ELSE NULL END WHERE id = $1 AND locked_until = $5",
        )
        .bind(job.id)
        .bind(error)
        .bind(retry_at.map(Timestamp::as_micros))
        .bind(now.as_micros())
        .bind(job.locked_until)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    })
}

/// Jobs waiting or running, and dead ones, for metrics.
pub async fn counts(db: &Db) -> Result<(i64, i64)> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN dead_at IS NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN dead_at IS NULL THEN 0 ELSE 1 END), 0) FROM jobs",
        )
        .fetch_one(pool)
        .await?
    }))
}

/// Queues several jobs `(kind, payload)` in one transaction: all of them or none.
pub async fn enqueue_all(db: &Db, jobs: &[(String, String)], now: Timestamp) -> Result<()> {
    let mut tx = db.begin().await?;
    crate::outbox::insert_jobs(&mut tx, jobs, now.as_micros()).await?;
    tx.commit().await
}
