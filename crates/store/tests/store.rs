//! Store behaviour on both backends: migrations, seeding, the job queue.

use std::collections::HashSet;

use laksana_core::Timestamp;
use laksana_store::testing::TestDb;
use laksana_store::{both_backends, catalog, jobs, migrate, reports, seed};

fn at(secs: i64) -> Timestamp {
    Timestamp::from_micros(1_795_000_000_000_000 + secs * 1_000_000)
}

both_backends!(migrations_run_once, |backend| {
    let t = TestDb::new(backend).await;
    assert_eq!(migrate::run(&t.db, 0).await.unwrap(), Vec::<i64>::new(), "already applied");
    let (a, b) = tokio::join!(migrate::run(&t.db, 0), migrate::run(&t.db, 0));
    assert!(a.unwrap().is_empty() && b.unwrap().is_empty());
});

both_backends!(demo_seeding_is_idempotent, |backend| {
    let t = TestDb::new(backend).await;
    let first = seed::demo(&t.db, t0()).await.unwrap();
    assert_eq!(first.created, vec!["tangerangkota.go.id", "tangerangselatankota.go.id"]);
    let n = reports::count(&t.db, "tangerangkota.go.id").await.unwrap();
    assert!((450..=600).contains(&n), "about 500 demo reports, got {n}");
    let again = seed::demo(&t.db, t0()).await.unwrap();
    assert!(again.created.is_empty());
    assert!(again.incomplete.is_empty());
    assert_eq!(reports::count(&t.db, "tangerangkota.go.id").await.unwrap(), n);
    assert_eq!(catalog::districts(&t.db, "tangerangkota.go.id").await.unwrap().len(), 13);
    assert!(catalog::agencies(&t.db, "tangerangkota.go.id").await.unwrap().len() >= 15);
    assert!(catalog::holidays(&t.db, "tangerangkota.go.id").await.unwrap().iter().any(|h| h.day == "2026-12-25"));
    // Every status of the lifecycle appears in the demo.
    let all = reports::list(
        &t.db,
        &reports::ReportFilter {
            jurisdiction_id: "tangerangkota.go.id".into(),
            include_rahasia: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let statuses: HashSet<_> = all.iter().map(|r| r.status.as_str()).collect();
    for s in laksana_core::Status::ALL {
        assert!(statuses.contains(s.as_str()), "no demo report is {s}");
    }
});

both_backends!(synthetic_reports_are_added_with_progress, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let before = reports::count(&t.db, "tangerangkota.go.id").await.unwrap();
    let last = std::sync::atomic::AtomicU64::new(0);
    let n = seed::synthetic(&t.db, "tangerangkota.go.id", 2_345, t0(), &|d| {
        last.store(d, std::sync::atomic::Ordering::SeqCst)
    })
    .await
    .unwrap();
    assert_eq!(n, 2_345);
    assert_eq!(last.into_inner(), 2_345);
    assert_eq!(reports::count(&t.db, "tangerangkota.go.id").await.unwrap(), before + 2_345);
    // A jurisdiction that is not a demo one gets its own reports, on its own services.
    let tangsel = "tangerangselatankota.go.id";
    let before_tangsel = reports::count(&t.db, tangsel).await.unwrap();
    seed::synthetic(&t.db, tangsel, 100, t0(), &|_| {}).await.unwrap();
    assert_eq!(reports::count(&t.db, tangsel).await.unwrap(), before_tangsel + 100);
    assert_eq!(reports::count(&t.db, "tangerangkota.go.id").await.unwrap(), before + 2_345);
    let err = seed::synthetic(&t.db, "nowhere.go.id", 1, t0(), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("seed --demo"), "{err}");
});

both_backends!(each_job_is_claimed_once_by_concurrent_claimers, |backend| {
    let t = TestDb::new(backend).await;
    for i in 0..60 {
        jobs::enqueue(&t.db, "test", &i.to_string(), None, at(0), at(0)).await.unwrap();
    }
    let claimer = |db: laksana_store::Db| async move {
        let mut got = Vec::new();
        loop {
            let batch = jobs::claim(&db, at(1), 60, 7).await.unwrap();
            if batch.is_empty() {
                return got;
            }
            got.extend(batch.into_iter().map(|j| j.id));
        }
    };
    let (a, b, c) = tokio::join!(claimer(t.db.clone()), claimer(t.db.clone()), claimer(t.db.clone()));
    let all: Vec<i64> = a.into_iter().chain(b).chain(c).collect();
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 60);
    assert_eq!(unique.len(), 60);
});

both_backends!(job_dedupe_retry_lease_and_death, |backend| {
    let t = TestDb::new(backend).await;
    assert!(jobs::enqueue(&t.db, "k", "{}", Some("once"), at(0), at(0)).await.unwrap());
    assert!(!jobs::enqueue(&t.db, "k", "{}", Some("once"), at(0), at(0)).await.unwrap(), "dedupe key");
    assert!(jobs::enqueue(&t.db, "k", "later", None, at(100), at(0)).await.unwrap());
    let claimed = jobs::claim(&t.db, at(1), 30, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "the later job is not due");
    assert_eq!(claimed[0].attempts, 1);
    assert!(jobs::claim(&t.db, at(2), 30, 10).await.unwrap().is_empty(), "leased");
    let again = jobs::claim(&t.db, at(40), 30, 10).await.unwrap();
    assert_eq!(again.len(), 1, "a lapsed lease is claimable again");
    assert_eq!(again[0].attempts, 2);
    assert!(!jobs::complete(&t.db, &claimed[0]).await.unwrap(), "the first claim's lease was lost: it cannot complete");
    assert!(jobs::fail(&t.db, &again[0], "boom", Some(at(60)), at(41)).await.unwrap());
    assert!(jobs::claim(&t.db, at(50), 30, 10).await.unwrap().is_empty(), "waits for its retry time");
    let third = jobs::claim(&t.db, at(61), 30, 10).await.unwrap();
    assert_eq!(third.len(), 1);
    assert!(jobs::fail(&t.db, &third[0], "gave up", None, at(62)).await.unwrap());
    assert_eq!(jobs::counts(&t.db).await.unwrap(), (1, 1));
    let later = jobs::claim(&t.db, at(1_000), 30, 10).await.unwrap();
    assert_eq!(
        later.iter().map(|j| j.payload.as_str()).collect::<Vec<_>>(),
        vec!["later"],
        "a dead job is never claimed"
    );
    assert!(jobs::complete(&t.db, &later[0]).await.unwrap());
    assert_eq!(jobs::counts(&t.db).await.unwrap(), (0, 1));
});

fn t0() -> Timestamp {
    laksana_core::time::parse_datetime("2026-11-28T10:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap()
}
