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
/// once the original is `rahasia`, its note names no report (`notice::duplicate_note(None)`).
const SELECT: &str = "SELECT e.id, e.report_id, r.public_id, e.kind, e.status, r.archive_reason,
    CASE WHEN r.duplicate_of IS NOT NULL AND e.data LIKE '%\"duplicate_of\"%'
        AND EXISTS (SELECT 1 FROM reports o WHERE o.id = r.duplicate_of AND o.privacy = 'rahasia')
        THEN 'Sama dengan laporan lain / duplicate of another report' ELSE e.note END AS note,
    e.created_at
    FROM audit_events e JOIN reports r ON r.id = e.report_id";

/// Public events of a jurisdiction's listed reports in `[from, to]`, oldest first.
pub async fn updates(
    db: &Db,
    jurisdiction_id: &str,
    from: Timestamp,
    to: Timestamp,
    limit: u32,
) -> Result<Vec<PublicEvent>> {
    let sql = format!(
        "{SELECT} WHERE e.jurisdiction_id = $1 AND e.is_public = $2 AND r.privacy <> 'rahasia'
         AND e.created_at >= $3 AND e.created_at <= $4 ORDER BY e.created_at, e.id LIMIT $5"
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
        let mut q = sqlx::QueryBuilder::<DB>::new(SELECT);
        q.push(" WHERE e.is_public = ").push_bind(true).push(" AND e.report_id IN (");
        let mut sep = q.separated(", ");
        for id in report_ids {
            sep.push_bind(*id);
        }
        q.push(") ORDER BY e.created_at, e.id");
        q.build_query_as::<PublicEvent>().fetch_all(pool).await?
    }))
}

#[cfg(test)]
mod tests {
    use laksana_core::notice::duplicate_note;

    #[test]
    fn the_queries_hide_exactly_the_note_that_names_the_original() {
        let hidden = duplicate_note(None);
        assert!(super::SELECT.contains(&format!("THEN '{hidden}'")));
        let named = duplicate_note(Some("K7QM-3XR9"));
        assert!(named.starts_with("Sama dengan laporan / duplicate of "), "{named}");
    }
}
