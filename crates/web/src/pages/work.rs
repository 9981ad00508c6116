//! The work view of one report for staff: everything the person's role may see of it (the reporter
//! only as the privacy rules allow, internal notes for staff), and a form for each action the role may
//! take in the report's state. An action on a report someone else changed first does not fail: the
//! page says so and shows the report as it now is.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::access::{self, Operation};
use laksana_core::workflow::{Command, Text};
use laksana_core::{Privacy, Status, Timestamp};
use laksana_store::reports;
use serde::Deserialize;

use super::staff::Staff;
use super::view::{Facts, colour_class, status_text};
use super::{Chrome, PageError, read_form, report_jurisdiction};
use crate::service::actions::{self, Comment, Expected};
use crate::service::reports::{Loaded, events, load, project_reporter, scope};
use crate::service::{ServiceError, caller::Caller};
use crate::state::AppState;

/// One line of the full timeline.
pub(super) struct Line {
    when: String,
    status: Option<String>,
    colour: &'static str,
    note: Option<String>,
    public: bool,
    actor: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/work.html")]
struct WorkPage {
    chrome: Chrome,
    jurisdiction_id: String,
    facts: Facts,
    coordinates: Option<(f64, f64)>,
    version: i64,
    privacy: String,
    reporter: Option<crate::service::reports::ReporterView>,
    timeline: Vec<Line>,
    photos: Vec<String>,
    /// The actions the person may take now, by their `action` name.
    actions: Vec<&'static str>,
    agencies: Vec<(i64, String)>,
    may_reply: bool,
    may_note: bool,
    /// The stricter privacy levels the person may raise the report to.
    raise_to: Vec<&'static str>,
    /// Whether the person may set or move the report's pin.
    may_locate: bool,
    /// Where the pin map opens without a pin (`lat,lon`).
    center: String,
    /// Open reports of the same service near this one: likely originals when marking a duplicate.
    originals: Vec<Original>,
    notice: Option<String>,
    error: Option<String>,
}

impl WorkPage {
    /// Whether the page offers `action` (templates pass their arguments by reference).
    fn can<S: AsRef<str> + ?Sized>(&self, action: &S) -> bool {
        self.actions.contains(&action.as_ref())
    }
}

/// A report this one may duplicate.
pub(super) struct Original {
    public_id: String,
    status: String,
    colour: &'static str,
    when: String,
    metres: i64,
}

/// How far and how far back the work view looks for the original of a duplicate.
const ORIGINAL_METRES: f64 = 500.0;
const ORIGINAL_DAYS: i64 = 90;

/// Every action staff take from this page, with a sample command to ask the rules about it.
const ACTIONS: &[&str] = &[
    "verify",
    "request_info",
    "provide_info",
    "dispose",
    "hand_back",
    "plan",
    "resolve",
    "forward_not_authority",
    "archive",
    "mark_duplicate",
];

fn action_of(name: &str) -> Option<laksana_core::status::Action> {
    use laksana_core::ArchiveReason;
    use laksana_core::status::Action as A;
    Some(match name {
        "verify" => A::Verify,
        "request_info" => A::RequestInfo,
        "provide_info" => A::InfoGiven,
        "dispose" => A::Dispose,
        "hand_back" => A::HandBack,
        "plan" => A::Plan,
        "resolve" => A::Resolve,
        "forward_not_authority" => A::ForwardNotAuthority,
        "archive" => A::Archive(ArchiveReason::Spam),
        "mark_duplicate" => A::Archive(ArchiveReason::Duplicate),
        _ => return None,
    })
}

/// The actions `l`'s caller may take in its current state.
fn allowed(l: &Loaded) -> Vec<&'static str> {
    let standing = access::standing(&l.caller.principal, &scope(&l.item));
    ACTIONS
        .iter()
        .copied()
        .filter(|name| {
            action_of(name).is_some_and(|a| access::may_transition(standing, a) && l.item.status.apply(a).is_ok())
        })
        .collect()
}

async fn render(
    state: &AppState,
    chrome: Chrome,
    caller: Caller,
    id: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let not_found = || chrome.fail(ServiceError::NotFound(String::new()));
    let j = report_jurisdiction(state, &chrome, id).await?;
    let l = load(state, &j, caller, None, id, |_| Operation::Read).await.map_err(|e| chrome.fail(e))?;
    // Staff pages are for those who work reports, not for anyone who may read one.
    if !l.view.internal {
        return Err(chrome.fail(ServiceError::Forbidden(String::new())));
    }
    let report =
        reports::get(state.db(), j.id(), id).await.map_err(|e| chrome.fail(e.into()))?.ok_or_else(not_found)?;
    let t = chrome.t;
    let timeline = events(state, &l)
        .await
        .map_err(|e| chrome.fail(e))?
        .into_iter()
        .map(|e| {
            let status = e.status.as_deref().and_then(|s| s.parse::<Status>().ok());
            Line {
                when: t.datetime(Timestamp::from_micros(e.created_at), j.tz),
                status: status.map(|s| status_text(&t, s)),
                colour: status.map_or("none", colour_class),
                note: e.note.filter(|n| !n.is_empty()),
                public: e.is_public,
                actor: access::shown_actor(l.view, &e.actor).to_owned(),
            }
        })
        .collect();
    let photos = reports::media_of(state.db(), &[report.id])
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    let now = state.clock().now();
    let actions = allowed(&l);
    let mut originals = Vec::new();
    if actions.contains(&"mark_duplicate")
        && let (Some(lat), Some(lon)) = (l.item.lat, l.item.lon)
    {
        let q = laksana_store::public::Near {
            jurisdiction_id: j.id(),
            service_id: l.item.service_id,
            lat,
            lon,
            metres: ORIGINAL_METRES,
            since: Timestamp::from_micros(now.as_micros() - ORIGINAL_DAYS * 86_400_000_000),
        };
        let near = laksana_store::public::nearby(state.db(), &q, 6).await.map_err(|e| chrome.fail(e.into()))?;
        originals = near
            .into_iter()
            .filter(|p| p.public_id != l.item.public_id && p.requested_at <= report.requested_at)
            .take(5)
            .map(|p| Original {
                public_id: p.public_id.to_string(),
                status: status_text(&t, p.status),
                colour: colour_class(p.status),
                when: t.date(Timestamp::from_micros(p.requested_at), j.tz),
                metres: laksana_store::public::distance_m(lat, lon, p.lat, p.lon).round() as i64,
            })
            .collect();
    }
    let principal = &l.caller.principal;
    let agencies = j.active_agencies_by_name();
    Ok(WorkPage {
        jurisdiction_id: j.id().to_owned(),
        facts: Facts::new(&t, &report, &j, now),
        coordinates: report.lat.zip(report.lon),
        version: l.item.version,
        privacy: t.get(&format!("privacy-{}", report.privacy.as_str())),
        reporter: project_reporter(l.view, &l.item),
        timeline,
        photos,
        may_reply: access::may_reply_publicly(principal, &scope(&l.item)),
        originals,
        raise_to: if access::authorize(principal, Operation::RaisePrivacy, &scope(&l.item)).is_ok() {
            [Privacy::Anonim, Privacy::Rahasia]
                .into_iter()
                .filter(|p| *p > l.item.privacy)
                .map(Privacy::as_str)
                .collect()
        } else {
            Vec::new()
        },
        may_note: access::comment_kind(principal, &scope(&l.item), false).is_ok(),
        center: super::view::map_center(&j),
        may_locate: l.item.status.is_open() && access::authorize(principal, Operation::Locate, &scope(&l.item)).is_ok(),
        actions,
        agencies,
        notice,
        error,
        chrome,
    }
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    selesai: Option<String>,
}

/// `GET /staf/laporan/{id}`.
pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let notice = q.selesai.filter(|s| !s.is_empty()).map(|_| chrome.t.get("work-done"));
    render(&state, chrome, staff.caller, &id, notice, None).await
}

/// The action form: every field an action may take; the ones it does not are empty.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    agency_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    of: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
}

/// The command an action form asks for, in the shape the API takes it (so both parse alike).
fn command_of(f: &ActForm) -> Result<Command, String> {
    let text = f.text.trim();
    let mut v = serde_json::json!({ "action": f.action });
    let text_field = match f.action.as_str() {
        "verify" | "dispose" | "archive" => Some("note"),
        "request_info" => Some("question"),
        "provide_info" => Some("answer"),
        "hand_back" => Some("reason"),
        "plan" => Some("plan"),
        "resolve" => Some("evidence"),
        "forward_not_authority" => Some("to"),
        _ => None,
    };
    if let Some(field) = text_field.filter(|_| !text.is_empty()) {
        v[field] = text.into();
    }
    if !f.agency_id.trim().is_empty() {
        v["agency_id"] = f.agency_id.trim().parse::<i64>().map_err(|_| "agency_id".to_owned())?.into();
    }
    if f.action == "archive" {
        v["reason"] = f.reason.trim().into();
    }
    if f.action == "mark_duplicate" {
        v["of"] = f.of.trim().to_ascii_uppercase().into();
    }
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// `POST /staf/laporan/{id}`: an action, a public reply or an internal note. Done: back to the page
/// (so a reload does not repeat it). Someone else first: the page as the report now is, saying so.
pub(super) async fn act(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    // The Staff extractor has authenticated the person and checked the form's origin.
    let f: ActForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let j = report_jurisdiction(&state, &chrome, &id).await?;
    let version = f.version.trim().parse::<i64>().ok();
    let result = match f.action.as_str() {
        "raise_privacy" => match Privacy::parse(f.reason.trim()) {
            Some(to) => actions::raise_privacy(&state, &j, staff.caller.clone(), &id, to).await,
            None => Err(ServiceError::Invalid(t.get("act-unknown"))),
        },
        "locate" => match laksana_core::Coordinates::parse(f.lat.trim(), f.lon.trim()) {
            Ok(at) => actions::locate(&state, &j, staff.caller.clone(), &id, at, version).await,
            Err(_) => Err(ServiceError::Invalid(t.get("work-pin-invalid"))),
        },
        "reply" | "note" => match Text::parse(&f.text) {
            Ok(text) => {
                let c = Comment { text: &text, public: f.action == "reply", expected_version: version };
                actions::comment(&state, &j, staff.caller.clone(), None, &id, c).await
            }
            Err(_) => Err(ServiceError::Invalid(t.get("act-text-needed"))),
        },
        _ => match (command_of(&f), f.status.parse::<Status>()) {
            (Ok(cmd), Ok(seen)) => {
                let expected = Expected { status: seen, version };
                actions::perform(&state, &j, staff.caller.clone(), None, &id, expected, &cmd).await
            }
            (Err(e), _) => Err(ServiceError::Invalid(format!("{} ({e})", t.get("work-input-needed")))),
            (_, Err(_)) => Err(ServiceError::Invalid(t.get("act-unknown"))),
        },
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/staf/laporan/{}?selesai=1", done.id)).into_response()),
        Err(ServiceError::Conflict(_)) => {
            let page = render(&state, chrome, staff.caller, &id, None, Some(t.get("work-conflict"))).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(ServiceError::Invalid(msg)) => {
            let page = render(&state, chrome, staff.caller, &id, None, Some(msg)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(chrome.fail(e)),
    }
}

/// `POST /staf/laporan/{id}/selesai` (multipart): resolving with written evidence and, optionally, an
/// "after" photo, stored like every photo (decoded, stripped, re-encoded) and listed with the report,
/// so it is served under the report's privacy.
pub(super) async fn resolve(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    use axum::extract::FromRequest;
    let t = chrome.t;
    let _slot = crate::media::UPLOADS.try_acquire().map_err(|_| chrome.fail(ServiceError::Unavailable))?;
    let mut mp = axum::extract::Multipart::from_request(req, &state)
        .await
        .map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
    let (mut fields, mut upload) = (std::collections::HashMap::new(), None);
    let media_dir = state.config().media_dir.clone();
    while let Some(mut field) = mp.next_field().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            if field.file_name().is_none_or(str::is_empty) || upload.is_some() {
                continue;
            }
            let mut u = crate::media::Upload::create(&media_dir).await.map_err(|e| {
                tracing::error!(error = %e, "could not start an upload");
                chrome.fail(ServiceError::Internal)
            })?;
            while let Some(chunk) =
                field.chunk().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?
            {
                u.write(&chunk).await.map_err(|_| chrome.fail(ServiceError::Internal))?;
            }
            if !u.is_empty() {
                upload = Some(u);
            }
        } else if fields.len() < 20 {
            let text = field.text().await.map_err(|e| chrome.fail(ServiceError::Invalid(e.body_text())))?;
            fields.insert(name, text);
        }
    }
    let get = |k: &str| fields.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let Ok(evidence) = Text::parse(&get("text")) else {
        let page = render(&state, chrome, staff.caller, &id, None, Some(t.get("work-evidence-needed"))).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let Ok(seen) = get("status").parse::<Status>() else {
        return Err(chrome.fail(ServiceError::Invalid(t.get("act-unknown"))));
    };
    let photo_url = match upload {
        None => None,
        Some(u) => match crate::media::store_image(&media_dir, u).await {
            Ok(name) => Some(format!("/media/{name}")),
            Err(crate::media::MediaError::Busy) => return Err(chrome.fail(ServiceError::Unavailable)),
            Err(_) => {
                let page =
                    render(&state, chrome, staff.caller, &id, None, Some(t.get("submit-photo-unreadable"))).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        },
    };
    let j = report_jurisdiction(&state, &chrome, &id).await?;
    let expected = Expected { status: seen, version: get("version").parse().ok() };
    let cmd = Command::Resolve { evidence, photo_url: photo_url.clone() };
    match actions::perform(&state, &j, staff.caller.clone(), None, &id, expected, &cmd).await {
        Ok(done) => Ok(Redirect::to(&format!("/staf/laporan/{}?selesai=1", done.id)).into_response()),
        Err(e) => {
            // The photo belongs to no report: it goes.
            if let Some(url) = &photo_url {
                crate::media::remove(&media_dir, &[url.trim_start_matches("/media/").to_owned()]);
            }
            match e {
                ServiceError::Conflict(_) => {
                    let page = render(&state, chrome, staff.caller, &id, None, Some(t.get("work-conflict"))).await?;
                    Ok((StatusCode::CONFLICT, page).into_response())
                }
                e => Err(chrome.fail(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_forms_become_the_apis_commands() {
        let f = |action: &str, text: &str| ActForm { action: action.into(), text: text.into(), ..ActForm::default() };
        assert!(matches!(command_of(&f("plan", "Ganti lampu")), Ok(Command::Plan { .. })));
        assert!(command_of(&f("plan", "")).is_err(), "a plan needs its text");
        assert!(matches!(command_of(&f("verify", "")), Ok(Command::Verify { agency_id: None, note: None })));
        let dispose = ActForm { agency_id: "7".into(), ..f("dispose", "") };
        assert!(matches!(command_of(&dispose), Ok(Command::Dispose { agency_id: 7, .. })));
        let archive = ActForm { reason: "spam".into(), ..f("archive", "") };
        assert!(matches!(command_of(&archive), Ok(Command::Archive { .. })));
        let dup = ActForm { of: "k7qm-3xr9".into(), ..f("mark_duplicate", "") };
        assert!(matches!(command_of(&dup), Ok(Command::MarkDuplicate { .. })), "{:?}", command_of(&dup));
        let bad = ActForm { of: "bukan id".into(), ..f("mark_duplicate", "") };
        assert!(command_of(&bad).is_err());
        assert!(command_of(&f("explode", "")).is_err());
    }
}
