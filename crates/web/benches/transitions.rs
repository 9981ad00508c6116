//! Workflow throughput: how many lifecycle transitions per second the JSON API applies, each one a
//! durable write (report row, audit-chain event, outbox jobs, webhook queue) behind an HTTP request.
//!
//! Per backend: a fresh database with the demo data, the real router on 127.0.0.1 in this process
//! (clock fixed at Monday 2026-11-02 09:00 WIB), `BENCH_REPORTS` submitted reports of
//! `sampah-menumpuk` written straight into the store (timed separately), then `BENCH_CLIENTS`
//! concurrent HTTP clients walk every report through verify → dispose (re-disposition to DISPERKIM)
//! → plan → resolve → confirm (the reporter, by follow-up code) via
//! `POST /api/v1/reports/{id}/actions`. Prints throughput, latency percentiles and the non-200
//! answers (which should be 0: a 409 here means a bug).
//!
//! ```sh
//! cargo bench -p laksana-web --bench transitions                      # SQLite only
//! LAKSANA_TEST_PG_URL=postgres://… cargo bench -p laksana-web --bench transitions
//! BENCH_REPORTS=2000 BENCH_CLIENTS=32 cargo bench -p laksana-web --bench transitions
//! ```
//!
//! `LAKSANA_TEST_PG_URL` is an admin URL of a throwaway cluster (as for the tests); a new database
//! is created in it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use laksana_core::access::{Grant, Role};
use laksana_core::time::{ManualClock, parse_datetime};
use laksana_core::{Channel, Timestamp};
use laksana_store::reports::{NewReport, Reporter};
use laksana_store::testing::TestDb;
use laksana_store::{Backend, Db, apikeys, catalog, reports, seed, users};
use laksana_web::{AppState, WebConfig};
use serde_json::json;

const TNG: &str = "tangerangkota.go.id";
/// The follow-up code of every benchmark report (only its hash is stored).
const CODE: &str = "BENCH7QM3X";
/// Tasks inserting reports, so that SQLite's group commit has batches to gather.
const INSERT_TASKS: usize = 32;
/// Non-200 answers printed in full; the rest are only counted.
const SHOWN_ERRORS: usize = 20;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.trim().replace('_', "").parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench. Test runners (`cargo test`, and nextest listing tests with
    // `--list`) run bench targets too: there it has no tests, and must not spend minutes measuring.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n = env_usize("BENCH_REPORTS", 10_000);
    let clients = env_usize("BENCH_CLIENTS", 16).max(1);
    let mut rates = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend == Backend::Postgres && std::env::var_os("LAKSANA_TEST_PG_URL").is_none() {
            println!("postgres: skipped (set LAKSANA_TEST_PG_URL=postgres://… to run it)");
            continue;
        }
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
        rates.push(rt.block_on(run(backend, n, clients)));
    }
    if let [sqlite, postgres] = rates.as_slice() {
        println!("postgres/sqlite: {:.2} (transitions/s ratio)", postgres / sqlite);
    }
}

/// One backend's run; returns its transitions per second.
async fn run(backend: Backend, n: usize, clients: usize) -> f64 {
    let name = backend.name();
    let test_db = TestDb::new(backend).await;
    let db = test_db.db.clone();
    let now = parse_datetime("2026-11-02T09:00:00+07:00", chrono_tz::Asia::Jakarta).expect("a valid date-time");
    seed::demo(&db, now).await.expect("seeding the demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("a bound address"));
    let config = WebConfig {
        media_dir: test_db.dir.path().join("media"),
        max_upload_bytes: 2 * 1024 * 1024,
        contact: "Bench".into(),
        public_url: base.clone(),
        secure_cookies: false,
        metrics_token: None,
        intake_per_key_per_minute: 0,
        intake_per_address_per_minute: 0,
        receipts_per_address_per_hour: 5,
        trusted_proxies: Vec::new(),
        ..WebConfig::default()
    };
    let clock = Arc::new(ManualClock::new(now));
    let state = AppState::new(db.clone(), clock, config, None).await.expect("the app state");
    tokio::spawn(async move { laksana_web::serve(listener, state, std::future::pending()).await });

    let agencies = catalog::agencies(&db, TNG).await.expect("the demo agencies");
    let agency = |code: &str| agencies.iter().find(|a| a.code == code).unwrap_or_else(|| panic!("no agency {code}")).id;
    let (dlh, disperkim) = (agency("DLH"), agency("DISPERKIM"));
    let operator = staff(&db, "operator@bench.test", Role::Operator, None, now).await;
    // DLH gets the reports first; the re-disposition hands them to DISPERKIM, whose officer finishes them.
    let _dlh_officer = staff(&db, "dlh@bench.test", Role::Officer, Some(dlh), now).await;
    let officer = staff(&db, "disperkim@bench.test", Role::Officer, Some(disperkim), now).await;
    let service = catalog::service(&db, TNG, "sampah-menumpuk")
        .await
        .expect("the services")
        .expect("the demo has sampah-menumpuk");

    let template = NewReport {
        reporter: Reporter {
            first_name: Some("Siti".into()),
            last_name: Some("Rahmawati".into()),
            ..Reporter::default()
        },
        channel: Channel::Api,
        follow_up_hash: Some(apikeys::hash_key(CODE)),
        clock: Some(laksana_core::workflow::ClockKind::Verification),
        ..laksana_store::testing::new_report(
            TNG,
            &service,
            "Sampah di TPS sudah tiga hari tidak diangkut, baunya menyengat (bench).",
            now,
        )
    };
    let started = Instant::now();
    let ids = insert_reports(&db, template, n).await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name}: inserted {} reports in {secs:.1} s ({:.0} reports/s, {INSERT_TASKS} tasks)",
        ids.len(),
        ids.len() as f64 / secs
    );

    // (key, body): no key means the reporter, by follow-up code.
    let steps: Arc<Vec<(Option<String>, serde_json::Value)>> = Arc::new(vec![
        (Some(operator.clone()), json!({"action": "verify", "expected_status": "submitted"})),
        (Some(operator), json!({"action": "dispose", "expected_status": "dispositioned", "agency_id": disperkim})),
        (
            Some(officer.clone()),
            json!({"action": "plan", "expected_status": "dispositioned", "plan": "Truk sampah dijadwalkan besok pagi"}),
        ),
        (
            Some(officer),
            json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Sampah sudah diangkut"}),
        ),
        (None, json!({"action": "confirm", "expected_status": "resolved", "rating": 5})),
    ]);
    let (ids, next, shown) = (Arc::new(ids), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let client = reqwest::Client::new();
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, base, ids, steps, next, shown) =
                (client.clone(), base.clone(), ids.clone(), steps.clone(), next.clone(), shown.clone());
            tokio::spawn(async move {
                let (mut ok, mut errors, mut latencies) = (0usize, 0usize, Vec::new());
                while let Some(id) = ids.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let url = format!("{base}/api/v1/reports/{id}/actions?jurisdiction_id={TNG}");
                    for (key, body) in steps.iter() {
                        let req = client.post(&url).json(body);
                        let req = match key {
                            Some(k) => req.bearer_auth(k),
                            None => req.header("x-follow-up-code", CODE),
                        };
                        let t = Instant::now();
                        let (status, text) = match req.send().await {
                            Ok(res) => (res.status().as_u16(), res.text().await.unwrap_or_default()),
                            Err(e) => (0, e.to_string()),
                        };
                        latencies.push(t.elapsed());
                        if status == 200 {
                            ok += 1;
                            continue;
                        }
                        errors += 1;
                        if shown.fetch_add(1, Ordering::Relaxed) < SHOWN_ERRORS {
                            eprintln!("{name}: {id} {}: HTTP {status}: {text}", body["action"]);
                        }
                        // The later steps of this report would only fail too.
                        break;
                    }
                }
                (ok, errors, latencies)
            })
        })
        .collect();
    let (mut ok, mut errors, mut latencies) = (0usize, 0usize, Vec::<Duration>::new());
    for done in futures::future::join_all(tasks).await {
        let (o, e, l) = done.expect("a client task");
        ok += o;
        errors += e;
        latencies.extend(l);
    }
    let secs = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let rate = ok as f64 / secs;
    println!(
        "{name}: {ok} transitions in {secs:.1} s = {rate:.0} transitions/s ({clients} clients), p50 {:.1} ms, p99 {:.1} ms, errors {errors}",
        percentile_ms(&latencies, 50),
        percentile_ms(&latencies, 99)
    );
    let closed = laksana_store::testing::scalar(
        &db,
        "SELECT COUNT(*) FROM reports WHERE status = 'closed' AND description LIKE '%(bench).'",
    )
    .await;
    if closed != ids.len() as i64 {
        println!("{name}: WARNING: {closed} of {} reports are closed", ids.len());
    }
    rate
}

/// `n` copies of `template` stored by concurrent tasks; returns their public ids.
async fn insert_reports(db: &Db, template: NewReport, n: usize) -> Vec<String> {
    let (template, next) = (Arc::new(template), Arc::new(AtomicUsize::new(0)));
    let tasks: Vec<_> = (0..INSERT_TASKS)
        .map(|_| {
            let (db, template, next) = (db.clone(), template.clone(), next.clone());
            tokio::spawn(async move {
                let mut ids = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < n {
                    ids.push(reports::insert(&db, &template).await.expect("inserting a report").public_id.to_string());
                }
                ids
            })
        })
        .collect();
    let mut ids = Vec::with_capacity(n);
    for done in futures::future::join_all(tasks).await {
        ids.extend(done.expect("an insert task"));
    }
    ids
}

/// A staff account with one role in the demo city and an API key bound to it; returns the key.
async fn staff(db: &Db, email: &str, role: Role, agency_id: Option<i64>, now: Timestamp) -> String {
    let new = users::NewUser { email: email.into(), display_name: email.into(), language: "id".into(), password: None };
    let user = users::create(db, &new, "test", now).await.expect("a staff account");
    let grant = Grant::new(role, Some(TNG.into()), agency_id).expect("a valid grant");
    users::grant(db, user.id, &grant, "test", now).await.expect("a role grant");
    apikeys::create(db, TNG, email, Some(user.id), "test", now.as_micros()).await.expect("an API key").1
}

fn percentile_ms(sorted: &[Duration], p: usize) -> f64 {
    match sorted.len() {
        0 => 0.0,
        len => sorted[(len * p / 100).min(len - 1)].as_secs_f64() * 1e3,
    }
}
