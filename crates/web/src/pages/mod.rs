//! The HTML pages: what a citizen uses from a phone, with no other client. Server-rendered (askama),
//! every action a plain form that works without JavaScript; the script only adds the map and small
//! comforts. Strings come from the Fluent files in `crates/web/locales/`, in the visitor's language.
//!
//! Pages call the same service functions as the APIs (`crate::service`), and render a
//! [`ServiceError`] in one place: [`PageError`].

mod account;
mod admin;
mod admin_calendar;
mod admin_districts;
mod admin_people;
mod admin_quality;
mod assets;
mod charts;
mod dashboard;
mod home;
mod i18n;
mod quality;
mod report;
mod staff;
mod submit;
mod survey;
mod view;
mod work;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::service::ServiceError;
use crate::state::AppState;
pub use i18n::{Lang, Tr};

/// Every page and the static files they use.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/j/{jurisdiction}", get(home::home))
        .route("/j/{jurisdiction}/peta.json", get(home::map_points))
        .route("/dashboard/{jurisdiction}", get(dashboard::show))
        .route("/j/{jurisdiction}/lapor", get(submit::form).post(submit::post))
        .route("/laporan/{public_id}", get(report::show).post(report::act))
        .route("/laporan/{public_id}/ikuti", axum::routing::post(report::follow))
        .route("/lacak", get(report::track_form).post(report::track))
        .route("/r/{public_id}/survey", get(survey::invited_form).post(survey::invited_post))
        .route("/j/{jurisdiction}/layanan", get(quality::list))
        .route("/j/{jurisdiction}/layanan/{code}", get(quality::show))
        .route("/j/{jurisdiction}/survei", get(survey::open_form).post(survey::open_post))
        .route("/bahasa", get(i18n::switch))
        .route("/masuk", get(staff::sign_in_form).post(staff::sign_in))
        .route("/daftar", get(account::sign_up_form).post(account::sign_up))
        .route("/daftar/konfirmasi", get(account::confirm))
        .route("/saya", get(account::mine))
        .route("/sandi/lupa", get(account::forgot_form).post(account::forgot))
        .route("/sandi/baru", get(account::new_password_form).post(account::new_password))
        .route("/keluar", axum::routing::post(staff::sign_out))
        .route("/staf", get(staff::home))
        .route("/staf/sandi", get(staff::password_form).post(staff::change_password))
        .route("/staf/{jurisdiction}", get(staff::queue))
        .route("/staf/{jurisdiction}/ringkasan", get(staff::overview))
        .route("/staf/laporan/{public_id}", get(work::show).post(work::act))
        .route("/staf/laporan/{public_id}/selesai", axum::routing::post(work::resolve))
        .route("/admin", get(admin_calendar::index).post(admin_calendar::create))
        .route("/admin/{jurisdiction}", get(admin::home).post(admin::settings))
        .route("/admin/{jurisdiction}/logo", axum::routing::post(admin::logo))
        .route("/admin/{jurisdiction}/instansi", axum::routing::post(admin::agency_save))
        .route("/admin/{jurisdiction}/instansi/{code}", get(admin::agency_form))
        .route("/admin/{jurisdiction}/layanan", axum::routing::post(admin::service_save))
        .route("/admin/{jurisdiction}/layanan/{code}", get(admin::service_form))
        .route(
            "/admin/{jurisdiction}/layanan/{code}/standar",
            get(admin_quality::standard_form).post(admin_quality::standard_save),
        )
        .route(
            "/admin/{jurisdiction}/instansi/{code}/maklumat",
            get(admin_quality::pledge_form).post(admin_quality::pledge_save),
        )
        .route("/admin/{jurisdiction}/ikm", get(admin_quality::ikm_form).post(admin_quality::ikm_save))
        .route("/admin/{jurisdiction}/kepatuhan", get(admin_quality::compliance_list))
        .route(
            "/admin/{jurisdiction}/kepatuhan/{agency}",
            get(admin_quality::assessment_form).post(admin_quality::assessment_save),
        )
        .route("/admin/{jurisdiction}/wilayah", get(admin_districts::show).post(admin_districts::upload))
        .route("/admin/{jurisdiction}/aktivitas", get(admin_districts::activity))
        .route("/admin/{jurisdiction}/kalender", get(admin_calendar::show))
        .route("/admin/{jurisdiction}/kalender/tenggat", axum::routing::post(admin_calendar::deadlines))
        .route("/admin/{jurisdiction}/kalender/libur", axum::routing::post(admin_calendar::holiday))
        .route("/admin/{jurisdiction}/pengguna", get(admin_people::people).post(admin_people::invite))
        .route("/admin/{jurisdiction}/pengguna/peran", axum::routing::post(admin_people::grant))
        .route("/admin/{jurisdiction}/pengguna/{user}", axum::routing::post(admin_people::account))
        .route("/admin/{jurisdiction}/kunci", get(admin_people::keys).post(admin_people::key_create))
        .route("/admin/{jurisdiction}/webhook", get(admin_people::hooks).post(admin_people::hook))
        .route("/admin/{jurisdiction}/kunci/{key}/cabut", axum::routing::post(admin_people::key_revoke))
        .route("/static/{version}/{*path}", get(assets::serve))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp(state)))
        .layer(tower_http::compression::CompressionLayer::new())
}

/// No inline script or style anywhere; map tiles from the configured tile server only.
fn csp(state: &AppState) -> HeaderValue {
    let tiles = view::origin_of(&state.config().map_tiles_url).unwrap_or_default();
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: {tiles}; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(policy.trim()).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        )
    })
}

/// What every page's frame needs: the language, the way to switch it, the static files.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: Tr,
    /// The path and query of this page, for the language switch to come back to.
    pub here: String,
    /// Tile server and attribution for maps.
    pub tiles_url: String,
    pub tiles_attribution: String,
}

impl Chrome {
    pub fn lang(&self) -> &'static str {
        self.t.lang.as_str()
    }

    /// The link that switches to the other language and back to this page.
    pub fn switch_url(&self) -> String {
        let other = match self.t.lang {
            Lang::Id => "en",
            Lang::En => "id",
        };
        format!("/bahasa?to={other}&back={}", view::url_encode(&self.here))
    }

    /// The other language's name, in that language.
    pub fn switch_label(&self) -> &'static str {
        match self.t.lang {
            Lang::Id => "English",
            Lang::En => "Bahasa Indonesia",
        }
    }

    pub fn switch_lang(&self) -> &'static str {
        match self.t.lang {
            Lang::Id => "en",
            Lang::En => "id",
        }
    }

    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    /// This page's answer to a failure.
    pub fn fail(&self, error: ServiceError) -> PageError {
        PageError { chrome: self.clone(), error }
    }
}

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(chrome(parts.uri.path_and_query().map_or("/", |p| p.as_str()), &parts.headers, state))
    }
}

fn chrome(here: &str, headers: &axum::http::HeaderMap, state: &AppState) -> Chrome {
    let config = state.config();
    Chrome {
        t: Tr::new(i18n::negotiate(headers)),
        here: here.chars().take(2_000).collect(),
        tiles_url: config.map_tiles_url.clone(),
        tiles_attribution: config.map_tiles_attribution.clone(),
    }
}

/// The largest form a page posts without photos (a report's answer or a reason of 5,000 characters,
/// percent-encoded, fits several times over).
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Refuses a form posted from another site's page (see `auth::same_origin`).
fn require_same_origin(state: &AppState, chrome: &Chrome, headers: &axum::http::HeaderMap) -> Result<(), PageError> {
    if crate::auth::same_origin(headers, &state.config().public_url) {
        Ok(())
    } else {
        Err(chrome.fail(ServiceError::Forbidden("cross-site request refused".into())))
    }
}

/// Reads a form-encoded body of at most [`MAX_FORM_BYTES`]. Handlers call it after their origin check
/// and their throttles, so that a refused client's body is never read.
async fn read_form<T: serde::de::DeserializeOwned>(req: Request, chrome: &Chrome) -> Result<T, PageError> {
    let bytes = axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES)
        .await
        .map_err(|_| chrome.fail(ServiceError::Invalid(chrome.t.get("submit-too-large"))))?;
    serde_urlencoded::from_bytes(&bytes).map_err(|e| chrome.fail(ServiceError::Invalid(e.to_string())))
}

/// The jurisdiction of report `id` (public id), for a page about it.
async fn report_jurisdiction(
    state: &AppState,
    chrome: &Chrome,
    id: &str,
) -> Result<crate::state::JurisdictionRef, PageError> {
    let jid = laksana_store::reports::jurisdiction_of(state.db(), id)
        .await
        .map_err(|e| chrome.fail(e.into()))?
        .ok_or_else(|| chrome.fail(ServiceError::NotFound(String::new())))?;
    home::jurisdiction(state, chrome, &jid)
}

/// The visitor's address (the forwarded one behind a trusted proxy), for the limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(state.client_address(&parts.extensions, &parts.headers)))
    }
}

/// A page that could not be shown, rendered as an HTML page in the visitor's language.
#[derive(Debug)]
pub struct PageError {
    chrome: Chrome,
    error: ServiceError,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: String,
    detail: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.chrome.t;
        let (status, title, detail) = match &self.error {
            ServiceError::Invalid(m) | ServiceError::Conflict(m) | ServiceError::KeyReused(m) => {
                (StatusCode::BAD_REQUEST, t.get("error-invalid"), m.clone())
            }
            ServiceError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, t.get("error-sign-in"), String::new()),
            ServiceError::Forbidden(_) => {
                (StatusCode::FORBIDDEN, t.get("error-forbidden"), t.get("error-forbidden-detail"))
            }
            ServiceError::NotFound(_) | ServiceError::WrongFollowUpCode { hidden: true } => {
                (StatusCode::NOT_FOUND, t.get("error-not-found"), t.get("error-not-found-detail"))
            }
            ServiceError::WrongFollowUpCode { hidden: false } => {
                (StatusCode::FORBIDDEN, t.get("error-wrong-code"), t.get("error-wrong-code-detail"))
            }
            ServiceError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, t.get("error-too-many"), t.get("error-too-many-detail"))
            }
            ServiceError::Unavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, t.get("error-busy"), t.get("error-busy-detail"))
            }
            ServiceError::Internal => {
                (StatusCode::INTERNAL_SERVER_ERROR, t.get("error-internal"), t.get("error-internal-detail"))
            }
        };
        let mut res = (status, ErrorPage { chrome: self.chrome, title, detail }).into_response();
        if let ServiceError::TooManyRequests { retry_after_secs, .. } = self.error {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if matches!(self.error, ServiceError::WrongFollowUpCode { .. }) {
            res.extensions_mut().insert(crate::error::WrongFollowUpCode);
        }
        res
    }
}

/// The answer to a path nothing serves: a page, in the visitor's language.
pub(crate) async fn not_found(axum::extract::State(state): axum::extract::State<AppState>, req: Request) -> Response {
    let c = chrome(req.uri().path(), req.headers(), &state);
    c.fail(ServiceError::NotFound(String::new())).into_response()
}
