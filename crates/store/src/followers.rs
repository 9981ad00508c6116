//! Citizens following a report they did not file (they found it before filing the same problem
//! again): they get its notices, and how many they are shows on the report.

use laksana_core::Timestamp;

use crate::{Db, Result};

/// Adds `email` (normalised to lower case) as a follower of report `report_id`; `false` when it
/// already followed it.
pub async fn follow(db: &Db, report_id: i64, email: &str, language: &str, now: Timestamp) -> Result<bool> {
    let email = email.trim().to_lowercase();
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "INSERT INTO report_followers (report_id, email, language, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (report_id, email) DO NOTHING",
            &args![report_id, email.as_str(), language, now.as_micros()],
        )
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// `(email, language)` of every follower of report `report_id`.
pub async fn of(db: &Db, report_id: i64) -> Result<Vec<(String, String)>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT email, language FROM report_followers WHERE report_id = $1 ORDER BY created_at")
            .bind(report_id)
            .fetch_all(pool)
            .await?
    }))
}

/// How many follow report `report_id`.
pub async fn count(db: &Db, report_id: i64) -> Result<i64> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_scalar("SELECT COUNT(*) FROM report_followers WHERE report_id = $1")
            .bind(report_id)
            .fetch_one(pool)
            .await?
    }))
}
