//! Laksana's storage: one [`Db`] over SQLite or PostgreSQL, its migrations, and the queries the rest
//! of the system runs.
//!
//! SQL that both dialects accept is written once and run through [`on_db!`]; the few statements that
//! differ live beside each other in the same function, one per backend.

#[macro_use]
mod db;
#[macro_use]
pub mod audit;
#[macro_use]
pub mod outbox;
#[macro_use]
pub mod workflow;
pub mod apikeys;
pub mod catalog;
mod error;
pub mod events;
pub mod geo;
mod group_commit;
pub mod jobs;
pub mod lifecycle;
pub mod migrate;
pub mod reports;
pub mod seed;
pub mod testing;
pub mod users;
pub mod webhooks;

pub use db::{Backend, Db, DbOptions};
pub use error::StoreError;

/// The result type of every store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
