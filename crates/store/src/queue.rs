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

/// How many open reports of `jurisdiction_id` (of `agency_ids` only, when given) are in each status.
/// Read from an index of open reports by status, without touching the reports themselves.
pub async fn counts(db: &Db, jurisdiction_id: &str, agency_ids: Option<&[i64]>) -> Result<Vec<(Status, i64)>> {
    if agency_ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, i64)> = on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "SELECT r.status, COUNT(*) FROM reports r WHERE r.is_open = TRUE AND r.jurisdiction_id = ",
        );
        q.push_bind(jurisdiction_id);
        if let Some(ids) = agency_ids {
            q.push(" AND r.agency_id IN (");
            let mut sep = q.separated(", ");
            for a in ids {
                sep.push_bind(*a);
            }
            q.push(")");
        }
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

/// One agency's open work in a jurisdiction, for the overviews of agency heads and leaders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyLoad {
    pub agency_id: i64,
    pub agency_name: String,
    pub open: i64,
    /// Past their current deadline at the instant asked about.
    pub overdue: i64,
    /// Escalated at least once (to the agency head, or on to the leader).
    pub escalated: i64,
}

/// Open reports per agency of `jurisdiction_id` (only `agency_ids` when given), most overdue first.
pub async fn per_agency(
    db: &Db,
    jurisdiction_id: &str,
    agency_ids: Option<&[i64]>,
    now: Timestamp,
) -> Result<Vec<AgencyLoad>> {
    let rows: Vec<(i64, String, i64, i64, i64)> = on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "SELECT a.id, a.name, COUNT(*),
                 COALESCE(SUM(CASE WHEN r.deadline_at < ",
        );
        q.push_bind(now.as_micros());
        q.push(
            " THEN 1 ELSE 0 END), 0),
                 COALESCE(SUM(CASE WHEN r.escalation_level > 0 THEN 1 ELSE 0 END), 0)
             FROM reports r JOIN agencies a ON a.id = r.agency_id
             WHERE r.is_open = TRUE AND r.deadline_at IS NOT NULL AND r.jurisdiction_id = ",
        );
        q.push_bind(jurisdiction_id);
        if let Some(ids) = agency_ids {
            if ids.is_empty() {
                q.push(" AND 1 = 0");
            } else {
                q.push(" AND r.agency_id IN (");
                let mut sep = q.separated(", ");
                for a in ids {
                    sep.push_bind(*a);
                }
                q.push(")");
            }
        }
        q.push(" GROUP BY a.id, a.name");
        q.build_query_as::<(i64, String, i64, i64, i64)>().fetch_all(pool).await?
    });
    let mut out: Vec<AgencyLoad> = rows
        .into_iter()
        .map(|(agency_id, agency_name, open, overdue, escalated)| AgencyLoad {
            agency_id,
            agency_name,
            open,
            overdue,
            escalated,
        })
        .collect();
    out.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.agency_name.cmp(&b.agency_name)));
    Ok(out)
}
