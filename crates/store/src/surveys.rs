//! The community satisfaction survey (SKM): responses, their tallies per unit, the volume a unit
//! serves (for the minimum sample) and a jurisdiction's weights. The index itself is computed in
//! `laksana_core::quality::ikm`.

use laksana_core::Timestamp;
use laksana_core::quality::ikm::{Answers, Tally, Weights};
use sqlx::FromRow;

use crate::audit::{Act, Subject};
use crate::{Db, Result, StoreError};

/// One respondent's answers, for the unit they are about.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResponse {
    pub jurisdiction_id: String,
    pub agency_id: Option<i64>,
    pub service_id: Option<i64>,
    /// The report whose reporter was invited; `None` for an open response.
    pub report_id: Option<i64>,
    pub answers: Answers,
    /// Age band, sex, education, occupation: stored keys, each optional.
    pub profile: [Option<&'static str>; 4],
}

/// Why a second response to a report's invitation is refused.
pub const ANSWERED: &str = "this report's survey has already been answered";

/// Records a response. A report's invitation is good for one response: a second is a conflict.
pub async fn record(db: &Db, r: &NewResponse, now: Timestamp) -> Result<i64> {
    let mut tx = db.begin().await?;
    let a = r.answers.map(|s| i64::from(s.get()));
    let inserted = tx
        .fetch_optional::<(i64,)>(
            "INSERT INTO survey_responses (jurisdiction_id, agency_id, service_id, report_id, u1, u2, u3, u4, u5, u6,
                 u7, u8, u9, age_band, sex, education, occupation, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
            &args![
                r.jurisdiction_id.as_str(),
                r.agency_id,
                r.service_id,
                r.report_id,
                a[0],
                a[1],
                a[2],
                a[3],
                a[4],
                a[5],
                a[6],
                a[7],
                a[8],
                r.profile[0],
                r.profile[1],
                r.profile[2],
                r.profile[3],
                now.as_micros(),
            ],
        )
        .await;
    let id = match inserted {
        Ok(Some((id,))) => id,
        Ok(None) => return Err(StoreError::Corrupt("an insert returned no id".into())),
        Err(e) if e.is_unique_violation() => {
            return Err(StoreError::Conflict(ANSWERED.into()));
        }
        Err(e) => return Err(e),
    };
    tx.commit().await?;
    Ok(id)
}

/// Whether report `report_id`'s reporter has answered its survey.
pub async fn answered(db: &Db, report_id: i64) -> Result<bool> {
    Ok(db
        .fetch_optional::<(i64,)>("SELECT id FROM survey_responses WHERE report_id = $1", &args![report_id])
        .await?
        .is_some())
}

#[derive(FromRow)]
struct TallyRow {
    unit: Option<i64>,
    n: i64,
    s1: Option<i64>,
    s2: Option<i64>,
    s3: Option<i64>,
    s4: Option<i64>,
    s5: Option<i64>,
    s6: Option<i64>,
    s7: Option<i64>,
    s8: Option<i64>,
    s9: Option<i64>,
}

impl TallyRow {
    fn tally(&self) -> Tally {
        let sums = [self.s1, self.s2, self.s3, self.s4, self.s5, self.s6, self.s7, self.s8, self.s9]
            .map(|s| s.unwrap_or(0).max(0) as u64);
        Tally { sums, respondents: self.n.max(0) as u64 }
    }
}

const SUMS: &str =
    "COUNT(*) AS n, CAST(SUM(u1) AS BIGINT) AS s1, CAST(SUM(u2) AS BIGINT) AS s2, CAST(SUM(u3) AS BIGINT) AS s3,
    CAST(SUM(u4) AS BIGINT) AS s4, CAST(SUM(u5) AS BIGINT) AS s5, CAST(SUM(u6) AS BIGINT) AS s6,
    CAST(SUM(u7) AS BIGINT) AS s7, CAST(SUM(u8) AS BIGINT) AS s8, CAST(SUM(u9) AS BIGINT) AS s9";

/// The answers' sums per agency (`by_service` false) or per service, of responses given in
/// `[from, to)`; the key is `None` for responses without one.
pub async fn tallies(
    db: &Db,
    jurisdiction_id: &str,
    by_service: bool,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
) -> Result<Vec<(Option<i64>, Tally)>> {
    let col = if by_service { "service_id" } else { "agency_id" };
    let sql = format!(
        "SELECT {col} AS unit, {SUMS} FROM survey_responses
         WHERE jurisdiction_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY {col}"
    );
    let (from, to) = (from.map_or(i64::MIN, Timestamp::as_micros), to.map_or(i64::MAX, Timestamp::as_micros));
    let mut tx = db.begin_read().await?;
    let rows: Vec<TallyRow> = tx.fetch_all(&sql, &args![jurisdiction_id, from, to]).await?;
    tx.commit().await?;
    Ok(rows.iter().map(|r| (r.unit, r.tally())).collect())
}

/// A jurisdiction's IKM weights (the default, 1/9 each, unless an admin set others).
pub async fn weights(db: &Db, jurisdiction_id: &str) -> Result<Weights> {
    let row: Option<(String,)> =
        db.fetch_optional("SELECT ikm_weights FROM jurisdictions WHERE id = $1", &args![jurisdiction_id]).await?;
    let Some((text,)) = row.filter(|(t,)| !t.trim().is_empty()) else { return Ok(Weights::default()) };
    let w: [f64; 9] = serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt(format!("ikm_weights of {jurisdiction_id}: {e}")))?;
    Weights::new(w).map_err(|e| StoreError::Corrupt(format!("ikm_weights of {jurisdiction_id}: {e}")))
}

/// Sets a jurisdiction's IKM weights, in its audit chain.
pub async fn set_weights(db: &Db, jurisdiction_id: &str, w: &Weights, actor: &str, now: Timestamp) -> Result<()> {
    let text = serde_json::to_string(&w.get()).expect("numbers serialise");
    let mut tx = db.begin().await?;
    let n = tx
        .execute("UPDATE jurisdictions SET ikm_weights = $1 WHERE id = $2", &args![text.as_str(), jurisdiction_id])
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let act = Act {
        jurisdiction: jurisdiction_id.to_owned(),
        subject: Subject::Jurisdiction,
        kind: "ikm_weights_set",
        actor: actor.to_owned(),
        at: now.as_micros(),
        data: serde_json::json!({ "weights": w.get() }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await
}

/// One response as the open data lists it: when (the day), for which unit, and the nine answers;
/// never its report, nor the respondent's profile.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RawResponse {
    pub id: i64,
    pub created_at: i64,
    pub agency_id: Option<i64>,
    pub service_id: Option<i64>,
    pub u1: i64,
    pub u2: i64,
    pub u3: i64,
    pub u4: i64,
    pub u5: i64,
    pub u6: i64,
    pub u7: i64,
    pub u8: i64,
    pub u9: i64,
}

/// Which responses a page of raw answers covers: given in `[from, to)`, for one agency or service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub agency_id: Option<i64>,
    pub service_id: Option<i64>,
}

/// The next `limit` responses under `f` after response `after`, oldest first.
pub async fn raw_page(
    db: &Db,
    jurisdiction_id: &str,
    f: &RawFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<RawResponse>> {
    let (from, to) = (f.from.map_or(i64::MIN, Timestamp::as_micros), f.to.map_or(i64::MAX, Timestamp::as_micros));
    let mut sql =
        "SELECT id, created_at, agency_id, service_id, u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM survey_responses
         WHERE jurisdiction_id = $1 AND created_at >= $2 AND created_at < $3 AND id > $4"
            .to_owned();
    let mut args = args![jurisdiction_id, from, to, after].to_vec();
    if let Some(a) = f.agency_id {
        args.push(crate::sql::Arg::from(a));
        sql.push_str(&format!(" AND agency_id = ${}", args.len()));
    }
    if let Some(s) = f.service_id {
        args.push(crate::sql::Arg::from(s));
        sql.push_str(&format!(" AND service_id = ${}", args.len()));
    }
    args.push(crate::sql::Arg::from(limit));
    sql.push_str(&format!(" ORDER BY id LIMIT ${}", args.len()));
    let mut tx = db.begin_read().await?;
    let rows = tx.fetch_all(&sql, &args).await?;
    tx.commit().await?;
    Ok(rows)
}
