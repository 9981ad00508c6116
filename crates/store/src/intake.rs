//! Storing new reports inside a write transaction: a retry of a stored report is answered with that
//! report; the others are inserted, many in one statement, each with its first event, notices and
//! webhook event added to the write's tail.

use std::collections::HashMap;

use laksana_core::audit::ReportState;
use laksana_core::{PublicId, Timestamp};

use crate::audit::NewEvent;
use crate::outbox::WebhookEvent;
use crate::reports::{Accepted, NewReport};
use crate::sql::{Arg, Tx};
use crate::tail::Tail;
use crate::{Db, Result, StoreError};

pub(crate) mod one_statement;

const RETRY_BY_KEY: &str = "SELECT id, public_id, service_id, description, lat, lon, address FROM reports
     WHERE api_key_id = $1 AND client_key = $2";
const RETRY_BY_DEVICE: &str = "SELECT id, public_id, service_id, description, lat, lon, address FROM reports
     WHERE api_key_id = $1 AND device_id = $2
     AND requested_at >= $3 AND description = $4 AND COALESCE(lat, 999) = $5 AND COALESCE(lon, 999) = $6
     AND COALESCE(address, '') = $7 AND service_id = $8 ORDER BY id LIMIT 1";

/// The query that finds the report `new` retries, if it can be a retry at all: by the client's own
/// key, or by the same device, text and place within the retry window.
fn retry_query(new: &NewReport) -> Option<(&'static str, Vec<Arg<'_>>)> {
    new.api_key_id?;
    if let Some(client_key) = &new.client_key {
        return Some((RETRY_BY_KEY, args![new.api_key_id, client_key].to_vec()));
    }
    let device = new.device_id.as_deref()?;
    Some((
        RETRY_BY_DEVICE,
        args![
            new.api_key_id,
            device,
            new.requested_at.plus_seconds(-new.retry_window_secs).as_micros(),
            new.description.as_str(),
            Some(new.location.map_or(999.0, |c| c.lat())),
            Some(new.location.map_or(999.0, |c| c.lon())),
            new.address.as_deref().unwrap_or(""),
            new.service_id,
        ]
        .to_vec(),
    ))
}

/// A stored report a submission may be a retry of, as the retry queries select it.
type RetryRow = (i64, String, i64, String, Option<f64>, Option<f64>, Option<String>);

/// The stored report as the answer to a retry of `new`, if `new` is the same submission: the same
/// service, text and place. A client key reused for a different submission is refused, never answered
/// with the other report (which may be `rahasia`, and is certainly not this one).
fn accepted_retry(row: RetryRow, new: &NewReport) -> Result<Accepted> {
    let (id, public_id, service_id, description, lat, lon, address) = row;
    let near = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a.is_none() && b.is_none(),
    };
    let same = service_id == new.service_id
        && description == new.description
        && near(lat, new.location.map(|c| c.lat()))
        && near(lon, new.location.map(|c| c.lon()))
        && address.as_deref().unwrap_or("") == new.address.as_deref().unwrap_or("");
    if !same {
        return Err(StoreError::KeyReused(
            "this Idempotency-Key (or fixmystreet_id) was used for a different submission; send a new key".into(),
        ));
    }
    Ok(Accepted { id, public_id: PublicId::parse(&public_id).expect("stored public ids are valid"), created: false })
}

pub(crate) async fn find_retry(db: &Db, new: &NewReport) -> Result<Option<Accepted>> {
    let Some((sql, args)) = retry_query(new) else { return Ok(None) };
    db.fetch_optional::<RetryRow>(sql, &args).await?.map(|row| accepted_retry(row, new)).transpose()
}

/// How often a new report may draw a public id that turns out to be taken before its write fails.
const ID_DRAWS: usize = 8;

/// The columns a new report is stored with, in the order of [`report_args`].
macro_rules! report_columns {
    () => {
        "public_id, jurisdiction_id, service_id, description, lat, lon, address, address_id, zipcode, district_id,
         attributes, reporter_email, reporter_first_name, reporter_last_name, reporter_phone, device_id, account_id,
         privacy, channel, status, is_open, agency_id, deadline_at, requested_at, updated_at, api_key_id, client_key,
         user_id, reporter_language, follow_up_hash, clock, clock_started_at, next_tick_at, tick_stage"
    };
}
const REPORT_COLUMNS: &str = report_columns!();
const INSERT_REPORT: &str = concat!("INSERT INTO reports (", report_columns!(), ")");

/// A unique value is taken: a concurrent retry with the same client key committed first, or the
/// public id collided. Either way the row is skipped, not the transaction failed.
const ON_TAKEN: &str = "ON CONFLICT DO NOTHING RETURNING id, public_id";

/// For submissions that cannot be retries (no client key), only the public id can be taken: naming
/// it spares PostgreSQL a probe of every other unique index for each row before it is inserted.
const ON_ID_TAKEN: &str = "ON CONFLICT (public_id) DO NOTHING RETURNING id, public_id";

/// Stores `news` in the transaction, answering each in order: its new report, the stored report it
/// retries, or (after [`ID_DRAWS`] taken public ids) a conflict. Submissions that cannot be retries
/// are inserted together in one statement per few hundred; those that can, and any whose public id was
/// taken, one by one. `draw` gives public ids. Any other failure fails the whole transaction.
pub(crate) async fn insert_many(
    tx: &mut Tx,
    news: &[&NewReport],
    tail: &mut Tail,
    draw: &mut (dyn FnMut() -> PublicId + Send),
) -> Result<Vec<Result<Accepted>>> {
    let mut results: Vec<Option<Result<Accepted>>> = news.iter().map(|_| None).collect();
    let fresh: Vec<usize> = (0..news.len()).filter(|&i| one_statement::fits(news[i])).collect();
    if !fresh.is_empty() {
        let ids = distinct_ids(fresh.len(), draw);
        let attributes: Vec<String> = fresh.iter().map(|&i| attributes_json(news[i])).collect();
        let rows: Vec<Vec<Arg<'_>>> =
            fresh.iter().zip(&ids).zip(&attributes).map(|((&i, id), a)| report_args(news[i], id, a)).collect();
        let stored: HashMap<String, i64> = tx
            .insert_rows::<(i64, String)>(INSERT_REPORT, &rows, ON_ID_TAKEN)
            .await?
            .into_iter()
            .map(|(id, p)| (p, id))
            .collect();
        let mut media = Vec::new();
        for (&i, public_id) in fresh.iter().zip(ids) {
            if let Some(&id) = stored.get(public_id.as_str()) {
                media.extend(media_rows(news[i], id));
                results[i] = Some(Ok(record(news[i], id, public_id, tail)));
            }
        }
        insert_media(tx, &media).await?;
    }
    for (i, slot) in results.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(insert_one(tx, news[i], tail, draw).await?);
        }
    }
    Ok(results.into_iter().map(|r| r.expect("every submission was answered")).collect())
}

/// Stores one new report (or finds the report it retries), drawing public ids until one is free.
async fn insert_one(
    tx: &mut Tx,
    new: &NewReport,
    tail: &mut Tail,
    draw: &mut (dyn FnMut() -> PublicId + Send),
) -> Result<Result<Accepted>> {
    if let Some(found) = find_retry_in(tx, new).await? {
        return Ok(found);
    }
    let attributes = attributes_json(new);
    for _ in 0..ID_DRAWS {
        let public_id = draw();
        let row = [report_args(new, &public_id, &attributes)];
        if let Some(&(id, _)) = tx.insert_rows::<(i64, String)>(INSERT_REPORT, &row, ON_TAKEN).await?.first() {
            insert_media(tx, &media_rows(new, id)).await?;
            return Ok(Ok(record(new, id, public_id, tail)));
        }
        // A concurrent retry with the same client key may have committed first: it is the answer.
        if let Some(found) = find_retry_in(tx, new).await? {
            return Ok(found);
        }
    }
    Ok(Err(StoreError::Conflict("could not allocate a unique public id".into())))
}

/// The stored report `new` retries (`Ok(Some(Ok(_)))`), a reused key (`Ok(Some(Err(_)))`: that
/// submission alone fails), or none.
async fn find_retry_in(tx: &mut Tx, new: &NewReport) -> Result<Option<Result<Accepted>>> {
    let Some((sql, args)) = retry_query(new) else { return Ok(None) };
    Ok(tx.fetch_optional::<RetryRow>(sql, &args).await?.map(|row| accepted_retry(row, new)))
}

/// `n` freshly drawn public ids, no two alike (a statement's rows must not collide with each other).
fn distinct_ids(n: usize, draw: &mut (dyn FnMut() -> PublicId + Send)) -> Vec<PublicId> {
    let mut seen = std::collections::HashSet::with_capacity(n);
    std::iter::repeat_with(draw).filter(|id| seen.insert(id.clone())).take(n).collect()
}

fn attributes_json(new: &NewReport) -> String {
    serde_json::to_string(&new.attributes).expect("strings always serialise")
}

/// The values of [`INSERT_REPORT`], in its column order.
fn report_args<'a>(new: &'a NewReport, public_id: &'a PublicId, attributes: &'a str) -> Vec<Arg<'a>> {
    let at = new.requested_at.as_micros();
    args![
        public_id.as_str(),
        new.jurisdiction_id.as_str(),
        new.service_id,
        new.description.as_str(),
        new.location.map(|c| c.lat()),
        new.location.map(|c| c.lon()),
        &new.address,
        &new.address_id,
        &new.zipcode,
        new.district_id,
        attributes,
        &new.reporter.email,
        &new.reporter.first_name,
        &new.reporter.last_name,
        &new.reporter.phone,
        &new.device_id,
        &new.account_id,
        new.privacy.as_str(),
        new.channel.as_str(),
        new.status.as_str(),
        new.status.is_open(),
        new.agency_id,
        new.deadline_at.map(Timestamp::as_micros),
        at,
        new.updated_at.as_micros(),
        new.api_key_id,
        &new.client_key,
        new.user_id,
        new.reporter_language.as_str(),
        &new.follow_up_hash,
        new.clock.map(laksana_core::workflow::ClockKind::as_str),
        new.clock.map(|_| at),
        new.next_tick.map(|t| t.0.as_micros()),
        new.next_tick.map_or(0, |t| t.1),
    ]
    .to_vec()
}

/// The kind of the photos that come with a report: they show the problem before the work.
const BEFORE_WORK: &str = "before";

fn media_rows(new: &NewReport, id: i64) -> Vec<Vec<Arg<'_>>> {
    let at = new.requested_at.as_micros();
    new.media_urls.iter().map(|url| args![id, url, BEFORE_WORK, at].to_vec()).collect()
}

async fn insert_media(tx: &mut Tx, rows: &[Vec<Arg<'_>>]) -> Result<()> {
    if !rows.is_empty() {
        tx.execute_rows("INSERT INTO report_media (report_id, url, kind, created_at)", rows, "").await?;
    }
    Ok(())
}

/// Adds a stored report's first event (with its state), its notices and its webhook event to `tail`.
fn record(new: &NewReport, id: i64, public_id: PublicId, tail: &mut Tail) -> Accepted {
    tail.add(&new.jurisdiction_id, [first_event(new, id)], jobs_of(new, &public_id), &hooks_of(new, &public_id));
    Accepted { id, public_id, created: true }
}

/// A new report's first event: it was received, in the state it is stored in.
fn first_event(new: &NewReport, id: i64) -> NewEvent {
    let state = ReportState {
        status: new.status,
        agency_id: new.agency_id,
        privacy: new.privacy,
        service_id: new.service_id,
        description_sha256: crate::audit::description_hash(&new.description),
        lat: new.location.map(|c| c.lat()),
        lon: new.location.map(|c| c.lon()),
        deadline_at: new.deadline_at.map(Timestamp::as_micros),
        escalation_level: 0,
        duplicate_of: None,
        archive_reason: None,
    };
    NewEvent {
        report_id: id,
        kind: "status".into(),
        status: Some(new.status.as_str().into()),
        note: None,
        is_public: true,
        actor: new.channel.as_str().into(),
        created_at: new.requested_at.as_micros(),
        data: "{}".into(),
        state: Some(crate::audit::state_json(&state)),
    }
}

/// A new report's outbox jobs: its own, and its notices, which name it by its public id.
fn jobs_of<'a>(new: &'a NewReport, public_id: &'a PublicId) -> impl Iterator<Item = (String, String)> + 'a {
    let notices = new.notices.iter().map(|(k, p)| (k.clone(), p.replace("{public_id}", public_id.as_str())));
    new.jobs.iter().cloned().chain(notices)
}

/// A new report's webhook event, naming it.
fn hooks_of(new: &NewReport, public_id: &PublicId) -> Vec<WebhookEvent> {
    new.webhook.iter().map(|hook| WebhookEvent { service_request_id: public_id.to_string(), ..hook.clone() }).collect()
}

#[cfg(all(test, feature = "testing"))]
mod tests {

    use super::*;
    use crate::testing::{TestDb, scalar};
    use crate::{apikeys, catalog, seed};

    const TNG: &str = "tangerangkota.go.id";

    async fn template(db: &Db) -> NewReport {
        let now = Timestamp::from_micros(1_795_000_000_000_000);
        let service = catalog::service(db, TNG, "pju-mati").await.unwrap().expect("the demo has pju-mati");
        NewReport {
            media_urls: vec!["https://example.org/a.jpg".into()],
            ..crate::testing::new_report(TNG, &service, "Lampu jalan mati di depan sekolah.", now)
        }
    }

    /// Draws the given ids first, then random ones.
    fn ids(first: &[&str]) -> impl FnMut() -> PublicId + Send + use<> {
        let mut queue: Vec<PublicId> = first.iter().rev().map(|s| PublicId::parse(s).unwrap()).collect();
        move || queue.pop().unwrap_or_else(|| PublicId::generate(&mut rand::rng()))
    }

    async fn write(db: &Db, news: &[&NewReport], draw: &mut (dyn FnMut() -> PublicId + Send)) -> Vec<Result<Accepted>> {
        let mut tx = db.begin().await.unwrap();
        let mut tail = Tail::default();
        let out = insert_many(&mut tx, news, &mut tail, draw).await.unwrap();
        tail.write(&mut tx, 0).await.unwrap();
        tx.commit().await.unwrap();
        out
    }

    crate::both_backends!(a_batch_answers_each_submission_in_order, |backend| {
        let t = TestDb::new(backend).await;
        seed::demo(&t.db, Timestamp::from_micros(1_795_000_000_000_000)).await.unwrap();
        let (key, _) = apikeys::create(&t.db, TNG, "app", None, "test", 0).await.unwrap();
        let plain = template(&t.db).await;
        let first = write(&t.db, &[&plain], &mut ids(&["AAAA-AAAA"])).await;
        assert_eq!(first[0].as_ref().unwrap().public_id.as_str(), "AAAA-AAAA");

        let keyed = NewReport { api_key_id: Some(key.id), client_key: Some("k-1".into()), ..plain.clone() };
        let other = NewReport { description: "Jalan berlubang dekat pasar.".into(), ..plain.clone() };
        // The multi-row statement draws AAAA-AAAA again for the first fresh submission: that row is
        // skipped and stored alone under the next id; the keyed one is stored alone too.
        let out = write(&t.db, &[&plain, &keyed, &other], &mut ids(&["AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"])).await;
        let got: Vec<(String, bool)> =
            out.iter().map(|r| r.as_ref().map(|a| (a.public_id.to_string(), a.created)).unwrap()).collect();
        assert!(got.iter().all(|(_, created)| *created), "{got:?}");
        assert_eq!(got[2].0, "BBBB-BBBB", "the second fresh row kept its id: {got:?}");
        assert!(!got.iter().any(|(id, _)| id == "AAAA-AAAA"), "a taken id is never answered: {got:?}");
        assert_ne!(got[0].0, got[1].0);

        // A retry of the keyed submission, in a batch with a new one, is answered with the stored report.
        let again = write(&t.db, &[&keyed, &other], &mut ids(&[])).await;
        assert_eq!(again[0].as_ref().unwrap(), &Accepted { created: false, ..out[1].as_ref().unwrap().clone() });
        assert!(again[1].as_ref().unwrap().created);

        // Each stored report has its photo and one first event, whichever way it was stored.
        let n = scalar(&t.db, "SELECT COUNT(*) FROM reports WHERE public_id IN ('AAAA-AAAA', 'BBBB-BBBB')").await;
        assert_eq!(n, 2);
        for a in out.iter().chain(&first).chain(&again[1..]) {
            let id = a.as_ref().unwrap().id;
            let media = scalar(&t.db, &format!("SELECT COUNT(*) FROM report_media WHERE report_id = {id}")).await;
            let events = scalar(&t.db, &format!("SELECT COUNT(*) FROM audit_events WHERE report_id = {id}")).await;
            assert_eq!((media, events), (1, 1), "report {id}");
        }
    });

    crate::both_backends!(a_submission_fails_alone_when_no_id_is_free, |backend| {
        let t = TestDb::new(backend).await;
        seed::demo(&t.db, Timestamp::from_micros(1_795_000_000_000_000)).await.unwrap();
        let plain = template(&t.db).await;
        write(&t.db, &[&plain], &mut ids(&["AAAA-AAAA"])).await;
        let other = NewReport { description: "Jalan berlubang dekat pasar.".into(), ..plain.clone() };
        // Every draw for the first submission is taken; the second still gets stored.
        let taken = vec!["AAAA-AAAA"; 1 + ID_DRAWS];
        let mut draws = taken.clone();
        draws.insert(1, "DDDD-DDDD");
        let out = write(&t.db, &[&plain, &other], &mut ids(&draws)).await;
        assert!(matches!(out[0], Err(StoreError::Conflict(_))), "{:?}", out[0]);
        assert_eq!(out[1].as_ref().unwrap().public_id.as_str(), "DDDD-DDDD");
    });

    /// A submission with everything a report can bring: photos, a notice naming it, a webhook event.
    fn full(base: &NewReport, n: usize) -> NewReport {
        NewReport {
            description: format!("Lampu jalan mati nomor {n}."),
            notices: vec![("email".into(), r#"{"report":"{public_id}"}"#.into())],
            webhook: Some(WebhookEvent {
                jurisdiction_id: TNG.into(),
                service_request_id: String::new(),
                kind: "status".into(),
                status: Some("submitted".into()),
                note: None,
                at: base.requested_at.as_micros(),
            }),
            ..base.clone()
        }
    }

    /// What was stored with report `id`: its events with a state, its notice, webhook and photo rows.
    async fn stored_with(db: &Db, id: i64, public_id: &str) -> (i64, i64, i64, i64) {
        let count = |sql: String| async move { scalar(db, &sql).await };
        (
            count(format!("SELECT COUNT(*) FROM audit_events WHERE report_id = {id} AND state IS NOT NULL")).await,
            count(format!(
                "SELECT COUNT(*) FROM jobs WHERE kind = 'email' AND payload = '{{\"report\":\"{public_id}\"}}'"
            ))
            .await,
            count(format!("SELECT COUNT(*) FROM jobs WHERE kind = 'webhook' AND payload LIKE '%\"{public_id}\"%'"))
                .await,
            count(format!("SELECT COUNT(*) FROM report_media WHERE report_id = {id} AND kind = 'before'")).await,
        )
    }

    crate::both_backends!(concurrent_submissions_are_each_stored_with_all_they_bring, |backend| {
        let t = TestDb::new(backend).await;
        seed::demo(&t.db, Timestamp::from_micros(1_795_000_000_000_000)).await.unwrap();
        let hook = crate::webhooks::create(&t.db, TNG, "https://example.org/hook", "test", 0).await.unwrap();
        let (key, _) = apikeys::create(&t.db, TNG, "app", None, "test", 0).await.unwrap();
        let base = template(&t.db).await;
        // Every fourth may be a retry (it has a client key): a batch mixes both kinds.
        let submission = |n: usize| {
            let new = full(&base, n);
            if n.is_multiple_of(4) {
                NewReport { api_key_id: Some(key.id), client_key: Some(format!("k-{n}")), ..new }
            } else {
                new
            }
        };
        // Submitted together, so that the writer takes several at a time.
        let writes = (0..40).map(|n| {
            let (db, new) = (t.db.clone(), submission(n));
            tokio::spawn(async move { crate::reports::insert(&db, &new).await.unwrap() })
        });
        let accepted: Vec<Accepted> = futures::future::try_join_all(writes).await.unwrap();
        // Each is answered with its own report: a retry of one finds the report it was answered with.
        let retry = crate::reports::insert(&t.db, &submission(8)).await.unwrap();
        assert_eq!(retry, Accepted { created: false, ..accepted[8].clone() });
        let distinct: std::collections::HashSet<&str> = accepted.iter().map(|a| a.public_id.as_str()).collect();
        assert_eq!(distinct.len(), 40, "every submission has its own report");
        for a in &accepted {
            assert!(a.created);
            assert_eq!(stored_with(&t.db, a.id, a.public_id.as_str()).await, (1, 1, 1, 1), "{a:?}");
        }
        // The webhook job is the one the delivery worker reads.
        let payload: String = t
            .db
            .fetch_optional::<(String,)>("SELECT payload FROM jobs WHERE kind = 'webhook' ORDER BY id LIMIT 1", &[])
            .await
            .unwrap()
            .unwrap()
            .0;
        let parsed: crate::outbox::WebhookPayload = serde_json::from_str(&payload).unwrap();
        assert_eq!(parsed.webhook_id, hook.id);
        assert!(distinct.contains(parsed.body.service_request_id.as_str()), "{payload}");
    });

    /// Submits [`full`] reports `numbers` at once, each from a task of its own; what each was answered.
    async fn submit_at_once(db: &Db, base: &NewReport, numbers: std::ops::Range<usize>) -> Vec<Result<Accepted>> {
        let writes = numbers.map(|n| {
            let (db, new) = (db.clone(), full(base, n));
            tokio::spawn(async move { crate::reports::insert(&db, &new).await })
        });
        futures::future::join_all(writes).await.into_iter().map(|w| w.expect("a write task panicked")).collect()
    }

    /// Closing waits for every connection to come back, so one kept by an idle writer would hang it.
    async fn closes_promptly(db: &Db, why: &str) {
        tokio::time::timeout(std::time::Duration::from_secs(10), db.close()).await.expect(why);
    }

    crate::both_backends!(the_writer_keeps_no_connection_while_it_waits, |backend| {
        let t = TestDb::new(backend).await;
        seed::demo(&t.db, Timestamp::from_micros(1_795_000_000_000_000)).await.unwrap();
        let base = template(&t.db).await;
        for stored in submit_at_once(&t.db, &base, 0..20).await {
            stored.unwrap();
        }
        if let Db::Postgres(pg) = &t.db {
            // The server ends every connection between two bursts (a restart, an operator, a proxy):
            // the next burst is stored on fresh connections, not failed on a dead kept one.
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .execute(&pg.pool)
            .await
            .unwrap();
            for stored in submit_at_once(&t.db, &base, 20..30).await {
                stored.expect("a write after the connections ended is stored");
            }
        }
        closes_promptly(&t.db, "the database closes while the writer waits for work").await;
    });

    /// With several writers, the ones waiting for their turn to collect keep no connection either.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_waiting_their_turn_keep_no_connection() {
        let t = TestDb::new(crate::Backend::Postgres).await;
        seed::demo(&t.db, Timestamp::from_micros(1_795_000_000_000_000)).await.unwrap();
        let base = template(&t.db).await;
        let Db::Postgres(pg) = &t.db else { unreachable!("a PostgreSQL test database") };
        let queue = crate::group_commit::IntakeQueue::start(crate::sql::WritePool::Postgres(pg.pool.clone()), 3);
        let writes = (0..30).map(|n| {
            let (queue, new) = (queue.clone(), full(&base, n));
            tokio::spawn(async move { queue.submit(new).await.unwrap() })
        });
        futures::future::try_join_all(writes).await.unwrap();
        closes_promptly(&t.db, "the database closes while the writers wait for work").await;
    }

    /// How many rows intake writes to, in all.
    const EVERY_ROW: &str = "SELECT (SELECT COUNT(*) FROM reports) + (SELECT COUNT(*) FROM audit_events)
         + (SELECT COUNT(*) FROM jobs) + (SELECT COUNT(*) FROM report_media)";

    /// On PostgreSQL, a batch in which a drawn public id is taken leaves nothing behind in the one
    /// statement (the group commit then writes it as a transaction, which draws again).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_taken_public_id_leaves_nothing_of_the_batch_in_one_statement() {
        let t = TestDb::new(crate::Backend::Postgres).await;
        seed::demo(&t.db, Timestamp::from_micros(1_795_000_000_000_000)).await.unwrap();
        crate::webhooks::create(&t.db, TNG, "https://example.org/hook", "test", 0).await.unwrap();
        let base = template(&t.db).await;
        let Db::Postgres(pg) = &t.db else { unreachable!("a PostgreSQL test database") };
        let (a, b) = (full(&base, 1), full(&base, 2));
        let first = one_statement::insert(&mut pg.pool.acquire().await.unwrap(), &[&a], &mut ids(&["AAAA-AAAA"]))
            .await
            .unwrap();
        let first = first.expect("a free id is stored")[0].clone();
        assert_eq!(first.public_id.as_str(), "AAAA-AAAA");
        let before = scalar(&t.db, EVERY_ROW).await;
        let out = one_statement::insert(
            &mut pg.pool.acquire().await.unwrap(),
            &[&b, &a],
            &mut ids(&["BBBB-BBBB", "AAAA-AAAA"]),
        )
        .await
        .unwrap();
        assert!(out.is_none(), "a taken id fails the batch: {out:?}");
        let after = scalar(&t.db, EVERY_ROW).await;
        assert_eq!(after, before, "nothing of the batch was written");
        assert_eq!(stored_with(&t.db, first.id, "AAAA-AAAA").await, (1, 1, 1, 1), "the first report is untouched");
        // Written again as the group commit does, both are stored.
        let again = write(&t.db, &[&b, &a], &mut ids(&["BBBB-BBBB", "AAAA-AAAA"])).await;
        assert_eq!(again[0].as_ref().unwrap().public_id.as_str(), "BBBB-BBBB");
        assert_ne!(again[1].as_ref().unwrap().public_id.as_str(), "AAAA-AAAA");
    }
}
