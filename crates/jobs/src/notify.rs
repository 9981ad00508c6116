//! Notifications: a `notify` job names an audience; it becomes one `email` job per recipient, sent in
//! the recipient's language through SMTP or, in development and tests, as `.eml` files.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use laksana_core::Clock;
use laksana_core::access::Role;
use laksana_core::notice::{Audience, Lang};
use laksana_store::jobs::{self, Job};
use laksana_store::outbox::{EMAIL_JOB, EmailPayload, NOTIFY_JOB, NotifyPayload};
use laksana_store::{Db, users, workflow};
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;

use crate::{Handler, JobError};

fn store_err(e: laksana_store::StoreError) -> JobError {
    JobError::Retry(e.to_string())
}

/// Resolves audiences to addresses.
pub struct Notify {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl Notify {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    /// `(email, language)` of everyone in `audience`.
    pub async fn recipients(&self, audience: &Audience) -> Result<Vec<(String, String)>, laksana_store::StoreError> {
        let db = &self.db;
        Ok(match audience {
            Audience::Reporter { report_id } => {
                // The reporter, the reporters of every duplicate that follows this report, and its followers.
                let mut out = Vec::new();
                let mut ids = vec![*report_id];
                // Reporters of duplicates follow the original, unless it is rahasia: its news are not theirs.
                let original_hidden = workflow::load_by_id(db, *report_id)
                    .await?
                    .is_some_and(|r| r.privacy == laksana_core::Privacy::Rahasia);
                if !original_hidden {
                    ids.extend(workflow::duplicates_of(db, *report_id).await?);
                    // Citizens who chose to follow it rather than report it again.
                    out.extend(laksana_store::followers::of(db, *report_id).await?);
                }
                for id in ids {
                    let Some(item) = workflow::load_by_id(db, id).await? else { continue };
                    let email = match (&item.reporter_email, item.user_id) {
                        (Some(e), _) => Some(e.clone()),
                        (None, Some(uid)) => users::get(db, uid).await?.map(|u| u.email),
                        (None, None) => None,
                    };
                    if let Some(e) = email {
                        out.push((e, item.reporter_language.clone()));
                    }
                }
                // One notice per address, whoever else it is among these.
                let mut seen = std::collections::HashSet::new();
                out.retain(|(e, _)| seen.insert(e.to_lowercase()));
                out
            }
            Audience::Officers { agency_id } => users::holders(db, Role::Officer, None, Some(*agency_id)).await?,
            Audience::AgencyHeads { agency_id } => users::holders(db, Role::AgencyHead, None, Some(*agency_id)).await?,
            Audience::Leaders { jurisdiction_id } => {
                users::holders(db, Role::Leader, Some(jurisdiction_id), None).await?
            }
            Audience::Operators { jurisdiction_id } => {
                users::holders(db, Role::Operator, Some(jurisdiction_id), None).await?
            }
        })
    }
}

impl Handler for Notify {
    fn kind(&self) -> &'static str {
        NOTIFY_JOB
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            let p: NotifyPayload =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let mut list = self.recipients(&p.audience).await.map_err(store_err)?;
            list.sort();
            list.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
            let emails: Vec<(String, String)> = list
                .into_iter()
                .map(|(to, language)| {
                    let payload = EmailPayload { to, language, notice: p.notice.clone() };
                    (EMAIL_JOB.to_owned(), serde_json::to_string(&payload).expect("notices always serialise"))
                })
                .collect();
            jobs::enqueue_all(&self.db, &emails, self.clock.now()).await.map_err(store_err)
        })
    }
}

/// Where email goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailConfig {
    /// Write each message as an `.eml` file in this directory (development, tests).
    Dir(PathBuf),
    /// An SMTP server, as a URL: `smtp://user:pass@host:587?tls=required` or `smtps://…`.
    Smtp(String),
}

enum Transport {
    Dir(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends one message per `email` job.
pub struct Mail {
    from: Mailbox,
    transport: Transport,
}

impl Mail {
    pub fn new(config: &MailConfig, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("mail.from {from:?}: {e}"))?;
        let transport = match config {
            MailConfig::Dir(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                Transport::Dir(AsyncFileTransport::new(dir))
            }
            MailConfig::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("mail.smtp_url: {e}"))?.build(),
            ),
        };
        Ok(Self { from, transport })
    }
}

impl Handler for Mail {
    fn kind(&self) -> &'static str {
        EMAIL_JOB
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            let p: EmailPayload =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let to: Mailbox = p.to.parse().map_err(|e| JobError::Permanent(format!("bad recipient address: {e}")))?;
            let (subject, body) = p.notice.render(Lang::parse(&p.language));
            let msg = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(subject)
                .header(lettre::message::header::ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(|e| JobError::Permanent(format!("message: {e}")))?;
            // The recipient is not logged: it may be a reporter's address.
            match &self.transport {
                Transport::Dir(t) => {
                    t.send(msg).await.map(|_| ()).map_err(|e| JobError::Retry(format!("writing the message: {e}")))
                }
                Transport::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| {
                    if e.is_permanent() {
                        JobError::Permanent(format!("smtp: {e}"))
                    } else {
                        JobError::Retry(format!("smtp: {e}"))
                    }
                }),
            }
        })
    }
}
