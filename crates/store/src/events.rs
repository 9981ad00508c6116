//! The public timeline of reports: what Open311 calls service request updates.

use laksana_core::Timestamp;
use sqlx::FromRow;

use crate::{Db, Result};

/// A public event of a report.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PublicEvent {
    pub id: i64,
    pub report_id: i64,
    pub public_id: String,
    pub kind: String,
    /// The status the report entered, for status events.
    pub status: Option<String>,
    pub archive_reason: Option<String>,
    pub note: Option<String>,
    pub created_at: i64,
}

/// The public events. The event that marked a duplicate names its original, which was public then;
/// once the original is `rahasia`, its note names no report (see `reports::hide_rahasia_original`).
static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT e.id, e.report_id, r.public_id, e.kind, e.status, r.archive_reason, {} AS note, e.created_at
         FROM audit_events e JOIN reports r ON r.id = e.report_id",
        crate::reports::hide_rahasia_original("r", "e.data LIKE '%\"duplicate_of\"%'", "e.note")
    )
});

/// Public events of a jurisdiction's listed reports in `[from, to]`, oldest first.
pub async fn updates(
    db: &Db,
    jurisdiction_id: &str,
    from: Timestamp,
    to: Timestamp,
    limit: u32,
) -> Result<Vec<PublicEvent>> {
    let sql = format!(
        "{} WHERE e.jurisdiction_id = $1 AND e.is_public = $2 AND r.privacy <> 'rahasia'
         AND e.created_at >= $3 AND e.created_at <= $4 ORDER BY e.created_at, e.id LIMIT $5",
        *SELECT
    );
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(jurisdiction_id)
            .bind(true)
            .bind(from.as_micros())
            .bind(to.as_micros())
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    }))
}

/// Public events of these reports, oldest first.
pub async fn public_events_of(db: &Db, report_ids: &[i64]) -> Result<Vec<PublicEvent>> {
    if report_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(SELECT.as_str());
        q.push(" WHERE e.is_public = ").push_bind(true).push(" AND e.report_id IN (");
        let mut sep = q.separated(", ");
        for id in report_ids {
            sep.push_bind(*id);
        }
        q.push(") ORDER BY e.created_at, e.id");
        q.build_query_as::<PublicEvent>().fetch_all(pool).await?
    }))
}
