//! Accounts for citizens, all optional: signing up (confirmed by an emailed link), "my reports", and a
//! new password by email. A report made while signed in belongs to the account: its reporter needs no
//! follow-up code to confirm, rate or reopen it.
//!
//! No answer tells whether an address has an account: signing up with a taken address, or asking for a
//! new password for an unknown one, looks the same to the visitor; the owner of a taken address is told
//! by email instead. Every form is throttled per client address before it is read, and account emails
//! per recipient, so nobody can flood an inbox through these forms.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laksana_core::Timestamp;
use laksana_core::link::{self, LinkError, Purpose};
use laksana_core::notice::Notice;
use laksana_store::accounts::{self, SignUp};
use laksana_store::outbox::{EMAIL_JOB, EmailPayload, PASSWORD_RESET_JOB, PasswordResetPayload};
use laksana_store::users::{MIN_PASSWORD_CHARS, NewUser, User};
use serde::Deserialize;

use super::staff::Staff;
use super::view::{colour_class, status_text};
use super::{Chrome, ClientAddr, PageError, read_form, require_same_origin};
use crate::service::ServiceError;
use crate::state::AppState;

/// A page that only says something: what happened, and where to go next.
#[derive(Template, WebTemplate)]
#[template(path = "pages/message.html")]
pub(super) struct MessagePage {
    pub chrome: Chrome,
    pub title: String,
    pub message: String,
    /// `(href, label)` of the next step.
    pub next: Option<(String, String)>,
    /// Whether the message reports a failure (shown as an alert).
    pub bad: bool,
}

impl MessagePage {
    /// A page that says something went through, with an optional next step.
    pub(super) fn done(chrome: Chrome, title: String, message: String, next: Option<(&str, String)>) -> Response {
        let next = next.map(|(href, label)| (href.to_owned(), label));
        MessagePage { chrome, title, message, next, bad: false }.into_response()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/sign_up.html")]
struct SignUpPage {
    chrome: Chrome,
    email: String,
    name: String,
    errors: BTreeMap<&'static str, String>,
}

/// `GET /daftar`.
pub(super) async fn sign_up_form(chrome: Chrome) -> Response {
    SignUpPage { chrome, email: String::new(), name: String::new(), errors: BTreeMap::new() }.into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct SignUpForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

/// Refuses a client that sent too many forms lately (the submission limit per address), before its
/// form is read.
fn throttle(state: &AppState, chrome: &Chrome, client: std::net::IpAddr) -> Result<(), PageError> {
    state.intake_by_address(client).map_err(|retry_after_secs| {
        chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs })
    })
}

/// `POST /daftar`: opens an account and emails the link that confirms it. A taken address gets the same
/// answer, and its owner an email that says so.
pub(super) async fn sign_up(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    throttle(&state, &chrome, client)?;
    let f: SignUpForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let (email, name) = (f.email.trim().to_lowercase(), f.name.trim().to_owned());
    let mut errors = BTreeMap::new();
    if !laksana_core::ids::plausible_email(&email) {
        errors.insert("email", t.get("submit-email-invalid"));
    }
    if name.chars().count() > 100 {
        errors.insert("name", t.get("account-name-long"));
    }
    if f.password.chars().count() < MIN_PASSWORD_CHARS {
        errors.insert("password", t.arg("password-short", "min", MIN_PASSWORD_CHARS));
    } else if f.password != f.repeat {
        errors.insert("repeat", t.get("password-mismatch"));
    }
    if !errors.is_empty() {
        let page = SignUpPage { chrome, email, name, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let new = NewUser {
        email: email.clone(),
        display_name: name,
        language: t.lang.as_str().into(),
        password: Some(f.password),
    };
    let now = state.clock().now();
    match accounts::sign_up(state.db(), &new, now).await.map_err(|e| chrome.fail(e.into()))? {
        SignUp::Created(user) => send_confirmation(&state, &chrome, &user).await?,
        SignUp::Exists(user) => {
            let base = state.config().public_url.trim_end_matches('/').to_owned();
            let notice =
                Notice::AccountExists { sign_in_url: format!("{base}/masuk"), reset_url: format!("{base}/sandi/lupa") };
            send(&state, &chrome, &user, notice).await?;
        }
    }
    Ok(MessagePage::done(chrome, t.get("account-sent-title"), t.arg("account-sent", "email", email), None))
}

/// The deployment's time zone for the validity of account links (accounts belong to no jurisdiction):
/// the first jurisdiction's.
fn zone(state: &AppState) -> chrono_tz::Tz {
    state.catalog().jurisdictions.first().map_or(chrono_tz::Asia::Jakarta, |j| j.tz)
}

/// Emails `user` the link that confirms their address (within the per-address limit).
pub(super) async fn send_confirmation(state: &AppState, chrome: &Chrome, user: &User) -> Result<(), PageError> {
    let now = state.clock().now();
    let token = state.links().sign(Purpose::ConfirmEmail, &link::account_subject(user.id, &user.email), now);
    let notice = Notice::ConfirmAccount {
        url: format!("{}/daftar/konfirmasi?t={token}", state.config().public_url.trim_end_matches('/')),
        valid_until: chrome.t.datetime(now.plus_seconds(Purpose::ConfirmEmail.lifetime_secs()), zone(state)),
    };
    send(state, chrome, user, notice).await
}

/// Queues `notice` to `user`'s address, unless the address had its share of account emails this hour.
async fn send(state: &AppState, chrome: &Chrome, user: &User, notice: Notice) -> Result<(), PageError> {
    if !state.account_mail_allowed(&user.email) {
        return Ok(());
    }
    let payload = EmailPayload { to: user.email.clone(), language: user.language.clone(), notice, reporter_of: None };
    let job = (EMAIL_JOB.to_owned(), serde_json::to_string(&payload).expect("notices always serialise"));
    laksana_store::jobs::enqueue_all(state.db(), &[job], state.clock().now()).await.map_err(|e| chrome.fail(e.into()))
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenQuery {
    #[serde(default)]
    t: String,
}

/// The account a token of `purpose` names, if the token is good and still bound to what it was made for
/// (`bound_to` of the account's bindings).
async fn account_of_token(
    state: &AppState,
    chrome: &Chrome,
    purpose: Purpose,
    token: &str,
    bound_to: fn(&accounts::Bindings) -> &str,
) -> Result<Result<accounts::Bindings, LinkError>, PageError> {
    let now = state.clock().now();
    // A first password through an invitation is set like a new one.
    let verified = match state.links().verify(purpose, token, now) {
        Err(LinkError::Invalid) if purpose == Purpose::ResetPassword => {
            state.links().verify(Purpose::Invite, token, now)
        }
        other => other,
    };
    let subject = match verified {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let Some(id) = link::account_of(&subject) else { return Ok(Err(LinkError::Invalid)) };
    let b = accounts::bindings(state.db(), id).await.map_err(|e| chrome.fail(e.into()))?;
    // A token for an address or password the account no longer has is spent.
    Ok(b.filter(|b| link::account_subject(id, bound_to(b)) == subject).ok_or(LinkError::Invalid))
}

fn link_failed(chrome: Chrome, e: LinkError, next: (&str, String)) -> Response {
    let t = chrome.t;
    let message = if e == LinkError::Expired { t.get("link-expired") } else { t.get("link-invalid") };
    let page = MessagePage {
        title: t.get("link-failed-title"),
        message,
        next: Some((next.0.to_owned(), next.1)),
        bad: true,
        chrome,
    };
    (StatusCode::FORBIDDEN, page).into_response()
}

/// `GET /daftar/konfirmasi?t=…`: the link in the sign-up email. Confirming twice is harmless.
pub(super) async fn confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let t = chrome.t;
    match account_of_token(&state, &chrome, Purpose::ConfirmEmail, &q.t, |b| &b.user.email).await? {
        Ok(b) => {
            accounts::confirm_email(state.db(), b.user.id, state.clock().now())
                .await
                .map_err(|e| chrome.fail(e.into()))?;
            Ok(MessagePage::done(
                chrome,
                t.get("account-confirmed-title"),
                t.get("account-confirmed"),
                Some(("/masuk?kembali=/saya", t.get("sign-in-send"))),
            ))
        }
        // Signing in with the right password sends a fresh link.
        Err(e) => Ok(link_failed(chrome, e, ("/masuk?kembali=/saya", t.get("account-confirm-again")))),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

/// `GET /sandi/lupa`.
pub(super) async fn forgot_form(chrome: Chrome) -> Response {
    ForgotPage { chrome, email: String::new(), error: None }.into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /sandi/lupa`: asks the worker to email a link that sets a new password, which it does for a
/// citizen's account that exists and is not disabled; the answer is the same either way.
pub(super) async fn forgot(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    throttle(&state, &chrome, client)?;
    let f: ForgotForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let email = f.email.trim().to_lowercase();
    if !laksana_core::ids::plausible_email(&email) {
        let page = ForgotPage { error: Some(t.get("submit-email-invalid")), email, chrome };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    // Nothing is looked up here: the worker finds the account, if any, so that the answer is the same,
    // and as quick, for every address.
    if state.account_mail_allowed(&email) {
        let payload = PasswordResetPayload { email: email.clone() };
        let job = (PASSWORD_RESET_JOB.to_owned(), serde_json::to_string(&payload).expect("payloads always serialise"));
        laksana_store::jobs::enqueue_all(state.db(), &[job], state.clock().now())
            .await
            .map_err(|e| chrome.fail(e.into()))?;
    }
    Ok(MessagePage::done(chrome, t.get("account-sent-title"), t.arg("forgot-sent", "email", email), None))
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/new_password.html")]
struct NewPasswordPage {
    chrome: Chrome,
    token: String,
    error: Option<String>,
}

/// `GET /sandi/baru?t=…`: the link in the new-password email; the form, if the link is still good.
pub(super) async fn new_password_form(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let t = chrome.t;
    match account_of_token(&state, &chrome, Purpose::ResetPassword, &q.t, |b| &b.password_hash).await? {
        Ok(_) => Ok(NewPasswordPage { chrome, token: q.t, error: None }.into_response()),
        Err(e) => Ok(link_failed(chrome, e, ("/sandi/lupa", t.get("forgot-again")))),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct NewPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /sandi/baru`: sets the new password (the link then stops working: it was bound to the old
/// one), ends every session of the account, and confirms its address.
pub(super) async fn new_password(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    throttle(&state, &chrome, client)?;
    let f: NewPasswordForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let b = match account_of_token(&state, &chrome, Purpose::ResetPassword, &f.token, |b| &b.password_hash).await? {
        Ok(b) => b,
        Err(e) => return Ok(link_failed(chrome, e, ("/sandi/lupa", t.get("forgot-again")))),
    };
    let error = if f.new.chars().count() < MIN_PASSWORD_CHARS {
        Some(t.arg("password-short", "min", MIN_PASSWORD_CHARS))
    } else if f.new != f.repeat {
        Some(t.get("password-mismatch"))
    } else {
        None
    };
    if let Some(error) = error {
        let page = NewPasswordPage { chrome, token: f.token, error: Some(error) };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let done = accounts::reset_password(state.db(), &b.user, &b.password_hash, &f.new, state.clock().now())
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    if !done {
        // Another use of the same link came first.
        return Ok(link_failed(chrome, LinkError::Invalid, ("/sandi/lupa", t.get("forgot-again"))));
    }
    Ok(MessagePage::done(
        chrome,
        t.get("password-title"),
        t.get("forgot-done"),
        Some(("/masuk", t.get("sign-in-send"))),
    ))
}

/// One of my reports.
struct Mine {
    public_id: String,
    service: String,
    status: String,
    colour: &'static str,
    requested: String,
    rahasia: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/mine.html")]
struct MinePage {
    chrome: Chrome,
    name: String,
    email: String,
    reports: Vec<Mine>,
    page: u64,
    more: bool,
    /// Jurisdictions to report in: `(id, name)`.
    places: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MineQuery {
    /// The page number; anything else is the first page.
    #[serde(default)]
    hal: String,
}

/// Reports per page of "my reports".
const MINE_PER_PAGE: u32 = 20;

/// `GET /saya`: the reports made while signed in, newest first, in pages.
pub(super) async fn mine(
    State(state): State<AppState>,
    chrome: Chrome,
    me: Staff,
    Query(q): Query<MineQuery>,
) -> Result<Response, PageError> {
    let uid = me.caller.principal.user_id.expect("the Staff extractor only admits signed-in people");
    let user = laksana_store::users::get(state.db(), uid)
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .ok_or_else(|| chrome.fail(ServiceError::Unauthenticated(String::new())))?;
    let page = q.hal.trim().parse::<u64>().unwrap_or(1).clamp(1, 10_000);
    let offset = (page - 1) * u64::from(MINE_PER_PAGE);
    // One more than a page tells whether there is a next one.
    let mut rows = laksana_store::reports::of_user(state.db(), uid, MINE_PER_PAGE + 1, offset)
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    let more = rows.len() > MINE_PER_PAGE as usize;
    rows.truncate(MINE_PER_PAGE as usize);
    let catalog = state.catalog();
    let t = chrome.t;
    let reports = rows
        .into_iter()
        .map(|r| {
            let tz = catalog.get(r.jurisdiction_id.as_str()).map_or(chrono_tz::Asia::Jakarta, |j| j.tz);
            Mine {
                public_id: r.public_id.to_string(),
                service: r.service_name,
                status: status_text(&t, r.status),
                colour: colour_class(r.status),
                requested: t.date(Timestamp::from_micros(r.requested_at), tz),
                rahasia: r.privacy == laksana_core::Privacy::Rahasia,
            }
        })
        .collect();
    let places = catalog.jurisdictions.iter().map(|j| (j.id().to_owned(), j.jurisdiction.name.clone())).collect();
    Ok(MinePage { chrome, name: user.display_name, email: user.email, reports, page, more, places }.into_response())
}
