//! A report's page: its status in colour and words, the public timeline, photos, the agency and the
//! deadline. With the follow-up code (the tracking form), its reporter may also answer a question,
//! confirm a resolution and rate it, or reopen it with a reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Request;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use laksana_core::access::Operation;
use laksana_core::limits::Rating;
use laksana_core::link::{LinkError, Purpose};
use laksana_core::workflow::{Command, Text};
use laksana_core::{Privacy, Status, Timestamp};
use laksana_store::reports;
use serde::Deserialize;

use super::view::{Facts, colour_class, status_text};
use super::{Chrome, ClientAddr, PageError, read_form, report_jurisdiction, require_same_origin};
use crate::service::actions::{self, Expected};
use crate::service::reports::{events, load};
use crate::service::{Caller, ServiceError, caller};
use crate::state::AppState;

/// One line of the public timeline.
#[derive(Debug, Clone)]
pub(super) struct Line {
    when: String,
    status: Option<String>,
    colour: &'static str,
    note: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/report.html")]
pub(super) struct ReportPage {
    chrome: Chrome,
    jurisdiction_id: String,
    facts: Facts,
    timeline: Vec<Line>,
    photos: Vec<String>,
    /// How the visitor showed they are the reporter, when they did: their forms carry it on.
    proof: Option<Proof>,
    can_confirm: bool,
    can_answer: bool,
    /// What happened after the visitor's last action, if anything.
    notice: Option<String>,
    error: Option<String>,
    /// Citizens who chose to follow this report instead of filing the same problem.
    followers: i64,
}

/// How a visitor showed they are a report's reporter.
#[derive(Debug, Clone)]
pub(super) struct Proof {
    /// The form field that carries it on (`code` or `token`), empty for a signed-in account (its
    /// session cookie carries it).
    field: &'static str,
    value: String,
}

impl Proof {
    fn code(code: &str) -> Proof {
        Proof { field: "code", value: code.to_owned() }
    }

    fn link(token: &str) -> Proof {
        Proof { field: "token", value: token.to_owned() }
    }

    /// The follow-up code, when that is the proof.
    fn follow_up_code(&self) -> Option<&str> {
        (self.field == "code").then_some(self.value.as_str())
    }
}

/// Loads and renders report `id` for `caller`, with `proof` when the visitor showed one (the code is
/// checked here; a signed link was checked into `caller.reporter_of`).
async fn render(
    state: &AppState,
    chrome: Chrome,
    caller: Caller,
    id: &str,
    proof: Option<Proof>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let not_found = || chrome.fail(ServiceError::NotFound(String::new()));
    let j = report_jurisdiction(state, &chrome, id).await?;
    let code = proof.as_ref().and_then(Proof::follow_up_code);
    let l = load(state, &j, caller, code, id, |_| Operation::Read).await.map_err(|e| chrome.fail(e))?;
    let report =
        reports::get(state.db(), j.id(), id).await.map_err(|e| chrome.fail(e.into()))?.ok_or_else(not_found)?;
    let t = chrome.t;
    // A signed-in reporter needs no code: their account is the proof.
    let is_reporter = laksana_core::access::standing(&l.caller.principal, &l.scope()).reporter;
    let proof = proof.or_else(|| is_reporter.then(|| Proof { field: "", value: String::new() }));
    let timeline = events(state, &l)
        .await
        .map_err(|e| chrome.fail(e))?
        .into_iter()
        .filter(|e| e.is_public)
        .map(|e| {
            let status = e.status.as_deref().and_then(|s| s.parse::<Status>().ok());
            Line {
                when: t.datetime(Timestamp::from_micros(e.created_at), j.tz),
                status: status.map(|s| status_text(&t, s)),
                colour: status.map_or("none", colour_class),
                note: e.note.filter(|n| !n.is_empty()),
            }
        })
        .collect();
    // Photos of a rahasia report are never on a page (their files are not served to the public either).
    let photos = if report.privacy == Privacy::Rahasia {
        Vec::new()
    } else {
        reports::media_of(state.db(), &[report.id])
            .await
            .map_err(|e| chrome.fail(e.into()))?
            .into_iter()
            .map(|(_, u)| u)
            .collect()
    };
    let followers = laksana_store::followers::count(state.db(), report.id).await.map_err(|e| chrome.fail(e.into()))?;
    Ok(ReportPage {
        jurisdiction_id: j.id().to_owned(),
        facts: Facts::new(&t, &report, &j, state.clock().now()),
        timeline,
        photos,
        can_confirm: is_reporter && report.status == Status::Resolved,
        can_answer: is_reporter && report.status == Status::NeedsInfo,
        proof,
        notice,
        error,
        followers,
        chrome,
    }
    .into_response())
}

/// The visitor as the pages know them: their session's account, or nobody.
async fn visitor(state: &AppState, method: &Method, headers: &HeaderMap) -> Caller {
    caller::caller(state, method, headers).await.unwrap_or_else(|_| Caller::anonymous())
}

#[derive(Debug, Deserialize)]
pub(super) struct ShowQuery {
    /// A signed link's token, from an email to the reporter.
    t: Option<String>,
}

/// `GET /laporan/{id}`: the report as the visitor may see it (a `rahasia` one is not found).
///
/// With `?t=` (the signed link in the reporter's emails) the reporter sees it as with their code; an
/// expired or broken link leads to the tracking form instead, which says so.
pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ShowQuery>,
) -> Result<Response, PageError> {
    let mut caller = visitor(&state, &method, &headers).await;
    let Some(token) = q.t.filter(|t| !t.is_empty()) else {
        return render(&state, chrome, caller, &id, None, None, None).await;
    };
    let id = normalise_id(&id);
    match state.links().verify(Purpose::Report, &token, state.clock().now()) {
        Ok(subject) if subject == id => {
            caller.reporter_of = Some(id.clone());
            render(&state, chrome, caller, &id, Some(Proof::link(&token)), None, None).await
        }
        outcome => {
            let key = if outcome == Err(LinkError::Expired) { "link-expired" } else { "link-invalid" };
            let page = TrackPage { error: Some(chrome.t.get(key)), id, chrome };
            Ok((axum::http::StatusCode::FORBIDDEN, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/track.html")]
pub(super) struct TrackPage {
    chrome: Chrome,
    id: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct TrackQuery {
    id: Option<String>,
}

/// `GET /lacak[?id=…]`: the form to follow a report with its id and follow-up code.
pub(super) async fn track_form(chrome: Chrome, axum::extract::Query(q): axum::extract::Query<TrackQuery>) -> Response {
    let id = q.id.as_deref().and_then(laksana_core::PublicId::parse).map(|p| p.to_string()).unwrap_or_default();
    TrackPage { chrome, id, error: None }.into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct TrackForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    code: String,
}

/// Refuses a client (or a report) that sent too many wrong follow-up codes, as the APIs do.
fn check_code_rate(state: &AppState, chrome: &Chrome, client: std::net::IpAddr, id: &str) -> Result<(), PageError> {
    if state.follow_up_blocked(client) || state.follow_up_report_blocked(id) {
        return Err(chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs: 3600 }));
    }
    Ok(())
}

/// Counts a wrong code against the client and the report.
fn count_wrong_code(state: &AppState, client: std::net::IpAddr, id: &str, e: &ServiceError) {
    if matches!(e, ServiceError::WrongFollowUpCode { .. }) {
        state.follow_up_failed(client, laksana_core::PublicId::parse(id).map(|p| p.to_string()));
    }
}

fn normalise_id(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

/// `POST /lacak`: shows the report to its reporter, or the form again with what went wrong.
pub(super) async fn track(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    // A client that sent too many wrong codes is refused before its form is read.
    if state.follow_up_blocked(client) {
        return Err(chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs: 3600 }));
    }
    let f: TrackForm = read_form(req, &chrome).await?;
    let id = normalise_id(&f.id);
    let code = f.code.trim().to_ascii_uppercase();
    let t = chrome.t;
    if id.is_empty() || code.is_empty() {
        return Ok(TrackPage { error: Some(t.get("track-missing")), id, chrome }.into_response());
    }
    check_code_rate(&state, &chrome, client, &id)?;
    match render(&state, chrome.clone(), Caller::anonymous(), &id, Some(Proof::code(&code)), None, None).await {
        Ok(page) => Ok(page),
        Err(PageError { error, .. })
            if matches!(error, ServiceError::WrongFollowUpCode { .. } | ServiceError::NotFound(_)) =>
        {
            count_wrong_code(&state, client, &id, &error);
            let page = TrackPage { error: Some(t.get("track-wrong")), id, chrome };
            Ok((axum::http::StatusCode::FORBIDDEN, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ActForm {
    #[serde(default)]
    code: String,
    /// A signed link's token, for a reporter who came from an email.
    #[serde(default)]
    token: String,
    #[serde(default)]
    action: String,
    /// The status the reporter saw.
    #[serde(default)]
    status: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    text: String,
}

/// `POST /laporan/{id}`: the reporter (by code, signed link or account) answers a question, confirms
/// (and rates) or reopens. The page comes back with what happened, or with the report as it now is
/// when someone acted first.
pub(super) async fn act(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    let id = normalise_id(&id);
    check_code_rate(&state, &chrome, client, &id)?;
    let mut caller = visitor(&state, req.method(), req.headers()).await;
    let f: ActForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let token = f.token.trim();
    let proof = if !token.is_empty() {
        match state.links().verify(Purpose::Report, token, state.clock().now()) {
            Ok(subject) if subject == id => caller.reporter_of = Some(id.clone()),
            outcome => {
                let key = if outcome == Err(LinkError::Expired) { "link-expired" } else { "link-invalid" };
                let page = TrackPage { error: Some(t.get(key)), id, chrome };
                return Ok((axum::http::StatusCode::FORBIDDEN, page).into_response());
            }
        }
        Some(Proof::link(token))
    } else {
        let code = f.code.trim().to_ascii_uppercase();
        (!code.is_empty()).then(|| Proof::code(&code))
    };
    let text = || Text::parse(&f.text).map_err(|_| t.get("act-text-needed"));
    let cmd = match f.action.as_str() {
        "confirm" => match f.rating.trim() {
            "" => Ok(Command::Confirm { rating: None }),
            r => r
                .parse::<u8>()
                .ok()
                .and_then(|n| Rating::new(n).ok())
                .map(|rating| Command::Confirm { rating: Some(rating) })
                .ok_or_else(|| t.get("act-rating-range")),
        },
        "reopen" => text().map(|reason| Command::Reopen { reason }),
        "answer" => text().map(|answer| Command::ProvideInfo { answer }),
        _ => Err(t.get("act-unknown")),
    };
    let again = |notice: Option<String>, error: Option<String>| {
        render(&state, chrome.clone(), caller.clone(), &id, proof.clone(), notice, error)
    };
    let cmd = match cmd {
        Ok(c) => c,
        Err(msg) => return again(None, Some(msg)).await,
    };
    let Ok(seen) = f.status.parse::<Status>() else {
        return again(None, Some(t.get("act-unknown"))).await;
    };
    let j = report_jurisdiction(&state, &chrome, &id).await?;
    let expected = Expected { status: seen, version: None };
    let code = proof.as_ref().and_then(Proof::follow_up_code);
    match actions::perform(&state, &j, caller.clone(), code, &id, expected, &cmd).await {
        Ok(_) => {
            let done = match cmd {
                Command::Confirm { .. } => t.get("act-confirmed"),
                Command::Reopen { .. } => t.get("act-reopened"),
                _ => t.get("act-answered"),
            };
            again(Some(done), None).await
        }
        // Someone acted first: show the report as it is now, and say so.
        Err(ServiceError::Conflict(_)) => again(None, Some(t.get("act-conflict"))).await,
        Err(e) => {
            count_wrong_code(&state, client, &id, &e);
            Err(chrome.fail(e))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/followed.html")]
struct FollowedPage {
    chrome: Chrome,
    public_id: String,
    message: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct FollowForm {
    #[serde(default)]
    email: String,
}

/// `POST /laporan/{id}/ikuti`: a citizen who found their problem already reported follows that report
/// (its notices come to their email) instead of filing it again; they are counted on it. Only an open
/// report the public may see can be followed, and each attempt counts against the visitor's address
/// like a submission.
pub(super) async fn follow(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    if let Err(retry_after_secs) = state.intake_by_address(client) {
        return Err(chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs }));
    }
    let f: FollowForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let email = f.email.trim();
    if !laksana_core::ids::plausible_email(email) {
        return Err(chrome.fail(ServiceError::Invalid(t.get("submit-email-invalid"))));
    }
    let id = normalise_id(&id);
    let j = report_jurisdiction(&state, &chrome, &id).await?;
    let l = load(&state, &j, Caller::anonymous(), None, &id, |_| Operation::Read).await.map_err(|e| chrome.fail(e))?;
    if !l.item.status.is_open() {
        return Err(chrome.fail(ServiceError::Conflict(t.get("follow-closed"))));
    }
    let new = laksana_store::followers::follow(state.db(), l.item.id, email, t.lang.as_str(), state.clock().now())
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    let args = [("id", id.clone()), ("email", email.to_owned())];
    let message = if new { t.args("follow-done", &args) } else { t.args("follow-again", &args) };
    Ok(FollowedPage { chrome, public_id: id, message }.into_response())
}
