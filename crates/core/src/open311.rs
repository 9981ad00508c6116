//! Open311 GeoReport v2 rules that do not depend on HTTP.

/// The largest span `start_date`..`end_date` a GET requests query may cover, and its default.
pub const MAX_QUERY_SPAN_DAYS: i64 = 90;
/// Reports returned when a client names no limit.
pub const DEFAULT_LIMIT: u32 = 1_000;
/// The largest `page_size` a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 1_000;
/// The Open311 specification URL advertised by discovery.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// Retried POSTs with the same device, text and place within this window return the first report.
pub const RETRY_WINDOW_SECS: i64 = 60;
