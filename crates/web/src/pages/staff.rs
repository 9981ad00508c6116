//! Staff pages: signing in and out, the start page that leads to each work queue, and the queue
//! itself (open reports by deadline, overdue ones marked in words, counts per status, filters that
//! work without JavaScript, and paging that costs the same on every page).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use laksana_core::access;
use laksana_core::{Status, Timestamp};
use laksana_store::queue::{self, QueueFilter};
use serde::Deserialize;

use super::home::jurisdiction;
use super::i18n::is_local_path;
use super::view::{colour_class, status_text, url_encode};
use super::{Chrome, ClientAddr, PageError, read_form, require_same_origin};
use crate::auth::{COOKIE, cookie_value};
use crate::service::{Caller, ServiceError, caller};
use crate::state::AppState;

/// A signed-in person. A visitor who is not signed in is sent to the sign-in page and back.
pub(super) struct Staff {
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let here = parts.uri.path_and_query().map_or("/staf", |p| p.as_str()).to_owned();
        let chrome = Chrome::from_request_parts(parts, state).await.unwrap_or_else(|e| match e {});
        let to_sign_in = || Redirect::to(&format!("/masuk?kembali={}", url_encode(&here))).into_response();
        match caller::caller(state, &parts.method, &parts.headers).await {
            Ok(c) if c.principal.user_id.is_some() => Ok(Staff { caller: c }),
            Ok(_) => Err(to_sign_in()),
            Err(ServiceError::Unauthenticated(_)) => Err(to_sign_in()),
            Err(e) => Err(chrome.fail(e).into_response()),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    back: String,
    email: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct BackQuery {
    kembali: Option<String>,
}

fn safe_back(back: Option<&str>) -> String {
    back.filter(|b| is_local_path(b)).unwrap_or("").to_owned()
}

/// `GET /masuk`.
pub(super) async fn sign_in_form(chrome: Chrome, Query(q): Query<BackQuery>) -> Response {
    SignInPage { chrome, back: safe_back(q.kembali.as_deref()), email: String::new(), error: None }.into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    kembali: String,
}

/// `POST /masuk`: with the sign-in throttles of the API; back to the page that asked, on success.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(client): ClientAddr,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, req.headers())?;
    // As the API's sign-in: the client's own limit first, on its headers alone, then a bounded body.
    if let Some(retry_after_secs) = crate::auth::sign_in_blocked(&state, client) {
        return Err(chrome.fail(ServiceError::TooManyRequests { detail: String::new(), retry_after_secs }));
    }
    let headers = req.headers().clone();
    let f: SignInForm = read_form(req, &chrome).await?;
    let old = cookie_value(&headers, COOKIE);
    match crate::auth::sign_in(&state, client, f.email.trim(), &f.password, old).await {
        Ok((user, token)) => {
            // Without a page to go back to, staff go to their queues and citizens to their reports.
            let back = match f.kembali.as_str() {
                b if is_local_path(b) => b.to_owned(),
                _ => {
                    let grants = laksana_store::users::grants_of(state.db(), user.id)
                        .await
                        .map_err(|e| chrome.fail(e.into()))?;
                    if grants.is_empty() { "/saya".to_owned() } else { "/staf".to_owned() }
                }
            };
            let mut res = Redirect::to(&back).into_response();
            res.headers_mut().insert(header::SET_COOKIE, crate::auth::new_session_cookie(&state, &token));
            Ok(res)
        }
        Err(ServiceError::Unauthenticated(_)) => {
            let error = Some(chrome.t.get("sign-in-wrong"));
            let page = SignInPage { email: f.email, back: f.kembali, error, chrome };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        // The right password for an account whose address is not confirmed: the link goes out again.
        Err(ServiceError::Forbidden(_)) => {
            if let Some(user) =
                laksana_store::users::find_by_email(state.db(), &f.email).await.map_err(|e| chrome.fail(e.into()))?
            {
                super::account::send_confirmation(&state, &chrome, &user).await?;
            }
            let error = Some(chrome.t.get("sign-in-unconfirmed"));
            let page = SignInPage { email: f.email, back: f.kembali, error, chrome };
            Ok((StatusCode::FORBIDDEN, page).into_response())
        }
        Err(e) => Err(chrome.fail(e)),
    }
}

/// `POST /keluar`.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    chrome: Chrome,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    require_same_origin(&state, &chrome, &headers)?;
    let cookie = crate::auth::sign_out(&state, cookie_value(&headers, COOKIE)).await.map_err(|e| chrome.fail(e))?;
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/staff_home.html")]
struct StaffHome {
    chrome: Chrome,
    queues: Vec<(String, String)>,
}

/// `GET /staf`: the queues this person may work (one each jurisdiction they are staff of).
pub(super) async fn home(State(state): State<AppState>, chrome: Chrome, staff: Staff) -> Response {
    let catalog = state.catalog();
    let queues: Vec<(String, String)> = catalog
        .jurisdictions
        .iter()
        .filter(|j| access::inbox_scope(&staff.caller.principal, j.id(), None).is_ok())
        .map(|j| (j.id().to_owned(), j.jurisdiction.name.clone()))
        .collect();
    if let [(only, _)] = queues.as_slice() {
        return Redirect::to(&format!("/staf/{only}")).into_response();
    }
    // A citizen's account has no queue: its page is their reports.
    if queues.is_empty() && staff.caller.principal.grants.iter().all(|g| g.role == access::Role::Citizen) {
        return Redirect::to("/saya").into_response();
    }
    if queues.is_empty() {
        return chrome.fail(ServiceError::Forbidden(String::new())).into_response();
    }
    StaffHome { chrome, queues }.into_response()
}

/// One line of the queue.
pub(super) struct Row {
    public_id: String,
    service: String,
    status: String,
    colour: &'static str,
    deadline: String,
    days_left: i64,
    agency: String,
    place: String,
    rahasia: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/queue.html")]
struct QueuePage {
    chrome: Chrome,
    id: String,
    name: String,
    rows: Vec<Row>,
    counts: Vec<(String, &'static str, &'static str, i64)>,
    statuses: Vec<(&'static str, String)>,
    services: Vec<(i64, String)>,
    agencies: Vec<(i64, String)>,
    districts: Vec<(i64, String)>,
    q: QueueQuery,
    next: Option<String>,
    whole_jurisdiction: bool,
    /// Whether the person may open the jurisdiction's administration pages.
    may_admin: bool,
    /// Whether the person may read the record of changes.
    may_read_activity: bool,
}

/// The queue's filters, as the filter form sends them (empty means "all").
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct QueueQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    late: String,
    #[serde(default)]
    after: String,
}

impl QueueQuery {
    /// This filter's query string without the cursor, for the next page's link.
    fn without_cursor(&self) -> String {
        serde_urlencoded::to_string([
            ("status", self.status.as_str()),
            ("service", self.service.as_str()),
            ("agency", self.agency.as_str()),
            ("district", self.district.as_str()),
            ("late", self.late.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// Rows per page of the queue.
const PAGE: u32 = 50;

/// `GET /staf/{jurisdiction}`: the work queue of the signed-in person in that jurisdiction.
pub(super) async fn queue(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    let bad = |what: &str| chrome.fail(ServiceError::Invalid(format!("{what} is not valid")));
    let number = |s: &str, what: &str| -> Result<Option<i64>, PageError> {
        if s.trim().is_empty() { Ok(None) } else { s.trim().parse::<i64>().map(Some).map_err(|_| bad(what)) }
    };
    let agency = number(&q.agency, "agency")?;
    let scope = access::inbox_scope(&staff.caller.principal, j.id(), agency)
        .map_err(|_| chrome.fail(ServiceError::Forbidden(String::new())))?;
    let whole_jurisdiction = matches!(scope, access::InboxScope::Jurisdiction { .. });
    let statuses = match q.status.trim() {
        "" => None,
        s => Some(vec![s.parse::<Status>().ok().filter(|s| s.is_open()).ok_or_else(|| bad("status"))?]),
    };
    let after = match q.after.split_once('.') {
        Some((a, b)) => {
            Some((a.parse::<i64>().map_err(|_| bad("after"))?, b.parse::<i64>().map_err(|_| bad("after"))?))
        }
        None if q.after.is_empty() => None,
        None => return Err(bad("after")),
    };
    let now = state.clock().now();
    let filter = QueueFilter {
        jurisdiction_id: j.id().to_owned(),
        statuses,
        service_id: number(&q.service, "service")?,
        agency_ids: scope.agency_ids(),
        district_id: number(&q.district, "district")?,
        overdue_at: (!q.late.is_empty()).then_some(now),
        after,
        limit: PAGE + 1,
    };
    let fail = |e: laksana_store::StoreError| chrome.fail(e.into());
    let mut list = queue::list(state.db(), &filter).await.map_err(fail)?;
    let scope_ids = scope.agency_ids();
    let key = format!("{}|{:?}", j.id(), scope_ids);
    let counts = match state.queue_counts().get(&key) {
        Some(c) => c,
        None => {
            let c = queue::counts(state.db(), j.id(), scope_ids.as_deref()).await.map_err(fail)?;
            state.queue_counts().put(key, c.clone());
            c
        }
    };
    let next = (list.len() > PAGE as usize).then(|| {
        list.truncate(PAGE as usize);
        let last = list.last().expect("a full page has a last row");
        format!("{}&after={}.{}", q.without_cursor(), last.deadline_at.unwrap_or_default(), last.id)
    });
    let t = chrome.t;
    let rows = list
        .iter()
        .map(|r| {
            let deadline = Timestamp::from_micros(r.deadline_at.unwrap_or_default());
            Row {
                public_id: r.public_id.to_string(),
                service: r.service_name.clone(),
                status: status_text(&t, r.status),
                colour: colour_class(r.status),
                deadline: t.date(deadline, j.tz),
                days_left: j.calendar.working_days_left(now, deadline),
                agency: r.agency_name.clone().unwrap_or_default(),
                place: r.district_name.clone().unwrap_or_default(),
                rahasia: r.privacy == laksana_core::Privacy::Rahasia,
            }
        })
        .collect();
    let agencies = j
        .agencies_by_name()
        .into_iter()
        .filter(|(id, _)| whole_jurisdiction || scope.agency_ids().is_some_and(|ids| ids.contains(id)))
        .collect();
    let principal = &staff.caller.principal;
    let may_admin = access::authorize_jurisdiction(principal, access::Admin::Configure, j.id()).is_ok();
    let may_read_activity = access::authorize_jurisdiction(principal, access::Admin::ReadActivity, j.id()).is_ok();
    Ok(QueuePage {
        may_admin,
        may_read_activity,
        id: j.id().to_owned(),
        name: j.jurisdiction.name.clone(),
        rows,
        counts: counts.into_iter().map(|(s, n)| (status_text(&t, s), colour_class(s), s.as_str(), n)).collect(),
        statuses: Status::ALL.iter().filter(|s| s.is_open()).map(|s| (s.as_str(), status_text(&t, *s))).collect(),
        services: j.services.iter().map(|s| (s.id, s.name.clone())).collect(),
        agencies,
        districts: j.district_names.clone(),
        q,
        next,
        whole_jurisdiction,
        chrome,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    id: String,
    name: String,
    rows: Vec<laksana_store::queue::AgencyLoad>,
}

/// `GET /staf/{jurisdiction}/ringkasan`: overdue work per agency, for agency heads (their agencies)
/// and for leaders, operators, the ombudsman and admins (every agency).
pub(super) async fn overview(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let j = jurisdiction(&state, &chrome, &id)?;
    let scope = access::inbox_scope(&staff.caller.principal, j.id(), None)
        .map_err(|_| chrome.fail(ServiceError::Forbidden(String::new())))?;
    let agencies = scope.agency_ids();
    let key = format!("{}|{:?}", j.id(), agencies);
    let rows = match state.agency_loads().get(&key) {
        Some(rows) => rows,
        None => {
            let rows = queue::per_agency(state.db(), j.id(), agencies.as_deref(), state.clock().now())
                .await
                .map_err(|e| chrome.fail(e.into()))?;
            state.agency_loads().put(key, rows.clone());
            rows
        }
    };
    Ok(OverviewPage { id: j.id().to_owned(), name: j.jurisdiction.name.clone(), rows, chrome }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
    done: bool,
}

/// `GET /staf/sandi`: the form to change one's password.
pub(super) async fn password_form(chrome: Chrome, _staff: Staff) -> Response {
    PasswordPage { chrome, error: None, done: false }.into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /staf/sandi`: checks the current password (under the sign-in throttles), sets the new one,
/// ends every other session of the account, and keeps this browser signed in with a fresh session.
pub(super) async fn change_password(
    State(state): State<AppState>,
    chrome: Chrome,
    staff: Staff,
    ClientAddr(client): ClientAddr,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let headers = req.headers().clone();
    let f: PasswordForm = read_form(req, &chrome).await?;
    let t = chrome.t;
    let again = |chrome: Chrome, msg: String| {
        (StatusCode::UNPROCESSABLE_ENTITY, PasswordPage { chrome, error: Some(msg), done: false }).into_response()
    };
    if f.new != f.repeat {
        return Ok(again(chrome, t.get("password-mismatch")));
    }
    if f.new.chars().count() < laksana_store::users::MIN_PASSWORD_CHARS {
        return Ok(again(chrome, t.arg("password-short", "min", laksana_store::users::MIN_PASSWORD_CHARS)));
    }
    let user_id = staff.caller.principal.user_id.expect("the Staff extractor only admits signed-in people");
    let user = laksana_store::users::get(state.db(), user_id)
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .ok_or_else(|| chrome.fail(ServiceError::Unauthenticated(String::new())))?;
    let old = cookie_value(&headers, COOKIE);
    match crate::auth::sign_in(&state, client, &user.email, &f.current, old).await {
        Ok(_) => {}
        Err(ServiceError::Unauthenticated(_)) => return Ok(again(chrome, t.get("password-wrong"))),
        Err(e) => return Err(chrome.fail(e)),
    }
    let actor = format!("user:{user_id}");
    laksana_store::users::set_password(state.db(), &user.email, &f.new, &actor, state.clock().now())
        .await
        .map_err(|e| chrome.fail(e.into()))?;
    // Setting it ended every session, this one too: this browser signs in again with the new one.
    let (_, token) =
        crate::auth::sign_in(&state, client, &user.email, &f.new, None).await.map_err(|e| chrome.fail(e))?;
    let mut res = PasswordPage { chrome, error: None, done: true }.into_response();
    res.headers_mut().insert(header::SET_COOKIE, crate::auth::new_session_cookie(&state, &token));
    Ok(res)
}
