//! Notifications: a `notify` job names an audience; it becomes one `email` job per recipient, sent in
//! the recipient's language through SMTP or, in development and tests, as `.eml` files.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use laksana_core::Clock;
use laksana_core::access::Role;
use laksana_core::link::{LinkKey, Purpose};
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

    /// Everyone in `audience`, one entry per address.
    pub async fn recipients(&self, audience: &Audience) -> Result<Vec<Recipient>, laksana_store::StoreError> {
        let db = &self.db;
        let plain = |list: Vec<(String, String)>| {
            list.into_iter().map(|(email, language)| Recipient { email, language, reporter_of: None }).collect()
        };
        Ok(match audience {
            Audience::Reporter { report_id } => {
                // The reporter, the reporters of every duplicate that follows this report, and its followers.
                let mut out = Vec::new();
                let mut ids = vec![*report_id];
                let original = workflow::load_by_id(db, *report_id).await?;
                // Reporters of duplicates follow the original, unless it is rahasia: its news are not theirs.
                let original_hidden = original.as_ref().is_some_and(|r| r.privacy == laksana_core::Privacy::Rahasia);
                if !original_hidden {
                    ids.extend(workflow::duplicates_of(db, *report_id).await?);
                }
                for id in ids {
                    let item = if id == *report_id { original.clone() } else { workflow::load_by_id(db, id).await? };
                    let Some(item) = item else { continue };
                    let email = match (&item.reporter_email, item.user_id) {
                        (Some(e), _) => Some(e.clone()),
                        (None, Some(uid)) => users::get(db, uid).await?.map(|u| u.email),
                        (None, None) => None,
                    };
                    if let Some(email) = email {
                        // Only the report's own reporter gets the link that acts as its reporter.
                        let reporter_of = (id == *report_id).then(|| item.public_id.to_string());
                        out.push(Recipient { email, language: item.reporter_language.clone(), reporter_of });
                    }
                }
                if !original_hidden {
                    // Citizens who chose to follow it rather than report it again.
                    out.extend(plain(laksana_store::followers::of(db, *report_id).await?));
                }
                out
            }
            Audience::Officers { agency_id } => plain(users::holders(db, Role::Officer, None, Some(*agency_id)).await?),
            Audience::AgencyHeads { agency_id } => {
                plain(users::holders(db, Role::AgencyHead, None, Some(*agency_id)).await?)
            }
            Audience::Leaders { jurisdiction_id } => {
                plain(users::holders(db, Role::Leader, Some(jurisdiction_id), None).await?)
            }
            Audience::Operators { jurisdiction_id } => {
                plain(users::holders(db, Role::Operator, Some(jurisdiction_id), None).await?)
            }
        })
    }
}

/// One address a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub language: String,
    /// The report (public id) this recipient is the reporter of, when the notice is about it.
    pub reporter_of: Option<String>,
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
            // One notice per address; the reporter's own (with its link) wins over a follower's.
            list.sort_by_cached_key(|r| (r.email.to_lowercase(), r.reporter_of.is_none()));
            list.dedup_by(|a, b| a.email.eq_ignore_ascii_case(&b.email));
            let emails: Vec<(String, String)> = list
                .into_iter()
                .map(|r| {
                    let payload = EmailPayload {
                        to: r.email,
                        language: r.language,
                        notice: p.notice.clone(),
                        reporter_of: r.reporter_of,
                    };
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
    links: Option<Arc<Links>>,
}

/// What messages with signed links need: the deployment's key and where the pages are.
pub struct Links {
    db: Db,
    clock: Arc<dyn Clock>,
    public_url: String,
    /// The deployment's link key, read from the database on first use.
    key: tokio::sync::OnceCell<LinkKey>,
}

impl Links {
    pub fn new(db: Db, clock: Arc<dyn Clock>, public_url: &str) -> Self {
        Self { db, clock, public_url: public_url.trim_end_matches('/').to_owned(), key: tokio::sync::OnceCell::new() }
    }

    /// A URL of the pages: `path` on this deployment, signed for `purpose` and `subject` in its `t`
    /// parameter.
    pub(crate) async fn signed(&self, path: &str, purpose: Purpose, subject: &str) -> Result<String, JobError> {
        let key = self
            .key
            .get_or_try_init(|| async {
                let secret = laksana_store::accounts::deployment_secret(&self.db, "links", self.clock.now())
                    .await
                    .map_err(store_err)?;
                LinkKey::new(&secret).ok_or_else(|| JobError::Permanent("the link secret is too short".into()))
            })
            .await?;
        let token = key.sign(purpose, subject, self.clock.now());
        Ok(format!("{}{path}?t={token}", self.public_url))
    }

    /// The signed address of report `public_id`'s page for its reporter, and its token alone.
    async fn report_link(&self, public_id: &str) -> Result<(String, String), JobError> {
        let link = self.signed(&format!("/laporan/{public_id}"), Purpose::Report, public_id).await?;
        let token = link.rsplit_once("?t=").map(|(_, t)| t.to_owned()).unwrap_or_default();
        Ok((link, token))
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
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
        Ok(Self { from, transport, links: None })
    }

    /// Gives the reporter's messages a signed link to their report.
    pub fn with_links(mut self, links: Arc<Links>) -> Self {
        self.links = Some(links);
        self
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
            let lang = Lang::parse(&p.language);
            let link = match (&self.links, &p.reporter_of) {
                // Only for the report the notice is about: a payload cannot name another.
                (Some(links), Some(id)) if id == p.notice.public_id() => Some(links.report_link(id).await?),
                _ => None,
            };
            let (subject, body) = match &link {
                Some((link, token)) => p.notice.render_for_reporter(lang, link, token),
                None => p.notice.render(lang),
            };
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
