//! The staff work queue: a jurisdiction's open reports, nearest deadline first, filtered by status,
//! service, agency, district and lateness, paged by `(deadline_at, id)` so that the thousandth page
//! costs what the first does. Reporter identity is not part of it (see [`Report`]).

use laksana_core::{Status, Timestamp};

use crate::reports::{REPORT_COLUMNS, REPORT_FROM, Report, ReportRow};
use crate::{Db, Result};

/// What the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub jurisdiction_id: String,
    /// Open statuses to show; `None` is every open report.
    pub statuses: Option<Vec<Status>>,
    pub service_id: Option<i64>,
    /// Only these agencies' reports (an officer's own); `None` is every agency.
    pub agency_ids: Option<Vec<i64>>,
    pub district_id: Option<i64>,
    /// Only reports whose deadline has passed at this instant.
    pub overdue_at: Option<Timestamp>,
    /// Keyset cursor: only reports after `(deadline_at, id)`.
    pub after: Option<(i64, i64)>,
    pub limit: u32,
}

/// Open reports by deadline, nearest (or most overdue) first.
pub async fn list(db: &Db, f: &QueueFilter) -> Result<Vec<Report>> {
    if f.agency_ids.as_ref().is_some_and(Vec::is_empty) || f.statuses.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let rows: Vec<ReportRow> = on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(format!("SELECT {} {REPORT_FROM}", *REPORT_COLUMNS));
        // Written as the partial index's own predicate, so that SQLite uses it too.
        q.push(" WHERE r.is_open = TRUE AND r.deadline_at IS NOT NULL AND r.jurisdiction_id = ");
        q.push_bind(&f.jurisdiction_id);
        push_filters(&mut q, f);
        if let Some((at, id)) = f.after {
            q.push(" AND (r.deadline_at, r.id) > (").push_bind(at).push(", ").push_bind(id).push(")");
        }
        q.push(" ORDER BY r.deadline_at, r.id LIMIT ").push_bind(i64::from(f.limit));
        q.build_query_as::<ReportRow>().fetch_all(pool).await?
    });
    rows.into_iter().map(Report::try_from).collect()
}

/// How many open reports of the queue (ignoring its status filter and cursor) are in each status.
pub async fn counts(db: &Db, f: &QueueFilter) -> Result<Vec<(Status, i64)>> {
    if f.agency_ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let unfiltered = QueueFilter { statuses: None, after: None, ..f.clone() };
    let rows: Vec<(String, i64)> = on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "SELECT r.status, COUNT(*) FROM reports r WHERE r.is_open = TRUE AND r.deadline_at IS NOT NULL
             AND r.jurisdiction_id = ",
        );
        q.push_bind(&unfiltered.jurisdiction_id);
        push_filters(&mut q, &unfiltered);
        q.push(" GROUP BY r.status");
        q.build_query_as::<(String, i64)>().fetch_all(pool).await?
    });
    let mut out: Vec<(Status, i64)> =
        rows.into_iter().filter_map(|(s, n)| s.parse::<Status>().ok().map(|s| (s, n))).collect();
    out.sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
    Ok(out)
}

fn push_filters<DB: sqlx::Database>(q: &mut sqlx::QueryBuilder<DB>, f: &QueueFilter)
where
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> &'t str: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if let Some(statuses) = &f.statuses {
        q.push(" AND r.status IN (");
        let mut sep = q.separated(", ");
        for s in statuses {
            sep.push_bind(s.as_str());
        }
        q.push(")");
    }
    if let Some(service) = f.service_id {
        q.push(" AND r.service_id = ").push_bind(service);
    }
    if let Some(agencies) = &f.agency_ids {
        q.push(" AND r.agency_id IN (");
        let mut sep = q.separated(", ");
        for a in agencies {
            sep.push_bind(*a);
        }
        q.push(")");
    }
    if let Some(district) = f.district_id {
        q.push(" AND r.district_id = ").push_bind(district);
    }
    if let Some(now) = f.overdue_at {
        q.push(" AND r.deadline_at < ").push_bind(now.as_micros());
    }
}
