//! Open reports in bulk for the ticker benchmark (`crates/web/benches/ticker.rs`): many running
//! resolution clocks, a fixed share of them overdue.

use std::collections::HashSet;

use laksana_core::audit::ReportState;
use laksana_core::workflow::ClockKind;
use laksana_core::{Channel, Privacy, PublicId, Status, Timestamp};

use crate::audit;
use crate::sql::Arg;
use crate::tail::Tail;
use crate::{Db, Result, StoreError, catalog};

/// [`PublicId`]'s alphabet: Crockford base 32 without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Rows per transaction.
const ROWS_PER_TX: u64 = 50_000;

/// The public id numbered `n` (its low 40 bits, eight base-32 digits): distinct numbers below 2^40
/// give distinct ids, so no insert can collide with another of the same run.
fn public_id(n: u64) -> String {
    let mut s = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            s.push('-');
        }
        s.push(ALPHABET[((n >> (5 * (7 - i))) & 31) as usize] as char);
    }
    debug_assert_eq!(PublicId::parse(&s).as_ref().map(PublicId::as_str), Some(s.as_str()));
    s
}

/// Inserts `n` open reports of `sampah-menumpuk` at DLH into `jurisdiction_id` (which needs the demo
/// catalog): status `in_progress`, clock `resolution`, requested over the 60 to 3 days before `now`.
/// Every `due_every`-th report (none when 0) is overdue: deadline `now` − 2 days, its tick (stage 1,
/// the first escalation) due since `now` − 1 day. The others' deadline is `now` + 30 days, with the
/// reminder (stage 0) at `now` + 29 days. Public ids are numbered, skipping any already stored.
/// Returns how many reports were inserted.
pub async fn bench_open_reports(db: &Db, jurisdiction_id: &str, n: u64, due_every: u64, now: Timestamp) -> Result<u64> {
    let missing =
        |what: &str| StoreError::Invalid(format!("{jurisdiction_id} has no {what}; run `laksana seed --demo` first"));
    let service = catalog::service(db, jurisdiction_id, "sampah-menumpuk")
        .await?
        .ok_or_else(|| missing("service sampah-menumpuk"))?;
    let agency_id = catalog::agencies(db, jurisdiction_id)
        .await?
        .into_iter()
        .find(|a| a.code == "DLH")
        .map(|a| a.id)
        .ok_or_else(|| missing("agency DLH"))?;
    let stored: Vec<String> =
        on_db!(db, |pool, DB| sqlx::query_scalar("SELECT public_id FROM reports").fetch_all(pool).await?);
    let stored: HashSet<String> = stored.into_iter().collect();

    let is_sqlite = matches!(db, Db::Sqlite(_));
    // As in `timeline::try_insert_batch`: a failure undoes the whole transaction, so SQLite may skip
    // the statement journal.
    let insert = if is_sqlite { "INSERT OR FAIL INTO" } else { "INSERT INTO" };
    let _cache = super::BulkLoadCache::enter(db).await?;
    let first_requested = now.plus_days(-60);
    let spacing = 57 * 86_400 * 1_000_000 / n.max(1) as i64;
    let (overdue, overdue_tick) = (now.plus_days(-2).as_micros(), now.plus_days(-1).as_micros());
    let (running, running_tick) = (now.plus_days(30).as_micros(), now.plus_days(29).as_micros());
    let (status, clock) = (Status::InProgress, ClockKind::Resolution);
    let description = "Sampah di TPS sudah tiga hari tidak diangkut, baunya menyengat (bench).";
    let state = ReportState {
        status,
        agency_id: Some(agency_id),
        privacy: Privacy::Publik,
        service_id: service.id,
        description_sha256: audit::description_hash(description),
        lat: None,
        lon: None,
        deadline_at: None,
        escalation_level: 0,
        duplicate_of: None,
        archive_reason: None,
    };
    let mut number = 0u64;
    let mut done = 0u64;
    while done < n {
        let take = ROWS_PER_TX.min(n - done);
        let mut ids = Vec::with_capacity(take as usize);
        while (ids.len() as u64) < take {
            let id = public_id(number);
            number += 1;
            if !stored.contains(&id) {
                ids.push(id);
            }
        }
        let mut tx = db.begin().await?;
        if is_sqlite {
            tx.execute("PRAGMA defer_foreign_keys = ON", &[]).await?;
        }
        let head = format!(
            "{insert} reports (public_id, jurisdiction_id, service_id, agency_id, description, privacy, channel,
                 status, is_open, requested_at, updated_at, deadline_at, resolution_due_at, clock, clock_started_at,
                 next_tick_at, tick_stage, reporter_language, attributes, escalation_level, reopen_count, version)"
        );
        let rows: Vec<Vec<Arg<'_>>> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let i = done + k as u64;
                let due = due_every > 0 && (i + 1).is_multiple_of(due_every);
                let (deadline, tick, stage) =
                    if due { (overdue, overdue_tick, 1i64) } else { (running, running_tick, 0i64) };
                let requested = first_requested.plus_micros(i as i64 * spacing).as_micros();
                args![
                    id.as_str(),
                    jurisdiction_id,
                    service.id,
                    agency_id,
                    description,
                    Privacy::Publik.as_str(),
                    Channel::Api.as_str(),
                    status.as_str(),
                    status.is_open(),
                    requested,
                    requested,
                    deadline,
                    deadline,
                    clock.as_str(),
                    requested,
                    tick,
                    stage,
                    "id",
                    "{}",
                    0i64,
                    0i64,
                    0i64,
                ]
                .to_vec()
            })
            .collect();
        let stored: Vec<(i64, i64, i64)> =
            tx.insert_rows(&head, &rows, "RETURNING id, deadline_at, requested_at").await?;
        // Each report's one event records the state it is stored in, as any import does.
        let events = stored.into_iter().map(|(id, deadline, requested)| {
            audit::import_event(id, requested, Some(&ReportState { deadline_at: Some(deadline), ..state.clone() }))
        });
        let mut tail = Tail::default();
        tail.add(jurisdiction_id, events, [], &[]);
        tail.write(&mut tx, now.as_micros()).await?;
        tx.commit().await?;
        done += take;
    }
    crate::audit::seal_pending(db).await?;
    Ok(done)
}
