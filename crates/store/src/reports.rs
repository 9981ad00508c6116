//! Reports: intake, reading one, and the filtered lists behind Open311 and the JSON API.

use laksana_core::service::AttributeValues;
use laksana_core::{
    ArchiveReason, Channel, Coordinates, JurisdictionId, Privacy, PublicId, ServiceCode, Status, Timestamp,
};
use sqlx::FromRow;

use crate::{Db, Result, StoreError};

/// Who reported: kept for those entitled to it (see docs/ARCHITECTURE.md, Privacy), never in public output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reporter {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
}

/// A report as it arrives, already parsed and checked.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub jurisdiction_id: String,
    pub service_id: i64,
    pub agency_id: Option<i64>,
    pub description: String,
    pub location: Option<Coordinates>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub district_id: Option<i64>,
    pub attributes: AttributeValues,
    pub reporter: Reporter,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub privacy: Privacy,
    pub channel: Channel,
    pub status: Status,
    pub requested_at: Timestamp,
    pub updated_at: Timestamp,
    pub deadline_at: Option<Timestamp>,
    /// External media URLs, and `/media/NAME` for uploads stored here.
    pub media_urls: Vec<String>,
    /// Jobs `(kind, payload)` queued in the same transaction as the report (e.g. thumbnails).
    pub jobs: Vec<(String, String)>,
    pub api_key_id: Option<i64>,
    /// The client's own id for this submission (Idempotency-Key header or `attribute[fixmystreet_id]`).
    pub client_key: Option<String>,
    /// Seconds within which the same device, text and place count as a retry of the same report.
    pub retry_window_secs: i64,
    /// The signed-in citizen who reports, if any.
    pub user_id: Option<i64>,
    /// The reporter's language for notices (`id` or `en`).
    pub reporter_language: String,
    /// SHA-256 of the follow-up code given to the reporter.
    pub follow_up_hash: Option<String>,
    /// The clock that starts now (verification) and the ticker's first appointment `(at, stage)`.
    pub clock: Option<laksana_core::workflow::ClockKind>,
    pub next_tick: Option<(Timestamp, i64)>,
    /// Notices to send once the report is stored, as outbox jobs `(kind, payload)`; `{public_id}` in a
    /// payload becomes the report's public id (which is only chosen in the transaction).
    pub notices: Vec<(String, String)>,
    /// The public "received" event for the jurisdiction's webhooks (none for `rahasia`).
    pub webhook: Option<crate::outbox::WebhookEvent>,
}

/// What intake did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub id: i64,
    pub public_id: PublicId,
    /// `false` when the submission was a retry and the first report is returned.
    pub created: bool,
}

/// A report as stored, with its service and agency names. Reporter identity is deliberately not part of
/// this projection: nothing that lists or shows reports can leak what it never loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub public_id: PublicId,
    pub jurisdiction_id: JurisdictionId,
    pub service_code: ServiceCode,
    pub service_name: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub district_name: Option<String>,
    /// The attribute answers; loaded by [`get`] only (lists leave them empty).
    pub attributes: AttributeValues,
    pub privacy: Privacy,
    pub channel: String,
    pub status: Status,
    pub archive_reason: Option<ArchiveReason>,
    pub agency_name: Option<String>,
    pub deadline_at: Option<i64>,
    pub status_notes: Option<String>,
    pub requested_at: i64,
    pub updated_at: i64,
    pub escalation_level: i64,
}

/// A [`Report`] as the database returns it; converted once, by [`TryFrom`].
#[derive(Debug, FromRow)]
pub(crate) struct ReportRow {
    id: i64,
    public_id: String,
    jurisdiction_id: String,
    service_code: String,
    service_name: String,
    description: String,
    lat: Option<f64>,
    lon: Option<f64>,
    address: Option<String>,
    address_id: Option<String>,
    zipcode: Option<String>,
    district_name: Option<String>,
    #[sqlx(default)]
    attributes: String,
    privacy: String,
    channel: String,
    status: String,
    archive_reason: Option<String>,
    agency_name: Option<String>,
    deadline_at: Option<i64>,
    status_notes: Option<String>,
    requested_at: i64,
    updated_at: i64,
    escalation_level: i64,
}

impl TryFrom<ReportRow> for Report {
    type Error = StoreError;

    fn try_from(r: ReportRow) -> Result<Self> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("report {}: {what} {v:?}", r.public_id));
        Ok(Report {
            status: r.status.parse().map_err(|_| corrupt("status", &r.status))?,
            privacy: Privacy::parse(&r.privacy).ok_or_else(|| corrupt("privacy", &r.privacy))?,
            archive_reason: match &r.archive_reason {
                None => None,
                Some(a) => Some(ArchiveReason::parse(a).ok_or_else(|| corrupt("archive_reason", a))?),
            },
            // Lists leave the answers out; a stored answer that does not read back is no answer.
            attributes: if r.attributes.is_empty() {
                AttributeValues::default()
            } else {
                serde_json::from_str(&r.attributes).map_err(|_| corrupt("attributes", &r.attributes))?
            },
            public_id: PublicId::parse(&r.public_id).ok_or_else(|| corrupt("public_id", &r.public_id))?,
            jurisdiction_id: JurisdictionId::parse(&r.jurisdiction_id)
                .map_err(|_| corrupt("jurisdiction_id", &r.jurisdiction_id))?,
            service_code: ServiceCode::parse(&r.service_code).map_err(|_| corrupt("service_code", &r.service_code))?,
            id: r.id,
            service_name: r.service_name,
            description: r.description,
            lat: r.lat,
            lon: r.lon,
            address: r.address,
            address_id: r.address_id,
            zipcode: r.zipcode,
            district_name: r.district_name,
            channel: r.channel,
            agency_name: r.agency_name,
            deadline_at: r.deadline_at,
            status_notes: r.status_notes,
            requested_at: r.requested_at,
            updated_at: r.updated_at,
            escalation_level: r.escalation_level,
        })
    }
}

/// `note`, except that a duplicate's text that names its original (`names_original`, an SQL condition)
/// reads as the note that names no report (`notice::duplicate_note(None)`) once the original of report
/// alias `r` is `rahasia`: public text never names a `rahasia` report.
pub(crate) fn hide_rahasia_original(r: &str, names_original: &str, note: &str) -> String {
    format!(
        "CASE WHEN {r}.duplicate_of IS NOT NULL AND {names_original}
             AND EXISTS (SELECT 1 FROM reports o WHERE o.id = {r}.duplicate_of AND o.privacy = 'rahasia')
         THEN '{hidden}' ELSE {note} END",
        hidden = laksana_core::notice::duplicate_note(None)
    )
}

/// The columns of a [`Report`]. A duplicate's status notes name its original only while the public
/// may see it (see [`hide_rahasia_original`]).
pub(crate) static REPORT_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let named = format!("r.status_notes LIKE '{}%'", laksana_core::notice::duplicate_note(Some("")));
    format!(
        "r.id, r.public_id, r.jurisdiction_id, s.code AS service_code, s.name AS service_name,
         r.description, r.lat, r.lon, r.address, r.address_id, r.zipcode, d.name AS district_name,
         r.privacy, r.channel, r.status, r.archive_reason, a.name AS agency_name, r.deadline_at,
         {} AS status_notes, r.requested_at, r.updated_at, r.escalation_level",
        hide_rahasia_original("r", &named, "r.status_notes")
    )
});

pub(crate) const REPORT_FROM: &str = "FROM reports r
    JOIN services s ON s.id = r.service_id
    LEFT JOIN agencies a ON a.id = r.agency_id
    LEFT JOIN districts d ON d.id = r.district_id";

/// Filters for a list of reports. Rahasia reports are left out unless `include_rahasia`.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub jurisdiction_id: String,
    /// When set, only these reports (and no date window).
    pub public_ids: Option<Vec<String>>,
    pub service_codes: Option<Vec<String>>,
    pub requested_from: Option<Timestamp>,
    pub requested_to: Option<Timestamp>,
    pub updated_from: Option<Timestamp>,
    pub updated_to: Option<Timestamp>,
    pub statuses: Option<Vec<Status>>,
    pub include_rahasia: bool,
    /// Only reports one of these agencies is responsible for.
    pub agency_ids: Option<Vec<i64>>,
    /// Only reports at this escalation level or above.
    pub min_escalation: Option<i64>,
    /// Keyset cursor: only reports strictly older than `(requested_at, id)`.
    pub before: Option<(i64, i64)>,
    pub limit: u32,
    pub offset: u64,
}

/// Newest first, by `(requested_at, id)`, so pages and cursors are stable.
pub async fn list(db: &Db, f: &ReportFilter) -> Result<Vec<Report>> {
    if f.public_ids.as_ref().is_some_and(Vec::is_empty) || f.service_codes.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let rows: Vec<ReportRow> = on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(format!("SELECT {} {REPORT_FROM}", *REPORT_COLUMNS));
        q.push(" WHERE r.jurisdiction_id = ").push_bind(&f.jurisdiction_id);
        if !f.include_rahasia {
            q.push(" AND r.privacy <> 'rahasia'");
        }
        if let Some(agencies) = &f.agency_ids {
            if agencies.is_empty() {
                q.push(" AND 1 = 0");
            } else {
                q.push(" AND r.agency_id IN (");
                let mut sep = q.separated(", ");
                for a in agencies {
                    sep.push_bind(*a);
                }
                q.push(")");
            }
        }
        if let Some(level) = f.min_escalation {
            q.push(" AND r.escalation_level >= ").push_bind(level);
        }
        if let Some(ids) = &f.public_ids {
            q.push(" AND r.public_id IN (");
            let mut sep = q.separated(", ");
            for id in ids {
                sep.push_bind(id);
            }
            q.push(")");
        }
        if let Some(codes) = &f.service_codes {
            q.push(" AND s.code IN (");
            let mut sep = q.separated(", ");
            for c in codes {
                sep.push_bind(c);
            }
            q.push(")");
        }
        if let Some(statuses) = &f.statuses {
            let open = statuses.iter().filter(|s| s.is_open()).count();
            // The is_open column is indexed with requested_at; use it when the filter is exactly open or closed.
            if open == statuses.len() && open == Status::ALL.iter().filter(|s| s.is_open()).count() {
                q.push(" AND r.is_open = ").push_bind(true);
            } else if open == 0 && statuses.len() == Status::ALL.iter().filter(|s| !s.is_open()).count() {
                q.push(" AND r.is_open = ").push_bind(false);
            } else {
                q.push(" AND r.status IN (");
                let mut sep = q.separated(", ");
                for s in statuses {
                    sep.push_bind(s.as_str());
                }
                q.push(")");
            }
        }
        for (col, op, v) in [
            ("r.requested_at", ">=", f.requested_from),
            ("r.requested_at", "<=", f.requested_to),
            ("r.updated_at", ">=", f.updated_from),
            ("r.updated_at", "<=", f.updated_to),
        ] {
            if let Some(t) = v {
                q.push(format_args!(" AND {col} {op} ")).push_bind(t.as_micros());
            }
        }
        if let Some((at, id)) = f.before {
            // A row-value comparison, so both backends can use the (…, requested_at, id) index as a range.
            q.push(" AND (r.requested_at, r.id) < (").push_bind(at).push(", ").push_bind(id).push(")");
        }
        q.push(" ORDER BY r.requested_at DESC, r.id DESC LIMIT ").push_bind(i64::from(f.limit));
        q.push(" OFFSET ").push_bind(f.offset as i64);
        q.build_query_as::<ReportRow>().fetch_all(pool).await?
    });
    rows.into_iter().map(Report::try_from).collect()
}

/// The reports made by account `user_id`, in every jurisdiction and of every privacy (they are its
/// own), newest first; `limit` of them after skipping `offset`.
pub async fn of_user(db: &Db, user_id: i64, limit: u32, offset: u64) -> Result<Vec<Report>> {
    let sql =
        format!("SELECT {} {REPORT_FROM} WHERE r.user_id = $1 ORDER BY r.id DESC LIMIT $2 OFFSET $3", *REPORT_COLUMNS);
    let rows: Vec<ReportRow> = on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(i64::from(limit))
            .bind(offset as i64)
            .fetch_all(pool)
            .await?
    });
    rows.into_iter().map(Report::try_from).collect()
}

/// Whether this submission is a retry of a report already stored (see [`insert`]).
pub async fn find_existing(db: &Db, new: &NewReport) -> Result<Option<Accepted>> {
    crate::intake::find_retry(db, new).await
}

/// One report by its public id.
pub async fn get(db: &Db, jurisdiction_id: &str, public_id: &str) -> Result<Option<Report>> {
    let sql = format!(
        "SELECT {}, r.attributes {REPORT_FROM} WHERE r.jurisdiction_id = $1 AND r.public_id = $2",
        *REPORT_COLUMNS
    );
    let row: Option<ReportRow> = on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(jurisdiction_id).bind(public_id).fetch_optional(pool).await?
    });
    row.map(Report::try_from).transpose()
}

/// `(report id, url)` of the media of these reports, oldest first.
pub async fn media_of(db: &Db, report_ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if report_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new("SELECT report_id, url FROM report_media WHERE report_id IN (");
        let mut sep = q.separated(", ");
        for id in report_ids {
            sep.push_bind(*id);
        }
        q.push(") ORDER BY id");
        q.build_query_as::<(i64, String)>().fetch_all(pool).await?
    }))
}

/// Stores a new report with its media and its first event, or, when the submission is a retry of one
/// already stored (same client key, or same device, text and place within the retry window), returns
/// that one instead (see `group_commit`).
pub async fn insert(db: &Db, new: &NewReport) -> Result<Accepted> {
    crate::group_commit::insert(db, new).await
}

/// How many reports a jurisdiction has (all privacy levels).
pub async fn count(db: &Db, jurisdiction_id: &str) -> Result<i64> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE jurisdiction_id = $1")
            .bind(jurisdiction_id)
            .fetch_one(pool)
            .await?
    }))
}

/// The jurisdiction of a report, by its public id (unique across jurisdictions).
pub async fn jurisdiction_of(db: &Db, public_id: &str) -> Result<Option<String>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_scalar("SELECT jurisdiction_id FROM reports WHERE public_id = $1")
            .bind(public_id)
            .fetch_optional(pool)
            .await?
    }))
}

/// The report a stored medium belongs to and that report's privacy level.
pub async fn media_owner(db: &Db, url: &str) -> Result<Option<(i64, String)>> {
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT r.id, r.privacy FROM report_media m JOIN reports r ON r.id = m.report_id WHERE m.url = $1 LIMIT 1",
        )
        .bind(url)
        .fetch_optional(pool)
        .await?
    }))
}
