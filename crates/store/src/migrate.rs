//! Schema migrations, embedded in the binary: one folder per backend with the same version numbers.

use crate::{Db, Result, StoreError};

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// SQLite's migrations, in order.
pub const SQLITE: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../migrations/sqlite/0001_init.sql") },
    Migration { version: 2, name: "workflow", sql: include_str!("../migrations/sqlite/0002_workflow.sql") },
    Migration { version: 3, name: "sealed_audit", sql: include_str!("../migrations/sqlite/0003_sealed_audit.sql") },
    Migration { version: 4, name: "lookup_indexes", sql: include_str!("../migrations/sqlite/0004_lookup_indexes.sql") },
    Migration {
        version: 5,
        name: "drop_login_lock",
        sql: include_str!("../migrations/sqlite/0005_drop_login_lock.sql"),
    },
    Migration {
        version: 6,
        name: "catalog_references",
        sql: include_str!("../migrations/sqlite/0006_catalog_references.sql"),
    },
    Migration { version: 7, name: "queue_index", sql: include_str!("../migrations/sqlite/0007_queue_index.sql") },
    Migration { version: 8, name: "followers", sql: include_str!("../migrations/sqlite/0008_followers.sql") },
    Migration {
        version: 9,
        name: "open_status_index",
        sql: include_str!("../migrations/sqlite/0009_open_status_index.sql"),
    },
    Migration {
        version: 10,
        name: "citizen_accounts",
        sql: include_str!("../migrations/sqlite/0010_citizen_accounts.sql"),
    },
    Migration {
        version: 11,
        name: "catalog_fields",
        sql: include_str!("../migrations/sqlite/0011_catalog_fields.sql"),
    },
    Migration {
        version: 12,
        name: "jurisdiction_face",
        sql: include_str!("../migrations/sqlite/0012_jurisdiction_face.sql"),
    },
    Migration { version: 13, name: "quality", sql: include_str!("../migrations/sqlite/0013_quality.sql") },
    Migration {
        version: 14,
        name: "event_report_reference",
        sql: include_str!("../migrations/sqlite/0014_event_report_reference.sql"),
    },
];

/// PostgreSQL's migrations, in order; versions match [`SQLITE`] one for one.
pub const POSTGRES: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../migrations/postgres/0001_init.sql") },
    Migration { version: 2, name: "workflow", sql: include_str!("../migrations/postgres/0002_workflow.sql") },
    Migration { version: 3, name: "sealed_audit", sql: include_str!("../migrations/postgres/0003_sealed_audit.sql") },
    Migration {
        version: 4,
        name: "lookup_indexes",
        sql: include_str!("../migrations/postgres/0004_lookup_indexes.sql"),
    },
    Migration {
        version: 5,
        name: "drop_login_lock",
        sql: include_str!("../migrations/postgres/0005_drop_login_lock.sql"),
    },
    Migration {
        version: 6,
        name: "catalog_references",
        sql: include_str!("../migrations/postgres/0006_catalog_references.sql"),
    },
    Migration { version: 7, name: "queue_index", sql: include_str!("../migrations/postgres/0007_queue_index.sql") },
    Migration { version: 8, name: "followers", sql: include_str!("../migrations/postgres/0008_followers.sql") },
    Migration {
        version: 9,
        name: "open_status_index",
        sql: include_str!("../migrations/postgres/0009_open_status_index.sql"),
    },
    Migration {
        version: 10,
        name: "citizen_accounts",
        sql: include_str!("../migrations/postgres/0010_citizen_accounts.sql"),
    },
    Migration {
        version: 11,
        name: "catalog_fields",
        sql: include_str!("../migrations/postgres/0011_catalog_fields.sql"),
    },
    Migration {
        version: 12,
        name: "jurisdiction_face",
        sql: include_str!("../migrations/postgres/0012_jurisdiction_face.sql"),
    },
    Migration { version: 13, name: "quality", sql: include_str!("../migrations/postgres/0013_quality.sql") },
    Migration {
        version: 14,
        name: "event_report_reference",
        sql: include_str!("../migrations/postgres/0014_event_report_reference.sql"),
    },
];

const RECORD: &str = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies every migration not yet applied, each in its own transaction. Safe to run from several
/// instances at once: PostgreSQL serialises them on an advisory lock, SQLite on its write lock.
/// Returns the versions applied.
pub async fn run(db: &Db, now_micros: i64) -> Result<Vec<i64>> {
    let (list, lock) = match db {
        Db::Sqlite(_) => (SQLITE, None),
        Db::Postgres(_) => (POSTGRES, Some("SELECT pg_advisory_xact_lock(7351820451)")),
    };
    let mut applied = Vec::new();
    for m in list {
        let mut tx = db.begin().await?;
        if let Some(lock) = lock {
            tx.execute(lock, &[]).await?;
        }
        tx.execute(CREATE_TABLE, &[]).await?;
        let done: Option<(i64,)> =
            tx.fetch_optional("SELECT version FROM schema_migrations WHERE version = $1", &args![m.version]).await?;
        if done.is_some() {
            continue;
        }
        tx.execute_script(m.sql).await.map_err(|e| migration_error(m, e))?;
        if m.version == 3 {
            // Reports from before version 3 have no event that records their state: their rows as
            // they are now become the trail's starting point, once, in the same transaction.
            crate::audit::baseline(&mut tx, now_micros).await?;
        }
        tx.execute(RECORD, &args![m.version, m.name, now_micros]).await?;
        tx.commit().await?;
        applied.push(m.version);
    }
    Ok(applied)
}

fn migration_error(m: &Migration, e: StoreError) -> StoreError {
    StoreError::Migration(format!("version {} ({}): {e}", m.version, m.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_versions() {
        let a: Vec<_> = SQLITE.iter().map(|m| (m.version, m.name)).collect();
        let b: Vec<_> = POSTGRES.iter().map(|m| (m.version, m.name)).collect();
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].0 < w[1].0), "versions must increase");
    }

    #[test]
    fn migration_files_on_disk_are_all_embedded() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
            let n = std::fs::read_dir(&path)
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
                .count();
            assert_eq!(n, list.len(), "{dir}: every .sql file must be listed");
        }
    }
}
