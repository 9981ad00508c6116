//! New reports on PostgreSQL in one statement: the reports, their first events, their jobs, their
//! webhook deliveries and their photos are inserted by one `WITH … INSERT`, which commits on its own.
//!
//! A batch written as a transaction takes five round trips (begin, reports, webhooks, events, commit),
//! and every submission queued behind it waits for all five. As one statement it takes one, with the
//! same commit: the statement stores the whole batch or nothing of it.

use std::collections::HashMap;

use laksana_core::PublicId;

use super::{
    BEFORE_WORK, REPORT_COLUMNS, attributes_json, distinct_ids, first_event, hooks_of, jobs_of, report_args,
    retry_query,
};
use crate::Result;
use crate::audit::{INSERT_EVENT, REPORT_ID_AT, StoredEvent};
use crate::outbox::{INSERT_JOB, WEBHOOK_JOB, WEBHOOK_PAYLOAD_SQL};
use crate::reports::{Accepted, NewReport};
use crate::sql::{Arg, Params};

/// Whether `new` can be stored this way: it cannot be the retry of a stored report, so nothing has
/// to be read before it is written.
pub(crate) fn fits(new: &NewReport) -> bool {
    retry_query(new).is_none()
}

/// Stores `news` (each of which [`fits`]) with public ids from `draw`: each one's report, in order;
/// or `None` when a drawn public id was taken, and then nothing at all was written.
///
/// A taken id fails the statement rather than skipping its row (`ON CONFLICT`): a conflict check
/// before each row and a confirmation after it cost every report a probe of the index and a WAL
/// record, for a collision that comes about once in a million draws at a million reports.
pub(crate) async fn insert(
    conn: &mut sqlx::PgConnection,
    news: &[&NewReport],
    draw: &mut (dyn FnMut() -> PublicId + Send),
) -> Result<Option<Vec<Accepted>>> {
    if news.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let ids = distinct_ids(news.len(), draw);
    let attributes: Vec<String> = news.iter().map(|n| attributes_json(n)).collect();
    let events: Vec<StoredEvent> =
        news.iter().map(|n| StoredEvent::new(&n.jurisdiction_id, &first_event(n, 0))).collect();
    // Each report's row and its first event's side by side: the event is joined to the stored row.
    let rows: Vec<Vec<Arg<'_>>> = news
        .iter()
        .zip(&ids)
        .zip(&attributes)
        .zip(&events)
        .map(|(((n, id), a), e)| report_args(n, id, a).into_iter().chain(e.values()).collect())
        .collect();
    let mut jobs: Vec<(&str, String, String)> = Vec::new();
    let mut hooks: Vec<(&str, &str, String)> = Vec::new();
    let mut media: Vec<(&str, &str, i64)> = Vec::new();
    for (n, id) in news.iter().zip(&ids) {
        jobs.extend(jobs_of(n, id).map(|(kind, payload)| (id.as_str(), kind, payload)));
        hooks.extend(hooks_of(n, id).iter().map(|h| {
            (id.as_str(), n.jurisdiction_id.as_str(), serde_json::to_string(h).expect("events always serialise"))
        }));
        media.extend(n.media_urls.iter().map(|u| (id.as_str(), u.as_str(), n.requested_at.as_micros())));
    }
    let jobs: Vec<Vec<Arg<'_>>> = jobs.iter().map(|(id, k, p)| args![*id, k, p].to_vec()).collect();
    let hooks: Vec<Vec<Arg<'_>>> = hooks.iter().map(|(id, j, b)| args![*id, *j, b].to_vec()).collect();
    let media: Vec<Vec<Arg<'_>>> = media.iter().map(|(id, u, at)| args![*id, *u, *at].to_vec()).collect();

    let names: Vec<&str> = SHAPE.names.iter().map(String::as_str).collect();
    let mut p = Params::default();
    let now = news.iter().map(|n| n.requested_at.as_micros()).max().unwrap_or(0);
    let submissions = p.unnest("n", &names, &rows[0], &rows);
    let now = p.value(now);
    let mut sql = format!(
        "WITH n AS MATERIALIZED (SELECT * FROM {submissions}),
         r AS (INSERT INTO reports ({REPORT_COLUMNS}) SELECT {report} FROM n RETURNING id, public_id),
         e AS ({INSERT_EVENT} SELECT {events} FROM n JOIN r ON r.public_id = n.public_id)",
        report = SHAPE.report,
        events = SHAPE.events,
    );
    // A part with nothing to insert is left out: each costs the statement its start-up and the locks
    // on its table and that table's indexes, which a batch of a few reports feels.
    let texts = args![None::<&str>, None::<&str>, None::<&str>];
    if !jobs.is_empty() {
        let jobs = p.unnest("x", &["public_id", "kind", "payload"], &texts, &jobs);
        sql += &format!(
            ", j AS ({INSERT_JOB} SELECT x.kind, x.payload, {now}, {now} FROM {jobs} JOIN r ON r.public_id = x.public_id)"
        );
    }
    if !hooks.is_empty() {
        let hooks = p.unnest("x", &["public_id", "jurisdiction_id", "body"], &texts, &hooks);
        let webhook = p.value(WEBHOOK_JOB);
        sql += &format!(
            ", w AS ({INSERT_JOB} SELECT {webhook}, {WEBHOOK_PAYLOAD_SQL}, {now}, {now} FROM {hooks}
               JOIN r ON r.public_id = x.public_id JOIN webhooks h ON h.jurisdiction_id = x.jurisdiction_id AND h.active)"
        );
    }
    if !media.is_empty() {
        let media = p.unnest("x", &["public_id", "url", "at"], &args![None::<&str>, None::<&str>, 0], &media);
        let before = p.value(BEFORE_WORK);
        sql += &format!(
            ", m AS (INSERT INTO report_media (report_id, url, kind, created_at) SELECT r.id, x.url, {before}, x.at
               FROM {media} JOIN r ON r.public_id = x.public_id)"
        );
    }
    sql += " SELECT id, public_id FROM r";
    let rows = match p.bind(sqlx::query(sqlx::AssertSqlSafe(sql))).fetch_all(conn).await {
        Ok(rows) => rows,
        // Fresh submissions bind no client key, and jobs no dedupe key: only a public id can be taken.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut stored: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    for row in &rows {
        let (id, public_id) = <(i64, String) as sqlx::FromRow<_>>::from_row(row)?;
        stored.insert(public_id, id);
    }
    let accepted = ids.into_iter().map(|public_id| {
        let id = *stored.get(public_id.as_str()).expect("every row of the statement is stored");
        Accepted { id, public_id, created: true }
    });
    Ok(Some(accepted.collect()))
}

/// The statement's fixed pieces, worked out once.
struct Shape {
    /// The columns of a submission: the report's, then its first event's (as `ev_…`).
    names: Vec<String>,
    /// The report's columns, as the reports' insert selects them.
    report: String,
    /// The event's values, with the stored report's id in its place.
    events: String,
}

static SHAPE: std::sync::LazyLock<Shape> = std::sync::LazyLock::new(|| {
    let columns = |list: &str| list.split(',').map(|c| c.trim().to_owned()).collect::<Vec<_>>();
    let report = columns(REPORT_COLUMNS);
    let open = INSERT_EVENT.find('(').expect("INSERT_EVENT names its columns");
    let close = INSERT_EVENT.rfind(')').expect("INSERT_EVENT names its columns");
    let event: Vec<String> = columns(&INSERT_EVENT[open + 1..close]).iter().map(|c| format!("ev_{c}")).collect();
    let events: Vec<String> = event
        .iter()
        .enumerate()
        .map(|(i, c)| if i == REPORT_ID_AT { "r.id".to_owned() } else { format!("n.{c}") })
        .collect();
    Shape { report: report.join(", "), events: events.join(", "), names: report.into_iter().chain(event).collect() }
});
