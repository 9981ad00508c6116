//! Ticker cost on a large store: one pass of `laksana_store::lifecycle::tick` over a million open
//! reports of which 5 % are overdue, then a second pass with nothing due, to show that a pass costs
//! what is due, not what is stored (it walks the `next_tick_at` index from its start).
//!
//! Per backend: a fresh database with the demo data (jurisdiction, services, holidays), whose own
//! overdue reports are ticked once untimed; then `BENCH_REPORTS` open `in_progress` reports of
//! `sampah-menumpuk` at DLH bulk-inserted (timed, printed), every `BENCH_DUE_EVERY`-th one overdue
//! (deadline two days ago, tick due since yesterday), the rest due in 30 days. The clock is fixed at
//! Monday 2026-11-02 09:00 WIB; the ticker takes 500 reports per transaction, as `laksana serve` does.
//!
//! ```sh
//! cargo bench -p laksana-web --bench ticker                      # SQLite only
//! LAKSANA_TEST_PG_URL=postgres://… cargo bench -p laksana-web --bench ticker
//! BENCH_REPORTS=100000 BENCH_DUE_EVERY=10 cargo bench -p laksana-web --bench ticker
//! ```
//!
//! `LAKSANA_TEST_PG_URL` is an admin URL of a throwaway cluster (as for the tests); a new database
//! is created in it.

use std::time::Instant;

use laksana_core::time::parse_datetime;
use laksana_store::lifecycle::{self, TickStats};
use laksana_store::testing::TestDb;
use laksana_store::{Backend, seed};

const TNG: &str = "tangerangkota.go.id";
/// Reports per ticker transaction.
const BATCH: u32 = 500;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().replace('_', "").parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench. Test runners (`cargo test`, and nextest listing tests with
    // `--list`) run bench targets too: there it has no tests, and must not spend minutes measuring.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n = env_u64("BENCH_REPORTS", 1_000_000);
    let due_every = env_u64("BENCH_DUE_EVERY", 20);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend == Backend::Postgres && std::env::var_os("LAKSANA_TEST_PG_URL").is_none() {
            println!("postgres: skipped (set LAKSANA_TEST_PG_URL=postgres://… to run it)");
            continue;
        }
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
        rt.block_on(run(backend, n, due_every));
    }
}

async fn run(backend: Backend, n: u64, due_every: u64) {
    let name = backend.name();
    let test_db = TestDb::new(backend).await;
    let db = &test_db.db;
    let now = parse_datetime("2026-11-02T09:00:00+07:00", chrono_tz::Asia::Jakarta).expect("a valid date-time");
    seed::demo(db, now).await.expect("seeding the demo");
    let rules = lifecycle::rules(db, "http://localhost").await.expect("the lifecycle rules");
    // The demo's own overdue reports, so that the timed pass sees exactly the benchmark's.
    lifecycle::tick(db, &rules, now, BATCH).await.expect("settling the demo reports");

    let started = Instant::now();
    let inserted = seed::bench_open_reports(db, TNG, n, due_every, now).await.expect("inserting open reports");
    let secs = started.elapsed().as_secs_f64();
    println!("{name}: inserted {inserted} open reports in {secs:.1} s ({:.0} reports/s)", inserted as f64 / secs);

    let started = Instant::now();
    let stats = lifecycle::tick(db, &rules, now, BATCH).await.expect("a ticker pass");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name}: ticker pass over {inserted} open reports ({} due): {secs:.2} s, {:.0} due reports/s ({})",
        stats.due,
        stats.due as f64 / secs,
        effects(&stats)
    );
    let expected = inserted.checked_div(due_every).unwrap_or(0);
    if stats.due != expected {
        println!("{name}: WARNING: {expected} reports were inserted overdue, the pass took {}", stats.due);
    }

    let started = Instant::now();
    let again = lifecycle::tick(db, &rules, now, BATCH).await.expect("a second ticker pass");
    let secs = started.elapsed().as_secs_f64();
    println!("{name}: second pass, nothing due: {:.1} ms ({} due)", secs * 1e3, again.due);
}

fn effects(s: &TickStats) -> String {
    let mut out = format!("escalations {}, reminders {}", s.escalations, s.reminders);
    if s.archived + s.closed > 0 {
        out.push_str(&format!(", archived {}, closed {}", s.archived, s.closed));
    }
    out
}
