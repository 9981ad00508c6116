//! Compliance self-assessments of agencies, and what their live indicators are computed from. The
//! scoring is `laksana_core::quality::compliance`; every recording is an act in the audit chain.

use laksana_core::Timestamp;
use laksana_core::calendar::Calendar;
use sqlx::FromRow;

use crate::audit::{Act, Subject};
use crate::{Db, Result};

/// A recorded assessment.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Assessment {
    pub id: i64,
    pub agency_id: i64,
    pub period: String,
    /// `{code: {"score": 0–3, "evidence": "…"}}` for every indicator.
    pub scores: String,
    pub score: f64,
    pub zone: String,
    pub actor: String,
    pub created_at: i64,
}

/// An assessment to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssessment<'a> {
    pub jurisdiction_id: &'a str,
    pub agency_id: i64,
    pub period: &'a str,
    pub scores: serde_json::Value,
    pub score: f64,
    pub zone: &'a str,
    pub actor: &'a str,
}

/// Records an assessment, with its act in the jurisdiction's audit chain.
pub async fn record(db: &Db, a: &NewAssessment<'_>, now: Timestamp) -> Result<i64> {
    let mut tx = db.begin().await?;
    let scores = a.scores.to_string();
    let (id,): (i64,) = tx
        .fetch_optional(
            "INSERT INTO compliance_assessments (jurisdiction_id, agency_id, period, scores, score, zone, actor, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &args![a.jurisdiction_id, a.agency_id, a.period, scores.as_str(), Some(a.score), a.zone, a.actor, now.as_micros()],
        )
        .await?
        .ok_or_else(|| crate::StoreError::Corrupt("an insert returned no id".into()))?;
    let act = Act {
        jurisdiction: a.jurisdiction_id.to_owned(),
        subject: Subject::Assessment(id),
        kind: "recorded",
        actor: a.actor.to_owned(),
        at: now.as_micros(),
        data: serde_json::json!({
            "agency_id": a.agency_id, "period": a.period, "score": a.score, "zone": a.zone, "scores": a.scores,
        }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await?;
    Ok(id)
}

const COLUMNS: &str = "id, agency_id, period, scores, score, zone, actor, created_at";

/// The newest assessment of each agency for `period`.
pub async fn latest(db: &Db, jurisdiction_id: &str, period: &str) -> Result<Vec<Assessment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM compliance_assessments a
         WHERE jurisdiction_id = $1 AND period = $2 AND id = (
             SELECT MAX(b.id) FROM compliance_assessments b
             WHERE b.jurisdiction_id = a.jurisdiction_id AND b.period = a.period AND b.agency_id = a.agency_id)
         ORDER BY score DESC, agency_id"
    );
    let mut tx = db.begin_read().await?;
    let rows = tx.fetch_all(&sql, &args![jurisdiction_id, period]).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Every assessment of an agency, newest first: its history across periods and re-assessments.
pub async fn history(db: &Db, jurisdiction_id: &str, agency_id: i64) -> Result<Vec<Assessment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM compliance_assessments WHERE jurisdiction_id = $1 AND agency_id = $2
         ORDER BY id DESC LIMIT 200"
    );
    let mut tx = db.begin_read().await?;
    let rows = tx.fetch_all(&sql, &args![jurisdiction_id, agency_id]).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Follow-up plans an agency owed in the period `[from, to)`: how many were made by their deadline, of those made
/// or already overdue at `now`. A disposition's plan is due `plan_days` working days after it.
pub async fn plans_on_time(
    db: &Db,
    jurisdiction_id: &str,
    agency_id: i64,
    (from, to): (Timestamp, Timestamp),
    calendar: &Calendar,
    plan_days: u32,
    now: Timestamp,
) -> Result<(u64, u64)> {
    let mut tx = db.begin_read().await?;
    let events: Vec<(i64, String, i64)> = tx
        .fetch_all(
            "SELECT e.report_id, e.status, e.created_at FROM audit_events e JOIN reports r ON r.id = e.report_id
             WHERE r.jurisdiction_id = $1 AND r.agency_id = $2 AND e.kind = 'status'
                 AND e.status IN ('dispositioned', 'in_progress') AND e.created_at >= $3 AND e.created_at < $4
             ORDER BY e.report_id, e.created_at, e.id",
            &args![jurisdiction_id, agency_id, from.as_micros(), to.as_micros()],
        )
        .await?;
    tx.commit().await?;
    let (mut on_time, mut owed) = (0, 0);
    let mut i = 0;
    while i < events.len() {
        let (report, status, at) = &events[i];
        if status == "dispositioned" {
            let due = calendar.deadline(Timestamp::from_micros(*at), plan_days);
            let plan = events[i + 1..]
                .iter()
                .take_while(|(r, s, _)| r == report && s != "dispositioned")
                .find(|(_, s, _)| s == "in_progress");
            match plan {
                Some((_, _, p)) => {
                    owed += 1;
                    if Timestamp::from_micros(*p) <= due {
                        on_time += 1;
                    }
                }
                None if due < now => owed += 1,
                None => {}
            }
        }
        i += 1;
    }
    Ok((on_time, owed))
}
