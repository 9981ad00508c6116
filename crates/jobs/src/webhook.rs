//! Webhook deliveries: POST the event's JSON with an HMAC-SHA256 signature; any answer but 2xx is
//! retried with the queue's backoff. Every attempt is logged.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use laksana_core::Clock;
use laksana_store::jobs::Job;
use laksana_store::outbox::{WebhookPayload, WEBHOOK_JOB};
use laksana_store::webhooks::{self, Delivery};
use laksana_store::Db;
use sha2::Sha256;

use crate::{Handler, JobError};

/// The header that carries `sha256=HEX`.
pub const SIGNATURE_HEADER: &str = "X-Laksana-Signature";

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub struct Webhook {
    db: Db,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
}

impl Webhook {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Laksana-Webhook/1")
            .build()
            .expect("a client with these settings always builds");
        Self { db, clock, client }
    }
}

impl Handler for Webhook {
    fn kind(&self) -> &'static str {
        WEBHOOK_JOB
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            let p: WebhookPayload = serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let Some(hook) = webhooks::get(&self.db, p.webhook_id).await.map_err(|e| JobError::Retry(e.to_string()))? else {
                return Ok(()); // removed since: nothing to deliver
            };
            if !hook.active {
                return Ok(());
            }
            let body = serde_json::to_vec(&p.body).expect("events always serialise");
            let sent = self
                .client
                .post(&hook.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, signature(&hook.secret, &body))
                .header("X-Laksana-Delivery", job.id.to_string())
                .body(body)
                .send()
                .await;
            let (status_code, error) = match &sent {
                Ok(r) if r.status().is_success() => (Some(i64::from(r.status().as_u16())), None),
                Ok(r) => (Some(i64::from(r.status().as_u16())), Some(format!("answered {}", r.status()))),
                Err(e) => (None, Some(e.to_string())),
            };
            let log = Delivery {
                id: 0,
                webhook_id: hook.id,
                event_id: job.id,
                attempt: job.attempts,
                status_code,
                error: error.clone(),
                delivered_at: self.clock.now().as_micros(),
            };
            webhooks::record(&self.db, &log).await.map_err(|e| JobError::Retry(e.to_string()))?;
            match error {
                None => Ok(()),
                Some(e) => Err(JobError::Retry(e)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
