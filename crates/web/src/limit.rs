//! Throttling of guesses (follow-up codes, sign-ins): per-instance counts of failures by key, bounded
//! in memory and O(1) per request, whatever the number of keys an attacker brings.
//!
//! Counts live in two generations, each one window long: a key's count is its count in the current
//! generation plus the previous one, so a failure weighs for one to two windows. When the window ends,
//! or the current generation holds as many keys as allowed, the previous generation is dropped and
//! the current one takes its place. Memory is therefore at most two generations of `capacity` keys,
//! and no request ever scans the map. An attacker who brings more keys than `capacity` within a window
//! ages everyone's counts faster; they still never grow the map.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures by key within a sliding window of one to two `window`s.
pub struct Limiter<K> {
    max: u32,
    window: Duration,
    capacity: usize,
    gens: Mutex<Generations<K>>,
}

struct Generations<K> {
    current: HashMap<K, u32>,
    previous: HashMap<K, u32>,
    started: Instant,
}

impl<K: Hash + Eq> Generations<K> {
    fn used(&self, key: &K) -> u32 {
        let count = |m: &HashMap<K, u32>| m.get(key).copied().unwrap_or(0);
        count(&self.current).saturating_add(count(&self.previous))
    }
}

impl<K: Hash + Eq> Limiter<K> {
    /// Refuses a key after `max` failures; remembers at most `capacity` keys per generation.
    pub fn new(max: u32, window: Duration, capacity: usize) -> Self {
        Self {
            max,
            window,
            capacity,
            gens: Mutex::new(Generations {
                current: HashMap::new(),
                previous: HashMap::new(),
                started: Instant::now(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations<K>> {
        let mut g = self.gens.lock().expect("the limiter lock is never poisoned: no code panics holding it");
        let elapsed = g.started.elapsed();
        if elapsed >= self.window {
            g.previous = if elapsed >= 2 * self.window { HashMap::new() } else { std::mem::take(&mut g.current) };
            g.current.clear();
            g.started = Instant::now();
        }
        g
    }

    /// The failures counted for `key`.
    pub fn failures(&self, key: &K) -> u32 {
        let g = self.lock();
        g.used(key)
    }

    /// Seconds after which `key` may try again, when it has reached the limit.
    pub fn blocked(&self, key: &K) -> Option<u64> {
        let g = self.lock();
        let used = g.used(key);
        (used >= self.max).then(|| self.wait(&g, key))
    }

    /// Until `key`'s failures age out: its failures in the previous generation weigh until the current
    /// one ends too.
    fn wait(&self, g: &Generations<K>, key: &K) -> u64 {
        let left = self.window.saturating_sub(g.started.elapsed());
        let left = if g.previous.contains_key(key) { left + self.window } else { left };
        left.as_secs().max(1)
    }

    /// Counts a failure of `key`.
    pub fn failed(&self, key: K) {
        let mut g = self.lock();
        Self::count(&mut g, key, self.capacity);
    }

    /// Counts one use of `key` unless it has reached the limit; then the seconds to wait instead. The
    /// check and the count are one step, so concurrent uses cannot all pass before any is counted.
    pub fn take(&self, key: K) -> Result<(), u64> {
        let mut g = self.lock();
        let used = g.used(&key);
        if used >= self.max {
            return Err(self.wait(&g, &key));
        }
        Self::count(&mut g, key, self.capacity);
        Ok(())
    }

    fn count(g: &mut Generations<K>, key: K, capacity: usize) {
        if g.current.len() >= capacity && !g.current.contains_key(&key) {
            g.previous = std::mem::take(&mut g.current);
            g.started = Instant::now();
        }
        *g.current.entry(key).or_insert(0) += 1;
    }

    /// Takes back one counted failure of `key` (an attempt counted up front that turned out well).
    pub fn refund(&self, key: &K) {
        let mut g = self.lock();
        if let Some(n) = g.current.get_mut(key).filter(|n| **n > 0) {
            *n -= 1;
        } else if let Some(n) = g.previous.get_mut(key).filter(|n| **n > 0) {
            *n -= 1;
        }
    }

    /// Forgets the failures of `key` (after a success).
    pub fn forget(&self, key: &K) {
        let mut g = self.lock();
        g.current.remove(key);
        g.previous.remove(key);
    }
}

/// The key a client address is counted under: an IPv6 client usually holds a whole /64, so that is
/// one client; an IPv4-mapped address is its IPv4 address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

/// A network a proxy may forward from: an address and a prefix length (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses `ADDRESS` or `ADDRESS/PREFIX`.
    pub fn parse(s: &str) -> Result<Network, String> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| format!("{s:?} is not an IP address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("{s:?}: bad prefix length"))?,
            None => max,
        };
        Ok(Network { addr, prefix })
    }

    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |len: u32, a: u128, b: u128| {
            let p = u32::from(self.prefix);
            p == 0 || (a >> (len - p)) == (b >> (len - p))
        };
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(i)) => bits(32, u128::from(u32::from(n)), u128::from(u32::from(i))),
            (IpAddr::V6(n), IpAddr::V6(i)) => bits(128, u128::from(n), u128::from(i)),
            _ => false,
        }
    }
}

/// The client's address: the TCP peer, unless the peer is one of the `trusted` proxies. Then it is
/// the last address in `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address
/// it received from, so the entries before are the client's own word and not believed).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Network]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(list) = forwarded_for else { return peer };
    let mut client = peer;
    for hop in list.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_at_the_limit_and_forgotten_after_success() {
        let l = Limiter::new(3, Duration::from_secs(60), 100);
        for _ in 0..2 {
            l.failed("a");
        }
        assert_eq!(l.blocked(&"a"), None);
        l.failed("a");
        let wait = l.blocked(&"a").expect("blocked at 3");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(l.blocked(&"b"), None, "other keys are not affected");
        l.forget(&"a");
        assert_eq!(l.failures(&"a"), 0);
    }

    #[test]
    fn memory_stays_bounded_whatever_the_number_of_keys() {
        let l = Limiter::new(3, Duration::from_secs(3600), 1_000);
        for i in 0..100_000u32 {
            l.failed(i);
        }
        let g = l.gens.lock().unwrap();
        assert!(g.current.len() <= 1_000 && g.previous.len() <= 1_000, "{} {}", g.current.len(), g.previous.len());
    }

    #[test]
    fn failures_age_out_after_two_windows() {
        let l = Limiter::new(1, Duration::from_millis(30), 10);
        l.failed("a");
        assert!(l.blocked(&"a").is_some());
        std::thread::sleep(Duration::from_millis(65));
        assert_eq!(l.blocked(&"a"), None);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted = [Network::parse("10.0.0.0/8").unwrap(), Network::parse("::1").unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not through a trusted proxy: the header is the client's word, and ignored.
        assert_eq!(client_address(ip("203.0.113.9"), Some("1.2.3.4"), &trusted), ip("203.0.113.9"));
        assert_eq!(client_address(ip("10.1.1.1"), None, &[]), ip("10.1.1.1"));
        // Through trusted proxies: the last address before them; what the client claimed before is not believed.
        assert_eq!(
            client_address(ip("10.1.1.1"), Some("6.6.6.6, 198.51.100.7, 10.2.2.2"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(client_address(ip("::1"), Some("2001:db8::5"), &trusted), ip("2001:db8::5"));
        assert_eq!(client_address(ip("::ffff:10.1.1.1"), Some("198.51.100.7"), &trusted), ip("198.51.100.7"));
        // A garbled entry stops the walk at the last good hop.
        assert_eq!(client_address(ip("10.1.1.1"), Some("junk, 10.3.3.3"), &trusted), ip("10.3.3.3"));
        assert!(Network::parse("10.0.0.0/33").is_err() && Network::parse("nope").is_err());
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        assert_eq!(client_key("::ffff:10.1.2.3".parse().unwrap()), "10.1.2.3".parse::<IpAddr>().unwrap());
        assert_eq!(client_key("10.1.2.3".parse().unwrap()), "10.1.2.3".parse::<IpAddr>().unwrap());
    }
}
