//! Webhook deliveries: POST the event's JSON with an HMAC-SHA256 signature; any answer but 2xx is
//! retried with the queue's backoff. Every attempt is logged.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use laksana_core::Clock;
use laksana_store::Db;
use laksana_store::jobs::Job;
use laksana_store::outbox::{WEBHOOK_JOB, WebhookPayload};
use laksana_store::webhooks::{self, Delivery};
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
    allow_private: bool,
}

/// Whether an address is on the public internet. Webhooks must not reach the server's own network
/// (loopback, private ranges, link-local cloud metadata…): a jurisdiction admin could otherwise probe it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xC0) == 64
                || v4.octets()[0] == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments()[0];
            !(v6.is_loopback() || v6.is_unspecified() || (seg & 0xfe00) == 0xfc00 || (seg & 0xffc0) == 0xfe80)
        }
    }
}

/// Resolves names and keeps only public addresses, so a name cannot point a delivery inward either.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| is_public(a.ip())).collect();
            if addrs.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl Webhook {
    /// `allow_private` lets deliveries reach loopback and private addresses (tests, closed networks).
    pub fn new(db: Db, clock: Arc<dyn Clock>, allow_private: bool) -> Self {
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Laksana-Webhook/1");
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder.build().expect("a client with these settings always builds");
        Self { db, clock, client, allow_private }
    }
}

impl Handler for Webhook {
    fn kind(&self) -> &'static str {
        WEBHOOK_JOB
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            let p: WebhookPayload =
                serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let Some(hook) = webhooks::get(&self.db, p.webhook_id).await.map_err(|e| JobError::Retry(e.to_string()))?
            else {
                return Ok(()); // removed since: nothing to deliver
            };
            if !hook.active {
                return Ok(());
            }
            let body = serde_json::to_vec(&p.body).expect("events always serialise");
            let literal = reqwest::Url::parse(&hook.url).ok().and_then(|u| match u.host() {
                Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
                _ => None,
            });
            if let Some(ip) = literal.filter(|ip| !self.allow_private && !is_public(*ip)) {
                let log = Delivery {
                    id: 0,
                    webhook_id: hook.id,
                    event_id: job.id,
                    attempt: job.attempts,
                    status_code: None,
                    error: Some(format!("refused: {ip} is not a public address")),
                    delivered_at: self.clock.now().as_micros(),
                };
                webhooks::record(&self.db, &log).await.map_err(|e| JobError::Retry(e.to_string()))?;
                return Err(JobError::Permanent(format!("webhook {} points at a non-public address", hook.id)));
            }
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
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "103.10.1.1", "2001:4860:4860::8888"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
