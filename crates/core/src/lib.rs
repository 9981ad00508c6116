//! Laksana's domain: the types that carry the rules, and the rules themselves. No I/O lives here.
//!
//! Every value that arrives from outside is parsed into one of these types at the edge; after that the
//! type is the proof that it is valid.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod command;
pub mod geo;
pub mod ids;
pub mod limits;
pub mod link;
pub mod notice;
pub mod open311;
pub mod privacy;
pub mod quality;
pub mod region;
pub mod report;
pub mod service;
pub mod status;
pub mod time;
pub mod workflow;

pub use geo::Coordinates;
pub use ids::{JurisdictionId, PublicId, ServiceCode};
pub use privacy::Privacy;
pub use report::{Channel, Description};
pub use status::{ArchiveReason, Status};
pub use time::{Clock, Timestamp};
