//! Service standards, versioned per service, and agencies' service pledges (maklumat pelayanan). Each
//! publication is an act in the audit chain; no version is ever changed or removed.

use laksana_core::Timestamp;
use laksana_core::quality::standards::Standard;
use sqlx::FromRow;

use crate::audit::{Act, Subject};
use crate::{Db, Result, StoreError};

/// A published version of a service's standards.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Version {
    pub id: i64,
    pub version: i64,
    pub decree_number: String,
    pub decree_date: String,
    /// The components as a JSON object, by key.
    pub components: String,
    pub created_at: i64,
}

/// Publishes a new version of `service_id`'s standards; its number.
pub async fn publish(
    db: &Db,
    jurisdiction_id: &str,
    service_id: i64,
    s: &Standard,
    actor: &str,
    now: Timestamp,
) -> Result<i64> {
    let components = serde_json::to_string(&s.components).expect("strings serialise");
    let date = s.decree_date.to_string();
    // A retry on conflict: two admins publishing at once both get a version, one after the other.
    for _ in 0..3 {
        let mut tx = db.begin().await?;
        let owner: Option<(String,)> =
            tx.fetch_optional("SELECT jurisdiction_id FROM services WHERE id = $1", &args![service_id]).await?;
        if owner.map(|(j,)| j) != Some(jurisdiction_id.to_owned()) {
            return Err(StoreError::NotFound);
        }
        let (next,): (i64,) = tx
            .fetch_optional(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM service_standards WHERE service_id = $1",
                &args![service_id],
            )
            .await?
            .unwrap_or((1,));
        let inserted = tx
            .fetch_optional::<(i64,)>(
                "INSERT INTO service_standards (service_id, version, decree_number, decree_date, components, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &args![service_id, next, s.decree_number.as_str(), date.as_str(), components.as_str(), now.as_micros()],
            )
            .await;
        let id = match inserted {
            Ok(Some((id,))) => id,
            Err(e) if e.is_unique_violation() => continue,
            Ok(None) => return Err(StoreError::Corrupt("an insert returned no id".into())),
            Err(e) => return Err(e),
        };
        let act = Act {
            jurisdiction: jurisdiction_id.to_owned(),
            subject: Subject::Standard(id),
            kind: "published",
            actor: actor.to_owned(),
            at: now.as_micros(),
            data: serde_json::json!({
                "service_id": service_id, "version": next, "decree_number": s.decree_number, "decree_date": date,
            }),
        };
        crate::audit::record(&mut tx, &[act]).await?;
        tx.commit().await?;
        return Ok(next);
    }
    Err(StoreError::Conflict("the standards were being published by someone else; try again".into()))
}

/// Every version of a service's standards, newest (the one in force) first.
pub async fn versions(db: &Db, service_id: i64) -> Result<Vec<Version>> {
    let mut tx = db.begin_read().await?;
    let rows = tx
        .fetch_all(
            "SELECT id, version, decree_number, decree_date, components, created_at FROM service_standards
             WHERE service_id = $1 ORDER BY version DESC",
            &args![service_id],
        )
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// An agency's service pledge and complaint handler.
pub async fn pledge(db: &Db, agency_id: i64) -> Result<(String, String)> {
    Ok(db
        .fetch_optional::<(String, String)>("SELECT maklumat, handler FROM agencies WHERE id = $1", &args![agency_id])
        .await?
        .unwrap_or_default())
}

/// Sets an agency's service pledge, in the audit chain.
pub async fn set_pledge(
    db: &Db,
    jurisdiction_id: &str,
    agency_id: i64,
    text: &str,
    actor: &str,
    now: Timestamp,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE agencies SET maklumat = $1 WHERE id = $2 AND jurisdiction_id = $3",
            &args![text, agency_id, jurisdiction_id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let act = Act {
        jurisdiction: jurisdiction_id.to_owned(),
        subject: Subject::Agency(agency_id),
        kind: "maklumat_set",
        actor: actor.to_owned(),
        at: now.as_micros(),
        data: serde_json::json!({ "maklumat": text }),
    };
    crate::audit::record(&mut tx, &[act]).await?;
    tx.commit().await
}
