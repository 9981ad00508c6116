//! What the public performance figures and the open-data export read: counts grouped the few ways the
//! dashboard needs, distributions of working days, and the public reports themselves in pages. Every
//! read here leaves out reporter identity; `rahasia` reports are only ever counted, never listed.

use std::collections::HashMap;

use laksana_core::{Status, Timestamp};
use sqlx::FromRow;

use crate::sql::Arg;
use crate::{Db, Result, StoreError};

/// Which reports a figure covers: those received in `[from, to)`, narrowed to one agency, service
/// or district.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub agency_id: Option<i64>,
    pub service_id: Option<i64>,
    pub district_id: Option<i64>,
}

impl Filter {
    /// The WHERE clause after `jurisdiction_id = $1`, and its arguments from `$2` on.
    fn clause(&self) -> (String, Vec<Arg<'static>>) {
        let mut sql = String::new();
        let mut args: Vec<Arg<'static>> = Vec::new();
        let mut add = |cond: &str, v: i64| {
            args.push(Arg::from(v));
            sql.push_str(&format!(" AND {cond} ${}", args.len() + 1));
        };
        if let Some(t) = self.from {
            add("requested_at >=", t.as_micros());
        }
        if let Some(t) = self.to {
            add("requested_at <", t.as_micros());
        }
        if let Some(a) = self.agency_id {
            add("agency_id =", a);
        }
        if let Some(s) = self.service_id {
            add("service_id =", s);
        }
        if let Some(d) = self.district_id {
            add("district_id =", d);
        }
        (sql, args)
    }
}

/// Reports that share a status, an agency, a district and whether they are `rahasia`, with what the
/// figures need of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub status: Status,
    pub agency_id: Option<i64>,
    pub district_id: Option<i64>,
    pub rahasia: bool,
    pub reports: i64,
    pub rated: i64,
    pub rating_sum: i64,
    /// Resolved at least once.
    pub ever_resolved: i64,
    /// Resolved at least once and reopened at least once.
    pub reopened: i64,
    /// Whose last resolution is known to have been within its deadline, and known either way.
    pub on_time: i64,
    pub on_time_known: i64,
}

#[derive(FromRow)]
struct GroupRow {
    status: String,
    agency_id: Option<i64>,
    district_id: Option<i64>,
    rahasia: i64,
    reports: i64,
    rated: i64,
    rating_sum: i64,
    ever_resolved: i64,
    reopened: i64,
    on_time: i64,
    on_time_known: i64,
}

/// How many public reports took each number of working days, per agency: to their first response, and
/// (for those resolved or closed now) to their last resolution.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Durations {
    pub agency_id: Option<i64>,
    pub response_days: Option<i64>,
    pub resolution_days: Option<i64>,
    pub reports: i64,
}

/// Public reports received and completed per local day (days since 1970-01-01 in the jurisdiction's
/// zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub day: i64,
    pub received: i64,
    pub completed: i64,
}

/// Everything the figures of one filter are computed from, read in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tallies {
    pub groups: Vec<Group>,
    pub durations: Vec<Durations>,
    pub days: Vec<Day>,
}

const COMPLETED: &str = "status IN ('resolved', 'closed')";

/// Reads the tallies of `jurisdiction_id`'s reports under `filter`. `utc_offset_secs` places day
/// boundaries at local midnight (Indonesia's zones keep one offset all year).
pub async fn tallies(db: &Db, jurisdiction_id: &str, filter: &Filter, utc_offset_secs: i64) -> Result<Tallies> {
    let (cond, extra) = filter.clause();
    let mut args: Vec<Arg<'_>> = vec![Arg::from(jurisdiction_id)];
    args.extend(extra);
    let groups_sql = format!(
        "SELECT status, agency_id, district_id,
                CAST(CASE WHEN privacy = 'rahasia' THEN 1 ELSE 0 END AS BIGINT) AS rahasia,
                COUNT(*) AS reports, COUNT(rating) AS rated, CAST(COALESCE(SUM(rating), 0) AS BIGINT) AS rating_sum,
                CAST(SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS ever_resolved,
                CAST(SUM(CASE WHEN resolved_at IS NOT NULL AND reopen_count > 0 THEN 1 ELSE 0 END) AS BIGINT) AS reopened,
                CAST(SUM(CASE WHEN resolved_on_time THEN 1 ELSE 0 END) AS BIGINT) AS on_time,
                CAST(SUM(CASE WHEN resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS on_time_known
         FROM reports WHERE jurisdiction_id = $1{cond}
         GROUP BY status, agency_id, district_id, CASE WHEN privacy = 'rahasia' THEN 1 ELSE 0 END"
    );
    let durations_sql = format!(
        "SELECT agency_id, response_days, CASE WHEN {COMPLETED} THEN resolution_days END AS resolution_days,
                COUNT(*) AS reports
         FROM reports WHERE jurisdiction_id = $1{cond} AND privacy <> 'rahasia'
             AND (response_days IS NOT NULL OR resolution_days IS NOT NULL)
         GROUP BY agency_id, response_days, CASE WHEN {COMPLETED} THEN resolution_days END"
    );
    let n = args.len() + 1;
    let days_sql = format!(
        "SELECT (requested_at + ${n}) / 86400000000 AS day, COUNT(*) AS received,
                CAST(SUM(CASE WHEN {COMPLETED} THEN 1 ELSE 0 END) AS BIGINT) AS completed
         FROM reports WHERE jurisdiction_id = $1{cond} AND privacy <> 'rahasia'
         GROUP BY (requested_at + ${n}) / 86400000000"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<GroupRow> = tx.fetch_all(&groups_sql, &args).await?;
    let durations: Vec<Durations> = tx.fetch_all(&durations_sql, &args).await?;
    let mut day_args = args.clone();
    day_args.push(Arg::from(utc_offset_secs * 1_000_000));
    let days: Vec<(i64, i64, i64)> = tx.fetch_all(&days_sql, &day_args).await?;
    tx.commit().await?;
    let groups = rows
        .into_iter()
        .map(|r| {
            Ok(Group {
                status: r.status.parse().map_err(|_| StoreError::Corrupt(format!("status {:?}", r.status)))?,
                agency_id: r.agency_id,
                district_id: r.district_id,
                rahasia: r.rahasia != 0,
                reports: r.reports,
                rated: r.rated,
                rating_sum: r.rating_sum,
                ever_resolved: r.ever_resolved,
                reopened: r.reopened,
                on_time: r.on_time,
                on_time_known: r.on_time_known,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Tallies {
        groups,
        durations,
        days: days.into_iter().map(|(day, received, completed)| Day { day, received, completed }).collect(),
    })
}

/// A public report as the open-data export lists it: no reporter, no internal notes.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct OpenReport {
    pub id: i64,
    pub public_id: String,
    pub requested_at: i64,
    pub service_id: i64,
    pub agency_id: Option<i64>,
    pub district_id: Option<i64>,
    pub privacy: String,
    pub status: String,
    pub archive_reason: Option<String>,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub first_response_at: Option<i64>,
    pub response_days: Option<i64>,
    pub resolved_at: Option<i64>,
    pub resolution_days: Option<i64>,
    pub resolved_on_time: Option<bool>,
    pub reopen_count: i64,
    pub rating: Option<i64>,
}

/// Where the next page of an export starts: after this report.
pub type Cursor = (i64, i64);

/// The next `limit` public reports under `filter`, oldest first, after `after`. Each page is its own
/// short query, so an export of any size holds no connection while its client reads.
pub async fn open_reports(
    db: &Db,
    jurisdiction_id: &str,
    filter: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<OpenReport>> {
    let (cond, extra) = filter.clause();
    let mut args: Vec<Arg<'_>> = vec![Arg::from(jurisdiction_id)];
    args.extend(extra);
    let mut sql = format!(
        "SELECT id, public_id, requested_at, service_id, agency_id, district_id, privacy, status, archive_reason,
                description, lat, lon, first_response_at, response_days, resolved_at, resolution_days,
                resolved_on_time, reopen_count, rating
         FROM reports WHERE jurisdiction_id = $1{cond} AND privacy <> 'rahasia'"
    );
    if let Some((t, id)) = after {
        args.push(Arg::from(t));
        args.push(Arg::from(id));
        let (a, b) = (args.len() - 1, args.len());
        // The first condition alone bounds the index range on both databases; the second breaks ties.
        sql.push_str(&format!(" AND requested_at >= ${a} AND (requested_at > ${a} OR id > ${b})"));
    }
    args.push(Arg::from(limit));
    sql.push_str(&format!(" ORDER BY requested_at, id LIMIT ${}", args.len()));
    let mut tx = db.begin_read().await?;
    let rows = tx.fetch_all(&sql, &args).await?;
    tx.commit().await?;
    Ok(rows)
}

/// A report whose working days are still to be counted.
#[derive(FromRow)]
struct Untimed {
    id: i64,
    jurisdiction_id: String,
    requested_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
}

/// Counts the working days of reports whose first response or resolution predates the columns that
/// keep them (they were filled from the audit trail by a migration, which knows no calendar). Runs in
/// batches; the number of reports completed.
pub async fn backfill_working_days(db: &Db, rules: &HashMap<String, crate::lifecycle::Rules>) -> Result<u64> {
    let mut done = 0;
    // In id order from where the last batch ended, so that each batch reads on instead of again.
    let mut after = 0i64;
    loop {
        let rows: Vec<Untimed> = {
            let mut tx = db.begin_read().await?;
            let rows = tx
                .fetch_all(
                    "SELECT id, jurisdiction_id, requested_at, first_response_at, resolved_at FROM reports
                     WHERE id > $1 AND ((first_response_at IS NOT NULL AND response_days IS NULL)
                        OR (resolved_at IS NOT NULL AND resolution_days IS NULL))
                     ORDER BY id LIMIT 1000",
                    &args![after],
                )
                .await?;
            tx.commit().await?;
            rows
        };
        let Some(last) = rows.last() else { return Ok(done) };
        after = last.id;
        let mut tx = db.begin().await?;
        for Untimed {
            id,
            jurisdiction_id: jid,
            requested_at: requested,
            first_response_at: first,
            resolved_at: resolved,
        } in &rows
        {
            // A jurisdiction without a loadable calendar counts in plain days rather than never.
            let taken = |at: i64| match rules.get(jid) {
                Some(r) => {
                    r.calendar.working_days_taken(Timestamp::from_micros(*requested), Timestamp::from_micros(at))
                }
                None => (at - requested).max(0) / 86_400_000_000,
            };
            tx.execute(
                "UPDATE reports SET response_days = COALESCE(response_days, $1), resolution_days = COALESCE(resolution_days, $2)
                 WHERE id = $3",
                &args![first.map(taken), resolved.map(taken), *id],
            )
            .await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
}

/// Reports received in the year before an instant, in total and per agency and service: each
/// unit's annual service volume.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Volumes {
    pub total: u64,
    pub by_agency: HashMap<i64, u64>,
    pub by_service: HashMap<i64, u64>,
}

/// The [`Volumes`] of `jurisdiction_id` in the 365 days before `until`.
pub async fn annual_volumes(db: &Db, jurisdiction_id: &str, until: Timestamp) -> Result<Volumes> {
    let mut tx = db.begin_read().await?;
    let rows: Vec<(Option<i64>, i64, i64)> = tx
        .fetch_all(
            "SELECT agency_id, service_id, COUNT(*) FROM reports
             WHERE jurisdiction_id = $1 AND requested_at >= $2 AND requested_at < $3 GROUP BY agency_id, service_id",
            &args![jurisdiction_id, until.plus_days(-365).as_micros(), until.as_micros()],
        )
        .await?;
    tx.commit().await?;
    let mut v = Volumes::default();
    for (agency, service, n) in rows {
        let n = n.max(0) as u64;
        v.total += n;
        if let Some(a) = agency {
            *v.by_agency.entry(a).or_default() += n;
        }
        *v.by_service.entry(service).or_default() += n;
    }
    Ok(v)
}
