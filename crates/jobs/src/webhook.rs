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

/// IPv4 blocks that are not globally reachable (IANA's IPv4 special-purpose address registry, plus
/// multicast and the reserved 240/4), as (network, prefix length).
const IPV4_SPECIAL: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network"
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // shared address space (carrier-grade NAT)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local, cloud metadata
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation
    ([192, 88, 99, 0], 24),  // 6to4 relay anycast (deprecated)
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation
    ([203, 0, 113, 0], 24),  // documentation
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and the limited broadcast address
];

/// Blocks inside the global unicast range 2000::/3 that are not globally reachable, or that lead to
/// IPv4 addresses a gateway would pick (IANA's IPv6 special-purpose address registry).
const IPV6_SPECIAL: &[([u16; 8], u8)] = &[
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF protocol assignments, Teredo included
    ([0x2001, 0x0db8, 0, 0, 0, 0, 0, 0], 32), // documentation
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), // 6to4: carries an IPv4 address
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), // documentation
];

/// Whether an address is globally reachable on the internet. Webhooks must reach nothing else: not the
/// server's own network (loopback, private ranges, link-local cloud metadata), nor special-purpose,
/// multicast or translated ranges, or a jurisdiction admin could probe what lies behind the server.
/// IPv6 must be global unicast (2000::/3, outside its special blocks), which also refuses NAT64
/// (64:ff9b::/96), multicast, unique-local and site-local addresses; IPv4-mapped addresses are judged
/// as the IPv4 address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            !IPV4_SPECIAL.iter().any(|(net, len)| bits >> (32 - len) == u32::from_be_bytes(*net) >> (32 - len))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let bits = u128::from(v6);
            let global_unicast = bits >> 125 == 0b001;
            global_unicast
                && !IPV6_SPECIAL
                    .iter()
                    .any(|(net, len)| bits >> (128 - len) == u128::from(std::net::Ipv6Addr::from(*net)) >> (128 - len))
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
            // A proxy from the environment would resolve the target itself, past this check.
            builder = builder.dns_resolver(Arc::new(PublicOnly)).no_proxy();
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
            // Special-purpose blocks that are not loopback or private but must not be reached either.
            "198.18.0.1",
            "198.19.255.254",
            "240.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "192.0.0.8",
            "192.88.99.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "2002:a00:1::1",
            "2001::1",
            "2001:db8::1",
            "fec0::1",
            "ff02::1",
            "::a00:1",
            "100::1",
            "3fff::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in
            ["8.8.8.8", "103.10.1.1", "1.1.1.1", "198.20.0.1", "223.255.255.1", "2001:4860:4860::8888", "2404:6800::1"]
        {
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
