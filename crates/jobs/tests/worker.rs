//! The worker on both backends: several workers on one database run each job once; failures retry.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use laksana_core::Timestamp;
use laksana_core::time::ManualClock;
use laksana_jobs::{Handler, JobError, Worker};
use laksana_store::both_backends;
use laksana_store::jobs::{self, Job};
use laksana_store::testing::TestDb;

struct Count {
    runs: Arc<AtomicUsize>,
    fail_first: bool,
}

impl Handler for Count {
    fn kind(&self) -> &'static str {
        "count"
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            self.runs.fetch_add(1, Ordering::SeqCst);
            if self.fail_first && job.attempts == 1 {
                return Err(JobError::Retry("first attempt fails".into()));
            }
            Ok(())
        })
    }
}

fn worker(db: &laksana_store::Db, clock: &Arc<ManualClock>, runs: &Arc<AtomicUsize>, fail_first: bool) -> Worker {
    Worker::with_handlers(db.clone(), clock.clone(), vec![Box::new(Count { runs: runs.clone(), fail_first })])
}

both_backends!(two_workers_run_each_job_once, |backend| {
    let t = TestDb::new(backend).await;
    let now = Timestamp::from_micros(1_795_000_000_000_000);
    let clock = Arc::new(ManualClock::new(now));
    for i in 0..40 {
        jobs::enqueue(&t.db, "count", &i.to_string(), None, now, now).await.unwrap();
    }
    let runs = Arc::new(AtomicUsize::new(0));
    let (a, b) = (worker(&t.db, &clock, &runs, false), worker(&t.db, &clock, &runs, false));
    loop {
        let (x, y) = tokio::join!(a.run_once(), b.run_once());
        if x.unwrap() + y.unwrap() == 0 {
            break;
        }
    }
    assert_eq!(runs.load(Ordering::SeqCst), 40);
    assert_eq!(jobs::counts(&t.db).await.unwrap(), (0, 0));
});

both_backends!(a_failed_job_is_retried_after_backoff, |backend| {
    let t = TestDb::new(backend).await;
    let now = Timestamp::from_micros(1_795_000_000_000_000);
    let clock = Arc::new(ManualClock::new(now));
    jobs::enqueue(&t.db, "count", "x", None, now, now).await.unwrap();
    jobs::enqueue(&t.db, "unknown-kind", "x", None, now, now).await.unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let w = worker(&t.db, &clock, &runs, true);
    assert_eq!(w.run_once().await.unwrap(), 2);
    assert_eq!(jobs::counts(&t.db).await.unwrap(), (1, 1), "the unknown kind is dead, the failure waits");
    assert_eq!(w.run_once().await.unwrap(), 0, "not before its backoff");
    clock.advance_seconds(laksana_jobs::backoff_secs(1) + 1);
    assert_eq!(w.run_once().await.unwrap(), 1);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(jobs::counts(&t.db).await.unwrap(), (0, 1));
});
