//! Intake shared by every channel that submits reports (Open311 and the JSON API): the checks a
//! new report must pass and the receipt it gets.

use std::collections::BTreeMap;

use laksana_core::notice::{self, Lang, Notice};
use laksana_core::open311::RETRY_WINDOW_SECS;
use laksana_core::report::Description;
use laksana_core::service::check_attributes;
use laksana_core::workflow::{ClockKind, Schedule};
use laksana_core::{Channel, Coordinates, Privacy, Status};
use laksana_store::apikeys::ApiKey;
use laksana_store::outbox::{EMAIL_JOB, EmailPayload, WebhookEvent};
use laksana_store::reports::{self, Accepted, NewReport, Reporter};

use super::{ServiceError, ServiceResult};
use crate::media;
use crate::state::{AppState, Catalog, JurisdictionInfo};

/// Free-text fields other than the description are short; this bounds them.
pub(crate) const MAX_FIELD_CHARS: usize = 200;
const MAX_MEDIA_URLS: usize = 10;

/// A submission as a client sent it, before any check.
#[derive(Debug, Default)]
pub(crate) struct IntakeInput {
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub privacy: Option<String>,
    pub attributes: BTreeMap<String, Vec<String>>,
    pub media_urls: Vec<String>,
    pub uploads: Vec<media::Upload>,
    /// Photos already stored in the media folder (a page's staged photos), by file name.
    pub stored: Vec<String>,
    pub client_key: Option<String>,
    /// The reporter's language for notices (`id` default, `en`).
    pub language: Option<String>,
    /// The signed-in citizen submitting, if any.
    pub user_id: Option<i64>,
}

/// The Open311 attribute answers among a form's fields: `attribute[CODE]` and, for lists,
/// `attribute[CODE][]`, in the order sent.
pub(crate) fn attribute_answers<'a>(
    pairs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        if let Some(code) =
            k.strip_prefix("attribute[").and_then(|r| r.strip_suffix("][]").or_else(|| r.strip_suffix(']')))
        {
            out.entry(code.to_owned()).or_default().push(v.clone());
        }
    }
    out
}

/// What the client is told after a successful submission.
#[derive(Debug)]
pub(crate) struct Receipt {
    pub accepted: Accepted,
    pub notice: String,
    pub account_id: Option<String>,
    /// The secret with which an anonymous reporter follows the report; shown once (not for retries).
    pub follow_up_code: Option<String>,
    /// When the report is to be verified by (UTC microseconds).
    pub verify_by: Option<i64>,
}

/// A follow-up code: 10 characters of the public-id alphabet, about 50 bits.
fn follow_up_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The key of a submission and the jurisdiction it may submit to, then the rate that applies: the
/// key's own when the key is valid, else the client address's (`server.intake_per_address_per_minute`),
/// so that a client without a valid key, or guessing keys, is bounded too. An app relaying many
/// citizens through one address is limited per key, never by its address. `found` is the key when it
/// was already looked up (before the body was read); else the key named `key` is.
pub(crate) async fn authenticate<'c>(
    state: &AppState,
    catalog: &'c Catalog,
    found: Option<ApiKey>,
    key: Option<&str>,
    requested_jurisdiction: Option<&str>,
    client: std::net::IpAddr,
) -> ServiceResult<(ApiKey, &'c JurisdictionInfo)> {
    let key = match found {
        Some(k) => k,
        None => find_key(state, key).await.map_err(|e| refused_key(state, client, e))?,
    };
    let j = key_scope(catalog, &key, requested_jurisdiction).map_err(|e| refused_key(state, client, e))?;
    count_submission(state, key.id)?;
    Ok((key, j))
}

/// Refuses (429) a key over its rate without counting a use: for a key known before the body is read.
pub(crate) fn check_key_rate(state: &AppState, key: &ApiKey) -> ServiceResult<()> {
    state.intake_key_blocked(key.id).map_or(Ok(()), |retry_after_secs| Err(key_limited(retry_after_secs)))
}

fn key_limited(retry_after_secs: u64) -> ServiceError {
    ServiceError::TooManyRequests {
        detail: "too many submissions with this api_key; slow down and try again shortly".into(),
        retry_after_secs,
    }
}

/// Counts a submission against key `key_id`'s rate; refused when the key is over it.
pub(crate) fn count_submission(state: &AppState, key_id: i64) -> ServiceResult<()> {
    state.intake_allowed(key_id).map_err(key_limited)
}

/// The answer to a submission refused for its key (`e`): counted against its client's address, and
/// 429 instead once the address is over its limit. Other failures (the database) count nothing.
pub(crate) fn refused_key(state: &AppState, client: std::net::IpAddr, e: ServiceError) -> ServiceError {
    if !matches!(e, ServiceError::Forbidden(_) | ServiceError::NotFound(_) | ServiceError::Unauthenticated(_)) {
        return e;
    }
    match state.intake_by_address(client) {
        Ok(()) => e,
        Err(retry_after_secs) => address_limited(retry_after_secs),
    }
}

/// Refuses (429) a client whose address used up its submissions without a valid key: checked before
/// reading a body whose key is not known yet, without counting anything.
pub(crate) fn check_address(state: &AppState, client: std::net::IpAddr) -> ServiceResult<()> {
    state.intake_address_blocked(client).map_or(Ok(()), |wait| Err(address_limited(wait)))
}

fn address_limited(retry_after_secs: u64) -> ServiceError {
    ServiceError::TooManyRequests {
        detail: "too many submissions without a valid api_key from this address; try again later".into(),
        retry_after_secs,
    }
}

/// The live API key named `key`: refused when missing, unknown, revoked or bound to a disabled account.
pub(crate) async fn find_key(state: &AppState, key: Option<&str>) -> ServiceResult<ApiKey> {
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ServiceError::Forbidden("api_key is required to submit a request".into()))?;
    let key = state.api_key(key).await?.ok_or_else(|| ServiceError::Forbidden("api_key is not valid".into()))?;
    // A key bound to an account stops the moment the account is disabled, not when the key cache
    // forgets it (keys of plain clients, the usual intake keys, cost no extra read).
    if let Some(uid) = key.user_id
        && laksana_store::users::active_grants(state.db(), uid).await?.is_none()
    {
        return Err(ServiceError::Forbidden("api_key belongs to a disabled account".into()));
    }
    Ok(key)
}

/// The jurisdiction `key` submits to, when it may act for the requested one.
pub(crate) fn key_scope<'c>(
    catalog: &'c Catalog,
    key: &ApiKey,
    requested_jurisdiction: Option<&str>,
) -> ServiceResult<&'c JurisdictionInfo> {
    if let Some(requested) = requested_jurisdiction.map(str::trim).filter(|s| !s.is_empty())
        && requested != key.jurisdiction_id
    {
        if catalog.get(requested).is_none() {
            return Err(ServiceError::NotFound(format!("jurisdiction_id {requested:?} is not served here")));
        }
        return Err(ServiceError::Forbidden(format!("api_key is not valid for jurisdiction_id {requested:?}")));
    }
    catalog
        .get(&key.jurisdiction_id)
        .ok_or_else(|| ServiceError::Forbidden("api_key belongs to a jurisdiction that is not served here".into()))
}

fn short(name: &str, v: Option<String>) -> ServiceResult<Option<String>> {
    match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        Some(v) if v.chars().count() > MAX_FIELD_CHARS => {
            Err(ServiceError::Invalid(format!("{name} is longer than {MAX_FIELD_CHARS} characters")))
        }
        Some(v) if v.chars().any(char::is_control) => {
            Err(ServiceError::Invalid(format!("{name} contains control characters")))
        }
        Some(v) => match laksana_core::report::plain_text_error(&v) {
            Some(e) => Err(ServiceError::Invalid(format!("{name} {e}"))),
            None => Ok(Some(v)),
        },
        None => Ok(None),
    }
}

/// Stores the report with its uploaded photos. A retry is recognised before any photo is decoded, and
/// photos of a submission that is not stored are removed again.
async fn store_with_uploads(
    state: &AppState,
    mut new: NewReport,
    already: Vec<String>,
    uploads: Vec<media::Upload>,
) -> ServiceResult<Accepted> {
    if !uploads.is_empty()
        && let Some(existing) = reports::find_existing(state.db(), &new).await?
    {
        return Ok(existing);
    }
    let dir = &state.config().media_dir;
    let mut stored = already;
    for upload in uploads {
        match media::store_image(dir, upload).await {
            Ok(name) => stored.push(name),
            Err(e) => {
                media::remove(dir, &stored);
                return Err(match e {
                    media::MediaError::Busy => ServiceError::Unavailable,
                    e => ServiceError::Invalid(format!("media: {e}")),
                });
            }
        }
    }
    for name in &stored {
        new.media_urls.push(format!("/media/{name}"));
        new.jobs.push((media::THUMBNAIL_JOB.to_owned(), name.clone()));
    }
    let result = reports::insert(state.db(), &new).await;
    if !matches!(result, Ok(Accepted { created: true, .. })) {
        media::remove(dir, &stored);
    }
    Ok(result?)
}

/// Checks a submission and stores it (or finds the report it is a retry of).
pub(crate) async fn submit(
    state: &AppState,
    j: &JurisdictionInfo,
    key: Option<&ApiKey>,
    channel: Channel,
    input: IntakeInput,
) -> ServiceResult<Receipt> {
    let bad = |msg: String| ServiceError::Invalid(msg);
    let code = input
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("service_code is required".into()))?;
    let service = j
        .service(code)
        .filter(|s| s.active && !s.staff)
        .ok_or_else(|| ServiceError::NotFound(format!("service_code {code:?} not found")))?;
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let location = match (nonempty(&input.lat), nonempty(&input.long)) {
        (Some(lat), Some(lon)) => Some(Coordinates::parse(&lat, &lon).map_err(|e| bad(e.to_string()))?),
        (Some(_), None) => return Err(bad("long is required when lat is given".into())),
        (None, Some(_)) => return Err(bad("lat is required when long is given".into())),
        (None, None) => None,
    };
    let address = short("address_string", input.address)?;
    let address_id = short("address_id", input.address_id)?;
    if location.is_none() && address.is_none() && address_id.is_none() {
        return Err(bad("a location is required: lat and long, address_string, or address_id".into()));
    }
    let description = match nonempty(&input.description) {
        Some(d) => Description::parse(&d).map_err(|e| bad(e.to_string()))?.as_str().to_owned(),
        None => String::new(),
    };
    let email = short("email", input.email)?;
    if let Some(e) = &email
        && !laksana_core::ids::plausible_email(e)
    {
        return Err(bad(format!("email is not a valid address: {e:?}")));
    }
    let attributes = check_attributes(&service.attributes, &input.attributes, j.tz).map_err(|e| bad(e.to_string()))?;
    let mut media_urls = Vec::new();
    for url in input.media_urls.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.len() > 2_000
            || url.contains(char::is_whitespace)
        {
            return Err(bad(format!("media_url must be an http(s) URL of at most 2000 characters: {url:?}")));
        }
        media_urls.push(url.to_owned());
    }
    if media_urls.len() + input.uploads.len() > MAX_MEDIA_URLS {
        return Err(bad(format!("at most {MAX_MEDIA_URLS} media are accepted per request")));
    }
    let privacy = match nonempty(&input.privacy) {
        Some(p) => {
            Privacy::parse(&p).ok_or_else(|| bad(format!("privacy must be publik, anonim or rahasia, got {p:?}")))?
        }
        None => Privacy::Publik,
    };
    // A private service's reports are never public, whatever the client asked for.
    let privacy = if service.private { Privacy::Rahasia } else { privacy };
    let (first_name, last_name, phone) =
        (short("first_name", input.first_name)?, short("last_name", input.last_name)?, short("phone", input.phone)?);
    let (zipcode, device_id, account_id) = (
        short("zipcode", input.zipcode)?,
        short("device_id", input.device_id)?,
        short("account_id", input.account_id)?,
    );
    let now = state.clock().now();
    let status = Status::Submitted;
    let clock = ClockKind::Verification;
    let deadline = Some(j.calendar.deadline(now, j.deadlines.days(clock, service.sla_tier.default_working_days())));
    let tick =
        deadline.and_then(|d| Schedule { calendar: &j.calendar, deadlines: &j.deadlines }.next(clock, d, -1, now));
    let code = follow_up_code();
    let language = Lang::parse(input.language.as_deref().unwrap_or("id"));
    let mut notices = Vec::new();
    // A receipt goes to the address given, unverified: a few per hour at most, or anyone could flood an
    // inbox through the city's server. The report is stored either way.
    if let Some(to) = email.as_ref().filter(|to| state.receipt_allowed(to)) {
        let notice = Notice::Received {
            public_id: "{public_id}".into(),
            follow_up_code: Some(code.clone()),
            verify_by: deadline
                .map(|d| d.to_utc().with_timezone(&j.tz).format("%d-%m-%Y").to_string())
                .unwrap_or_default(),
        };
        let payload = EmailPayload {
            to: to.clone(),
            language: language.as_str().into(),
            notice,
            reporter_of: Some("{public_id}".into()),
        };
        notices.push((EMAIL_JOB.to_owned(), serde_json::to_string(&payload).expect("notices always serialise")));
    }
    let webhook = privacy.is_listed_publicly().then(|| WebhookEvent {
        jurisdiction_id: j.id().to_owned(),
        service_request_id: String::new(),
        kind: "status".into(),
        status: Some(status.as_str().into()),
        note: None,
        at: now.as_micros(),
    });
    let new = NewReport {
        jurisdiction_id: j.id().to_owned(),
        service_id: service.id,
        agency_id: service.agency_id,
        description,
        location,
        address,
        address_id,
        zipcode,
        district_id: location.and_then(|c| j.districts.locate(c)),
        attributes,
        reporter: Reporter { email, first_name, last_name, phone },
        device_id,
        account_id: account_id.clone(),
        privacy,
        channel,
        status,
        requested_at: now,
        updated_at: now,
        deadline_at: deadline,
        media_urls,
        jobs: Vec::new(),
        api_key_id: key.map(|k| k.id),
        client_key: nonempty(&input.client_key).map(|k| k.chars().take(MAX_FIELD_CHARS).collect()),
        retry_window_secs: RETRY_WINDOW_SECS,
        user_id: input.user_id,
        reporter_language: language.as_str().into(),
        follow_up_hash: Some(laksana_store::apikeys::hash_key(&code)),
        clock: Some(clock),
        next_tick: tick.map(|t| (t.at, t.stage)),
        notices,
        webhook,
    };
    let accepted = store_with_uploads(state, new, input.stored, input.uploads).await?;
    if accepted.created {
        metrics::counter!("laksana_reports_received_total", "channel" => channel.as_str()).increment(1);
    }
    let follow_up_code = accepted.created.then_some(code);
    let receipt = if accepted.created {
        notice::Receipt::Received {
            public_id: accepted.public_id.to_string(),
            verify_by: deadline.map(|d| {
                (d.to_utc().with_timezone(&j.tz).format("%d-%m-%Y").to_string(), j.calendar.working_days_left(now, d))
            }),
            follow_up_code: follow_up_code.clone(),
        }
    } else {
        notice::Receipt::Retry { public_id: accepted.public_id.to_string() }
    };
    let notice = receipt.render(language);
    Ok(Receipt { accepted, notice, account_id, follow_up_code, verify_by: deadline.map(|d| d.as_micros()) })
}
