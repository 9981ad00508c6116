//! Laksana's storage: one [`Db`] over SQLite or PostgreSQL, its migrations, and the queries the rest
//! of the system runs.
//!
//! SQL that both dialects accept is written once: reads run on either pool through `on_db!`, and a
//! write transaction's body is a plain function over `sql::Tx`, which runs a statement on either
//! backend. Every change to reports ends in the same write tail (`tail`): outbox jobs, webhook
//! deliveries, then audit events.

#[macro_use]
mod db;
#[macro_use]
mod sql;
pub mod accounts;
pub mod apikeys;
pub mod audit;
pub mod catalog;
pub mod compliance;
mod error;
pub mod events;
pub mod followers;
pub mod geo;
mod group_commit;
mod intake;
pub mod jobs;
pub mod lifecycle;
pub mod migrate;
pub mod outbox;
pub mod public;
pub mod queue;
pub mod region;
pub mod reports;
pub mod seed;
pub mod standards;
pub mod stats;
pub mod surveys;
mod tail;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;
pub mod webhooks;
pub mod workflow;

pub use db::{Backend, Db, DbOptions};
pub use error::StoreError;

/// The result type of every store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
