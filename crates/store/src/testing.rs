//! Fresh, isolated databases for tests on either backend.
//!
//! PostgreSQL tests need `LAKSANA_TEST_PG_URL` (an admin URL of a throwaway cluster, which
//! `./scripts/test` starts); each call creates its own database there.

use std::path::{Path, PathBuf};

use rand::Rng;

use crate::{Backend, Db, DbOptions, migrate};

/// A migrated, empty database that lives as long as this value: SQLite files are removed on drop, and
/// a PostgreSQL database is dropped, so that repeated runs against one cluster do not fill its disk.
pub struct TestDb {
    pub db: Db,
    pub dir: TempDir,
    /// The PostgreSQL database's name, to drop.
    pg_name: Option<String>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (Some(name), Ok(admin)) = (self.pg_name.take(), std::env::var("LAKSANA_TEST_PG_URL")) else { return };
        // Drop runs inside the test's runtime, which must not block on itself: a thread of its own
        // connects and drops the database (FORCE ends the test's remaining connections).
        let dropped = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                let Ok(Db::Postgres(p)) =
                    Db::connect(&admin, &DbOptions { max_connections: 1, ..Default::default() }).await
                else {
                    return;
                };
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&p.pool)
                    .await;
                p.pool.close().await;
            });
        });
        let _ = dropped.join();
    }
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let name = format!("laksana-test-{}", hex::encode(rand::rng().random::<[u8; 8]>()));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("the temp dir is writable");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The URL of a new, empty database on `backend`.
pub async fn database_url(backend: Backend, dir: &TempDir) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("laksana.db").display()),
        Backend::Postgres => {
            let admin = std::env::var("LAKSANA_TEST_PG_URL").expect(
                "LAKSANA_TEST_PG_URL is not set: run the tests with ./scripts/test, which starts a throwaway PostgreSQL",
            );
            let name = format!("t_{}", hex::encode(rand::rng().random::<[u8; 8]>()));
            let admin_db = Db::connect(&admin, &DbOptions { max_connections: 1, ..Default::default() })
                .await
                .expect("the test PostgreSQL cluster answers");
            let Db::Postgres(p) = &admin_db else { panic!("LAKSANA_TEST_PG_URL must be a postgres:// URL") };
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&p.pool)
                .await
                .expect("creating a test database");
            admin_db.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = TempDir::new();
        let url = database_url(backend, &dir).await;
        let db = Db::connect(&url, &DbOptions { max_connections: 8, ..Default::default() }).await.expect("connecting");
        migrate::run(&db, 0).await.expect("migrating a fresh database");
        let pg_name = (backend == Backend::Postgres).then(|| url.rsplit('/').next().unwrap_or_default().to_owned());
        TestDb { db, dir, pg_name }
    }

    /// Runs a statement behind the application's back (for tests that tamper with rows).
    pub async fn execute_raw(&self, sql: &str) -> u64 {
        execute(&self.db, sql).await
    }

    /// Like [`TestDb::execute_raw`], for a statement the database itself may refuse: its error.
    pub async fn try_execute_raw(&self, sql: &str) -> std::result::Result<u64, sqlx::Error> {
        let sql = sql.to_owned();
        match &self.db {
            Db::Sqlite(s) => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&s.write).await.map(|r| r.rows_affected()),
            Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&p.pool).await.map(|r| r.rows_affected()),
        }
    }
}

/// Defines a test module `$name` with two tests, `sqlite` and `postgres`, each running `$body` with
/// `$backend` bound to its [`Backend`](crate::Backend).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $backend = $crate::Backend::Sqlite;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $backend = $crate::Backend::Postgres;
                $body
            }
        }
    };
}

/// One integer from a query (for tests that count rows).
pub async fn scalar(db: &Db, sql: &str) -> i64 {
    let sql = sql.to_owned();
    on_db!(db, |pool, DB| {
        let v: Option<i64> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await.expect("a scalar query");
        v.unwrap_or(0)
    })
}

/// Runs a statement behind the application's back (for tests that tamper with rows); the rows changed.
pub async fn execute(db: &Db, sql: &str) -> u64 {
    let sql = sql.to_owned();
    match db {
        Db::Sqlite(s) => {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&s.write).await.expect("raw SQL").rows_affected()
        }
        Db::Postgres(p) => {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&p.pool).await.expect("raw SQL").rows_affected()
        }
    }
}

/// A plain new report of `service` in `jurisdiction_id` at `now`: public, submitted, at a place in
/// Tangerang, no reporter identity, no clock. Tests and benches change what they need with `..`.
pub fn new_report(
    jurisdiction_id: &str,
    service: &crate::catalog::Service,
    description: &str,
    now: laksana_core::Timestamp,
) -> crate::reports::NewReport {
    use laksana_core::{Channel, Coordinates, Privacy, Status};
    crate::reports::NewReport {
        jurisdiction_id: jurisdiction_id.into(),
        service_id: service.id,
        agency_id: service.agency_id,
        description: description.into(),
        location: Some(Coordinates::new(-6.1783, 106.6319).expect("valid coordinates")),
        address: None,
        address_id: None,
        zipcode: None,
        district_id: None,
        attributes: Default::default(),
        reporter: crate::reports::Reporter::default(),
        device_id: None,
        account_id: None,
        privacy: Privacy::Publik,
        channel: Channel::Open311,
        status: Status::Submitted,
        requested_at: now,
        updated_at: now,
        deadline_at: None,
        media_urls: Vec::new(),
        jobs: Vec::new(),
        api_key_id: None,
        client_key: None,
        retry_window_secs: 60,
        user_id: None,
        reporter_language: "id".into(),
        follow_up_hash: None,
        clock: None,
        next_tick: None,
        notices: Vec::new(),
        webhook: None,
    }
}
