//! What Laksana does for a request, once for every transport (Open311 XML/JSON, the JSON API, and
//! the HTML pages to come): who is asking, which jurisdiction and report it is about, whether the
//! caller may, acting on a report, taking a submission, and what the caller may see. Functions here
//! take plain values and return [`ServiceError`]; each transport renders that error in one place
//! (`crate::error`).

pub mod actions;
pub mod caller;
pub mod catalog;
pub mod compliance;
mod error;
pub mod intake;
pub mod jurisdiction;
pub mod open_data;
pub mod reports;
pub mod staff;
pub mod standards;
pub mod stats;
pub mod surveys;

pub use caller::Caller;
pub use error::{ServiceError, ServiceResult};
