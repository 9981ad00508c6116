//! Checking the trail: every chain recomputed link by link, and every report's current row compared
//! with the state its events give, so that an edit to history or to the present is found and located.

use super::*;

/// The first link that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub jurisdiction_id: String,
    /// The event's row id, when the break is at an event (not a missing tail).
    pub event_id: Option<i64>,
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.event_id {
            Some(id) => write!(f, "{}: event {} (seq {}): {}", self.jurisdiction_id, id, self.seq, self.reason),
            None => write!(f, "{}: after seq {}: {}", self.jurisdiction_id, self.seq, self.reason),
        }
    }
}

/// A report whose current row is not what its events say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub jurisdiction_id: String,
    /// The report's public id (its row id when the row itself is gone).
    pub report: String,
    pub difference: Difference,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.difference;
        write!(
            f,
            "{}: report {}: {} is {} but the events say {}",
            self.jurisdiction_id, self.report, d.field, d.stored, d.expected
        )
    }
}

/// The most mismatches [`verify`] lists; it counts all of them.
pub const MAX_LISTED: usize = 100;

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// Sealed events whose links were checked.
    pub events: u64,
    pub jurisdictions: u64,
    pub broken: Option<Broken>,
    /// Events written but not numbered by the sealer yet (normal for a moment after a write on
    /// PostgreSQL; a growing number means no sealer runs).
    pub unsealed: u64,
    /// Events sealed while the check ran (after it read the chain heads); the next check covers them.
    pub sealed_since: u64,
    /// Reports whose current rows were compared with their events.
    pub reports: u64,
    /// The first [`MAX_LISTED`] fields that differ, in report order.
    pub mismatches: Vec<Mismatch>,
    /// How many fields differ in all.
    pub mismatch_count: u64,
}

impl Verification {
    /// Whether the trail holds: no broken link and every report as its events say.
    pub fn intact(&self) -> bool {
        self.broken.is_none() && self.mismatch_count == 0
    }
}

/// Verifies every jurisdiction: the chains and the current state of every report.
pub async fn verify(db: &Db) -> Result<Verification> {
    verify_in(db, None).await
}

/// Verifies one jurisdiction (`Some`) or all.
pub async fn verify_in(db: &Db, jurisdiction_id: Option<&str>) -> Result<Verification> {
    let mut out = verify_chains(db, jurisdiction_id).await?;
    replay(db, jurisdiction_id, &mut out).await?;
    dangling(db, jurisdiction_id, &mut out).await?;
    Ok(out)
}

/// Reports that point at a catalog row (jurisdiction, service, agency, district, API key) that is not
/// there. On PostgreSQL these references carry no foreign key (each would cost every intake a locked
/// lookup of the same few parent rows), and the application never deletes catalog rows, only
/// deactivates them: so a missing one was deleted behind its back, and the reports it orphaned are
/// listed here.
async fn dangling(db: &Db, jurisdiction_id: Option<&str>, out: &mut Verification) -> Result<()> {
    let only = jurisdiction_id.unwrap_or("");
    let all = jurisdiction_id.is_none();
    let sql = "SELECT r.jurisdiction_id, r.public_id,
                CASE WHEN j.id IS NULL THEN 'jurisdiction'
                     WHEN s.id IS NULL THEN 'service'
                     WHEN r.agency_id IS NOT NULL AND a.id IS NULL THEN 'agency'
                     WHEN r.district_id IS NOT NULL AND d.id IS NULL THEN 'district'
                     ELSE 'api key' END,
                CASE WHEN j.id IS NULL THEN r.jurisdiction_id
                     WHEN s.id IS NULL THEN CAST(r.service_id AS TEXT)
                     WHEN r.agency_id IS NOT NULL AND a.id IS NULL THEN CAST(r.agency_id AS TEXT)
                     WHEN r.district_id IS NOT NULL AND d.id IS NULL THEN CAST(r.district_id AS TEXT)
                     ELSE CAST(r.api_key_id AS TEXT) END
         FROM reports r
         LEFT JOIN jurisdictions j ON j.id = r.jurisdiction_id
         LEFT JOIN services s ON s.id = r.service_id
         LEFT JOIN agencies a ON a.id = r.agency_id
         LEFT JOIN districts d ON d.id = r.district_id
         LEFT JOIN api_keys k ON k.id = r.api_key_id
         WHERE (r.jurisdiction_id = $1 OR $2)
           AND (j.id IS NULL OR s.id IS NULL OR (r.agency_id IS NOT NULL AND a.id IS NULL)
                OR (r.district_id IS NOT NULL AND d.id IS NULL) OR (r.api_key_id IS NOT NULL AND k.id IS NULL))
         ORDER BY r.id";
    let mut tx = db.begin_read().await?;
    let rows: Vec<(String, String, String, String)> = tx.fetch_all(sql, &args![only, all]).await?;
    tx.commit().await?;
    for (j, report, field, id) in rows {
        out.mismatch_count += 1;
        if out.mismatches.len() < MAX_LISTED {
            out.mismatches.push(Mismatch {
                jurisdiction_id: j,
                report,
                difference: Difference {
                    field: reference_field(&field),
                    stored: format!("{id}, which is not in the catalog"),
                    expected: "a row of the catalog (rows are deactivated, never deleted)".into(),
                },
            });
        }
    }
    Ok(())
}

fn reference_field(name: &str) -> &'static str {
    match name {
        "jurisdiction" => "jurisdiction_id",
        "service" => "service_id",
        "agency" => "agency_id",
        "district" => "district_id",
        _ => "api_key_id",
    }
}

/// Recomputes the chains, streaming the sealed events in order; stops at the first broken link.
async fn verify_chains(db: &Db, jurisdiction_id: Option<&str>) -> Result<Verification> {
    let only = jurisdiction_id.unwrap_or("");
    let all = jurisdiction_id.is_none();
    let heads: Vec<(String, i64, String)> = on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT jurisdiction_id, seq, hash FROM audit_heads WHERE jurisdiction_id = $1 OR $2")
            .bind(only)
            .bind(all)
            .fetch_all(pool)
            .await?
    });
    let heads: HashMap<String, (i64, String)> = heads.into_iter().map(|(j, s, h)| (j, (s, h))).collect();
    let unsealed: i64 = on_db!(db, |pool, DB| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE seq IS NULL AND (jurisdiction_id = $1 OR $2)")
            .bind(only)
            .bind(all)
            .fetch_one(pool)
            .await?
    });
    let mut out = Verification { unsealed: unsealed as u64, ..Verification::default() };
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events WHERE seq IS NOT NULL AND (jurisdiction_id = $1 OR $2)
         ORDER BY jurisdiction_id, seq"
    );
    let broken = on_db!(db, |pool, DB| {
        let mut rows = sqlx::query_as::<_, StoredEvent>(sqlx::AssertSqlSafe(sql)).bind(only).bind(all).fetch(pool);
        let mut chain = ChainCheck::new(&heads);
        let mut broken = None;
        while let Some(e) = rows.try_next().await? {
            if let Some(b) = chain.next(&e, &mut out) {
                broken = Some(b);
                break;
            }
        }
        broken.or_else(|| chain.finish())
    });
    out.broken = broken;
    Ok(out)
}

/// The chain check's position: the jurisdiction it is in, the last seq and hash seen.
struct ChainCheck<'h> {
    heads: &'h HashMap<String, (i64, String)>,
    current: Option<(String, i64, String)>,
    seen: std::collections::HashSet<String>,
}

impl<'h> ChainCheck<'h> {
    fn new(heads: &'h HashMap<String, (i64, String)>) -> Self {
        Self { heads, current: None, seen: Default::default() }
    }

    /// The break at `e`, if the chain does not hold there.
    fn next(&mut self, e: &StoredEvent, out: &mut Verification) -> Option<Broken> {
        if self.current.as_ref().is_none_or(|(j, _, _)| *j != e.jurisdiction_id) {
            if let Some(b) = self.end_of_jurisdiction() {
                return Some(b);
            }
            self.current = Some((e.jurisdiction_id.clone(), 0, GENESIS.to_owned()));
            self.seen.insert(e.jurisdiction_id.clone());
            out.jurisdictions += 1;
        }
        let seq = e.seq.expect("only sealed events are read");
        // Sealed after the heads were read (the server is busy): the next check covers it. Without a
        // head at all, nothing is beyond it, and the end check below names the missing head.
        if self.heads.get(&e.jurisdiction_id).is_some_and(|(head, _)| seq > *head) {
            out.sealed_since += 1;
            return None;
        }
        let (_, last_seq, prev) = self.current.as_mut().expect("set above");
        let fail = |reason: String| {
            Some(Broken { jurisdiction_id: e.jurisdiction_id.clone(), event_id: Some(e.id), seq, reason })
        };
        if seq != *last_seq + 1 {
            return fail(format!("expected seq {}: events are missing or were inserted", *last_seq + 1));
        }
        // The first canonical form covers neither subject nor state: such an event must be a plain
        // report event, or an edit of those columns would go unseen.
        let legacy_shape = e.state.is_none() && e.subject_kind == "report" && e.subject_id.is_none();
        if !(e.canon == CANON || (e.canon == 1 && legacy_shape && e.report_id.is_some())) {
            return fail(format!("canonical form {} does not fit the event's columns", e.canon));
        }
        let expect = link(prev, &e.canonical(seq));
        if e.hash.as_deref() != Some(expect.as_str()) {
            return fail("the hash does not match the event: it was changed after it was written".into());
        }
        *last_seq = seq;
        *prev = expect;
        out.events += 1;
        None
    }

    /// Whether the jurisdiction just read ends where its head says.
    fn end_of_jurisdiction(&self) -> Option<Broken> {
        let (j, seq, hash) = self.current.as_ref()?;
        let (head_seq, head_hash) = self.heads.get(j).cloned().unwrap_or((0, GENESIS.to_owned()));
        (head_seq != *seq || head_hash != *hash).then(|| Broken {
            jurisdiction_id: j.clone(),
            event_id: None,
            seq: *seq,
            reason: format!("the chain head says seq {head_seq}: events are missing from the end"),
        })
    }

    fn finish(&self) -> Option<Broken> {
        self.end_of_jurisdiction().or_else(|| {
            // A jurisdiction whose every event was deleted still has its head.
            let (j, (seq, _)) = self.heads.iter().find(|(j, (seq, _))| *seq > 0 && !self.seen.contains(*j))?;
            Some(Broken {
                jurisdiction_id: j.clone(),
                event_id: None,
                seq: 0,
                reason: format!("the chain head says seq {seq} but no events remain"),
            })
        })
    }
}

/// A report's current row, as far as the audit covers it.
#[derive(Debug, FromRow)]
struct CurrentRow {
    id: i64,
    public_id: String,
    jurisdiction_id: String,
    status: String,
    is_open: bool,
    agency_id: Option<i64>,
    privacy: String,
    service_id: i64,
    description: String,
    lat: Option<f64>,
    lon: Option<f64>,
    deadline_at: Option<i64>,
    escalation_level: i64,
    duplicate_of: Option<i64>,
    archive_reason: Option<String>,
}

impl CurrentRow {
    /// The row as a state, or the one field that does not even parse.
    fn state(&self) -> std::result::Result<ReportState, Difference> {
        let unreadable = |field: &'static str, stored: &str| Difference {
            field,
            stored: stored.to_owned(),
            expected: "a valid value".into(),
        };
        Ok(ReportState {
            status: self.status.parse::<Status>().map_err(|_| unreadable("status", &self.status))?,
            agency_id: self.agency_id,
            privacy: Privacy::parse(&self.privacy).ok_or_else(|| unreadable("privacy", &self.privacy))?,
            service_id: self.service_id,
            description_sha256: description_hash(&self.description),
            lat: self.lat,
            lon: self.lon,
            deadline_at: self.deadline_at,
            escalation_level: self.escalation_level,
            duplicate_of: self.duplicate_of,
            archive_reason: match &self.archive_reason {
                None => None,
                Some(r) => Some(ArchiveReason::parse(r).ok_or_else(|| unreadable("archive_reason", r))?),
            },
        })
    }
}

const CURRENT_COLUMNS: &str = "id, public_id, jurisdiction_id, status, is_open, agency_id, privacy, service_id,
     description, lat, lon, deadline_at, escalation_level, duplicate_of, archive_reason";

/// Records, as a `baseline` event, the current state of every report that no event records yet; how
/// many. The migration that introduced states runs it once: afterwards a report without a recorded
/// state is a finding of [`verify`], not something to record.
pub(crate) async fn baseline(tx: &mut Tx, now: i64) -> Result<u64> {
    let sql = format!(
        "SELECT {CURRENT_COLUMNS} FROM reports r WHERE id > $1 AND NOT EXISTS
             (SELECT 1 FROM audit_events e WHERE e.report_id = r.id AND e.state IS NOT NULL)
         ORDER BY id LIMIT 5000"
    );
    let (mut after, mut n) = (0i64, 0u64);
    loop {
        let rows: Vec<CurrentRow> = tx.fetch_all(&sql, &args![after]).await?;
        let Some(last) = rows.last() else { return Ok(n) };
        after = last.id;
        let mut tail = crate::tail::Tail::default();
        for row in &rows {
            let state = row
                .state()
                .map_err(|d| StoreError::Corrupt(format!("report {}: {} is {:?}", row.public_id, d.field, d.stored)))?;
            let event = NewEvent {
                report_id: row.id,
                kind: "baseline".into(),
                status: None,
                note: None,
                is_public: false,
                actor: "system".into(),
                created_at: now,
                data: "{}".into(),
                state: Some(state_json(&state)),
            };
            tail.add(&row.jurisdiction_id, [event], [], &[]);
            n += 1;
        }
        tail.write(tx, now).await?;
    }
}

/// Compares every report's current row with the last state its events give, streaming the reports
/// and the states side by side in report order.
async fn replay(db: &Db, jurisdiction_id: Option<&str>, out: &mut Verification) -> Result<()> {
    let only = jurisdiction_id.unwrap_or("");
    let all = jurisdiction_id.is_none();
    let mut found = Vec::new();
    let mut count = 0u64;
    let mut note = |m: Mismatch| {
        count += 1;
        if found.len() < MAX_LISTED {
            found.push(m);
        }
    };
    // Unsealed events (PostgreSQL, for a moment) are the newest of their report.
    let states_sql = "SELECT report_id, jurisdiction_id, state FROM audit_events
         WHERE state IS NOT NULL AND report_id IS NOT NULL AND (jurisdiction_id = $1 OR $2)
         ORDER BY report_id, CASE WHEN seq IS NULL THEN 1 ELSE 0 END, seq, id";
    let reports_sql = format!("SELECT {CURRENT_COLUMNS} FROM reports WHERE jurisdiction_id = $1 OR $2 ORDER BY id");
    on_db!(db, |pool, DB| {
        let mut states = sqlx::query_as::<_, (i64, String, String)>(states_sql).bind(only).bind(all).fetch(pool);
        let mut reports =
            sqlx::query_as::<_, CurrentRow>(sqlx::AssertSqlSafe(reports_sql.clone())).bind(only).bind(all).fetch(pool);
        let mut pending: Option<(i64, String, String)> = states.try_next().await?;
        while let Some(row) = reports.try_next().await? {
            out.reports += 1;
            // States of reports before this one have no row: the row was deleted.
            let mut last: Option<String> = None;
            while let Some((report_id, j, state)) = pending.take() {
                if report_id > row.id {
                    pending = Some((report_id, j, state));
                    break;
                }
                if report_id < row.id {
                    note(missing_row(report_id, j));
                    skip_report(&mut states, &mut pending, report_id).await?;
                    continue;
                }
                last = Some(state);
                pending = states.try_next().await?;
            }
            let mismatch = |difference| Mismatch {
                jurisdiction_id: row.jurisdiction_id.clone(),
                report: row.public_id.clone(),
                difference,
            };
            let Some(last) = last else {
                note(mismatch(Difference {
                    field: "report",
                    stored: "a report".into(),
                    expected: "no event records this report".into(),
                }));
                continue;
            };
            let expected: ReportState = match serde_json::from_str(&last) {
                Ok(s) => s,
                Err(_) => {
                    note(mismatch(Difference { field: "state", stored: last, expected: "a readable state".into() }));
                    continue;
                }
            };
            match row.state() {
                Ok(stored) => {
                    for d in expected.differences(&stored, row.is_open) {
                        note(mismatch(d));
                    }
                }
                Err(d) => note(mismatch(d)),
            }
        }
        while let Some((report_id, j, _)) = pending.take() {
            note(missing_row(report_id, j));
            skip_report(&mut states, &mut pending, report_id).await?;
        }
        Ok::<_, StoreError>(())
    })?;
    // A report changed while the rows and its events streamed by may look mismatched: look at each
    // listed one again, row and events in one consistent read, and keep only what still differs.
    let mut confirmed = Vec::with_capacity(found.len());
    let mut dropped = 0;
    for m in found {
        if m.report.starts_with('#') || still_differs(db, &m).await? {
            confirmed.push(m);
        } else {
            dropped += 1;
        }
    }
    out.mismatches = confirmed;
    out.mismatch_count = count - dropped;
    Ok(())
}

/// Whether mismatch `m` holds when the report's row and its last state are read together.
async fn still_differs(db: &Db, m: &Mismatch) -> Result<bool> {
    let row_sql = format!("SELECT {CURRENT_COLUMNS} FROM reports WHERE public_id = $1");
    let state_sql = "SELECT state FROM audit_events WHERE report_id = $1 AND state IS NOT NULL
         ORDER BY CASE WHEN seq IS NULL THEN 1 ELSE 0 END DESC, seq DESC, id DESC LIMIT 1";
    let mut tx = db.begin_read().await?;
    let row: Option<CurrentRow> = tx.fetch_optional(&row_sql, &args![m.report.as_str()]).await?;
    let Some(row) = row else { return Ok(true) };
    let state: Option<(String,)> = tx.fetch_optional(state_sql, &args![row.id]).await?;
    tx.commit().await?;
    let Some(expected) = state.and_then(|(s,)| serde_json::from_str::<ReportState>(&s).ok()) else { return Ok(true) };
    Ok(match row.state() {
        Ok(stored) => expected.differences(&stored, row.is_open).iter().any(|d| d.field == m.difference.field),
        Err(_) => true,
    })
}

fn missing_row(report_id: i64, jurisdiction_id: String) -> Mismatch {
    Mismatch {
        jurisdiction_id,
        report: format!("#{report_id}"),
        difference: Difference {
            field: "report",
            stored: "no row".into(),
            expected: "the report its events record".into(),
        },
    }
}

/// Reads past the remaining states of `report_id`, leaving the next report's first state pending.
async fn skip_report<S>(states: &mut S, pending: &mut Option<(i64, String, String)>, report_id: i64) -> Result<()>
where
    S: futures::TryStream<Ok = (i64, String, String), Error = sqlx::Error> + Unpin,
{
    while let Some(next) = states.try_next().await? {
        if next.0 != report_id {
            *pending = Some(next);
            break;
        }
    }
    Ok(())
}
