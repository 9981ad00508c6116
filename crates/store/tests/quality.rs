//! The store's side of the public figures on both backends: the tallies agree with a plain count of
//! the same rows, the export's pages cover every public report once, and working days recorded before
//! the columns existed are counted again exactly as the write path counts them.

use std::collections::HashMap;

use laksana_core::Timestamp;
use laksana_store::stats::{self, Filter};
use laksana_store::testing::{TestDb, scalar};
use laksana_store::{both_backends, lifecycle, seed};

fn t0() -> Timestamp {
    laksana_core::time::parse_datetime("2026-11-28T10:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap()
}

const TNG: &str = "tangerangkota.go.id";

both_backends!(tallies_and_pages_cover_the_same_reports, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let tallies = stats::tallies(&t.db, TNG, &Filter::default(), 7 * 3600).await.unwrap();
    let public: i64 = tallies.groups.iter().filter(|g| !g.rahasia).map(|g| g.reports).sum();
    let secret: i64 = tallies.groups.iter().filter(|g| g.rahasia).map(|g| g.reports).sum();
    let sql =
        |op: &str| format!("SELECT COUNT(*) FROM reports WHERE jurisdiction_id = '{TNG}' AND privacy {op} 'rahasia'");
    assert_eq!(public, scalar(&t.db, &sql("<>")).await);
    assert_eq!(secret, scalar(&t.db, &sql("=")).await);
    let per_day: i64 = tallies.days.iter().map(|d| d.received).sum();
    assert_eq!(per_day, public, "every public report falls on one day");
    // The export, a page of 37 at a time, lists every public report once, oldest first.
    let mut seen = std::collections::HashSet::new();
    let mut after = None;
    let mut last_at = i64::MIN;
    loop {
        let page = stats::open_reports(&t.db, TNG, &Filter::default(), after, 37).await.unwrap();
        for r in &page {
            assert!(r.requested_at >= last_at, "oldest first");
            last_at = r.requested_at;
            assert_ne!(r.privacy, "rahasia");
            assert!(seen.insert(r.id), "report {} listed twice", r.id);
        }
        if page.len() < 37 {
            break;
        }
        after = page.last().map(|r| (r.requested_at, r.id));
    }
    assert_eq!(seen.len() as i64, public);
    // A period narrows both alike.
    let from = laksana_core::time::parse_datetime("2026-11-01T00:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap();
    let filter = Filter { from: Some(from), ..Filter::default() };
    let narrowed = stats::tallies(&t.db, TNG, &filter, 7 * 3600).await.unwrap();
    let n: i64 = narrowed.groups.iter().filter(|g| !g.rahasia).map(|g| g.reports).sum();
    let pages = stats::open_reports(&t.db, TNG, &filter, None, 100_000).await.unwrap();
    assert_eq!(n, pages.len() as i64);
    assert!(n > 0 && n < public);
});

both_backends!(working_days_are_counted_again_for_reports_from_before_the_columns, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let snapshot = |db: laksana_store::Db| async move {
        stats::open_reports(&db, TNG, &Filter::default(), None, 100_000)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.id, (r.response_days, r.resolution_days)))
            .collect::<HashMap<_, _>>()
    };
    let before = snapshot(t.db.clone()).await;
    assert!(before.values().filter(|(a, b)| a.is_some() && b.is_some()).count() > 100);
    // As a migration leaves them: instants kept, working days not yet counted.
    t.execute_raw("UPDATE reports SET response_days = NULL, resolution_days = NULL").await;
    let rules = lifecycle::rules(&t.db, "https://laksana.test").await.unwrap();
    let done = stats::backfill_working_days(&t.db, &rules).await.unwrap();
    assert!(done as usize >= before.values().filter(|(a, b)| a.is_some() || b.is_some()).count());
    assert_eq!(snapshot(t.db.clone()).await, before, "the same working days as the write path counted");
    assert_eq!(stats::backfill_working_days(&t.db, &rules).await.unwrap(), 0, "a second pass finds nothing");
});
