//! The end of every write to reports (intake, a transition, a comment, a ticker pass): its outbox
//! jobs, its webhook deliveries and its audit events, written in the write's own transaction, so a
//! change is never committed without them nor they without it.

use std::collections::BTreeMap;

use crate::Result;
use crate::audit::{self, NewEvent};
use crate::outbox::{self, WebhookEvent};
use crate::sql::Tx;
use crate::workflow::{Change, WorkItem};

/// What a write leaves behind besides the report rows.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    jobs: Vec<(String, String)>,
    /// `(report id, url)` of photos added by a change ("after" photos).
    after_photos: Vec<(i64, String)>,
    /// New places of reports: `(report id, where)`.
    locations: Vec<(i64, crate::workflow::Relocation)>,
    /// Events and webhook bodies per jurisdiction, in sorted order: every writer takes chain heads in
    /// the same order, so two never deadlock.
    by_jurisdiction: BTreeMap<String, (Vec<NewEvent>, Vec<String>)>,
}

impl Tail {
    /// Adds what a report change leaves behind. The change's last event records the report's state
    /// after it whenever the change touched what the audit covers.
    pub(crate) fn add_change(&mut self, item: &WorkItem, change: &Change) {
        let mut events = change.events.clone();
        let after = item.state_after(change);
        let before = item.state_after(&Change::unchanged(item));
        if before != after
            && let Some(last) = events.last_mut()
        {
            last.state = Some(audit::state_json(&after));
        }
        self.add(&item.jurisdiction_id, events, change.jobs.iter().cloned(), &change.webhooks);
        self.after_photos.extend(change.after_photos.iter().map(|u| (item.id, u.clone())));
        self.locations.extend(change.location.map(|l| (item.id, l)));
    }

    /// Adds events, jobs and webhook events of jurisdiction `j`.
    pub(crate) fn add(
        &mut self,
        j: &str,
        events: impl IntoIterator<Item = NewEvent>,
        jobs: impl IntoIterator<Item = (String, String)>,
        webhooks: &[WebhookEvent],
    ) {
        let entry = self.by_jurisdiction.entry(j.to_owned()).or_default();
        entry.0.extend(events);
        entry.1.extend(webhooks.iter().map(|w| serde_json::to_string(w).expect("events always serialise")));
        self.jobs.extend(jobs);
    }

    /// Writes it all at `now`; the audit events last, since on SQLite the chain head is held from
    /// there to the commit.
    pub(crate) async fn write(self, tx: &mut Tx, now: i64) -> Result<()> {
        outbox::insert_jobs(tx, &self.jobs, now).await?;
        for (report_id, l) in &self.locations {
            tx.execute(
                "UPDATE reports SET lat = $1, lon = $2, district_id = $3 WHERE id = $4",
                &args![Some(l.at.lat()), Some(l.at.lon()), l.district_id, *report_id],
            )
            .await?;
        }
        for (report_id, url) in &self.after_photos {
            tx.execute(
                "INSERT INTO report_media (report_id, url, kind, created_at) VALUES ($1, $2, 'after', $3)",
                &args![*report_id, url.as_str(), now],
            )
            .await?;
        }
        for (j, (_, bodies)) in &self.by_jurisdiction {
            outbox::queue_webhooks(tx, j, bodies, now).await?;
        }
        for (j, (events, _)) in &self.by_jurisdiction {
            audit::append(tx, j, events).await?;
        }
        Ok(())
    }
}
