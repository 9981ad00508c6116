//! The pages' static files (our stylesheet and script, and the vendored htmx and Leaflet), compiled
//! into the binary. They are served under `/static/{version}/…`, where the version is a hash of all
//! of them: a URL never changes meaning, so browsers may keep a file for a year, and a new release is
//! fetched afresh because its URLs differ. Nothing is loaded from another site.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// `(path under static/, bytes)`.
const FILES: &[(&str, &[u8])] = &[
    ("app.css", include_bytes!("../../static/app.css")),
    ("app.js", include_bytes!("../../static/app.js")),
    ("vendor/htmx/htmx.min.js", include_bytes!("../../static/vendor/htmx/htmx.min.js")),
    ("vendor/leaflet/leaflet.js", include_bytes!("../../static/vendor/leaflet/leaflet.js")),
    ("vendor/leaflet/leaflet.css", include_bytes!("../../static/vendor/leaflet/leaflet.css")),
    ("vendor/leaflet/images/layers.png", include_bytes!("../../static/vendor/leaflet/images/layers.png")),
    ("vendor/leaflet/images/layers-2x.png", include_bytes!("../../static/vendor/leaflet/images/layers-2x.png")),
    ("vendor/leaflet/images/marker-icon.png", include_bytes!("../../static/vendor/leaflet/images/marker-icon.png")),
    (
        "vendor/leaflet/images/marker-icon-2x.png",
        include_bytes!("../../static/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    ("vendor/leaflet/images/marker-shadow.png", include_bytes!("../../static/vendor/leaflet/images/marker-shadow.png")),
];

/// The version in every static URL: the first 12 hex digits of a hash over every file.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut h = Sha256::new();
    for (name, bytes) in FILES {
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    hex::encode(h.finalize())[..12].to_owned()
});

/// The URL of static file `path` (as listed in [`FILES`]).
pub fn url(path: &str) -> String {
    debug_assert!(FILES.iter().any(|(n, _)| *n == path), "{path} is not a static file");
    format!("/static/{}/{path}", *VERSION)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// `GET /static/{version}/{*path}`. A file asked for under another version (a page cached from the
/// previous release) is still served, but not for long.
pub(super) async fn serve(Path((version, path)): Path<(String, String)>) -> Response {
    let Some((_, bytes)) = FILES.iter().find(|(n, _)| *n == path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let cache = if version == *VERSION { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path))),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        *bytes,
    )
        .into_response()
}
