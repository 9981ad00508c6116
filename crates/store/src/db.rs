use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::{Result, StoreError};

/// How many intake writers run on PostgreSQL. One: it takes everything that arrived while it wrote the
/// last batch, so each statement carries as many reports as are waiting, and a statement's fixed cost
/// (its start, its locks on six tables and their indexes, its commit) is shared by all of them. Two
/// writers made batches half as large: on a million reports, 5,560-5,610 reports/s at 0.26 ms of CPU
/// per report with two, 5,920-5,950 at 0.22 ms with one (4 and 8 writers did worse still); with the
/// writer keeping its connection, 9,220-9,430 with two and 11,160-11,260 with one.
const PG_WRITERS: usize = 1;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`, for output.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Pool sizing; the defaults suit one instance on a small machine.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(10) }
    }
}

/// The database: SQLite (one writer connection, several readers, WAL) or a PostgreSQL pool.
///
/// Cloning is cheap; clones share the pools.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgDb),
}

#[derive(Debug, Clone)]
pub struct SqliteDb {
    pub(crate) read: SqlitePool,
    /// SQLite allows one writer at a time; one connection makes that a queue instead of busy errors.
    pub(crate) write: SqlitePool,
    pub(crate) intake: crate::group_commit::IntakeQueue,
}

#[derive(Debug, Clone)]
pub struct PgDb {
    pub(crate) pool: PgPool,
    /// New reports, stored together by a few writers (see `group_commit`).
    pub(crate) intake: crate::group_commit::IntakeQueue,
}

/// Runs the same tokens against whichever pool `$db` holds. `$pool` is bound to the pool (the
/// reader pool on SQLite), `$DB` to the sqlx database type, for `QueryBuilder::<$DB>`.
macro_rules! on_db {
    ($db:expr, |$pool:ident, $DB:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(s) => {
                #[allow(dead_code)]
                type $DB = sqlx::Sqlite;
                let $pool = &s.read;
                $body
            }
            $crate::db::Db::Postgres(p) => {
                #[allow(dead_code)]
                type $DB = sqlx::Postgres;
                let $pool = &p.pool;
                $body
            }
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx` and commits it if the body returns `Ok`.
/// SQLite transactions begin IMMEDIATE so that a read-then-write never fails on a stale snapshot.
macro_rules! in_write_tx {
    ($db:expr, |$tx:ident, $DB:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(s) => {
                #[allow(dead_code)]
                type $DB = sqlx::Sqlite;
                let mut $tx = s.write.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
            $crate::db::Db::Postgres(p) => {
                #[allow(dead_code)]
                type $DB = sqlx::Postgres;
                let mut $tx = p.pool.begin().await?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
        }
    };
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`); a SQLite file is created if missing.
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?.application_name("laksana");
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(connect)
                .await?;
            let intake =
                crate::group_commit::IntakeQueue::start(crate::sql::WritePool::Postgres(pool.clone()), PG_WRITERS);
            return Ok(Db::Postgres(PgDb { pool, intake }));
        }
        if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: an acknowledged report survives a power cut, not just a process crash.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .pragma("cache_size", "-32000")
                .pragma("temp_store", "memory");
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(base.clone())
                .await?;
            // Each reader keeps its own page cache (up to 32 MB): most of a busy server's memory on a
            // city's million reports. A 4 MB cache cut that by a sixth and cost list queries 15 % (the
            // pages come back from the operating system's cache, one read at a time), so it stays.
            let read = SqlitePoolOptions::new()
                .max_connections(opts.max_connections.max(2))
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(base.read_only(true))
                .await?;
            let intake = crate::group_commit::IntakeQueue::start(crate::sql::WritePool::Sqlite(write.clone()), 1);
            return Ok(Db::Sqlite(SqliteDb { read, write, intake }));
        }
        Err(StoreError::Invalid(format!(
            "database.url must start with sqlite:// or postgres://, got {:?}",
            url.split(':').next().unwrap_or_default()
        )))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, |pool, DB| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => {
                s.write.close().await;
                s.read.close().await;
            }
            Db::Postgres(p) => p.pool.close().await,
        }
    }
}
