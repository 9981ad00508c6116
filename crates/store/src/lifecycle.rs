//! The lifecycle as a whole: a person's command or a passing deadline becomes one [`Change`] with its
//! events, notices and webhook deliveries. The rules themselves are in `laksana_core::workflow`; this
//! module looks up what they need and writes what they decide.

use std::collections::HashMap;

use laksana_core::calendar::Calendar;
use laksana_core::notice::{Audience, Notice};
use laksana_core::status::Action;
use laksana_core::workflow::{Command, Deadlines, DecideError, Next, Schedule, TickEffect, decide};
use laksana_core::{Privacy, PublicId, Status, Timestamp};

use crate::audit::NewEvent;
use crate::outbox::{WebhookEvent, notify_job};
use crate::tail::Tail;
use crate::workflow::{self, Change, Milestone, WorkItem};
use crate::{Db, Result, StoreError};

/// A jurisdiction's rules: its calendar, its deadlines, and where its pages are (for survey links).
#[derive(Debug, Clone)]
pub struct Rules {
    pub calendar: Calendar,
    pub deadlines: Deadlines,
    pub public_url: String,
}

impl Rules {
    fn schedule(&self) -> Schedule<'_> {
        Schedule { calendar: &self.calendar, deadlines: &self.deadlines }
    }

    fn date(&self, t: Timestamp) -> String {
        t.to_utc().with_timezone(&self.calendar.time_zone()).format("%d-%m-%Y").to_string()
    }
}

/// Loads every jurisdiction's rules.
pub async fn rules(db: &Db, public_url: &str) -> Result<HashMap<String, Rules>> {
    let mut out = HashMap::new();
    for j in crate::catalog::jurisdictions(db).await? {
        // One jurisdiction with a broken setting must not stop the clocks of all the others.
        match crate::seed::calendar(db, &j).await {
            Ok(calendar) => {
                out.insert(
                    j.id.clone(),
                    Rules { calendar, deadlines: j.deadlines(), public_url: public_url.to_owned() },
                );
            }
            Err(e) => {
                tracing::error!(jurisdiction = %j.id, error = %e, "jurisdiction's calendar cannot be loaded; its deadlines are not watched")
            }
        }
    }
    Ok(out)
}

fn sla_days(item: &WorkItem) -> u32 {
    item.sla_tier.default_working_days()
}

fn decide_error(e: DecideError) -> StoreError {
    match e {
        DecideError::NoAgency => StoreError::Invalid(e.to_string()),
        e => StoreError::Conflict(e.to_string()),
    }
}

fn change_from(item: &WorkItem, next: &Next, now: Timestamp) -> Result<Change> {
    let mut c = Change::unchanged(item);
    // A clock that starts, or restarts with a new deadline, starts now.
    let deadline = item.deadline_at.map(Timestamp::from_micros);
    c.clock_started_at = match next.clock {
        None => None,
        Some(k) if Some(k) == item.clock && next.deadline_at == deadline => c.clock_started_at,
        Some(_) => Some(now),
    };
    c.status = next.status;
    c.archive_reason = next.archive_reason;
    c.agency_id = next.agency_id;
    c.clock = next.clock;
    c.deadline_at = next.deadline_at;
    c.resolution_due_at = next.resolution_due_at;
    c.next_tick = next.tick.map(|t| (t.at, t.stage));
    c.closed_at = next.closed_at;
    c.escalation_level = next.escalation_level;
    c.reopen_count = next.reopen_count;
    Ok(c)
}

fn status_event(
    item: &WorkItem,
    status: Status,
    note: Option<String>,
    actor: &str,
    now: Timestamp,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent {
        report_id: item.id,
        kind: "status".into(),
        status: Some(status.as_str().into()),
        note,
        is_public: true,
        actor: actor.to_owned(),
        created_at: now.as_micros(),
        data: data.to_string(),
        state: None,
    }
}

fn webhook(
    item: &WorkItem,
    privacy: Privacy,
    kind: &str,
    status: Option<Status>,
    note: Option<String>,
    now: Timestamp,
) -> Vec<WebhookEvent> {
    if !privacy.is_listed_publicly() {
        return Vec::new();
    }
    vec![WebhookEvent {
        jurisdiction_id: item.jurisdiction_id.to_string(),
        service_request_id: item.public_id.to_string(),
        kind: kind.to_owned(),
        status: status.map(|s| s.as_str().to_owned()),
        note,
        at: now.as_micros(),
    }]
}

/// Notices a reporter gets for a state change.
fn reporter_notice(item: &WorkItem, rules: &Rules, next: &Next, cmd_note: Option<&str>) -> Option<Notice> {
    let pid = item.public_id.to_string();
    let date = |t: Option<Timestamp>| t.map(|t| rules.date(t)).unwrap_or_default();
    Some(match next.status {
        Status::NeedsInfo => {
            Notice::NeedsInfo { public_id: pid, question: cmd_note?.to_owned(), reply_by: date(next.deadline_at) }
        }
        Status::InProgress => {
            Notice::InProgress { public_id: pid, plan: cmd_note?.to_owned(), resolve_by: date(next.resolution_due_at) }
        }
        Status::Resolved => Notice::Resolved {
            public_id: pid.clone(),
            evidence: cmd_note?.to_owned(),
            survey_url: format!("{}/r/{pid}/survey", rules.public_url.trim_end_matches('/')),
            confirm_by: date(next.deadline_at),
        },
        Status::Closed => Notice::Closed { public_id: pid },
        Status::NotAuthority => {
            Notice::Ended { public_id: pid, reason: cmd_note.unwrap_or("not_authority").to_owned() }
        }
        Status::Archived => match next.archive_reason {
            Some(laksana_core::ArchiveReason::Duplicate) => return None,
            r => Notice::Ended { public_id: pid, reason: r.map_or("archived", |r| r.as_str()).to_owned() },
        },
        _ => return None,
    })
}

/// What a transition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub version: i64,
}

/// Applies a person's (already authorized) command. A report changed since `item` was read is a
/// conflict; a command the state does not allow is a conflict too; a bad reference is invalid.
pub async fn transition(
    db: &Db,
    rules: &Rules,
    item: &WorkItem,
    cmd: &Command,
    actor: &str,
    now: Timestamp,
) -> Result<Outcome> {
    let cur = item.current();
    let action = cmd.action();
    let mut agency = None;
    let mut duplicate_of = item.duplicate_of;
    let mut data = serde_json::json!({ "action": cmd.name() });
    // A rahasia original must not be named where the public or another reporter reads.
    let mut hidden_original = false;
    match cmd {
        Command::Verify { agency_id: Some(a), .. } | Command::Dispose { agency_id: a, .. } => {
            let found = crate::catalog::agencies(db, &item.jurisdiction_id).await?.into_iter().find(|x| x.id == *a);
            let found = found.ok_or_else(|| {
                StoreError::Invalid(format!("agency {a} is not an agency of {}", item.jurisdiction_id))
            })?;
            agency = Some(found.id);
            data["agency_id"] = (*a).into();
        }
        // Verified without naming an agency: the one it had, else the one the service routes to.
        Command::Verify { agency_id: None, .. } => agency = item.agency_id.or(item.service_agency_id),
        Command::MarkDuplicate { of } => {
            let original = original_of(db, item, of).await?;
            duplicate_of = Some(original.id);
            hidden_original = original.privacy == Privacy::Rahasia;
            // The event is public: a rahasia original is not named in it.
            if !hidden_original {
                data["duplicate_of"] = original.public_id.as_str().into();
            }
        }
        Command::Resolve { photo_url: Some(url), .. } => {
            if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("/media/"))
                || url.len() > 2_000
            {
                return Err(StoreError::Invalid("photo_url must be an http(s) URL or an uploaded /media/ path".into()));
            }
            data["photo_url"] = url.clone().into();
        }
        Command::Confirm { rating: Some(r) } => data["rating"] = r.get().into(),
        Command::Archive { reason, .. } => data["reason"] = serde_json::to_value(reason).expect("serialisable"),
        _ => {}
    }
    let next = decide(&cur, action, agency, sla_days(item), &rules.schedule(), now).map_err(decide_error)?;
    let mut change = change_from(item, &next, now)?;
    change.duplicate_of = duplicate_of;
    let taken = |at| Milestone { at, working_days: rules.calendar.working_days_taken(item.requested_at, at) };
    // The public figures' "first response" is staff's first change of state; the reporter's own acts
    // (answering, confirming, reopening, withdrawing) are not a response to them.
    let by_reporter = matches!(
        action,
        Action::InfoGiven | Action::Confirm | Action::Reopen | Action::Archive(laksana_core::ArchiveReason::Withdrawn)
    );
    if !by_reporter {
        change.first_response = Some(taken(now));
    }
    if action == Action::Resolve {
        let on_time = item.resolution_due_at.is_none_or(|due| now.as_micros() <= due);
        change.resolution = Some((taken(now), on_time));
    }
    if let Command::Resolve { photo_url: Some(url), .. } = cmd
        && url.starts_with("/media/")
    {
        change.after_photos.push(url.clone());
    }
    if let Command::Confirm { rating } = cmd {
        change.rating = rating.map(i64::from);
    }
    let public = match cmd {
        Command::MarkDuplicate { .. } if hidden_original => Some(laksana_core::notice::duplicate_note(None)),
        // Name the original the report now follows, not a duplicate in between.
        Command::MarkDuplicate { .. } => Some(laksana_core::notice::duplicate_note(data["duplicate_of"].as_str())),
        _ => cmd.public_note(),
    };
    change.status_notes = public.clone();
    change.events.push(status_event(item, next.status, public.clone(), actor, now, data));
    if let Some(internal) = cmd.internal_note() {
        change.events.push(NewEvent {
            report_id: item.id,
            kind: "note".into(),
            status: None,
            note: Some(internal),
            is_public: false,
            actor: actor.to_owned(),
            created_at: now.as_micros(),
            data: serde_json::json!({ "action": cmd.name() }).to_string(),
            state: None,
        });
    }
    let reporter = Audience::Reporter { report_id: item.id };
    let pid = item.public_id.to_string();
    if let Some(n) = reporter_notice(item, rules, &next, public.as_deref()) {
        change.jobs.push(notify_job(reporter.clone(), n));
    }
    match cmd {
        Command::Verify { .. } | Command::Dispose { .. } => {
            let agency_id = next.agency_id.expect("decide gives a disposition an agency");
            let n = Notice::NewDisposition {
                public_id: pid,
                service: item.service_name.clone(),
                plan_by: rules.date(next.deadline_at.unwrap_or(now)),
            };
            change.jobs.push(notify_job(Audience::Officers { agency_id }, n));
        }
        Command::HandBack { reason } => {
            let n = Notice::HandedBack { public_id: pid, reason: reason.to_string() };
            change.jobs.push(notify_job(Audience::Operators { jurisdiction_id: item.jurisdiction_id.to_string() }, n));
        }
        Command::Reopen { reason } => {
            let n = Notice::Reopened { public_id: pid, reason: reason.to_string() };
            if let Some(agency_id) = next.agency_id {
                change.jobs.push(notify_job(Audience::Officers { agency_id }, n.clone()));
            }
            change.jobs.push(notify_job(Audience::Operators { jurisdiction_id: item.jurisdiction_id.to_string() }, n));
        }
        Command::MarkDuplicate { .. } => {
            let original = change.duplicate_of.expect("set above");
            let original = workflow::load_by_id(db, original).await?.ok_or(StoreError::NotFound)?;
            let original = if hidden_original { "—".to_owned() } else { original.public_id.to_string() };
            change.jobs.push(notify_job(reporter, Notice::Duplicate { public_id: pid, original }));
        }
        _ => {}
    }
    change.webhooks = webhook(item, change.privacy, "status", Some(next.status), public, now);
    let version = workflow::apply(db, item, &change, now).await?;
    Ok(Outcome { status: next.status, version })
}

/// The report a duplicate follows: the named one, or the one that one follows.
async fn original_of(db: &Db, item: &WorkItem, of: &PublicId) -> Result<WorkItem> {
    let mut original = workflow::load(db, &item.jurisdiction_id, of.as_str())
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("report {of} does not exist in {}", item.jurisdiction_id)))?;
    for _ in 0..10 {
        match original.duplicate_of {
            Some(next) => original = workflow::load_by_id(db, next).await?.ok_or(StoreError::NotFound)?,
            None => break,
        }
    }
    if original.id == item.id {
        return Err(StoreError::Invalid("a report cannot be a duplicate of itself".into()));
    }
    Ok(original)
}

/// A reply on the timeline: `public` replies by staff become the report's `status_notes`; everything
/// else is an internal note. Changes no state.
pub async fn comment(
    db: &Db,
    item: &WorkItem,
    text: &str,
    public: bool,
    kind: &str,
    actor: &str,
    now: Timestamp,
) -> Result<i64> {
    let mut change = Change::unchanged(item);
    change.events.push(NewEvent {
        report_id: item.id,
        kind: kind.to_owned(),
        status: None,
        note: Some(text.to_owned()),
        is_public: public,
        actor: actor.to_owned(),
        created_at: now.as_micros(),
        data: "{}".into(),
        state: None,
    });
    if public {
        change.status_notes = Some(text.to_owned());
        change.webhooks = webhook(item, change.privacy, kind, None, Some(text.to_owned()), now);
    }
    workflow::apply(db, item, &change, now).await
}

/// Raises a report's privacy level (never lowers it).
pub async fn raise_privacy(db: &Db, item: &WorkItem, to: Privacy, actor: &str, now: Timestamp) -> Result<i64> {
    let from = item.privacy;
    let to = from.raise(to).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut change = Change::unchanged(item);
    change.privacy = to;
    change.events.push(NewEvent {
        report_id: item.id,
        kind: "privacy".into(),
        status: None,
        note: None,
        is_public: false,
        actor: actor.to_owned(),
        created_at: now.as_micros(),
        data: serde_json::json!({ "from": from.as_str(), "to": to.as_str() }).to_string(),
        state: None,
    });
    workflow::apply(db, item, &change, now).await
}

/// Sets or moves a report's pin (one that came with an address only, or was placed wrong), with the
/// district it lies in. The timeline keeps where it was (internal: the public sees the map).
pub async fn set_location(
    db: &Db,
    item: &WorkItem,
    to: workflow::Relocation,
    actor: &str,
    now: Timestamp,
) -> Result<i64> {
    let mut change = Change::unchanged(item);
    change.location = Some(to);
    change.events.push(NewEvent {
        report_id: item.id,
        kind: "located".into(),
        status: None,
        note: None,
        is_public: false,
        actor: actor.to_owned(),
        created_at: now.as_micros(),
        data: serde_json::json!({
            "from": item.lat.zip(item.lon).map(|(lat, lon)| [lat, lon]),
            "to": [to.at.lat(), to.at.lon()],
            "district_id": to.district_id,
        })
        .to_string(),
        state: None,
    });
    workflow::apply(db, item, &change, now).await
}

/// What one ticker pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickStats {
    /// Reports whose tick was due and that this pass took.
    pub due: u64,
    pub reminders: u64,
    pub escalations: u64,
    pub archived: u64,
    pub closed: u64,
}

/// The ticker's work for one due report: its change, or `None` when nothing is left to do.
fn tick_change(item: &WorkItem, rules: &Rules, now: Timestamp, stats: &mut TickStats) -> Result<Change> {
    let mut change = Change::unchanged(item);
    let clock = item.clock;
    let (Some(clock), Some(deadline)) = (clock, item.deadline_at.map(Timestamp::from_micros)) else {
        change.next_tick = None;
        return Ok(change);
    };
    let sched = rules.schedule();
    // The step to take now: the one stored, unless a later one is due too (a ticker that was down).
    let due = match sched.next(clock, deadline, item.tick_stage - 1, now) {
        Some(t) if t.at <= now => t,
        later => {
            change.next_tick = later.map(|t| (t.at, t.stage));
            return Ok(change);
        }
    };
    change.next_tick = sched.next(clock, deadline, due.stage, now).map(|t| (t.at, t.stage));
    let pid = item.public_id.to_string();
    let clock_name = clock.as_str().to_owned();
    let deadline_text = rules.date(deadline);
    let escalate = |change: &mut Change, level: i64| {
        change.escalation_level = change.escalation_level.max(level);
        change.events.push(NewEvent {
            report_id: item.id,
            kind: "escalation".into(),
            status: None,
            note: None,
            is_public: false,
            actor: "system".into(),
            created_at: now.as_micros(),
            data: serde_json::json!({ "level": level, "clock": clock_name, "deadline": deadline.as_micros() })
                .to_string(),
            state: None,
        });
    };
    match due.effect {
        TickEffect::Remind => {
            stats.reminders += 1;
            if let Some(agency_id) = item.agency_id {
                let n = Notice::Reminder { public_id: pid, clock: clock_name.clone(), deadline: deadline_text };
                change.jobs.push(notify_job(Audience::Officers { agency_id }, n));
            }
        }
        TickEffect::Overdue => {
            stats.escalations += 1;
            escalate(&mut change, 1);
            let n = Notice::Overdue { public_id: pid, clock: clock_name.clone(), deadline: deadline_text, level: 1 };
            match item.agency_id.filter(|_| clock.is_agency_clock()) {
                Some(agency_id) => {
                    change.jobs.push(notify_job(Audience::Officers { agency_id }, n.clone()));
                    change.jobs.push(notify_job(Audience::AgencyHeads { agency_id }, n));
                }
                None => change
                    .jobs
                    .push(notify_job(Audience::Operators { jurisdiction_id: item.jurisdiction_id.to_string() }, n)),
            }
        }
        TickEffect::EscalateAgain => {
            stats.escalations += 1;
            escalate(&mut change, 2);
            let n = Notice::Overdue { public_id: pid, clock: clock_name.clone(), deadline: deadline_text, level: 2 };
            change.jobs.push(notify_job(Audience::Leaders { jurisdiction_id: item.jurisdiction_id.to_string() }, n));
        }
        effect @ (TickEffect::ArchiveIncomplete | TickEffect::CloseAccepted) => {
            let action =
                if effect == TickEffect::ArchiveIncomplete { Action::InfoTimeout } else { Action::ConfirmTimeout };
            let next = match decide(&item.current(), action, None, sla_days(item), &sched, now) {
                Ok(next) => next,
                // The clock outlived its state (a hand edit): just stop ticking.
                Err(_) => {
                    change.next_tick = None;
                    return Ok(change);
                }
            };
            let mut c = change_from(item, &next, now)?;
            if effect == TickEffect::ArchiveIncomplete {
                stats.archived += 1;
            } else {
                stats.closed += 1;
            }
            c.events.push(status_event(
                item,
                next.status,
                None,
                "system",
                now,
                serde_json::json!({ "action": "timeout", "clock": clock_name }),
            ));
            if let Some(n) = reporter_notice(item, rules, &next, None) {
                c.jobs.push(notify_job(Audience::Reporter { report_id: item.id }, n));
            }
            c.webhooks = webhook(item, c.privacy, "status", Some(next.status), None, now);
            return Ok(c);
        }
    }
    Ok(change)
}

/// One ticker pass: takes every report whose appointment is due (oldest first, `batch` per
/// transaction) and does what is due. Work is proportional to the due reports: the query walks the
/// `next_tick_at` index from its start. Several tickers may run at once: PostgreSQL hands each batch
/// to one of them (`SKIP LOCKED`), SQLite runs one write transaction at a time, and every update also
/// checks the version it read.
pub async fn tick(db: &Db, rules: &HashMap<String, Rules>, now: Timestamp, batch: u32) -> Result<TickStats> {
    tick_until(db, rules, now, batch, &|| false).await
}

/// Like [`tick`], stopping early (after a committed batch) once `stop` says so: a server shutting
/// down must not wait for a pass over a city's backlog. What is left is due again on the next pass.
pub async fn tick_until(
    db: &Db,
    rules: &HashMap<String, Rules>,
    now: Timestamp,
    batch: u32,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<TickStats> {
    let mut stats = TickStats::default();
    let lock = match db {
        Db::Postgres(_) => " FOR UPDATE OF r SKIP LOCKED",
        Db::Sqlite(_) => "",
    };
    let sql = format!("{} WHERE r.next_tick_at <= $1 ORDER BY r.next_tick_at LIMIT $2{lock}", workflow::ITEM_SELECT);
    loop {
        let mut tx = db.begin().await?;
        let rows: Vec<workflow::WorkItemRow> = tx.fetch_all(&sql, &args![now.as_micros(), i64::from(batch)]).await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut unreadable = 0;
        for row in rows {
            let id = row.id();
            match WorkItem::try_from(row) {
                Ok(item) => items.push(item),
                // One broken row must not stop the clocks of every other report: it stops ticking.
                Err(e) => {
                    tracing::error!(report = id, error = %e, "a due report cannot be read; its clock is stopped");
                    tx.execute("UPDATE reports SET next_tick_at = NULL WHERE id = $1", &args![id]).await?;
                    unreadable += 1;
                }
            }
        }
        let mut pairs = Vec::with_capacity(items.len());
        let mut counted = Vec::with_capacity(items.len());
        for item in &items {
            let mut one = TickStats::default();
            let change = match rules.get(item.jurisdiction_id.as_str()) {
                Some(r) => tick_change(item, r, now, &mut one)?,
                // No rules (see `rules`): stop ticking this report rather than take it again and again.
                None => Change { next_tick: None, ..Change::unchanged(item) },
            };
            pairs.push((item, change));
            counted.push(one);
        }
        // One statement per 500 reports; a report someone else changed meanwhile is left out.
        let done = workflow::update_reports(&mut tx, &pairs, now).await?;
        let mut tail = Tail::default();
        for ((item, change), one) in pairs.iter().zip(counted) {
            if !done.contains(&item.id) {
                continue;
            }
            stats.due += 1;
            stats.reminders += one.reminders;
            stats.escalations += one.escalations;
            stats.archived += one.archived;
            stats.closed += one.closed;
            tail.add_change(item, change);
        }
        tail.write(&mut tx, now.as_micros()).await?;
        tx.commit().await?;
        if items.len() + unreadable < batch as usize || stop() {
            return Ok(stats);
        }
    }
}
