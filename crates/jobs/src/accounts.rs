//! Account emails the page must not wait for: a new-password request is answered at once, alike for
//! every address, and the looking up happens here.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use laksana_core::access::Role;
use laksana_core::link::{self, Purpose};
use laksana_core::notice::Notice;
use laksana_store::jobs::{self, Job};
use laksana_store::outbox::{EMAIL_JOB, EmailPayload, PASSWORD_RESET_JOB, PasswordResetPayload};
use laksana_store::{Db, accounts, catalog, users};

use crate::notify::Links;
use crate::{Handler, JobError};

/// Answers a new-password request: when the address has an active account whose password a link may
/// reset (a citizen's: staff get theirs from an administrator, so a staff mailbox is not a way into
/// the staff pages), it queues the email with a link good for an hour; otherwise nothing is sent.
pub struct PasswordReset {
    db: Db,
    links: Arc<Links>,
}

impl PasswordReset {
    pub fn new(db: Db, links: Arc<Links>) -> Self {
        Self { db, links }
    }

    async fn run_for(&self, email: &str) -> Result<(), JobError> {
        let retry = |e: laksana_store::StoreError| JobError::Retry(e.to_string());
        let Some(user) = users::find_by_email(&self.db, email).await.map_err(retry)? else { return Ok(()) };
        let Some(b) = accounts::bindings(&self.db, user.id).await.map_err(retry)? else { return Ok(()) };
        let grants = users::grants_of(&self.db, user.id).await.map_err(retry)?;
        if grants.iter().any(|g| g.role != Role::Citizen) {
            return Ok(());
        }
        let subject = link::account_subject(user.id, &b.password_hash);
        let url = self.links.signed("/sandi/baru", Purpose::ResetPassword, &subject).await?;
        // The deployment's first jurisdiction's zone (accounts belong to none).
        let tz = catalog::jurisdictions(&self.db)
            .await
            .map_err(retry)?
            .first()
            .and_then(|j| laksana_core::time::parse_time_zone(&j.time_zone))
            .unwrap_or(chrono_tz::Asia::Jakarta);
        let now = self.links.clock().now();
        let until = now.plus_seconds(Purpose::ResetPassword.lifetime_secs()).to_utc().with_timezone(&tz);
        let notice = Notice::ResetPassword { url, valid_until: until.format("%d-%m-%Y %H:%M").to_string() };
        let payload = EmailPayload { to: user.email, language: user.language, notice, reporter_of: None };
        let job = (EMAIL_JOB.to_owned(), serde_json::to_string(&payload).expect("notices always serialise"));
        jobs::enqueue_all(&self.db, &[job], now).await.map_err(retry)
    }
}

impl Handler for PasswordReset {
    fn kind(&self) -> &'static str {
        PASSWORD_RESET_JOB
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            let p: PasswordResetPayload =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            self.run_for(&p.email).await
        })
    }
}
