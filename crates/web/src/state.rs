//! What every handler shares: the database, the clock, configuration, and an in-memory snapshot of
//! the slowly changing catalog (jurisdictions, services, districts, calendars).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use laksana_core::Clock;
use laksana_core::calendar::Calendar;
use laksana_store::apikeys::{self, ApiKey};
use laksana_store::catalog::{self, Jurisdiction, Service};
use laksana_store::geo::DistrictIndex;
use laksana_store::{Db, StoreError};

use crate::limit::{Limiter, client_key};
use metrics_exporter_prometheus::PrometheusHandle;

/// Open reports per status.
pub type StatusCounts = Vec<(laksana_core::Status, i64)>;

/// How long the staff queue's counts per status are reused: counting a city's open reports takes tens
/// of milliseconds at a million reports, and many staff open the queue at once.
pub const QUEUE_COUNTS_FOR: Duration = Duration::from_secs(10);

/// How long the per-agency overview is reused: a management view, costly at a million reports.
pub const AGENCY_LOADS_FOR: Duration = Duration::from_secs(60);

/// How long the public figures of one filter are reused: a dashboard says its figures may be this old.
pub const STATS_FOR: Duration = Duration::from_secs(60);
/// Public-figure computations and open-data exports that may read the database at once (per
/// instance); more wait briefly, then are told to come back.
pub const STATS_AT_ONCE: usize = 2;
pub const EXPORTS_AT_ONCE: usize = 4;

/// Open survey responses one client address may give per hour (per instance): a household or an
/// office behind one address answers a few times, a script does not get far.
pub const OPEN_SURVEYS_PER_HOUR: u32 = 10;

/// Values computed from the database and reused for a while, by key (a bounded number of keys: all
/// are forgotten when it is full).
pub(crate) struct TtlCache<V> {
    ttl: Duration,
    map: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> TtlCache<V> {
    fn new(ttl: Duration) -> Self {
        Self { ttl, map: Mutex::new(HashMap::new()) }
    }

    /// The value of `key`, if it was stored less than the time to live ago.
    pub(crate) fn get(&self, key: &str) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    /// Forgets every value whose key starts with `prefix` (on this instance; others forget with time).
    pub(crate) fn forget(&self, prefix: &str) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|k, _| !k.starts_with(prefix));
    }

    pub(crate) fn put(&self, key: String, value: V) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= 1_000 {
            map.clear();
        }
        map.insert(key, (Instant::now(), value));
    }
}

/// OpenStreetMap's standard tiles, the default map of the pages.
pub const DEFAULT_TILES_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
/// The attribution OpenStreetMap's tiles require.
pub const DEFAULT_TILES_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where uploaded media are kept (`data_dir/media`).
    pub media_dir: PathBuf,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Contact line for Open311 discovery when a jurisdiction has none.
    pub contact: String,
    /// The URL at which clients reach this server (for links to uploaded media), e.g. `https://laksana.example.go.id`.
    pub public_url: String,
    /// Mark the session cookie `Secure` (the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// The bearer token `/metrics` requires; without one only loopback clients may read it.
    pub metrics_token: Option<String>,
    /// Submissions one API key may make per minute (about: counted over one to two minutes); 0: no limit.
    pub intake_per_key_per_minute: u32,
    /// Submissions one client address may make per minute without an API key (about: counted over one
    /// to two minutes); a submission with a valid key counts against the key instead. 0: no limit.
    pub intake_per_address_per_minute: u32,
    /// Receipt emails one address may get per hour; further submissions are stored without one.
    pub receipts_per_address_per_hour: u32,
    /// Proxies whose `X-Forwarded-For` is believed for the client's address (none by default).
    pub trusted_proxies: Vec<crate::limit::Network>,
    /// The map tiles of the pages: a URL template with `{z}`, `{x}`, `{y}` (and `{s}`), and the
    /// attribution the tile server requires.
    pub map_tiles_url: String,
    pub map_tiles_attribution: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            media_dir: PathBuf::from("data/media"),
            max_upload_bytes: 10 * 1024 * 1024,
            contact: String::new(),
            public_url: String::new(),
            secure_cookies: false,
            metrics_token: None,
            intake_per_key_per_minute: 600,
            intake_per_address_per_minute: 30,
            receipts_per_address_per_hour: 5,
            trusted_proxies: Vec::new(),
            map_tiles_url: DEFAULT_TILES_URL.into(),
            map_tiles_attribution: DEFAULT_TILES_ATTRIBUTION.into(),
        }
    }
}

/// A jurisdiction with everything intake and output need, ready in memory.
#[derive(Debug)]
pub struct JurisdictionInfo {
    pub jurisdiction: Jurisdiction,
    pub tz: Tz,
    pub calendar: Calendar,
    pub services: Vec<Service>,
    pub districts: DistrictIndex,
    /// `(id, name)` of its districts, by name (the map's polygons are in `districts`).
    pub district_names: Vec<(i64, String)>,
    pub agency_names: HashMap<i64, String>,
    /// Agency and district codes by id: what open data and filters name them by.
    pub agency_codes: HashMap<i64, String>,
    pub district_codes: HashMap<i64, String>,
    /// Agencies that take no new reports (they keep their names for the reports they have).
    pub inactive_agencies: Vec<i64>,
    pub deadlines: laksana_core::workflow::Deadlines,
}

impl JurisdictionInfo {
    /// The lifecycle rules of this jurisdiction, with links made from `public_url`.
    pub fn rules(&self, public_url: &str) -> laksana_store::lifecycle::Rules {
        laksana_store::lifecycle::Rules {
            calendar: self.calendar.clone(),
            deadlines: self.deadlines,
            public_url: public_url.to_owned(),
        }
    }

    pub fn id(&self) -> &str {
        &self.jurisdiction.id
    }

    /// `(id, name)` of the agencies that take new reports, by name: what a report may be sent to.
    pub fn active_agencies_by_name(&self) -> Vec<(i64, String)> {
        let mut list = self.agencies_by_name();
        list.retain(|(id, _)| !self.inactive_agencies.contains(id));
        list
    }

    /// `(id, name)` of its agencies, by name.
    pub fn agencies_by_name(&self) -> Vec<(i64, String)> {
        let mut list: Vec<(i64, String)> = self.agency_names.iter().map(|(id, n)| (*id, n.clone())).collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    }

    /// The id of the agency with this code.
    pub fn agency_id(&self, code: &str) -> Option<i64> {
        self.agency_codes.iter().find(|(_, c)| c.as_str() == code).map(|(id, _)| *id)
    }

    /// The id of the district with this code.
    pub fn district_id(&self, code: &str) -> Option<i64> {
        self.district_codes.iter().find(|(_, c)| c.as_str() == code).map(|(id, _)| *id)
    }

    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }
}

/// The catalog snapshot.
#[derive(Debug, Default)]
pub struct Catalog {
    pub jurisdictions: Vec<JurisdictionInfo>,
}

/// Why a request's `jurisdiction_id` could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JurisdictionError {
    #[error("jurisdiction_id is required: this server hosts several jurisdictions ({0})")]
    Required(String),
    #[error("jurisdiction_id {0:?} is not served here")]
    Unknown(String),
    #[error("no jurisdiction is configured yet; run `laksana seed --demo` or add one")]
    NoneConfigured,
}

impl Catalog {
    pub async fn load(db: &Db) -> Result<Catalog, StoreError> {
        let mut jurisdictions = Vec::new();
        for j in catalog::jurisdictions(db).await? {
            let calendar = laksana_store::seed::calendar(db, &j).await?;
            let services = catalog::services(db, &j.id).await?;
            let district_rows = catalog::districts(db, &j.id).await?;
            let districts = DistrictIndex::new(&district_rows);
            let district_codes = district_rows.iter().map(|d| (d.id, d.code.clone())).collect();
            let mut district_names: Vec<(i64, String)> = district_rows.into_iter().map(|d| (d.id, d.name)).collect();
            district_names.sort_by(|a, b| a.1.cmp(&b.1));
            let agencies = catalog::agencies(db, &j.id).await?;
            let inactive_agencies = agencies.iter().filter(|a| !a.active).map(|a| a.id).collect();
            let agency_codes = agencies.iter().map(|a| (a.id, a.code.clone())).collect();
            let agency_names = agencies.into_iter().map(|a| (a.id, a.name)).collect();
            jurisdictions.push(JurisdictionInfo {
                deadlines: j.deadlines(),
                tz: calendar.time_zone(),
                calendar,
                jurisdiction: j,
                services,
                districts,
                district_names,
                agency_names,
                agency_codes,
                district_codes,
                inactive_agencies,
            });
        }
        Ok(Catalog { jurisdictions })
    }

    pub fn get(&self, id: &str) -> Option<&JurisdictionInfo> {
        self.jurisdictions.iter().find(|j| j.id() == id)
    }

    /// The jurisdiction a request means: the one named, or the only one there is.
    pub fn resolve(&self, requested: Option<&str>) -> Result<&JurisdictionInfo, JurisdictionError> {
        self.resolve_index(requested).map(|i| &self.jurisdictions[i])
    }

    fn resolve_index(&self, requested: Option<&str>) -> Result<usize, JurisdictionError> {
        match requested.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => self
                .jurisdictions
                .iter()
                .position(|j| j.id() == id)
                .ok_or_else(|| JurisdictionError::Unknown(id.to_owned())),
            None => match self.jurisdictions.as_slice() {
                [_] => Ok(0),
                [] => Err(JurisdictionError::NoneConfigured),
                many => Err(JurisdictionError::Required(many.iter().map(|j| j.id()).collect::<Vec<_>>().join(", "))),
            },
        }
    }
}

/// One jurisdiction of a catalog snapshot, owned: the snapshot lives as long as this handle, so a
/// handler can keep it across awaits while a newer catalog is swapped in.
#[derive(Debug, Clone)]
pub struct JurisdictionRef {
    catalog: Arc<Catalog>,
    index: usize,
}

impl std::ops::Deref for JurisdictionRef {
    type Target = JurisdictionInfo;

    fn deref(&self) -> &JurisdictionInfo {
        &self.catalog.jurisdictions[self.index]
    }
}

impl JurisdictionRef {
    /// The jurisdiction `requested` names in `catalog`, or its only one (see [`Catalog::resolve`]).
    pub fn resolve(catalog: Arc<Catalog>, requested: Option<&str>) -> Result<JurisdictionRef, JurisdictionError> {
        let index = catalog.resolve_index(requested)?;
        Ok(JurisdictionRef { catalog, index })
    }

    /// The jurisdiction with this id, if the catalog has it.
    pub fn get(catalog: Arc<Catalog>, id: &str) -> Option<JurisdictionRef> {
        let index = catalog.jurisdictions.iter().position(|j| j.id() == id)?;
        Some(JurisdictionRef { catalog, index })
    }
}

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// How long a looked-up API key is trusted without asking the database again; a revoked key stops
/// working within this time.
const API_KEY_TTL: Duration = Duration::from_secs(60);

/// Wrong follow-up codes a client address may send per window before its codes are refused (per
/// instance): with 50-bit codes, guessing stays hopeless, and a client can only lock out itself.
const FOLLOW_UP_TRIES: u32 = 20;
const FOLLOW_UP_WINDOW: Duration = Duration::from_secs(3600);
/// Wrong follow-up codes one report may receive per window from all addresses together. With 50-bit
/// codes 200 guesses an hour leave no chance; a reporter, who has the code, never comes near it.
const FOLLOW_UP_PER_REPORT: u32 = 200;
/// Keys a throttle remembers per generation (see `limit`): about 10 MB at most per throttle.
const THROTTLE_KEYS: usize = 100_000;
/// Account emails one address may be sent per hour: a citizen asks for a link once or twice.
pub(crate) const ACCOUNT_MAILS_PER_HOUR: u32 = 3;
const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Sign-in throttles (per instance). Failed sign-ins are counted per client address, per client and
/// account together, and per account, whether the account exists or not, so that a refusal never tells
/// which emails have accounts. A client that has not failed for an account may still sign in to it:
/// nobody can lock someone else out from another address.
pub(crate) struct SignInThrottle {
    /// Guessing many accounts from one address.
    pub by_client: Limiter<std::net::IpAddr>,
    /// Guessing one account's password from one address.
    pub by_pair: Limiter<(std::net::IpAddr, String)>,
    /// Guessing one account's password from many addresses: applies to clients that failed for it.
    pub by_account: Limiter<String>,
}

struct Inner {
    api_keys: Mutex<HashMap<String, (Option<ApiKey>, Instant)>>,
    /// The staff queue's counts per status, by jurisdiction and agency scope, for a few seconds.
    queue_counts: TtlCache<StatusCounts>,
    /// The per-agency overview, by jurisdiction and agency scope, for a minute.
    agency_loads: TtlCache<Vec<laksana_store::queue::AgencyLoad>>,
    /// The tallies behind the public figures, by jurisdiction and filter.
    stats: TtlCache<Arc<laksana_store::stats::Tallies>>,
    /// The IKM of every unit, by jurisdiction and period.
    ikm: TtlCache<Arc<Vec<crate::service::surveys::UnitIkm>>>,
    /// Open survey responses per client address.
    open_surveys: Limiter<std::net::IpAddr>,
    /// Bounds the work of public figures and exports: anyone may ask for any filter.
    stats_gate: tokio::sync::Semaphore,
    export_gate: Arc<tokio::sync::Semaphore>,
    follow_up: Limiter<std::net::IpAddr>,
    /// Wrong follow-up codes per report, from any address: bounds guessing spread over many addresses.
    follow_up_by_report: Limiter<String>,
    sign_in: SignInThrottle,
    /// Submissions per API key (see [`WebConfig::intake_per_key_per_minute`]).
    intake_by_key: Limiter<i64>,
    /// Submissions per client address (see [`WebConfig::intake_per_address_per_minute`]).
    intake_by_address: Limiter<std::net::IpAddr>,
    /// Receipt emails per address (a digest of it), so that nobody can flood an inbox through us.
    receipts_by_address: Limiter<String>,
    db: Db,
    clock: Arc<dyn Clock>,
    config: WebConfig,
    catalog: RwLock<Arc<Catalog>>,
    metrics: Option<PrometheusHandle>,
    /// Signs and checks the links in emails; the same on every instance (kept in the database).
    links: laksana_core::link::LinkKey,
    /// Account emails (confirmation, new password) per address digest, so that nobody can flood an
    /// inbox through the sign-up or reset forms.
    account_mail: Limiter<String>,
}

impl AppState {
    /// Loads the catalog and builds the state.
    pub async fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        config: WebConfig,
        metrics: Option<PrometheusHandle>,
    ) -> Result<Self, StoreError> {
        let catalog = Catalog::load(&db).await?;
        let secret = laksana_store::accounts::deployment_secret(&db, "links", clock.now()).await?;
        let links = laksana_core::link::LinkKey::new(&secret)
            .ok_or_else(|| StoreError::Corrupt("the link-signing secret is shorter than 32 bytes".into()))?;
        crate::media::clear_incoming(&config.media_dir);
        Ok(Self(Arc::new(Inner {
            api_keys: Mutex::new(HashMap::new()),
            queue_counts: TtlCache::new(QUEUE_COUNTS_FOR),
            agency_loads: TtlCache::new(AGENCY_LOADS_FOR),
            stats: TtlCache::new(STATS_FOR),
            ikm: TtlCache::new(STATS_FOR),
            open_surveys: Limiter::new(OPEN_SURVEYS_PER_HOUR, Duration::from_secs(3600), THROTTLE_KEYS),
            stats_gate: tokio::sync::Semaphore::new(STATS_AT_ONCE),
            export_gate: Arc::new(tokio::sync::Semaphore::new(EXPORTS_AT_ONCE)),
            follow_up: Limiter::new(FOLLOW_UP_TRIES, FOLLOW_UP_WINDOW, THROTTLE_KEYS),
            follow_up_by_report: Limiter::new(FOLLOW_UP_PER_REPORT, FOLLOW_UP_WINDOW, THROTTLE_KEYS),
            intake_by_key: Limiter::new(config.intake_per_key_per_minute, Duration::from_secs(60), THROTTLE_KEYS),
            intake_by_address: Limiter::new(
                config.intake_per_address_per_minute,
                Duration::from_secs(60),
                THROTTLE_KEYS,
            ),
            receipts_by_address: Limiter::new(
                config.receipts_per_address_per_hour,
                Duration::from_secs(3600),
                THROTTLE_KEYS,
            ),
            sign_in: SignInThrottle {
                by_client: Limiter::new(20, SIGN_IN_WINDOW, THROTTLE_KEYS),
                by_pair: Limiter::new(5, SIGN_IN_WINDOW, THROTTLE_KEYS),
                by_account: Limiter::new(50, SIGN_IN_WINDOW, THROTTLE_KEYS),
            },
            db,
            clock,
            config,
            catalog: RwLock::new(Arc::new(catalog)),
            metrics,
            links,
            account_mail: Limiter::new(ACCOUNT_MAILS_PER_HOUR, Duration::from_secs(3600), THROTTLE_KEYS),
        })))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn clock(&self) -> &dyn Clock {
        self.0.clock.as_ref()
    }

    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    /// The key that signs and checks the links in emails.
    pub fn links(&self) -> &laksana_core::link::LinkKey {
        &self.0.links
    }

    /// Takes one account email for `address` (confirmation or new-password link); `false` once the
    /// address had [`ACCOUNT_MAILS_PER_HOUR`] this hour (on this instance).
    pub(crate) fn account_mail_allowed(&self, address: &str) -> bool {
        self.0.account_mail.take(laksana_store::apikeys::hash_key(&address.trim().to_lowercase())).is_ok()
    }

    pub fn metrics(&self) -> Option<&PrometheusHandle> {
        self.0.metrics.as_ref()
    }

    /// The live API key with this plain text. Answers (including "no such key") are remembered for a
    /// minute, so intake does not read the key table on every submission.
    pub async fn api_key(&self, plain: &str) -> Result<Option<ApiKey>, StoreError> {
        let hash = apikeys::hash_key(plain);
        let lock = || self.0.api_keys.lock().expect("the key cache lock is never poisoned: no code panics holding it");
        if let Some((key, at)) = lock().get(&hash)
            && at.elapsed() < API_KEY_TTL
        {
            return Ok(key.clone());
        }
        let key = apikeys::find(&self.0.db, plain).await?;
        let mut cache = lock();
        // Guessed keys must not grow the cache without bound.
        if cache.len() > 10_000 {
            cache.retain(|_, (k, at)| k.is_some() && at.elapsed() < API_KEY_TTL);
        }
        cache.insert(hash, (key.clone(), Instant::now()));
        Ok(key)
    }

    /// Forgets every remembered key answer, so a key revoked here is refused from the next request
    /// on (other instances refuse it once their minute is up).
    pub fn forget_api_keys(&self) {
        self.0.api_keys.lock().expect("the key cache lock is never poisoned: no code panics holding it").clear();
    }

    /// Whether this client sent too many wrong follow-up codes lately.
    pub fn follow_up_blocked(&self, client: std::net::IpAddr) -> bool {
        self.0.follow_up.blocked(&client_key(client)).is_some()
    }

    /// Whether report `public_id` received too many wrong follow-up codes lately, from anywhere.
    pub fn follow_up_report_blocked(&self, public_id: &str) -> bool {
        self.0.follow_up_by_report.blocked(&public_id.to_owned()).is_some()
    }

    /// Counts a wrong follow-up code sent by this client (for this report, when the path names one).
    pub fn follow_up_failed(&self, client: std::net::IpAddr, report: Option<String>) {
        self.0.follow_up.failed(client_key(client));
        if let Some(r) = report {
            self.0.follow_up_by_report.failed(r);
        }
    }

    /// The address of the client that sent a request: its TCP peer, or what a trusted proxy says
    /// (`X-Forwarded-For`, see [`WebConfig::trusted_proxies`]); unspecified when unknown (in-process calls).
    pub fn client_address(
        &self,
        extensions: &axum::http::Extensions,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        let peer = extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |c| c.0.ip());
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        crate::limit::client_address(peer, forwarded, &self.0.config.trusted_proxies)
    }

    /// Counts a submission by API key `key`; when the key is over its limit, the seconds to wait instead.
    pub(crate) fn intake_allowed(&self, key: i64) -> Result<(), u64> {
        if self.0.config.intake_per_key_per_minute == 0 {
            return Ok(());
        }
        self.0.intake_by_key.take(key)
    }

    /// Seconds to wait when key `key` is over its limit; counts nothing.
    pub(crate) fn intake_key_blocked(&self, key: i64) -> Option<u64> {
        if self.0.config.intake_per_key_per_minute == 0 {
            return None;
        }
        self.0.intake_by_key.blocked(&key)
    }

    /// Counts a submission without a valid key from `client` (by its /64 for IPv6); when the address is
    /// over its limit, the seconds to wait instead.
    pub(crate) fn intake_by_address(&self, client: std::net::IpAddr) -> Result<(), u64> {
        if self.0.config.intake_per_address_per_minute == 0 {
            return Ok(());
        }
        self.0.intake_by_address.take(client_key(client))
    }

    /// Seconds to wait when `client` has used up its submissions without a valid key; counts nothing.
    pub(crate) fn intake_address_blocked(&self, client: std::net::IpAddr) -> Option<u64> {
        if self.0.config.intake_per_address_per_minute == 0 {
            return None;
        }
        self.0.intake_by_address.blocked(&client_key(client))
    }

    /// Counts a receipt email to `address`; `false` when the address had its share this hour.
    pub(crate) fn receipt_allowed(&self, address: &str) -> bool {
        self.0.receipts_by_address.take(apikeys::hash_key(&address.to_lowercase())).is_ok()
    }

    /// The sign-in throttles.
    pub(crate) fn sign_in(&self) -> &SignInThrottle {
        &self.0.sign_in
    }

    /// The staff queue's counts per status, reused for [`QUEUE_COUNTS_FOR`].
    pub(crate) fn queue_counts(&self) -> &TtlCache<StatusCounts> {
        &self.0.queue_counts
    }

    /// The per-agency overview, reused for [`AGENCY_LOADS_FOR`].
    pub(crate) fn agency_loads(&self) -> &TtlCache<Vec<laksana_store::queue::AgencyLoad>> {
        &self.0.agency_loads
    }

    pub(crate) fn stats_cache(&self) -> &TtlCache<Arc<laksana_store::stats::Tallies>> {
        &self.0.stats
    }

    pub(crate) fn ikm_cache(&self) -> &TtlCache<Arc<Vec<crate::service::surveys::UnitIkm>>> {
        &self.0.ikm
    }

    /// Takes one open survey response for `client`; the seconds to wait once it had its share.
    pub(crate) fn open_survey_allowed(&self, client: std::net::IpAddr) -> Result<(), u64> {
        self.0.open_surveys.take(client)
    }

    pub(crate) fn stats_gate(&self) -> &tokio::sync::Semaphore {
        &self.0.stats_gate
    }

    pub(crate) fn export_gate(&self) -> Arc<tokio::sync::Semaphore> {
        self.0.export_gate.clone()
    }

    /// The current catalog snapshot.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.0.catalog.read().expect("the catalog lock is never poisoned: writers only swap an Arc").clone()
    }

    /// Re-reads the catalog from the database (after an admin change, or periodically so that several
    /// instances converge).
    pub async fn reload_catalog(&self) -> Result<(), StoreError> {
        let fresh = Arc::new(Catalog::load(&self.0.db).await?);
        *self.0.catalog.write().expect("the catalog lock is never poisoned: writers only swap an Arc") = fresh;
        Ok(())
    }
}
